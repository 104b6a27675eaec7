/**
 * The demo brand's catalogue: 青妍 (Qingyan), a fictional Chinese beauty brand. Prices in CNY.
 * Row format: `category|name|size|price|selling points for the Tmall title`.
 */

export const BRAND = '青妍';
export const BRAND_EN = 'Qingyan';
export const SHOP_NAME = '青妍官方旗舰店';
/** The flagship store's Tmall shop id as the seller report prints it. */
export const SHOP_ID = '178523641';

export const CATEGORIES = ['skincare', 'makeup', 'fragrance', 'haircare', 'bodycare', 'tools'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES_ZH: Record<Category, string> = {
  skincare: '护肤',
  makeup: '彩妆',
  fragrance: '香氛',
  haircare: '洗护发',
  bodycare: '身体护理',
  tools: '美妆工具',
};

const CATALOGUE_TABLE = `
skincare|玻尿酸保湿精华|30ml|299|补水保湿 修护肌肤
skincare|烟酰胺亮肤精华|30ml|329|提亮肤色 淡化痘印
skincare|视黄醇抗皱晚霜|50g|459|紧致抗皱 夜间修护
skincare|氨基酸洁面乳|120g|89|温和清洁 敏感肌可用
skincare|积雪草舒缓爽肤水|200ml|159|舒缓修护 补水控油
skincare|神经酰胺修护面霜|50g|369|屏障修护 长效保湿
skincare|多肽眼霜|15g|399|淡化细纹 改善眼袋
skincare|清透防晒乳SPF50+|50ml|169|轻薄不油腻 高倍防护
skincare|熬夜急救面膜|5片装|129|补水提亮 急救修护
skincare|VC焕亮精华液|30ml|349|抗氧化 焕亮肤色
makeup|丝绒雾面口红|3.5g|189|显白不拔干 持久显色
makeup|水光唇釉|4ml|159|镜面水光 滋润不粘
makeup|轻薄持妆粉底液|30ml|329|遮瑕持久 不卡粉
makeup|气垫BB霜|15g|259|自然裸妆 轻薄服帖
makeup|四色眼影盘|6g|229|大地色系 日常百搭
makeup|极细防水眼线笔|0.5g|99|防水防汗 不晕染
makeup|纤长卷翘睫毛膏|8g|139|纤长浓密 持久卷翘
makeup|柔焦定妆散粉|8g|199|控油定妆 柔焦毛孔
makeup|奶油腮红|5g|149|自然红润 易推开
fragrance|白茶淡香水|50ml|599|清新淡雅 持久留香
fragrance|玫瑰浓香水|50ml|699|浪漫花香 女士香水
fragrance|木质香氛蜡烛|200g|259|居家香薰 助眠放松
fragrance|桂花淡香水|30ml|399|东方花香 温柔木质
fragrance|香氛身体喷雾|100ml|169|轻盈香氛 随身补香
haircare|氨基酸无硅油洗发水|500ml|99|控油蓬松 温和清洁
haircare|修护护发素|500ml|99|柔顺修护 改善毛躁
haircare|免洗护发精油|100ml|139|防毛躁 光泽顺滑
haircare|头皮控油精华|60ml|189|舒缓头皮 控油防脱
haircare|深层修护发膜|250g|119|修护受损 柔顺亮泽
bodycare|烟酰胺美白身体乳|250ml|129|提亮肤色 滋润保湿
bodycare|香氛沐浴露|500ml|89|持久留香 温和清洁
bodycare|护手霜礼盒|3支装|99|滋润保湿 便携礼盒
bodycare|磨砂身体膏|200g|119|去角质 细腻嫩滑
bodycare|润唇膏|4g|49|滋润修护 无色打底
tools|美妆蛋套装|4只装|59|干湿两用 不吃粉
tools|化妆刷套装|8支装|199|柔软亲肤 收纳方便
tools|卸妆棉|200片|29|柔软不掉屑 省水
tools|美容仪导入仪|1台|899|提拉紧致 促进吸收
tools|睫毛夹|1只|59|贴合眼型 自然卷翘
`;

export interface Product {
  readonly productId: string;
  readonly sku: string;
  /** Chinese product name, e.g. 玻尿酸保湿精华. */
  readonly name: string;
  readonly category: Category;
  readonly size: string;
  readonly price: number;
  /** The Tmall listing title (宝贝标题). */
  readonly tmallTitle: string;
  /** Path of the product page on the brand's website and app. */
  readonly path: string;
}

const CATEGORY_SKU: Record<Category, string> = {
  skincare: 'SK',
  makeup: 'MU',
  fragrance: 'FR',
  haircare: 'HC',
  bodycare: 'BC',
  tools: 'TL',
};

function parseCatalogue(table: string): Product[] {
  const products: Product[] = [];
  const perCategory = new Map<string, number>();
  for (const line of table.split('\n')) {
    if (line.trim() === '') continue;
    const [category = '', name = '', size = '', price = '0', points = ''] = line.split('|');
    if (!(CATEGORIES as readonly string[]).includes(category)) throw new Error(`bad category ${category}`);
    const cat = category as Category;
    const n = (perCategory.get(cat) ?? 0) + 1;
    perCategory.set(cat, n);
    const code = `${CATEGORY_SKU[cat]}${String(n).padStart(3, '0')}`;
    const productId = `qy-${code.toLowerCase()}`;
    products.push({
      productId,
      sku: `QY-${code}-${size.replace(/[^0-9A-Za-z]/gu, '').toUpperCase() || 'STD'}`,
      name,
      category: cat,
      size,
      price: Number(price),
      tmallTitle: `${BRAND}${name}${size} ${points} 官方正品`,
      path: `/products/${productId}`,
    });
  }
  return products;
}

export const PRODUCTS: readonly Product[] = parseCatalogue(CATALOGUE_TABLE);

export const PRODUCTS_BY_CATEGORY: Record<Category, readonly Product[]> = {
  skincare: PRODUCTS.filter((p) => p.category === 'skincare'),
  makeup: PRODUCTS.filter((p) => p.category === 'makeup'),
  fragrance: PRODUCTS.filter((p) => p.category === 'fragrance'),
  haircare: PRODUCTS.filter((p) => p.category === 'haircare'),
  bodycare: PRODUCTS.filter((p) => p.category === 'bodycare'),
  tools: PRODUCTS.filter((p) => p.category === 'tools'),
};

/** Looks a product up by its Tmall title (for readers of `tmall_orders.csv`). */
export const PRODUCT_BY_TMALL_TITLE: ReadonlyMap<string, Product> = new Map(
  PRODUCTS.map((p) => [p.tmallTitle, p]),
);
export const PRODUCT_BY_SKU: ReadonlyMap<string, Product> = new Map(PRODUCTS.map((p) => [p.sku, p]));

/** What people type in the search box, per category. */
export const SEARCH_TERMS: Record<Category, readonly string[]> = {
  skincare: ['精华', '面霜', '补水', '防晒', '敏感肌', '抗老', '面膜', '玻尿酸', '烟酰胺'],
  makeup: ['口红', '粉底液', '气垫', '眼影', '睫毛膏', '唇釉', '散粉'],
  fragrance: ['香水', '淡香', '香薰蜡烛', '白茶'],
  haircare: ['洗发水', '护发精油', '发膜', '防脱'],
  bodycare: ['身体乳', '沐浴露', '护手霜'],
  tools: ['化妆刷', '美妆蛋', '美容仪', '卸妆棉'],
};
