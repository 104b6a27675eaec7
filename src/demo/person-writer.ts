import { DAY, formatDate, formatIso } from './calendar.js';
import type { GenContext } from './context.js';
import type { Category } from './data/products.js';
import type { CaseKey, HardCaseCounter } from './hard-cases.js';
import type { Person } from './person.js';
import type { HistoryPlan } from './plan.js';
import type { Rng } from './prng.js';
import { lifecycleStage, Purchases } from './purchases.js';
import { CROSS_PERSON_TAGS, formatTags, TAG, type TagBits } from './tags.js';
import { toFullwidth } from './variants.js';
import {
  DEMO_FILES,
  type CrmMemberRow,
  type GroundTruthRow,
  type PersonRow,
  type PosOrderRow,
  type SegmentMessage,
  type TmallOrderRow,
} from './types.js';

/** A message before it is written: its true time, when it reaches the collector, its truth. */
export interface MessageRecord {
  msg: SegmentMessage;
  readonly at: number;
  sendAt: number;
  tags: TagBits;
  /** Set on Order Completed: what the order contributes when it counts. */
  readonly purchase: { orderId: string; total: number; categories: readonly Category[] } | undefined;
  /** Set on Order Refunded: the order it takes back. */
  readonly refundOf: string | undefined;
  duplicate: boolean;
}

/** Everything produced for a batch of people, in output order. */
export interface OutputBatch {
  events: SegmentMessage[];
  tickets: SegmentMessage[];
  crmMembers: CrmMemberRow[];
  posOrders: PosOrderRow[];
  tmallOrders: TmallOrderRow[];
  groundTruth: GroundTruthRow[];
  people: PersonRow[];
  /** Distinct messages in `events` (duplicates count once). */
  distinctEvents: number;
}

export function emptyBatch(): OutputBatch {
  return {
    events: [],
    tickets: [],
    crmMembers: [],
    posOrders: [],
    tmallOrders: [],
    groundTruth: [],
    people: [],
    distinctEvents: 0,
  };
}

const LATE_MIN = DAY;
const OUT_OF_ORDER_WINDOW = 20 * 3_600_000;

/**
 * Collects one person's records from every channel, applies the transport-level hard cases
 * (invalid events, late, out-of-order and duplicated deliveries), keeps the truth, and hands
 * everything to a batch.
 */
export class PersonWriter {
  readonly events: MessageRecord[] = [];
  readonly tickets: MessageRecord[] = [];
  readonly crm: { row: CrmMemberRow; tags: TagBits }[] = [];
  readonly pos: { row: PosOrderRow; tags: TagBits }[] = [];
  readonly tmall: { row: TmallOrderRow; tags: TagBits; key: string }[] = [];
  readonly purchases = new Purchases();

  constructor(
    readonly ctx: GenContext,
    readonly person: Person,
    readonly rng: Rng,
    readonly plan: HistoryPlan,
    readonly counter: HardCaseCounter,
  ) {}

  roll(key: CaseKey): boolean {
    return this.counter.roll(this.rng, key);
  }

  /** Decides whether a record is invalid; records of cross-person cases always stay valid. */
  rollInvalid(tags: TagBits): boolean {
    if ((tags & CROSS_PERSON_TAGS) !== 0) return false;
    return this.roll('invalid');
  }

  addEvent(
    msg: SegmentMessage,
    at: number,
    tags: TagBits,
    purchase?: MessageRecord['purchase'],
    refundOf?: string,
  ): void {
    this.events.push({ msg, at, sendAt: at, tags, purchase, refundOf, duplicate: false });
  }

  addTicket(msg: SegmentMessage, at: number, tags: TagBits): void {
    this.tickets.push({
      msg,
      at,
      sendAt: at,
      tags,
      purchase: undefined,
      refundOf: undefined,
      duplicate: false,
    });
  }

  /** Invalid events, purchases from the valid ones, then the delivery order. */
  finishEvents(): void {
    const events = this.events;
    events.sort((a, b) => a.at - b.at);
    for (const rec of events) {
      if (this.rollInvalid(rec.tags)) {
        rec.msg = corruptMessage(this.rng, rec.msg);
        rec.tags |= TAG.invalid;
      }
    }
    const refunded = new Set<string>();
    for (const rec of events) {
      if (rec.refundOf !== undefined && (rec.tags & TAG.invalid) === 0) refunded.add(rec.refundOf);
    }
    for (const rec of events) {
      const p = rec.purchase;
      if (p !== undefined && (rec.tags & TAG.invalid) === 0 && !refunded.has(p.orderId)) {
        this.purchases.add(rec.at, p.total, p.categories);
      }
    }
    this.arrangeDelivery(events);
    for (const rec of this.tickets) {
      if (this.rollInvalid(rec.tags)) {
        rec.msg = corruptTicket(this.rng, rec.msg);
        rec.tags |= TAG.invalid;
      } else if (this.roll('fullwidth')) {
        // Typed on a phone keyboard in full-width mode.
        const traits = rec.msg.context.traits ?? {};
        if (traits.phone !== undefined) traits.phone = toFullwidth(traits.phone);
        if (traits.email !== undefined) traits.email = toFullwidth(traits.email);
        rec.tags |= TAG.fullwidth;
      }
      rec.sendAt = rec.at + this.rng.between(200, 5000);
      rec.msg.sentAt = formatIso(rec.sendAt);
    }
  }

  /**
   * Segment libraries batch and retry: most messages arrive within seconds, some days late
   * (an app offline), some after a later one (separate batches), some twice (a retry after a
   * lost acknowledgement). Messages are written in arrival order.
   */
  private arrangeDelivery(events: MessageRecord[]): void {
    const rng = this.rng;
    const end = this.ctx.calendar.end;
    const n = events.length;
    const wantsOutOfOrder = new Uint8Array(n);
    // Newest first: a message too close to the end of the period to arrive a day late passes
    // its turn to an older one, so the produced share stays the configured one.
    let lateDebt = 0;
    for (let i = n - 1; i >= 0; i--) {
      const rec = events[i]!;
      rec.sendAt = rec.at + rng.between(50, 3000);
      const late = this.roll('late');
      const ooo = this.roll('outOfOrder');
      rec.duplicate = this.roll('duplicateDelivery');
      if (late || lateDebt > 0) {
        const room = end - rec.at - LATE_MIN;
        if (room > 0) {
          rec.sendAt = rec.at + LATE_MIN + rng.int(Math.min(room, 9 * DAY));
          rec.tags |= TAG.late;
          if (!late) lateDebt--;
        } else if (late) lateDebt++;
      }
      if (ooo) wantsOutOfOrder[i] = 1;
      if (rec.duplicate) rec.tags |= TAG.duplicate_delivery;
    }
    for (; lateDebt > 0; lateDebt--) this.counter.retract('late');
    // From the end, so a neighbour's arrival time is final when it is used. A message that
    // cannot be delayed (late, broken, alone) passes its turn to the next one that can, so the
    // produced share stays the configured one.
    let debt = 0;
    for (let i = n - 1; i >= 0; i--) {
      const wants = wantsOutOfOrder[i] === 1;
      if (!wants && debt === 0) continue;
      if (this.delayOne(events, wantsOutOfOrder, i)) {
        if (!wants) debt--;
      } else if (wants) debt++;
    }
    for (; debt > 0; debt--) this.counter.retract('outOfOrder');
    events.sort((a, b) => a.sendAt - b.sendAt || a.at - b.at);
    for (const rec of events) rec.msg.sentAt = formatIso(rec.sendAt);
  }

  /**
   * Makes message i arrive after a later message (or, failing that, the previous message arrive
   * after message i). False when neither is possible: a late message is already out of order and
   * a broken timestamp cannot show an order.
   */
  private delayOne(events: MessageRecord[], wants: Uint8Array, i: number): boolean {
    const rng = this.rng;
    const rec = events[i]!;
    if ((rec.tags & (TAG.late | TAG.invalid | TAG.out_of_order)) !== 0) return false;
    const next = this.neighbour(events, wants, i, +1);
    // Never so delayed that it becomes a late message (a chain of delays could add up).
    if (next !== undefined && next.sendAt + 120_000 - rec.at < LATE_MIN) {
      rec.sendAt = next.sendAt + rng.between(1000, 120_000);
      rec.tags |= TAG.out_of_order;
      return true;
    }
    const prevIndex = this.neighbourIndex(events, wants, i, -1);
    const prev = prevIndex >= 0 ? events[prevIndex] : undefined;
    if (
      prev !== undefined &&
      (prev.tags & TAG.out_of_order) === 0 &&
      rec.sendAt + 120_000 - prev.at < LATE_MIN
    ) {
      prev.sendAt = rec.sendAt + rng.between(1000, 120_000);
      prev.tags |= TAG.out_of_order;
      return true;
    }
    return false;
  }

  private neighbour(
    events: readonly MessageRecord[],
    wants: Uint8Array,
    i: number,
    dir: 1 | -1,
  ): MessageRecord | undefined {
    const j = this.neighbourIndex(events, wants, i, dir);
    return j >= 0 ? events[j] : undefined;
  }

  /** The nearest message in time, later (dir 1) or earlier (−1), that is on time, within 20 h. */
  private neighbourIndex(
    events: readonly MessageRecord[],
    wants: Uint8Array,
    i: number,
    dir: 1 | -1,
  ): number {
    const at = events[i]!.at;
    for (let j = i + dir; j >= 0 && j < events.length; j += dir) {
      const other = events[j]!;
      if (Math.abs(other.at - at) > OUT_OF_ORDER_WINDOW) return -1;
      if (other.at === at) continue;
      if ((other.tags & (TAG.late | TAG.invalid)) !== 0) continue;
      if (dir === -1 && wants[j] === 1) continue;
      return j;
    }
    return -1;
  }

  /** Appends this person's output and truth to the batch. */
  flushTo(batch: OutputBatch, crmRow: { row: CrmMemberRow; tags: TagBits } | undefined): void {
    const personId = this.person.id;
    let personTags = 0;
    // One ground-truth row per record written; the person's hard cases are the union of its records'.
    const truth = (file: string, recordKey: string, tags: TagBits): void => {
      batch.groundTruth.push({
        file,
        record_key: recordKey,
        person_id: personId,
        hard_case: formatTags(tags),
      });
      personTags |= tags;
    };
    const pending: MessageRecord[] = [];
    for (let i = 0; i < this.events.length; i++) {
      const rec = this.events[i]!;
      batch.events.push(rec.msg);
      batch.distinctEvents++;
      truth(DEMO_FILES.events, rec.msg.messageId, rec.tags);
      if (rec.duplicate) pending.push(rec);
      // A retried message arrives right after the original or a few messages later.
      for (let k = pending.length - 1; k >= 0; k--) {
        if (this.rng.chance(0.5) || i === this.events.length - 1) {
          batch.events.push(pending[k]!.msg);
          pending.splice(k, 1);
        }
      }
    }
    for (const rec of this.tickets) {
      batch.tickets.push(rec.msg);
      truth(DEMO_FILES.tickets, rec.msg.messageId, rec.tags);
    }
    if (crmRow !== undefined) {
      batch.crmMembers.push(crmRow.row);
      truth(DEMO_FILES.crmMembers, crmRow.row.member_no, crmRow.tags);
    }
    for (const r of this.pos) {
      batch.posOrders.push(r.row);
      truth(DEMO_FILES.posOrders, r.row.order_id, r.tags);
    }
    for (const r of this.tmall) {
      batch.tmallOrders.push(r.row);
      truth(DEMO_FILES.tmallOrders, r.key, r.tags);
    }
    this.counter.record('sharedDevice', (personTags & TAG.shared_device) !== 0);
    this.counter.record('recycledPhone', (personTags & TAG.recycled_phone) !== 0);
    this.counter.record('secondPhone', (personTags & TAG.second_phone) !== 0);
    batch.people.push(this.personRow());
  }

  private personRow(): PersonRow {
    const p = this.person;
    const b = this.purchases;
    const phones = p.phones.map((x) => x.number);
    if (p.secondPhone !== undefined) phones.push(p.secondPhone.number);
    return {
      person_id: p.id,
      name: p.name,
      gender: p.gender,
      birthday: formatDate(p.birthday),
      province: p.address.city.province,
      city: p.address.city.city,
      phones: phones.join('|'),
      emails: p.email ?? '',
      lifecycle: lifecycleStage(b.count, b.first, b.last, this.ctx.calendar.end),
      segment_archetype: p.archetype,
      first_purchase_at: b.firstIso(),
      last_purchase_at: b.lastIso(),
      orders: String(b.count),
      revenue: b.revenue.toFixed(2),
      favourite_category: b.favouriteCategory() ?? '',
    };
  }
}

// An empty timestamp is not among them: the Segment spec treats it as absent (the receipt time is used).
const BAD_TIMESTAMPS = [
  '2025-13-45T25:61:00+08:00',
  'NaN',
  '0000-00-00 00:00:00',
  'yesterday',
  '2025/02/30 24:00',
];

/** An invalid variant of a message: no event name, no identifiers, a broken timestamp or phone. */
function corruptMessage(rng: Rng, m: SegmentMessage): SegmentMessage {
  const kinds: ('no_event' | 'no_ids' | 'bad_timestamp' | 'bad_phone')[] = ['no_ids', 'bad_timestamp'];
  if (m.type === 'track') kinds.push('no_event');
  if (m.type === 'identify') kinds.push('bad_phone');
  const copy: SegmentMessage = { ...m };
  switch (rng.pick(kinds)) {
    case 'no_event':
      delete copy.event;
      break;
    case 'no_ids': {
      delete copy.userId;
      delete copy.anonymousId;
      const context = { ...m.context };
      if (context.device !== undefined) {
        const { id: _id, ...device } = context.device;
        context.device = device;
      }
      delete context.externalIds;
      delete context.traits;
      copy.context = context;
      if (copy.traits !== undefined) {
        const { phone: _p, email: _e, ...traits } = copy.traits;
        copy.traits = traits;
      }
      break;
    }
    case 'bad_timestamp':
      copy.timestamp = rng.pick(BAD_TIMESTAMPS);
      break;
    case 'bad_phone':
      copy.traits = { ...copy.traits, phone: '12345' };
      break;
  }
  return copy;
}

function corruptTicket(rng: Rng, m: SegmentMessage): SegmentMessage {
  const copy: SegmentMessage = { ...m };
  switch (rng.int(3)) {
    case 0:
      copy.context = { library: m.context.library };
      break;
    case 1:
      copy.context = { ...m.context, traits: { phone: '12345' } };
      break;
    default:
      copy.timestamp = rng.pick(BAD_TIMESTAMPS);
      break;
  }
  return copy;
}
