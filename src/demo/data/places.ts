/**
 * Cities where the demo brand's customers live, with the pieces a Chinese postal address is made
 * of. Weights are rough shares of a beauty brand's customers (tier-1 and new tier-1 cities first).
 * Row format: `province|city|code|area code|postcode|weight|districts|streets`.
 */
const CITY_TABLE = `
上海市|上海市|SH|021|200000|120|浦东新区,徐汇区,静安区,黄浦区,长宁区,闵行区,杨浦区,普陀区|世纪大道,淮海中路,南京西路,漕溪北路,虹桥路,张杨路,四川北路,延安西路
北京市|北京市|BJ|010|100000|110|朝阳区,海淀区,东城区,西城区,丰台区,通州区,昌平区|建国路,中关村大街,东三环中路,西单北大街,望京街,学院路,广渠路
广东省|广州市|GZ|020|510000|70|天河区,越秀区,海珠区,番禺区,白云区,荔湾区|天河路,体育西路,中山五路,江南大道中,番禺大道北,花城大道
广东省|深圳市|SZ|0755|518000|75|南山区,福田区,罗湖区,宝安区,龙岗区,龙华区|深南大道,科技园南路,华强北路,宝安大道,布吉路,民治大道
浙江省|杭州市|HZ|0571|310000|60|西湖区,上城区,拱墅区,滨江区,余杭区,萧山区|文三路,天目山路,教工路,江南大道,文一西路,延安路
四川省|成都市|CD|028|610000|55|锦江区,武侯区,青羊区,高新区,成华区,金牛区|春熙路,天府大道,人民南路,科华北路,蜀都大道,建设路
重庆市|重庆市|CQ|023|400000|40|渝中区,江北区,南岸区,九龙坡区,沙坪坝区,渝北区|解放碑步行街,观音桥步行街,南坪正街,杨家坪正街,三峡广场
湖北省|武汉市|WH|027|430000|38|江汉区,武昌区,洪山区,江岸区,汉阳区|解放大道,中南路,珞喻路,江汉路,武珞路
江苏省|南京市|NJ|025|210000|36|玄武区,鼓楼区,秦淮区,建邺区,江宁区|中山路,新街口,汉中路,江东中路,双龙大道
江苏省|苏州市|SUZ|0512|215000|34|姑苏区,工业园区,吴中区,相城区,虎丘区|人民路,现代大道,东环路,观前街,金鸡湖大道
陕西省|西安市|XA|029|710000|28|雁塔区,碑林区,未央区,莲湖区,长安区|小寨东路,长安北路,科技路,未央路,南大街
天津市|天津市|TJ|022|300000|26|和平区,南开区,河西区,河东区,滨海新区|南京路,卫津路,友谊路,大沽南路,黄河道
湖南省|长沙市|CS|0731|410000|26|岳麓区,芙蓉区,天心区,开福区,雨花区|五一大道,芙蓉中路,黄兴南路,麓山南路,韶山北路
河南省|郑州市|ZZ|0371|450000|24|金水区,中原区,二七区,郑东新区,管城区|花园路,中原路,农业路,商务外环路,紫荆山路
山东省|青岛市|QD|0532|266000|20|市南区,市北区,崂山区,黄岛区,李沧区|香港中路,山东路,辽阳西路,东海西路,台东三路
浙江省|宁波市|NB|0574|315000|18|海曙区,鄞州区,江北区,镇海区|中山西路,天童南路,钱湖北路,人民路
福建省|厦门市|XM|0592|361000|18|思明区,湖里区,集美区,海沧区|湖滨南路,厦禾路,中山路,嘉禾路
福建省|福州市|FZ|0591|350000|14|鼓楼区,台江区,仓山区,晋安区|五四路,八一七北路,工业路,福新中路
安徽省|合肥市|HF|0551|230000|16|蜀山区,包河区,庐阳区,瑶海区|长江西路,马鞍山路,宿州路,胜利路
山东省|济南市|JN|0531|250000|14|历下区,市中区,槐荫区,天桥区|泉城路,经十路,二环东路,经四路
辽宁省|沈阳市|SY|024|110000|12|和平区,沈河区,皇姑区,铁西区|中华路,青年大街,北陵大街,兴华街
辽宁省|大连市|DL|0411|116000|10|中山区,西岗区,沙河口区,甘井子区|人民路,五四路,西安路,中山路
云南省|昆明市|KM|0871|650000|12|五华区,盘龙区,官渡区,西山区|东风西路,北京路,关上中路,滇池路
广东省|东莞市|DG|0769|523000|12|南城街道,东城街道,莞城街道,松山湖|鸿福路,东纵大道,运河东路,新城大道
广东省|佛山市|FS|0757|528000|12|禅城区,南海区,顺德区|季华路,桂澜北路,大良新桂路
江苏省|无锡市|WX|0510|214000|10|梁溪区,滨湖区,新吴区|中山路,太湖大道,长江路
黑龙江省|哈尔滨市|HRB|0451|150000|9|南岗区,道里区,香坊区|中央大街,西大直街,红旗大街
广西壮族自治区|南宁市|NN|0771|530000|8|青秀区,兴宁区,西乡塘区|民族大道,朝阳路,大学东路
贵州省|贵阳市|GY|0851|550000|7|云岩区,南明区,观山湖区|中华北路,遵义路,林城西路
河北省|石家庄市|SJZ|0311|050000|7|长安区,桥西区,裕华区|中山东路,裕华路,建设南大街
江西省|南昌市|NC|0791|330000|7|东湖区,西湖区,红谷滩区|八一大道,叠山路,红谷中大道
山西省|太原市|TY|0351|030000|6|小店区,迎泽区,杏花岭区|迎泽大街,长风街,府西街
浙江省|温州市|WZ|0577|325000|7|鹿城区,瓯海区,龙湾区|人民路,车站大道,温州大道
广东省|珠海市|ZH|0756|519000|5|香洲区,金湾区|情侣中路,凤凰北路
海南省|海口市|HK|0898|570000|4|龙华区,美兰区|国贸路,海秀东路
新疆维吾尔自治区|乌鲁木齐市|WLMQ|0991|830000|3|天山区,沙依巴克区|解放北路,友好南路
甘肃省|兰州市|LZ|0931|730000|3|城关区,七里河区|东岗西路,西津西路
`;

export interface City {
  /** Full province name as an address form has it, e.g. 浙江省, 上海市. */
  readonly province: string;
  /** Full city name, e.g. 杭州市. */
  readonly city: string;
  /** Short code used in store codes, e.g. HZ. */
  readonly code: string;
  readonly areaCode: string;
  readonly postcode: string;
  readonly districts: readonly string[];
  readonly streets: readonly string[];
}

function parseCities(table: string): { cities: City[]; weights: number[] } {
  const cities: City[] = [];
  const weights: number[] = [];
  for (const line of table.split('\n')) {
    if (line.trim() === '') continue;
    const [province = '', city = '', code = '', areaCode = '', postcode = '', weight = '1', d = '', s = ''] =
      line.split('|');
    cities.push({ province, city, code, areaCode, postcode, districts: d.split(','), streets: s.split(',') });
    weights.push(Number(weight));
  }
  return { cities, weights };
}

const parsed = parseCities(CITY_TABLE);
export const CITIES: readonly City[] = parsed.cities;
export const CITY_WEIGHTS: readonly number[] = parsed.weights;

/** Short province name as exports often drop the suffix: 浙江省 → 浙江, 广西壮族自治区 → 广西. */
export function shortProvince(province: string): string {
  return province.replace(/(壮族自治区|维吾尔自治区|回族自治区|自治区|省|市)$/u, '');
}

/** Short city name: 杭州市 → 杭州. */
export function shortCity(city: string): string {
  return city.replace(/市$/u, '');
}

export const COMPOUND_PREFIXES: readonly string[] =
  `阳光 金色 万科 绿城 碧桂园 保利 华润 世纪 翠苑 锦绣 龙湖 融创 中海
招商 星河 东方 滨江 紫荆 香樟 梧桐 时代`
    .split(/\s+/)
    .filter((s) => s.length > 0);

export const COMPOUND_SUFFIXES: readonly string[] = [
  '花园',
  '公寓',
  '小区',
  '家园',
  '苑',
  '新城',
  '府',
  '国际',
];

/**
 * Mobile number prefixes (China Mobile, Unicom, Telecom), all valid for libphonenumber's CN
 * metadata (149 is not, so a person's own phone never fails governance by accident).
 */
export const MOBILE_PREFIXES: readonly string[] =
  `134 135 136 137 138 139 147 150 151 152 157 158 159 178 182 183 184 187 188
198 130 131 132 155 156 166 175 176 185 186 133 193 153 173 177 180 181 189 191 199`
    .split(/\s+/)
    .filter((s) => s.length > 0);

/** First octets of public IPv4 ranges announced in mainland China. */
export const IP_FIRST_OCTETS: readonly number[] = [
  36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 119, 120, 121, 122, 123, 124,
  125, 171, 175, 180, 182, 183, 202, 210, 211, 218, 219, 220, 221, 222, 223,
];
