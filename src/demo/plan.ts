import { DAY, type Promotion } from './calendar.js';
import type { GenContext } from './context.js';
import { CATEGORIES, PRODUCTS_BY_CATEGORY, type Product } from './data/products.js';
import {
  ORDER_CHANNELS,
  phoneAt,
  type AppInstall,
  type OnlineChannel,
  type OrderChannel,
  type Person,
  type PhonePeriod,
  type WebBrowser,
} from './person.js';
import type { Rng } from './prng.js';

/**
 * A person's history before it is written anywhere: when they browse, buy, register and call
 * customer service. Rendering turns this plan into each channel's records.
 */

export interface OrderItem {
  readonly product: Product;
  readonly quantity: number;
}

export type OrderOutcome = 'completed' | 'refunded' | 'cancelled' | 'unpaid';

export interface OrderPlan {
  readonly seq: number;
  readonly at: number;
  readonly channel: OrderChannel;
  readonly items: readonly OrderItem[];
  readonly promotion: Promotion | undefined;
  readonly subtotal: number;
  readonly discount: number;
  readonly total: number;
  readonly outcome: OrderOutcome;
  /** When the refund or cancellation happened (refunded/cancelled only). */
  readonly closedAt: number | undefined;
}

export interface SessionPlan {
  readonly at: number;
  readonly channel: OnlineChannel;
  readonly order: OrderPlan | undefined;
  /** The browser or app install used (the household's shared one for shared sessions). */
  readonly browser: WebBrowser | undefined;
  readonly app: AppInstall | undefined;
  readonly shared: boolean;
  login: 'anonymous' | 'logged_in' | 'logs_in' | 'registers';
}

export interface TicketPlan {
  readonly seq: number;
  readonly at: number;
  /** The number the person called from, or undefined when they wrote an e-mail. */
  readonly phone: PhonePeriod | undefined;
  readonly topic: string;
  readonly channel: 'hotline' | 'email' | 'wechat_kf' | 'online_chat';
  readonly orderRef: string | undefined;
}

export interface HistoryPlan {
  readonly sessions: readonly SessionPlan[];
  readonly orders: readonly OrderPlan[];
  readonly tickets: readonly TicketPlan[];
  /** When the brand account (`userId`) was created, if ever. */
  readonly accountAt: number | undefined;
  /** When the person became a CRM member, if ever, and where. */
  readonly memberAt: number | undefined;
  readonly memberVia: 'account' | 'pos' | 'tmall' | undefined;
  /** When the person authorised the mini-program to read their unionid. */
  readonly unionidAt: number | undefined;
}

const ONLINE_WEIGHTS: Record<OnlineChannel, number> = { web: 1, app: 1.5, mini: 1.5 };
const TICKET_TOPICS_ORDER = ['物流查询', '退换货', '产品咨询', '过敏反馈', '发票申请', '赠品未收到'];
const TICKET_TOPICS_OTHER = ['产品咨询', '会员积分', '门店查询', '活动规则'];

export function planHistory(ctx: GenContext, person: Person, rng: Rng): HistoryPlan {
  const { calendar } = ctx;
  const start = calendar.start;
  const end = calendar.end;
  const span = end - start;

  // Active window and number of orders per archetype.
  let firstSeen = calendar.sample(rng, start, end - DAY);
  let activeEnd = end;
  let orderCount = 0;
  let browseMean = 3;
  let promoOnly = false;
  switch (person.archetype) {
    case 'browser':
      browseMean = 3.5;
      activeEnd = Math.min(end, firstSeen + DAY + rng.int(span));
      break;
    case 'one_time':
      orderCount = 1;
      browseMean = 2;
      // A growing brand: a good share of one-time buyers are recent.
      if (rng.chance(0.3)) firstSeen = calendar.sample(rng, end - 45 * DAY, end - DAY);
      break;
    case 'repeat':
      orderCount = rng.between(2, 5);
      browseMean = 4;
      firstSeen = calendar.sample(rng, start, end - 120 * DAY);
      break;
    case 'loyal':
      orderCount = rng.between(6, 16);
      browseMean = 8;
      firstSeen = calendar.sample(rng, start, start + span / 2);
      break;
    case 'promo_hunter':
      orderCount = rng.between(1, 4);
      browseMean = 2;
      promoOnly = true;
      firstSeen = calendar.sample(rng, start, end - 200 * DAY);
      break;
    case 'lapsed': {
      orderCount = rng.between(2, 6);
      browseMean = 3;
      activeEnd = end - rng.between(95, 600) * DAY;
      firstSeen = calendar.sample(rng, start, Math.max(start + DAY, activeEnd - 60 * DAY));
      break;
    }
    default:
      break;
  }

  // Orders.
  const orders: OrderPlan[] = [];
  const times: number[] = [];
  // Whole seconds: order exports (POS, Tmall) print times to the second.
  for (let i = 0; i < orderCount; i++) {
    times.push(Math.floor(calendar.sample(rng, firstSeen, activeEnd, promoOnly) / 1000) * 1000);
  }
  times.sort((a, b) => a - b);
  for (let i = 0; i < times.length; i++) {
    const at = times[i] ?? end;
    const channel = rng.pickWeighted(ORDER_CHANNELS, person.orderChannelWeights);
    orders.push(makeOrder(rng, ctx, person, i, at, channel));
  }

  // Sessions: one per online order, plus browsing.
  const sessions: SessionPlan[] = [];
  const onlineChannels = (['web', 'app', 'mini'] as const).filter((c) => person.online[c]);
  const onlineWeights = onlineChannels.map((c) => ONLINE_WEIGHTS[c]);
  const onlineCumulative = onlineWeights.map((_, i) =>
    onlineWeights.slice(0, i + 1).reduce((a, b) => a + b, 0),
  );
  for (const order of orders) {
    if (order.channel === 'web' || order.channel === 'app' || order.channel === 'mini') {
      sessions.push(makeSession(rng, person, order.at - rng.between(3, 40) * 60_000, order.channel, order));
    }
  }
  if (onlineChannels.length > 0) {
    const browseCount = rng.poisson(browseMean) + (person.archetype === 'browser' ? 1 : 0);
    const browseEnd = Math.min(end, activeEnd + (person.archetype === 'lapsed' ? 60 * DAY : 0));
    for (let i = 0; i < browseCount; i++) {
      const at = calendar.sample(rng, firstSeen, browseEnd);
      sessions.push(
        makeSession(rng, person, at, rng.pickWeighted(onlineChannels, onlineCumulative), undefined),
      );
    }
  }
  // Household members both use the family device at least once.
  const household = person.household;
  if (household !== undefined) {
    const n = rng.between(1, 3);
    for (let i = 0; i < n; i++) {
      const at = calendar.sample(rng, start, end);
      sessions.push({
        at,
        channel: household.kind,
        order: undefined,
        browser: household.web,
        app: household.app,
        shared: true,
        login: 'anonymous',
      });
    }
  }
  sessions.sort((a, b) => a.at - b.at);

  // Account: needed for online orders and for the family device (each logs in as themselves).
  const firstOrderSession = sessions.findIndex((s) => s.order !== undefined || s.shared);
  let regIndex = -1;
  if (firstOrderSession >= 0) regIndex = rng.chance(0.5) ? rng.int(firstOrderSession + 1) : firstOrderSession;
  else if (sessions.length > 0 && rng.chance(0.3)) regIndex = rng.int(sessions.length);
  const accountAt = regIndex >= 0 ? sessions[regIndex]?.at : undefined;
  let firstShared = true;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    if (s === undefined) continue;
    if (i === regIndex) s.login = 'registers';
    else if (i < regIndex || regIndex < 0) s.login = 'anonymous';
    else if (s.shared && firstShared) s.login = 'logs_in';
    else {
      const persisted = s.channel === 'web' ? 0.55 : s.channel === 'app' ? 0.9 : 0.85;
      if (s.shared) s.login = rng.chance(0.5) ? 'logs_in' : 'anonymous';
      else if (rng.chance(persisted)) s.login = 'logged_in';
      else s.login = s.order !== undefined || rng.chance(0.3) ? 'logs_in' : 'anonymous';
    }
    if (s.shared && i >= regIndex) firstShared = false;
  }

  // Mini-program unionid authorisation.
  let unionidAt: number | undefined;
  const miniSessions = sessions.filter((s) => s.channel === 'mini');
  if (miniSessions.length > 0 && rng.chance(0.75)) {
    unionidAt = miniSessions[rng.int(Math.min(2, miniSessions.length))]?.at;
  }

  // CRM membership: an account is a membership; stores sign customers up at the till; some Tmall
  // buyers join through the store's membership card (会员通).
  let memberAt = accountAt;
  let memberVia: HistoryPlan['memberVia'] = accountAt !== undefined ? 'account' : undefined;
  const firstPos = orders.find((o) => o.channel === 'pos');
  if (firstPos !== undefined && (memberAt === undefined || firstPos.at < memberAt)) {
    memberAt = Math.max(start, firstPos.at - 60_000);
    memberVia = 'pos';
  }
  const firstTmall = orders.find((o) => o.channel === 'tmall');
  if (firstTmall !== undefined && memberAt === undefined && rng.chance(0.3)) {
    memberAt = Math.min(end - 60_000, firstTmall.at + rng.between(1, 120) * 60_000);
    memberVia = 'tmall';
  }

  // Customer service.
  const tickets: TicketPlan[] = [];
  const addTicket = (at: number, phone: PhonePeriod | undefined, orderRef: string | undefined): void => {
    const viaPhone = phone !== undefined || person.email === undefined || rng.chance(0.6);
    tickets.push({
      seq: tickets.length,
      at,
      phone: viaPhone ? (phone ?? phoneAt(person, at)) : undefined,
      topic: rng.pick(orderRef !== undefined ? TICKET_TOPICS_ORDER : TICKET_TOPICS_OTHER),
      channel: viaPhone ? rng.pick(['hotline', 'wechat_kf', 'online_chat'] as const) : 'email',
      orderRef,
    });
  };
  for (const order of orders) {
    if (rng.chance(0.1)) {
      const at = Math.min(end - 60_000, order.at + rng.between(1, 15) * DAY + rng.int(DAY));
      addTicket(at, undefined, orderId(ctx, person, order));
    }
  }
  if (orders.length === 0 && rng.chance(0.03))
    addTicket(calendar.sample(rng, firstSeen, end), undefined, undefined);
  // Cross-person cases are made checkable: each holder of a recycled number calls from it during
  // their period, and a second-phone owner calls from the second phone.
  const recycled = person.recycled;
  if (recycled !== undefined) {
    const period = person.phones.find((p) => p.number === recycled.number);
    if (period === undefined) throw new Error('recycled number missing from the phone periods');
    const at = calendar.sample(rng, Math.max(start, period.from), Math.min(end, period.to));
    addTicket(at, period, undefined);
  }
  if (person.secondPhone !== undefined)
    addTicket(calendar.sample(rng, start, end), person.secondPhone, undefined);
  tickets.sort((a, b) => a.at - b.at);

  return { sessions, orders, tickets, accountAt, memberAt, memberVia, unionidAt };
}

function makeSession(
  rng: Rng,
  person: Person,
  at: number,
  channel: OnlineChannel,
  order: OrderPlan | undefined,
): SessionPlan {
  let browser: WebBrowser | undefined;
  let app: AppInstall | undefined;
  if (channel === 'web') browser = activeAt(person.browsers, at, rng);
  if (channel === 'app') app = activeAt(person.apps, at, rng);
  return { at, channel, order, browser, app, shared: false, login: 'anonymous' };
}

function activeAt<T extends { from: number; to: number }>(
  items: readonly T[],
  at: number,
  rng: Rng,
): T | undefined {
  for (const item of items) if (at >= item.from && at < item.to) return item;
  return items.length > 0 ? rng.pick(items) : undefined;
}

/** A product from the person's favourite categories. */
export function pickProduct(rng: Rng, person: Person): Product {
  const category = rng.pickWeighted(CATEGORIES, person.categoryWeights);
  return rng.pick(PRODUCTS_BY_CATEGORY[category]);
}

function makeOrder(
  rng: Rng,
  ctx: GenContext,
  person: Person,
  seq: number,
  at: number,
  channel: OrderChannel,
): OrderPlan {
  const n = rng.chance(0.5) ? 1 : rng.between(2, 4);
  const items: OrderItem[] = [];
  for (let i = 0; i < n; i++) {
    const product = pickProduct(rng, person);
    if (items.some((it) => it.product === product)) continue;
    items.push({ product, quantity: rng.chance(0.1) ? 2 : 1 });
  }
  const subtotal = items.reduce((sum, it) => sum + it.product.price * it.quantity, 0);
  const promotion = channel === 'pos' ? undefined : ctx.calendar.promotionAt(at);
  const discount =
    promotion !== undefined && subtotal >= promotion.threshold && rng.chance(0.8) ? promotion.discount : 0;
  const end = ctx.calendar.end;
  let outcome: OrderOutcome = 'completed';
  let closedAt: number | undefined;
  const r = rng.float();
  if (channel === 'tmall' && r < 0.04) {
    outcome = end - at < DAY ? 'unpaid' : 'cancelled';
    closedAt = outcome === 'cancelled' ? at + DAY : undefined;
  } else if (r < (channel === 'tmall' ? 0.09 : 0.04)) {
    const refundAt = at + rng.between(2, 20) * DAY + rng.int(DAY);
    if (refundAt < end) {
      outcome = 'refunded';
      closedAt = refundAt;
    }
  }
  return {
    seq,
    at,
    channel,
    items,
    promotion: discount > 0 ? promotion : undefined,
    subtotal,
    discount,
    total: subtotal - discount,
    outcome,
    closedAt,
  };
}

/** The order number as the order's channel writes it. */
export function orderId(ctx: GenContext, person: Person, order: OrderPlan): string {
  const stem = ctx.ids.orderStem(person.index);
  const seq = String(order.seq).padStart(2, '0');
  switch (order.channel) {
    case 'tmall':
      // Tmall order numbers are 19 digits.
      return `3${stem}${seq}${String(hashDigits(person.index, order.seq)).padStart(7, '0')}`;
    case 'pos':
      return `POS${stem}${seq}`;
    case 'web':
    case 'app':
    case 'mini':
      return `QY${stem}${seq}`;
  }
}

function hashDigits(a: number, b: number): number {
  return ((Math.imul(a ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(b + 1, 0x165667b1)) >>> 0) % 10_000_000;
}
