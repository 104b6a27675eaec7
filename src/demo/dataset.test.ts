import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from './calendar.js';
import { CATEGORIES, PRODUCT_BY_TMALL_TITLE, type Category } from './data/products.js';
import { FileSink } from './file-sink.js';
import { generateDemo } from './generate.js';
import { DEFAULT_PROPORTIONS, type HardCaseProportions } from './proportions.js';
import { readDemoDir, unwrapOrderId, type DemoDataset } from './read.js';
import { DEMO_FILES, type HardCaseTag, type SegmentMessage } from './types.js';

/**
 * One generated demo of 5,000 people, read back from its files and checked against its ground
 * truth with code that shares nothing with the generator but the file formats.
 */
const PEOPLE = 5000;
const SEED = 20_261_101;

let dir: string;
let d: DemoDataset;
/** `${file}\0${record_key}` → truth. */
const truth = new Map<string, { person: string; tags: Set<HardCaseTag> }>();
const key = (file: string, k: string): string => `${file}\u0000${k}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-demo-data-'));
  await generateDemo({ seed: SEED, people: PEOPLE }, new FileSink(dir));
  d = await readDemoDir(dir);
  for (const t of d.groundTruth) {
    truth.set(key(t.file, t.record_key), {
      person: t.person_id,
      tags: new Set(t.hard_case === '' ? [] : (t.hard_case.split('|') as HardCaseTag[])),
    });
  }
}, 600_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

// ---- helpers that read the files the way a consumer would ----

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/u;

/** Epoch ms of the time formats the exports use, or NaN. */
function parseTime(s: string): number {
  if (ISO.test(s)) return Date.parse(s);
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/u.exec(s);
  if (m === null) m = /^(\d{4})(\d{2})(\d{2})()()()$/u.exec(s);
  if (m === null) return Number.NaN;
  const [, y, mo, da, h = '0', mi = '0', se = '0'] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h || 0), Number(mi || 0), Number(se || 0));
  const back = new Date(t);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(da) || Number(h || 0) > 23) {
    return Number.NaN;
  }
  return t - 8 * 3_600_000;
}

function normPhone(s: string | undefined): string {
  if (s === undefined) return '';
  const digits = s.normalize('NFKC').replace(/\D/gu, '');
  return digits.length > 11 ? digits.replace(/^(0086|86)/u, '') : digits;
}

const personIndex = (id: string): number => Number(id.slice(4));

interface Rec {
  file: string;
  key: string;
  person: string;
  tags: Set<HardCaseTag>;
  phone: string;
  time: number;
}

function truthOf(file: string, k: string): { person: string; tags: Set<HardCaseTag> } {
  const t = truth.get(key(file, k));
  if (t === undefined) throw new Error(`no truth for ${file} ${k}`);
  return t;
}

function distinctEvents(): { message: SegmentMessage; line: string; index: number }[] {
  const seen = new Set<string>();
  const out: { message: SegmentMessage; line: string; index: number }[] = [];
  d.events.forEach((e, index) => {
    if (seen.has(e.message.messageId)) return;
    seen.add(e.message.messageId);
    out.push({ ...e, index });
  });
  return out;
}

/** Every record that shows a phone, with its time. */
function phoneRecords(): Rec[] {
  const out: Rec[] = [];
  const add = (file: string, k: string, phone: string | undefined, time: number): void => {
    const p = normPhone(phone);
    if (p === '' || (phone ?? '').includes('*')) return;
    out.push({ file, key: k, ...truthOf(file, k), phone: p, time });
  };
  for (const { message: m } of distinctEvents()) {
    add(DEMO_FILES.events, m.messageId, m.traits?.phone as string | undefined, parseTime(m.timestamp));
  }
  for (const m of d.tickets)
    add(DEMO_FILES.tickets, m.messageId, m.context.traits?.phone, parseTime(m.timestamp));
  for (const r of d.crmMembers) add(DEMO_FILES.crmMembers, r.member_no, r.phone, parseTime(r.registered_at));
  for (const r of d.posOrders) add(DEMO_FILES.posOrders, r.order_id, r.phone, parseTime(r.order_time));
  for (const r of d.tmallOrders) {
    add(DEMO_FILES.tmallOrders, unwrapOrderId(r.订单编号), r.联系手机, parseTime(r.订单创建时间));
  }
  return out;
}

// ---- validity as an importer would judge it ----

function hasIdentifier(m: SegmentMessage): boolean {
  return (
    m.userId !== undefined ||
    m.anonymousId !== undefined ||
    m.context.device?.id !== undefined ||
    (m.context.externalIds?.length ?? 0) > 0
  );
}

const plausiblePhone = (p: unknown): boolean => typeof p !== 'string' || normPhone(p).length >= 10;

function eventIsValid(m: SegmentMessage): boolean {
  if (!ISO.test(m.timestamp) || Number.isNaN(Date.parse(m.timestamp))) return false;
  if (!hasIdentifier(m)) return false;
  if (m.type === 'track' && (m.event === undefined || m.event === '')) return false;
  return plausiblePhone(m.traits?.phone);
}

function ticketIsValid(m: SegmentMessage): boolean {
  const t = m.context.traits ?? {};
  const contact =
    (t.phone !== undefined && normPhone(t.phone).length === 11) ||
    (t.email ?? '').normalize('NFKC').includes('@');
  return ISO.test(m.timestamp) && contact;
}

// ---- the checks ----

describe('ground truth', () => {
  it('has exactly one row for every record of every file, and nothing else', () => {
    const records: string[] = [];
    for (const { message } of distinctEvents()) records.push(key(DEMO_FILES.events, message.messageId));
    for (const m of d.tickets) records.push(key(DEMO_FILES.tickets, m.messageId));
    for (const r of d.crmMembers) records.push(key(DEMO_FILES.crmMembers, r.member_no));
    for (const r of d.posOrders) records.push(key(DEMO_FILES.posOrders, r.order_id));
    for (const r of d.tmallOrders) records.push(key(DEMO_FILES.tmallOrders, unwrapOrderId(r.订单编号)));
    expect(new Set(records).size).toBe(records.length);
    expect(truth.size).toBe(d.groundTruth.length);
    expect(records.length).toBe(d.groundTruth.length);
    for (const r of records) expect(truth.has(r)).toBe(true);
    expect(d.manifest.counts.groundTruth).toBe(d.groundTruth.length);
  });

  it('names only persons of people.csv, and every person', () => {
    const ids = new Set(d.people.map((p) => p.person_id));
    expect(ids.size).toBe(PEOPLE);
    expect(d.people.length).toBe(PEOPLE);
    for (const t of d.groundTruth) expect(ids.has(t.person_id)).toBe(true);
    const seen = new Set(d.groundTruth.map((t) => t.person_id));
    // Everyone leaves at least one record somewhere.
    expect(seen.size).toBe(PEOPLE);
  });

  it('marks duplicates that really are the same message written twice', () => {
    const lines = new Map<string, string[]>();
    for (const e of d.events)
      lines.set(e.message.messageId, [...(lines.get(e.message.messageId) ?? []), e.line]);
    let duplicates = 0;
    for (const [id, ls] of lines) {
      const tagged = truthOf(DEMO_FILES.events, id).tags.has('duplicate_delivery');
      expect(ls.length).toBe(tagged ? 2 : 1);
      if (ls.length === 2) {
        expect(ls[0]).toBe(ls[1]);
        duplicates++;
      }
    }
    expect(duplicates).toBeGreaterThan(0);
    expect(d.manifest.counts.eventLines - d.manifest.counts.events).toBe(duplicates);
  });

  it('shares a device or cookie only between the two people of a household, and marks it', () => {
    const owners = new Map<string, { persons: Set<string>; allTagged: boolean }>();
    const note = (id: string | undefined, person: string, tagged: boolean): void => {
      if (id === undefined) return;
      const o = owners.get(id) ?? { persons: new Set<string>(), allTagged: true };
      o.persons.add(person);
      o.allTagged &&= tagged;
      owners.set(id, o);
    };
    for (const { message: m } of distinctEvents()) {
      const t = truthOf(DEMO_FILES.events, m.messageId);
      const tagged = t.tags.has('shared_device');
      note(m.context.device?.id, t.person, tagged);
      note(m.anonymousId, t.person, tagged);
      note(m.userId, t.person, false);
      for (const x of m.context.externalIds ?? []) note(x.id, t.person, false);
    }
    let shared = 0;
    for (const [, o] of owners) {
      if (o.persons.size === 1) continue;
      shared++;
      expect(o.persons.size).toBe(2);
      expect(o.allTagged).toBe(true);
      const [a, b] = [...o.persons].map(personIndex);
      expect(a! ^ 1).toBe(b);
    }
    expect(shared).toBeGreaterThan(0);
    // Every tagged record really uses an identifier shared with the other person.
    for (const { message: m } of distinctEvents()) {
      if (!truthOf(DEMO_FILES.events, m.messageId).tags.has('shared_device')) continue;
      const ids = [m.context.device?.id, m.anonymousId].filter((x): x is string => x !== undefined);
      expect(ids.some((id) => owners.get(id)!.persons.size === 2)).toBe(true);
    }
  });

  it('gives a recycled number to two people one after the other, and nobody else shares a number', () => {
    const byPhone = new Map<string, Rec[]>();
    for (const r of phoneRecords()) {
      if (r.tags.has('invalid') || r.tags.has('typo_phone')) continue;
      byPhone.set(r.phone, [...(byPhone.get(r.phone) ?? []), r]);
    }
    let recycled = 0;
    for (const [phone, recs] of byPhone) {
      const persons = [...new Set(recs.map((r) => r.person))].sort();
      if (persons.length === 1) {
        for (const r of recs) if (r.tags.has('recycled_phone')) expect(persons, phone).toHaveLength(2);
        continue;
      }
      recycled++;
      expect(persons).toHaveLength(2);
      for (const r of recs) expect(r.tags.has('recycled_phone')).toBe(true);
      const [earlier, later] = persons.map((p) => recs.filter((r) => r.person === p).map((r) => r.time));
      // The lower index held the number first; their periods do not overlap.
      expect(Math.max(...earlier!)).toBeLessThan(Math.min(...later!));
      expect(personIndex(persons[1]!) - personIndex(persons[0]!)).toBe(2);
    }
    expect(recycled).toBeGreaterThan(0);
  });

  it('marks second phones that belong to the same person', () => {
    const phones = new Map(d.people.map((p) => [p.person_id, p.phones.split('|')]));
    let n = 0;
    for (const r of phoneRecords()) {
      if (!r.tags.has('second_phone')) continue;
      n++;
      const listed = phones.get(r.person)!;
      expect(listed.length).toBeGreaterThanOrEqual(2);
      expect(listed.slice(1)).toContain(r.phone);
    }
    expect(n).toBeGreaterThan(0);
  });

  it('marks gift orders, shipped to another name, as the buyer’s', () => {
    const names = new Map(d.people.map((p) => [p.person_id, p.name]));
    let gifts = 0;
    for (const r of d.tmallOrders) {
      const t = truthOf(DEMO_FILES.tmallOrders, unwrapOrderId(r.订单编号));
      if (!t.tags.has('gift_shipping') || t.tags.has('invalid')) continue;
      gifts++;
      expect(r.收货人姓名).not.toBe(names.get(t.person));
    }
    expect(gifts).toBeGreaterThan(0);
  });

  it('marks late messages (sent a day or more later) and only those', () => {
    for (const { message: m } of distinctEvents()) {
      const t = truthOf(DEMO_FILES.events, m.messageId);
      if (t.tags.has('invalid')) continue;
      const delay = Date.parse(m.sentAt!) - Date.parse(m.timestamp);
      expect(delay >= DAY, m.messageId).toBe(t.tags.has('late'));
      expect(delay).toBeGreaterThan(0);
    }
  });

  it('writes out-of-order messages after a later event of the same person', () => {
    const latestSoFar = new Map<string, number>();
    let n = 0;
    for (const { message: m } of distinctEvents()) {
      const t = truthOf(DEMO_FILES.events, m.messageId);
      const time = Date.parse(m.timestamp);
      if (t.tags.has('out_of_order')) {
        n++;
        expect(latestSoFar.get(t.person) ?? -Infinity).toBeGreaterThan(time);
      }
      if (!Number.isNaN(time))
        latestSoFar.set(t.person, Math.max(latestSoFar.get(t.person) ?? -Infinity, time));
    }
    expect(n).toBeGreaterThan(0);
  });

  it('marks exactly the records an importer would reject as invalid', () => {
    const period = [Date.parse(d.manifest.periodStart), Date.parse(d.manifest.asOf)] as const;
    const inPeriod = (t: number): boolean => t >= period[0] && t <= period[1];
    const check = (file: string, k: string, valid: boolean): void => {
      expect(valid, `${file} ${k}`).toBe(!truthOf(file, k).tags.has('invalid'));
    };
    for (const { message: m } of distinctEvents()) check(DEMO_FILES.events, m.messageId, eventIsValid(m));
    for (const m of d.tickets) check(DEMO_FILES.tickets, m.messageId, ticketIsValid(m));
    for (const r of d.crmMembers) {
      const phoneOk = r.phone === '' || normPhone(r.phone).length >= 10;
      // Date-only registrations parse to midnight, up to a day before the period's first instant.
      const registered = parseTime(r.registered_at);
      check(
        DEMO_FILES.crmMembers,
        r.member_no,
        phoneOk && registered >= period[0] - DAY && registered <= period[1],
      );
    }
    for (const r of d.posOrders) {
      const ids = r.member_no !== '' || r.phone !== '' || r.email !== '' || r.user_id !== '';
      const total = Number(r.total);
      check(
        DEMO_FILES.posOrders,
        r.order_id,
        ids && inPeriod(parseTime(r.order_time)) && r.total !== '' && total >= 0,
      );
    }
    for (const r of d.tmallOrders) {
      const ok =
        r.买家会员名 !== '' && inPeriod(parseTime(r.订单创建时间)) && !Number.isNaN(Number(r.总金额));
      check(DEMO_FILES.tmallOrders, unwrapOrderId(r.订单编号), ok);
    }
  });
});

describe('hard-case proportions', () => {
  type Unit =
    'people' | 'crmTmall' | 'crmPosTmall' | 'tmall' | 'tmallAll' | 'fullwidth' | 'events' | 'invalid';
  const UNIT: Record<keyof HardCaseProportions, [HardCaseTag, Unit]> = {
    sharedDevice: ['shared_device', 'people'],
    recycledPhone: ['recycled_phone', 'people'],
    secondPhone: ['second_phone', 'people'],
    typoName: ['typo_name', 'crmTmall'],
    typoPhone: ['typo_phone', 'crmPosTmall'],
    typoAddress: ['typo_address', 'tmall'],
    fullwidth: ['fullwidth', 'fullwidth'],
    missingField: ['missing_field', 'crmPosTmall'],
    maskedPhone: ['masked_phone', 'tmall'],
    giftShipping: ['gift_shipping', 'tmallAll'],
    duplicateDelivery: ['duplicate_delivery', 'events'],
    late: ['late', 'events'],
    outOfOrder: ['out_of_order', 'events'],
    invalid: ['invalid', 'invalid'],
  };
  const CROSS: HardCaseTag[] = ['shared_device', 'recycled_phone', 'second_phone'];

  function recount(tag: HardCaseTag, unit: Unit): { count: number; of: number } {
    if (unit === 'people') {
      const persons = new Set(
        d.groundTruth.filter((t) => t.hard_case.split('|').includes(tag)).map((t) => t.person_id),
      );
      return { count: persons.size, of: PEOPLE };
    }
    let count = 0;
    let of = 0;
    for (const t of d.groundTruth) {
      const tags = t.hard_case === '' ? [] : t.hard_case.split('|');
      const valid = !tags.includes('invalid');
      const f = t.file;
      const inUnit =
        unit === 'events'
          ? f === DEMO_FILES.events
          : unit === 'invalid'
            ? !tags.some((x) => (CROSS as string[]).includes(x))
            : unit === 'tmallAll'
              ? f === DEMO_FILES.tmallOrders
              : valid &&
                (unit === 'crmTmall'
                  ? f === DEMO_FILES.crmMembers || f === DEMO_FILES.tmallOrders
                  : unit === 'crmPosTmall'
                    ? f === DEMO_FILES.crmMembers ||
                      f === DEMO_FILES.posOrders ||
                      f === DEMO_FILES.tmallOrders
                    : unit === 'tmall'
                      ? f === DEMO_FILES.tmallOrders
                      : f === DEMO_FILES.crmMembers ||
                        f === DEMO_FILES.tmallOrders ||
                        f === DEMO_FILES.tickets);
      if (!inUnit) continue;
      of++;
      if (tags.includes(tag)) count++;
    }
    return { count, of };
  }

  for (const name of Object.keys(UNIT) as (keyof HardCaseProportions)[]) {
    it(`${name}: the files show the configured share and the manifest says so`, () => {
      const [tag, unit] = UNIT[name];
      const { count, of } = recount(tag, unit);
      const produced = d.manifest.proportions.produced[name]!;
      expect({ count, of }).toEqual({ count: produced.count, of: produced.of });
      const p = DEFAULT_PROPORTIONS[name];
      expect(d.manifest.proportions.configured[name]).toBe(p);
      const share = count / of;
      // Four standard deviations of a binomial share, plus the rounding of a person-level flag.
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / of) + 2 / of;
      expect(Math.abs(share - p), `${name}: ${count}/${of} = ${share} vs ${p}`).toBeLessThanOrEqual(
        tolerance,
      );
      expect(count).toBeGreaterThan(0);
    });
  }
});

describe('people.csv', () => {
  it('equals a recomputation from the emitted orders', () => {
    interface Agg {
      orders: number;
      revenue: number;
      first: number;
      last: number;
      lines: Map<Category, number>;
    }
    const aggs = new Map<string, Agg>();
    const add = (person: string, at: number, total: number, categories: readonly Category[]): void => {
      const a = aggs.get(person) ?? {
        orders: 0,
        revenue: 0,
        first: Infinity,
        last: -Infinity,
        lines: new Map(),
      };
      a.orders++;
      a.revenue += total;
      a.first = Math.min(a.first, at);
      a.last = Math.max(a.last, at);
      for (const c of categories) a.lines.set(c, (a.lines.get(c) ?? 0) + 1);
      aggs.set(person, a);
    };
    const valid = (file: string, k: string): boolean => !truthOf(file, k).tags.has('invalid');

    // Purchases are valid Order Completed events (once per messageId) not taken back by a valid refund.
    const refunded = new Set<string>();
    const events = distinctEvents();
    for (const { message: m } of events) {
      if (m.event === 'Order Refunded' && valid(DEMO_FILES.events, m.messageId)) {
        refunded.add(String(m.properties?.order_id));
      }
    }
    for (const { message: m } of events) {
      if (m.event !== 'Order Completed' || !valid(DEMO_FILES.events, m.messageId)) continue;
      const p = m.properties as { order_id: string; revenue: number; products: { category: Category }[] };
      if (refunded.has(p.order_id)) continue;
      const person = truthOf(DEMO_FILES.events, m.messageId).person;
      add(
        person,
        Date.parse(m.timestamp),
        p.revenue,
        p.products.map((x) => x.category),
      );
    }
    for (const r of d.posOrders) {
      if (r.status !== 'completed' || !valid(DEMO_FILES.posOrders, r.order_id)) continue;
      const person = truthOf(DEMO_FILES.posOrders, r.order_id).person;
      add(person, parseTime(r.order_time), Number(r.total), r.categories.split('|') as Category[]);
    }
    for (const r of d.tmallOrders) {
      const id = unwrapOrderId(r.订单编号);
      if (
        !['交易成功', '卖家已发货，等待买家确认'].includes(r.订单状态) ||
        !valid(DEMO_FILES.tmallOrders, id)
      )
        continue;
      const categories = r.宝贝标题.split('，').map((title) => PRODUCT_BY_TMALL_TITLE.get(title)!.category);
      add(
        truthOf(DEMO_FILES.tmallOrders, id).person,
        parseTime(r.订单创建时间),
        Number(r.买家实际支付金额),
        categories,
      );
    }

    const asOf = Date.parse(d.manifest.asOf);
    const stage = (a: Agg | undefined): string => {
      if (a === undefined) return '潜客';
      if (a.orders === 1 && asOf - a.first <= 30 * DAY) return '新客';
      const since = asOf - a.last;
      return since <= 90 * DAY ? '活跃' : since <= 180 * DAY ? '沉睡' : '流失';
    };
    const favourite = (a: Agg | undefined): string => {
      if (a === undefined) return '';
      let best: Category | '' = '';
      let n = 0;
      for (const c of CATEGORIES) if ((a.lines.get(c) ?? 0) > n) [best, n] = [c, a.lines.get(c)!];
      return best;
    };
    const iso = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 23) + '+08:00';
    const stages = new Set<string>();
    for (const p of d.people) {
      const a = aggs.get(p.person_id);
      expect(p, p.person_id).toMatchObject({
        orders: String(a?.orders ?? 0),
        revenue: (a?.revenue ?? 0).toFixed(2),
        first_purchase_at: a === undefined ? '' : iso(a.first),
        last_purchase_at: a === undefined ? '' : iso(a.last),
        favourite_category: favourite(a),
        lifecycle: stage(a),
      });
      stages.add(p.lifecycle);
    }
    // The behaviour covers every lifecycle stage.
    expect([...stages].sort()).toEqual(['新客', '沉睡', '活跃', '流失', '潜客'].sort());
  });

  it('describes people realistically', () => {
    const archetypes = new Set(d.people.map((p) => p.segment_archetype));
    expect(archetypes.size).toBe(6);
    for (const p of d.people) {
      expect(p.gender === '女' || p.gender === '男').toBe(true);
      expect(p.birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
      for (const phone of p.phones.split('|')) expect(phone).toMatch(/^1[3-9]\d{9}$/u);
      if (p.emails !== '') expect(p.emails).toMatch(/^[^@\s]+@[a-z0-9.]+$/u);
    }
    const chinese = d.people.filter((p) => /^[\u4e00-\u9fff]{2,4}$/u.test(p.name)).length;
    expect(chinese / PEOPLE).toBeGreaterThan(0.75);
    // All phones are distinct across people (hard cases aside, numbers are never shared).
    const all = d.people.flatMap((p) => p.phones.split('|').map((phone) => [phone, p.person_id] as const));
    const owners = new Map<string, Set<string>>();
    for (const [phone, id] of all) owners.set(phone, (owners.get(phone) ?? new Set()).add(id));
    for (const [, ids] of owners) {
      if (ids.size > 1) {
        const [a, b] = [...ids].map(personIndex).sort((x, y) => x - y);
        expect(b! - a!).toBe(2);
      }
    }
  });
});
