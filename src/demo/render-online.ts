import { formatDate, formatIso } from './calendar.js';
import { MINIPROGRAM_VERSION, PHONE_MODELS, appUserAgent } from './data/devices.js';
import { shortCity } from './data/places.js';
import { BRAND, SEARCH_TERMS, type Product } from './data/products.js';
import type { PersonWriter } from './person-writer.js';
import { phoneForRecord, randomIp } from './person.js';
import { orderId, pickProduct, type OrderPlan, type SessionPlan } from './plan.js';
import { hash32 } from './prng.js';
import { markShared, withPage } from './serialize.js';
import type { TagBits } from './tags.js';
import type { ExternalId, SegmentContext, SegmentMessage } from './types.js';

/**
 * Renders browsing and buying sessions on the website (analytics.js), the app (native SDKs) and
 * the WeChat mini-program as Segment messages, with the e-commerce event names and properties of
 * Segment's E-commerce Events spec v2.
 */

export const SITE = 'https://www.qingyan-beauty.cn';
const WEB_LIBRARY = { name: 'analytics.js', version: 'next-1.72.0' };
const IOS_LIBRARY = { name: 'analytics-ios', version: '4.1.8' };
const ANDROID_LIBRARY = { name: 'analytics-android', version: '4.11.3' };
const MINI_LIBRARY = { name: 'analytics-miniprogram', version: '1.3.2' };
const SERVER_LIBRARY = { name: 'analytics-node', version: '2.1.2' };
const APP_NAME = '青妍';
const APP_NAMESPACE = 'com.qingyan.beauty';
const MINI_APP_ID = 'wx8f3c2a1b9d7e6f05';
const AFFILIATION = { web: '青妍官方商城', app: '青妍App', mini: '青妍会员小程序' } as const;
const ORDER_CHANNEL = { web: 'web', app: 'app', mini: 'miniprogram' } as const;

const UTM_SOURCES = [
  { source: 'xiaohongshu', medium: 'social' },
  { source: 'douyin', medium: 'kol' },
  { source: 'weibo', medium: 'social' },
  { source: 'baidu', medium: 'cpc' },
  { source: 'wechat', medium: 'article' },
  { source: 'sms', medium: 'sms' },
] as const;

interface Live {
  readonly w: PersonWriter;
  readonly s: SessionPlan;
  t: number;
  userId: string | undefined;
  readonly anonymousId: string;
  readonly base: SegmentContext;
  context: SegmentContext;
  readonly tags: TagBits;
  lastUrl: string;
  readonly cartId: string;
  readonly utm: string;
}

const productPropsCache = new Map<Product, Record<string, unknown>>();

/** Product properties per the spec; shared between messages (never mutated). */
function productProps(p: Product): Record<string, unknown> {
  let props = productPropsCache.get(p);
  if (props === undefined) {
    props = {
      product_id: p.productId,
      sku: p.sku,
      category: p.category,
      name: p.name,
      brand: BRAND,
      variant: p.size,
      price: p.price,
      currency: 'CNY',
    };
    markShared(props);
    productPropsCache.set(p, props);
  }
  return props;
}

function orderLine(p: Product, quantity: number): Record<string, unknown> {
  return {
    product_id: p.productId,
    sku: p.sku,
    name: p.name,
    category: p.category,
    brand: BRAND,
    price: p.price,
    quantity,
  };
}

export function renderSession(w: PersonWriter, s: SessionPlan): void {
  const live = startSession(w, s);
  const rng = w.rng;
  const order = s.order;
  const loginAtStart = s.login === 'logs_in' && rng.chance(0.5);
  if (loginAtStart) login(live, 'logs_in');

  // Landing.
  const landing = order?.items[0]?.product ?? (rng.chance(0.4) ? pickProduct(rng, w.person) : undefined);
  if (landing !== undefined && rng.chance(0.5)) viewProduct(live, landing);
  else view(live, 'Home', '/', `${BRAND}官方商城`, 'pages/index/index');

  if (rng.chance(0.3)) {
    const product = landing ?? pickProduct(rng, w.person);
    const query = rng.pick(SEARCH_TERMS[product.category]);
    step(live, 4, 30);
    track(live, 'Products Searched', { query });
    view(live, 'Search', '/search', `搜索 ${query}`, 'pages/search/index', `?q=${encodeURIComponent(query)}`);
  }
  if (s.login === 'registers' && order === undefined) login(live, 'registers');

  if (order === undefined) {
    const views = 1 + rng.poisson(1.2);
    let last: Product | undefined;
    for (let i = 0; i < views; i++) {
      last = pickProduct(rng, w.person);
      viewProduct(live, last);
    }
    if (s.login === 'logs_in' && !loginAtStart) login(live, 'logs_in');
    if (last !== undefined && rng.chance(0.2)) {
      step(live, 5, 40);
      track(live, 'Product Added', { cart_id: live.cartId, ...productProps(last), quantity: 1 });
      if (rng.chance(0.5)) viewCart(live, [{ product: last, quantity: 1 }]);
    }
    return;
  }

  for (const item of order.items) {
    if (item.product !== landing) viewProduct(live, item.product);
    step(live, 5, 40);
    track(live, 'Product Added', {
      cart_id: live.cartId,
      ...productProps(item.product),
      quantity: item.quantity,
    });
  }
  viewCart(live, order.items);
  if (s.login === 'registers') login(live, 'registers');
  else if (s.login === 'logs_in' && !loginAtStart) login(live, 'logs_in');
  completeOrder(live, order);
}

function startSession(w: PersonWriter, s: SessionPlan): Live {
  const { person, rng } = w;
  const ip = s.channel === 'web' || rng.chance(0.5) ? person.homeIp : randomIp(rng);
  let base: SegmentContext;
  let anonymousId: string;
  let tags = 0;
  let utm = '';
  switch (s.channel) {
    case 'web': {
      const b = s.browser;
      if (b === undefined) throw new Error('web session without a browser');
      anonymousId = b.anonymousId;
      tags = b.tags;
      base = {
        library: WEB_LIBRARY,
        ip,
        userAgent: b.browser.userAgent,
        device: { type: b.browser.deviceType, manufacturer: b.browser.manufacturer, model: b.browser.model },
        os: { name: b.browser.os, version: b.browser.osVersion },
        locale: 'zh-CN',
        timezone: 'Asia/Shanghai',
      };
      const promo = w.ctx.calendar.promotionAt(s.at);
      if (rng.chance(promo !== undefined ? 0.4 : 0.15)) {
        const src = rng.pick(UTM_SOURCES);
        const name = promo?.name ?? 'always_on';
        base.campaign = { source: src.source, medium: src.medium, name };
        utm = `?utm_source=${src.source}&utm_medium=${src.medium}&utm_campaign=${name}`;
      }
      break;
    }
    case 'app': {
      const a = s.app;
      if (a === undefined) throw new Error('app session without an install');
      anonymousId = a.anonymousId;
      tags = a.tags;
      base = {
        library: a.model.os === 'iOS' ? IOS_LIBRARY : ANDROID_LIBRARY,
        ip,
        userAgent: appUserAgent(a.model.os, a.osVersion, a.appVersion.version, a.model.model),
        device: {
          id: a.deviceId,
          type: a.model.os === 'iOS' ? 'ios' : 'android',
          manufacturer: a.model.manufacturer,
          model: a.model.model,
        },
        os: { name: a.model.os, version: a.osVersion },
        app: {
          name: APP_NAME,
          version: a.appVersion.version,
          build: a.appVersion.build,
          namespace: APP_NAMESPACE,
        },
        locale: 'zh-CN',
        timezone: 'Asia/Shanghai',
      };
      break;
    }
    case 'mini': {
      anonymousId = person.miniAnonymousId;
      // The phone the person runs WeChat on: stable per person.
      const model = person.apps[0]?.model ?? PHONE_MODELS[hash32(person.index, 7) % PHONE_MODELS.length]!;
      const externalIds: ExternalId[] = [
        { type: 'wechat_openid', id: person.openid, collection: 'users', encoding: 'none' },
      ];
      const unionidAt = w.plan.unionidAt;
      if (unionidAt !== undefined && s.at >= unionidAt) {
        externalIds.push({
          type: 'wechat_unionid',
          id: person.unionid,
          collection: 'users',
          encoding: 'none',
        });
      }
      // A signed-in member's session carries the member card number.
      const memberAt = w.plan.memberAt;
      if (s.login === 'logged_in' && memberAt !== undefined && s.at >= memberAt) {
        externalIds.push({ type: 'member_no', id: person.memberNo, collection: 'users', encoding: 'none' });
      }
      base = {
        library: MINI_LIBRARY,
        ip,
        device: { type: 'wechat_miniprogram', manufacturer: model.manufacturer, model: model.model },
        os: { name: model.os, version: model.osVersions[0] ?? '' },
        app: { name: '青妍会员小程序', version: MINIPROGRAM_VERSION, build: '285', namespace: MINI_APP_ID },
        locale: 'zh_CN',
        externalIds,
      };
      break;
    }
  }
  const loggedIn = s.login === 'logged_in';
  return {
    w,
    s,
    t: s.at,
    userId: loggedIn ? person.userId : undefined,
    anonymousId,
    base,
    context: base,
    tags,
    lastUrl: '',
    cartId: rng.uuid(),
    utm,
  };
}

function step(live: Live, minSeconds: number, maxSeconds: number): void {
  live.t += live.w.rng.between(minSeconds * 1000, maxSeconds * 1000);
}

function message(
  live: Live,
  type: SegmentMessage['type'],
  event: string | undefined,
  name: string | undefined,
  properties: Record<string, unknown> | undefined,
): SegmentMessage {
  return {
    type,
    event,
    name,
    messageId: live.w.rng.uuid(),
    timestamp: formatIso(live.t),
    sentAt: '',
    userId: live.userId,
    anonymousId: live.anonymousId,
    properties,
    context: live.context,
  };
}

function track(live: Live, event: string, properties: Record<string, unknown>, tags = 0): SegmentMessage {
  const msg = message(live, 'track', event, undefined, properties);
  live.w.addEvent(msg, live.t, live.tags | tags);
  return msg;
}

/** A page (web, mini-program) or screen (app) view. */
function view(
  live: Live,
  screen: string,
  webPath: string,
  title: string,
  miniPath: string,
  search = '',
  extra?: Record<string, unknown>,
): void {
  step(live, 3, 45);
  const channel = live.s.channel;
  if (channel === 'app') {
    const msg = message(live, 'screen', undefined, screen, extra ?? {});
    live.w.addEvent(msg, live.t, live.tags);
    return;
  }
  const isWeb = channel === 'web';
  const path = isWeb ? webPath : miniPath;
  const query = search !== '' ? search : live.lastUrl === '' ? live.utm : '';
  const url = isWeb ? (query === '' ? siteUrl(path) : SITE + path + query) : path;
  const page = { path, referrer: live.lastUrl, search: query, title, url };
  live.context = withPage(live.base, page);
  live.lastUrl = url;
  // The page call's properties are the page itself (its bytes are then encoded once).
  const properties = extra === undefined ? page : { ...page, ...extra };
  live.w.addEvent(message(live, 'page', undefined, screen, properties), live.t, live.tags);
}

const siteUrls = new Map<string, string>();

/** Absolute URLs of the site's pages, made once (built strings are ropes, slow to read back). */
function siteUrl(path: string): string {
  let url = siteUrls.get(path);
  if (url === undefined) {
    url = flat(SITE + path);
    siteUrls.set(path, url);
  }
  return url;
}

const productPages = new Map<Product, { title: string; miniPath: string }>();

function viewProduct(live: Live, p: Product): void {
  let page = productPages.get(p);
  if (page === undefined) {
    page = { title: flat(`${p.name} - ${BRAND}`), miniPath: flat(`pages/product/detail?id=${p.productId}`) };
    productPages.set(p, page);
  }
  view(live, 'Product Detail', p.path, page.title, page.miniPath, '', { product_id: p.productId });
  step(live, 1, 3);
  track(live, 'Product Viewed', productProps(p));
  if (live.w.rng.chance(0.25)) {
    step(live, 10, 90);
    track(live, 'Product Viewed', productProps(p));
  }
}

function viewCart(live: Live, items: readonly { product: Product; quantity: number }[]): void {
  view(live, 'Cart', '/cart', '购物车', 'pages/cart/index');
  step(live, 1, 3);
  track(live, 'Cart Viewed', {
    cart_id: live.cartId,
    products: items.map((it) => orderLine(it.product, it.quantity)),
  });
}

/** Sign-up (Signed Up + identify with the profile) or sign-in (Signed In + identify). */
function login(live: Live, mode: 'registers' | 'logs_in'): void {
  const { w } = live;
  const person = w.person;
  step(live, 10, 120);
  live.userId = person.userId;
  const method = live.s.channel === 'mini' ? 'wechat_phone' : live.w.rng.pick(['sms_code', 'password']);
  track(live, mode === 'registers' ? 'Signed Up' : 'Signed In', { method });
  step(live, 0, 1);
  const phone = phoneForRecord(person, live.t, w.rng);
  let traits: Record<string, unknown>;
  if (mode === 'registers') {
    traits = {
      name: person.name,
      phone: phone.number,
      gender: person.gender === '女' ? 'female' : 'male',
      birthday: formatDate(person.birthday),
      city: shortCity(person.address.city.city),
      createdAt: formatIso(live.t),
    };
    if (person.email !== undefined) traits.email = person.email;
  } else {
    traits =
      live.s.channel === 'web' && person.email !== undefined && w.rng.chance(0.5)
        ? { email: person.email }
        : { phone: phone.number };
  }
  const carriesPhone = typeof traits.phone === 'string';
  const msg: SegmentMessage = {
    type: 'identify',
    messageId: w.rng.uuid(),
    timestamp: formatIso(live.t),
    sentAt: '',
    userId: live.userId,
    anonymousId: live.anonymousId,
    traits,
    context: live.context,
  };
  live.w.addEvent(msg, live.t, live.tags | (carriesPhone ? phone.tags : 0));
}

function completeOrder(live: Live, order: OrderPlan): void {
  const { w } = live;
  const id = orderId(w.ctx, w.person, order);
  const products = order.items.map((it) => orderLine(it.product, it.quantity));
  view(live, 'Checkout', '/checkout', '确认订单', 'pages/checkout/index');
  step(live, 1, 3);
  track(live, 'Checkout Started', { order_id: id, value: order.subtotal, currency: 'CNY', products });
  const promo = order.promotion;
  if (promo !== undefined) {
    step(live, 5, 40);
    track(live, 'Coupon Applied', {
      order_id: id,
      cart_id: live.cartId,
      coupon_id: promo.coupon,
      coupon_name: promo.name,
      discount: order.discount,
    });
  }
  step(live, 20, 180);
  const props: Record<string, unknown> = {
    checkout_id: live.cartId,
    order_id: id,
    affiliation: AFFILIATION[live.s.channel],
    total: order.total,
    revenue: order.total,
    shipping: 0,
    tax: 0,
    discount: order.discount,
    currency: 'CNY',
    products,
    channel: ORDER_CHANNEL[live.s.channel],
  };
  if (promo !== undefined) props.coupon = promo.coupon;
  const msg = message(live, 'track', 'Order Completed', undefined, props);
  const categories = order.items.map((it) => it.product.category);
  w.addEvent(msg, live.t, live.tags, { orderId: id, total: order.total, categories });
  view(live, 'Order Success', '/checkout/success', '支付成功', 'pages/order/success');

  if (order.outcome === 'refunded' && order.closedAt !== undefined) {
    // Refunds come from the order service (server side), identified by the account only.
    const refund: SegmentMessage = {
      type: 'track',
      event: 'Order Refunded',
      messageId: w.rng.uuid(),
      timestamp: formatIso(order.closedAt),
      sentAt: '',
      userId: w.person.userId,
      properties: { order_id: id, total: order.total, revenue: order.total, currency: 'CNY', products },
      context: { library: SERVER_LIBRARY },
    };
    w.addEvent(refund, order.closedAt, 0, undefined, id);
  }
}

/** A flat copy of a string (a concatenation is a rope until first read). */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
