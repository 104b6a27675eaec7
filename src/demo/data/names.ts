/**
 * Name material for the demo brand's customers: common Chinese surnames (roughly in frequency
 * order, weights from the 2020 census ranking), given-name characters with their pinyin (for
 * e-mail addresses), English given names as Chinese customers use them, and homophone groups
 * used for realistic misspellings (a clerk types 李静 as 李婧).
 */

/** `surname:pinyin:weight` — weight is relative frequency (per mille, rounded). */
const SURNAME_TABLE = `王:wang:72 李:li:71 张:zhang:68 刘:liu:54 陈:chen:45 杨:yang:31 黄:huang:23 赵:zhao:20
吴:wu:19 周:zhou:18 徐:xu:13 孙:sun:12 马:ma:12 朱:zhu:11 胡:hu:10 郭:guo:10 何:he:9 林:lin:9
高:gao:9 罗:luo:8 郑:zheng:8 梁:liang:7 谢:xie:6 宋:song:5 唐:tang:5 许:xu:5 韩:han:5 冯:feng:4
邓:deng:4 曹:cao:4 彭:peng:4 曾:zeng:4 肖:xiao:4 田:tian:4 董:dong:4 潘:pan:3 袁:yuan:3 蔡:cai:3
蒋:jiang:3 余:yu:3 于:yu:3 杜:du:3 叶:ye:3 程:cheng:3 魏:wei:3 苏:su:3 吕:lv:3 丁:ding:3
任:ren:3 卢:lu:3 姚:yao:2 沈:shen:2 钟:zhong:2 姜:jiang:2 崔:cui:2 谭:tan:2 陆:lu:2 范:fan:2
汪:wang:2 廖:liao:2 石:shi:2 金:jin:2 韦:wei:2 贾:jia:2 夏:xia:2 付:fu:2 方:fang:2 邹:zou:2
熊:xiong:2 白:bai:2 孟:meng:2 秦:qin:2 邱:qiu:2 侯:hou:2 江:jiang:2 尹:yin:2 薛:xue:2 段:duan:1
雷:lei:1 黎:li:1 史:shi:1 龙:long:1 陶:tao:1 贺:he:1 顾:gu:1 毛:mao:1 郝:hao:1 龚:gong:1
邵:shao:1 万:wan:1 钱:qian:1 严:yan:1 武:wu:1 戴:dai:1 莫:mo:1 孔:kong:1 汤:tang:1 欧阳:ouyang:1
司马:sima:1 上官:shangguan:1`;

const FEMALE_GIVEN = `静:jing 丽:li 敏:min 燕:yan 娟:juan 艳:yan 娜:na 霞:xia 玲:ling 芳:fang 婷:ting 雪:xue
慧:hui 琳:lin 颖:ying 倩:qian 欣:xin 怡:yi 佳:jia 梅:mei 晶:jing 莉:li 丹:dan 璐:lu 瑶:yao 萱:xuan
涵:han 琪:qi 悦:yue 雯:wen 妍:yan 诗:shi 梦:meng 思:si 雨:yu 晓:xiao 露:lu 蕾:lei 洁:jie 薇:wei
嘉:jia 宁:ning 彤:tong 馨:xin 月:yue 桐:tong 可:ke 心:xin 楠:nan 若:ruo 曦:xi 菲:fei 蓉:rong 英:ying`;

const MALE_GIVEN = `伟:wei 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 杰:jie 涛:tao 明:ming 超:chao 鹏:peng 浩:hao
宇:yu 俊:jun 辉:hui 斌:bin 刚:gang 鑫:xin 凯:kai 博:bo 文:wen 峰:feng 健:jian 帅:shuai 林:lin
晨:chen 阳:yang 龙:long 飞:fei 子:zi 轩:xuan 睿:rui 哲:zhe 然:ran 毅:yi 航:hang 志:zhi 建:jian`;

export interface NamePart {
  readonly text: string;
  readonly pinyin: string;
}

function parseParts(table: string): NamePart[] {
  return table
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map((entry) => {
      const [text = '', pinyin = ''] = entry.split(':');
      return { text, pinyin };
    });
}

export const SURNAMES: readonly NamePart[] = parseParts(SURNAME_TABLE);
export const SURNAME_WEIGHTS: readonly number[] = SURNAME_TABLE.split(/\s+/)
  .filter((s) => s.length > 0)
  .map((entry) => Number(entry.split(':')[2] ?? '1'));
export const FEMALE_GIVEN_CHARS: readonly NamePart[] = parseParts(FEMALE_GIVEN);
export const MALE_GIVEN_CHARS: readonly NamePart[] = parseParts(MALE_GIVEN);

export const ENGLISH_FEMALE: readonly string[] = `Vivian Grace Cindy Amy Emily Sophie Chloe Olivia Jessica
Linda Irene Tiffany Vicky Coco Sherry Cherry Judy Wendy Angela Fiona Jennifer Rachel Eva Iris Hannah Claire
Zoe Lily Nina Sandy Yvonne Catherine Joanna Kelly Stella Bella Crystal Elaine Helen Maggie`
  .split(/\s+/)
  .filter((s) => s.length > 0);

export const ENGLISH_MALE: readonly string[] =
  `David Kevin Jason Tony Eric Jack Leo Michael Daniel Alex Ryan Peter
Sam Andy Frank Henry Vincent Steven Allen Louis Simon Ben`
    .split(/\s+/)
    .filter((s) => s.length > 0);

/** Surnames of expatriate customers (the rest of the English-named use pinyin surnames). */
export const WESTERN_SURNAMES: readonly string[] =
  `Smith Johnson Brown Taylor Wilson Martin Miller Davis Clark
Lewis Walker Hall Young King Wright Green Baker Adams Nelson Carter Müller Schmidt Dubois Moreau Rossi Tanaka Kim Park`
    .split(/\s+/)
    .filter((s) => s.length > 0);

/** Characters that sound alike; a typist may put one for another. */
export const HOMOPHONE_GROUPS: readonly string[] = [
  '伟玮炜苇',
  '静婧晶菁',
  '丽莉俐立',
  '娜纳那',
  '芳方舫',
  '敏旻闵',
  '燕艳雁',
  '琳林霖淋',
  '婷亭庭',
  '慧惠蕙',
  '洁杰婕',
  '玲铃苓灵',
  '欣馨昕新',
  '怡仪宜',
  '佳嘉家',
  '梅玫媚',
  '颖莹盈',
  '倩茜',
  '雯文汶',
  '璐露路',
  '瑶遥谣',
  '萱宣轩',
  '涵含晗',
  '琪琦棋祺',
  '妍研岩',
  '思丝斯',
  '雨宇语',
  '晓小筱',
  '薇微',
  '彤桐童',
  '鹏朋',
  '浩昊皓',
  '俊峻骏',
  '辉晖徽',
  '斌彬滨',
  '鑫新欣',
  '凯恺锴',
  '峰锋丰',
  '健建剑',
  '阳扬杨',
  '睿瑞锐',
  '张章',
  '陈程',
  '刘柳',
  '黄王',
  '徐许',
  '吴伍',
  '周邹',
  '林凌',
];

/** Words for Taobao member nicks (买家会员名) such as `小鱼爱吃糖88`. */
export const NICK_WORDS: readonly string[] =
  `小鱼 糖糖 晴天 喵喵 奶茶 樱桃 果冻 柠檬 兔兔 星星 月亮 向日葵 小熊 蜜桃
橘子 芒果 布丁 饭团 云朵 海盐 可乐 雪糕 草莓 薄荷`
    .split(/\s+/)
    .filter((s) => s.length > 0);

export const NICK_SUFFIXES: readonly string[] = [
  '爱吃糖',
  '不吃辣',
  '的日常',
  '酱',
  '宝宝',
  '_',
  '小仙女',
  '在路上',
];
