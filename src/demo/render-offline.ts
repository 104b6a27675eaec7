import {
  DAY,
  formatCompactDate,
  formatDate,
  formatDateTime,
  formatIso,
  formatSlashMinutes,
  formatSlashShort,
  formatYyMmDd,
} from './calendar.js';
import { CITIES } from './data/places.js';
import { SHOP_ID, SHOP_NAME } from './data/products.js';
import type { PersonWriter } from './person-writer.js';
import { phoneAt, phoneForRecord, type PhonePeriod } from './person.js';
import { orderId, type OrderPlan, type TicketPlan } from './plan.js';
import { TAG, type TagBits } from './tags.js';
import type { CrmMemberRow, PosOrderRow, SegmentMessage, TmallOrderRow } from './types.js';
import {
  formatTmallAddress,
  maskPhone,
  misspellName,
  mistypePhone,
  reformatAddress,
  reformatPhone,
  toFullwidth,
  digitsToFullwidth,
} from './variants.js';

/**
 * Renders the systems that export tables: store tills (POS), the Tmall seller report, the CRM
 * member list, and the service desk's tickets.
 */

const TICKET_LIBRARY = { name: 'service-desk', version: '5.2.0' };
const CARRIERS = [
  { name: '顺丰速运', prefix: 'SF' },
  { name: '中通快递', prefix: '7' },
  { name: '圆通速递', prefix: 'YT' },
  { name: '京东快递', prefix: 'JDV' },
] as const;
const BUYER_NOTES = ['', '', '', '', '请尽快发货', '送人的，不要放发票', '麻烦多送点小样', '放快递柜'];

/** A phone as a record shows it, with the case tags it carries. */
interface ShownPhone {
  text: string;
  tags: TagBits;
}

/**
 * The typo-phone roll for a CSV row: a format variant, or (when the number is not part of a
 * cross-person case, which must stay recognisable) sometimes a real typo.
 */
function applyPhoneTypo(w: PersonWriter, phone: PhonePeriod): ShownPhone {
  const rng = w.rng;
  const text =
    phone.tags === 0 && rng.chance(0.25) ? mistypePhone(rng, phone.number) : reformatPhone(rng, phone.number);
  return { text, tags: phone.tags | TAG.typo_phone };
}

export function renderPosOrder(w: PersonWriter, order: OrderPlan): void {
  const { person, rng } = w;
  const phone = phoneForRecord(person, order.at, rng);
  const city = rng.chance(0.85) ? person.address.city : rng.pick(CITIES);
  const id = orderId(w.ctx, person, order);
  const skus: string[] = [];
  const categories: string[] = [];
  const names: string[] = [];
  let units = 0;
  for (const it of order.items) {
    skus.push(it.product.sku);
    categories.push(it.product.category);
    names.push(it.product.name);
    units += it.quantity;
  }
  const accountAt = w.plan.accountAt;
  const row: PosOrderRow = {
    order_id: id,
    order_time: formatDateTime(order.at),
    member_no: person.memberNo,
    phone: phone.number,
    email: person.email !== undefined && rng.chance(0.1) ? person.email : '',
    user_id: accountAt !== undefined && accountAt <= order.at && rng.chance(0.15) ? person.userId : '',
    status: order.outcome === 'refunded' ? 'refunded' : 'completed',
    total: order.total.toFixed(2),
    currency: 'CNY',
    channel: 'pos',
    store_code: `${city.code}${String(1 + (person.index % 3)).padStart(2, '0')}`,
    item_count: String(units),
    skus: skus.join('|'),
    categories: categories.join('|'),
    product_names: names.join('|'),
  };
  let tags = phone.tags;
  if (w.rollInvalid(tags)) {
    tags |= TAG.invalid;
    switch (rng.int(3)) {
      case 0:
        row.member_no = '';
        row.phone = '';
        row.email = '';
        row.user_id = '';
        break;
      case 1:
        row.order_time = rng.pick(['0000-00-00 00:00:00', '2025-02-30 25:00:00', '#VALUE!']);
        break;
      default:
        row.total = rng.pick(['-', 'NaN', '-0.01']);
        break;
    }
  } else {
    let phoneBlankable = phone.tags === 0;
    if (w.roll('typoPhone')) {
      const shown = applyPhoneTypo(w, phone);
      row.phone = shown.text;
      tags |= shown.tags;
      phoneBlankable = false;
    }
    if (w.roll('missingField')) {
      tags |= TAG.missing_field;
      const r = rng.int(3);
      if (r === 0 && phoneBlankable) row.phone = '';
      else if (r === 1) row.store_code = '';
      else row.product_names = '';
    }
    if (order.outcome === 'completed') {
      w.purchases.add(
        order.at,
        order.total,
        order.items.map((it) => it.product.category),
      );
    }
  }
  w.pos.push({ row, tags });
}

const TMALL_STATUS = {
  done: '交易成功',
  shipped: '卖家已发货，等待买家确认',
  closed: '交易关闭',
  unpaid: '等待买家付款',
} as const;

export function renderTmallOrder(w: PersonWriter, order: OrderPlan): void {
  const { person, rng, ctx } = w;
  const id = orderId(ctx, person, order);
  const end = ctx.calendar.end;
  const paid = order.outcome === 'completed' || order.outcome === 'refunded';
  let status: string;
  let closeReason = '';
  if (order.outcome === 'completed')
    status = end - order.at < 7 * DAY ? TMALL_STATUS.shipped : TMALL_STATUS.done;
  else if (order.outcome === 'refunded') {
    status = TMALL_STATUS.closed;
    closeReason = '退款';
  } else if (order.outcome === 'cancelled') {
    status = TMALL_STATUS.closed;
    closeReason = rng.pick(['买家未付款', '买家不想买了', '未及时付款']);
  } else status = TMALL_STATUS.unpaid;

  const gift = w.roll('giftShipping');
  const buyerPhone = phoneForRecord(person, order.at, rng);
  const shipName = gift ? person.giftee.name : person.name;
  const address = gift ? person.giftee.address : person.address;
  const phoneNumber = gift ? person.giftee.phone : buyerPhone.number;
  let tags: TagBits = gift ? TAG.gift_shipping : buyerPhone.tags;
  const carrier = rng.pick(CARRIERS);
  const shipped = paid && status !== TMALL_STATUS.unpaid;
  const units = order.items.reduce((n, it) => n + it.quantity, 0);
  const amount = order.total.toFixed(2);
  const row: TmallOrderRow = {
    订单编号: rng.chance(0.3) ? `="${id}"` : id,
    买家会员名: person.taobaoId,
    买家应付货款: amount,
    买家应付邮费: '0.00',
    总金额: amount,
    买家实际支付金额: paid ? amount : '0.00',
    订单状态: status,
    买家留言: rng.pick(BUYER_NOTES),
    收货人姓名: shipName,
    收货地址: formatTmallAddress(address),
    运送方式: '快递',
    联系电话: '',
    联系手机: phoneNumber,
    订单创建时间: formatDateTime(order.at),
    订单付款时间: paid ? formatDateTime(order.at + rng.between(10, 600) * 1000) : '',
    宝贝标题: order.items.map((it) => it.product.tmallTitle).join('，'),
    宝贝种类: String(order.items.length),
    物流单号: shipped ? `${carrier.prefix}${rng.between(1e11, 9.99e11)}` : '',
    物流公司: shipped ? carrier.name : '',
    订单备注: '',
    宝贝总数量: String(units),
    店铺Id: SHOP_ID,
    店铺名称: SHOP_NAME,
    订单关闭原因: closeReason,
  };
  if (gift && rng.chance(0.3)) row.买家留言 = '送人的，不要放发票';
  if (w.rollInvalid(tags)) {
    tags |= TAG.invalid;
    switch (rng.int(3)) {
      case 0:
        row.订单创建时间 = rng.pick(['', '2025-13-01 00:00:00', '1970-01-01 08:00:00']);
        break;
      case 1:
        row.买家会员名 = '';
        row.联系手机 = '';
        row.收货人姓名 = '';
        break;
      default:
        row.总金额 = rng.pick(['NaN', '--']);
        row.买家实际支付金额 = row.总金额;
        break;
    }
  } else {
    const shownPhone: PhonePeriod = gift ? { number: phoneNumber, from: 0, to: 0, tags: 0 } : buyerPhone;
    // One roll decides between a typo and a masked number (a masked number has no typo to show).
    const r = rng.float();
    const p = ctx.proportions;
    const typo = r < p.typoPhone;
    const masked = !typo && r < p.typoPhone + p.maskedPhone;
    w.counter.record('typoPhone', typo);
    w.counter.record('maskedPhone', masked);
    if (typo) {
      const shown = applyPhoneTypo(w, shownPhone);
      row.联系手机 = shown.text;
      tags |= TAG.typo_phone;
    } else if (masked) {
      row.联系手机 = maskPhone(phoneNumber);
      tags |= TAG.masked_phone;
    }
    if (w.roll('typoName')) {
      row.收货人姓名 = misspellName(rng, shipName, !gift && person.english, gift ? '女' : person.gender);
      tags |= TAG.typo_name;
    }
    if (w.roll('typoAddress')) {
      row.收货地址 = reformatAddress(rng, address);
      tags |= TAG.typo_address;
    }
    if (w.roll('missingField')) {
      tags |= TAG.missing_field;
      const r2 = rng.int(3);
      const phoneBlankable = !gift && shownPhone.tags === 0 && !typo && !masked;
      if (r2 === 0 && row.物流单号 !== '') row.物流单号 = '';
      else if (r2 === 1 && phoneBlankable) {
        // The mobile left empty, a landline given instead.
        row.联系电话 = `${address.city.areaCode}-${ctx.ids.code(person.index).padStart(8, '6')}`;
        row.联系手机 = '';
      } else row.收货地址 = row.收货地址.replace(/ ?\(\d+\)$/u, '');
    }
    if (w.roll('fullwidth')) {
      row.收货地址 = digitsToFullwidth(row.收货地址);
      if ((tags & TAG.masked_phone) === 0) row.联系手机 = toFullwidth(row.联系手机);
      tags |= TAG.fullwidth;
    }
    if (order.outcome === 'completed') {
      w.purchases.add(
        order.at,
        order.total,
        order.items.map((it) => it.product.category),
      );
    }
  }
  w.tmall.push({ row, tags, key: id });
}

export function renderTicket(w: PersonWriter, t: TicketPlan): void {
  const { person, rng, ctx } = w;
  const ticketId = `TK${formatYyMmDd(t.at)}${ctx.ids.orderStem(person.index)}${String(t.seq).padStart(2, '0')}`;
  const tags: TagBits = t.phone?.tags ?? 0;
  const traits: { phone?: string; email?: string } =
    t.phone !== undefined ? { phone: t.phone.number } : { email: person.email ?? '' };
  const msg: SegmentMessage = {
    type: 'track',
    event: 'Ticket Created',
    messageId: rng.uuid(),
    timestamp: formatIso(t.at),
    sentAt: '',
    // The Segment spec requires an anonymousId when there is no userId; the desk uses the ticket.
    anonymousId: `ticket-${ticketId}`,
    properties: { ticket_id: ticketId, topic: t.topic, channel: t.channel },
    context: { library: TICKET_LIBRARY, traits },
  };
  w.addTicket(msg, t.at, tags);
}

const LEVELS = [
  { min: 0, name: '普卡会员' },
  { min: 1000, name: '银卡会员' },
  { min: 3000, name: '金卡会员' },
  { min: 8000, name: '黑金会员' },
] as const;

/** The CRM export row; written last because level and points follow the purchases. */
export function renderCrmMember(w: PersonWriter): { row: CrmMemberRow; tags: TagBits } | undefined {
  const { person, rng, plan } = w;
  const at = plan.memberAt;
  if (at === undefined) return undefined;
  const phone = rng.chance(0.8) ? phoneAt(person, at) : phoneForRecord(person, at, rng);
  const storeEntered = plan.memberVia === 'pos';
  const revenue = w.purchases.revenue;
  const level = [...LEVELS].reverse().find((l) => revenue >= l.min)?.name ?? '普卡会员';
  const unionidAt = plan.unionidAt;
  const row: CrmMemberRow = {
    member_no: person.memberNo,
    name: person.name,
    phone: phone.number,
    email: person.email ?? '',
    gender: person.gender,
    birthday: rng.chance(0.85) ? formatBirthday(rng.int(3), person.birthday) : '',
    province: person.address.city.province,
    city: person.address.city.city,
    registered_at: storeEntered
      ? rng.chance(0.6)
        ? formatSlashMinutes(at)
        : formatSlashShort(at)
      : rng.chance(0.6)
        ? formatDateTime(at)
        : formatDate(at),
    level,
    points: String(Math.max(0, Math.floor(revenue * (1 - rng.float() * 0.4)))),
    wechat_unionid: unionidAt !== undefined && rng.chance(0.85) ? person.unionid : '',
  };
  let tags = phone.tags;
  if (w.rollInvalid(tags)) {
    tags |= TAG.invalid;
    if (rng.chance(0.5)) {
      row.phone = '12345';
      row.email = rng.pick(['', 'n/a', 'none']);
    } else {
      row.registered_at = rng.pick(['0000-00-00', '#N/A', '2024-02-30']);
    }
    return { row, tags };
  }
  let phoneBlankable = phone.tags === 0;
  if (w.roll('typoPhone')) {
    const shown = applyPhoneTypo(w, phone);
    row.phone = shown.text;
    tags |= shown.tags;
    phoneBlankable = false;
  }
  if (w.roll('typoName')) {
    row.name = misspellName(rng, person.name, person.english, person.gender);
    tags |= TAG.typo_name;
  }
  if (w.roll('fullwidth')) {
    if (row.email !== '' && rng.chance(0.5)) row.email = toFullwidth(row.email);
    else row.phone = toFullwidth(row.phone);
    tags |= TAG.fullwidth;
  }
  if (w.roll('missingField')) {
    tags |= TAG.missing_field;
    const r = rng.int(4);
    if (r === 0 && phoneBlankable && row.email !== '') row.phone = '';
    else if (r === 1) row.gender = '';
    else if (r === 2) {
      row.province = '';
      row.city = '';
    } else row.birthday = '';
  }
  return { row, tags };
}

function formatBirthday(style: number, ms: number): string {
  if (style === 0) return formatDate(ms);
  if (style === 1) return formatSlashShort(ms);
  return formatCompactDate(ms);
}
