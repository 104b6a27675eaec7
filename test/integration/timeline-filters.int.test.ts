import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, boot, newKey, profileOf, send, stopAll } from '../support/identity-api.js';
import type { TestTessera } from '../support/tessera.js';

/**
 * The profile timeline's filters (message type, track event name, time window) over the real HTTP
 * API: a person's history across two anonymous devices and a login, another person's events
 * interleaved. Every answer is compared with a plain reference computed from what was sent, page
 * by page with small limits, so a filter applied after paging (short pages, lost or repeated rows)
 * shows up.
 */

interface Sent {
  messageId: string;
  type: string;
  event: string | null;
  timestamp: string;
}
interface Filter {
  type?: string[];
  event?: string[];
  since?: string;
  until?: string;
}

const NAMES = ['Product Viewed', 'Product Added', 'Order Completed', 'Coupon, Applied', '加入购物车'];

let t: TestTessera;
let person: string;
/** What was sent for the person, with the seq each got (read back once, unfiltered). */
let mine: Array<Sent & { seq: number }>;
let messageNo = 0;

const message = (m: Record<string, unknown>): Record<string, unknown> => ({
  messageId: `tf-${++messageNo}`,
  ...m,
});

/** The person's history: browsing on a phone, a login, orders, a second device, another login. */
function history(): { person: Array<Record<string, unknown>>; other: Array<Record<string, unknown>> } {
  const p: Array<Record<string, unknown>> = [];
  const other: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 10; i++) {
    p.push(
      i % 3 === 0
        ? message({ type: 'page', anonymousId: 'tf-anon-web', name: `Page ${i}`, timestamp: at(i) })
        : message({
            type: 'track',
            anonymousId: 'tf-anon-web',
            event: NAMES[i % NAMES.length],
            timestamp: at(i),
          }),
    );
    other.push(message({ type: 'track', userId: 'tf-other', event: NAMES[i % 2], timestamp: at(i) }));
  }
  p.push(
    message({
      type: 'identify',
      userId: 'tf-u42',
      anonymousId: 'tf-anon-web',
      traits: { phone: '13912345678', city: '杭州' },
      timestamp: at(10),
    }),
  );
  // Several events at the same instant: the cursor must order them by seq and lose none.
  for (let i = 0; i < 12; i++)
    p.push(
      message({
        type: 'track',
        userId: 'tf-u42',
        event: NAMES[(i * 7) % NAMES.length],
        timestamp: at(11 + (i >> 2)),
      }),
    );
  p.push(message({ type: 'group', userId: 'tf-u42', groupId: 'tf-company', timestamp: at(15) }));
  for (let i = 0; i < 6; i++)
    p.push(
      i % 2 === 0
        ? message({ type: 'screen', anonymousId: 'tf-anon-app', name: 'Home', timestamp: at(20 + i) })
        : message({
            type: 'track',
            anonymousId: 'tf-anon-app',
            event: NAMES[i % NAMES.length],
            timestamp: at(20 + i),
          }),
    );
  p.push(message({ type: 'identify', userId: 'tf-u42', anonymousId: 'tf-anon-app', timestamp: at(30) }));
  p.push(message({ type: 'track', userId: 'tf-u42', event: 'Order Completed', timestamp: at(31) }));
  p.push(message({ type: 'identify', userId: 'tf-u42', traits: { city: '上海' }, timestamp: at(31) }));
  return { person: p, other };
}

/** The reference: the sent events the filter keeps, newest first (time, then seq). */
function reference(f: Filter): string[] {
  const since = f.since === undefined ? -Infinity : Date.parse(f.since);
  const until = f.until === undefined ? Infinity : Date.parse(f.until);
  return mine
    .filter((e) => {
      if (f.type?.length && !f.type.includes(e.type)) return false;
      if (f.event?.length && !(e.type === 'track' && e.event !== null && f.event.includes(e.event)))
        return false;
      const ts = Date.parse(e.timestamp);
      return ts >= since && ts < until;
    })
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.seq - a.seq)
    .map((e) => e.messageId);
}

function queryOf(f: Filter, limit: number, before?: string): string {
  const q = new URLSearchParams();
  for (const v of f.type ?? []) q.append('type', v);
  for (const v of f.event ?? []) q.append('event', v);
  if (f.since !== undefined) q.set('since', f.since);
  if (f.until !== undefined) q.set('until', f.until);
  q.set('limit', String(limit));
  if (before !== undefined) q.set('before', before);
  return q.toString();
}

/** Every page of the filtered timeline; each page but the last is full. */
async function readAll(
  f: Filter,
  limit: number,
  apiKey?: string,
): Promise<{ ids: string[]; pages: any[][] }> {
  const ids: string[] = [];
  const pages: any[][] = [];
  let before: string | undefined;
  for (let n = 0; n < 500; n++) {
    const res = await t.api(
      'GET',
      `/api/v1/profiles/${person}/events?${queryOf(f, limit, before)}`,
      undefined,
      apiKey,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const events = res.body.events as any[];
    pages.push(events);
    ids.push(...events.map((e) => e.messageId as string));
    if (res.body.next === null) {
      expect(events.length).toBeLessThanOrEqual(limit);
      return { ids, pages };
    }
    expect(events, `a page with a next cursor is full (${JSON.stringify(f)})`).toHaveLength(limit);
    before = res.body.next as string;
  }
  throw new Error('the timeline did not end');
}

beforeAll(async () => {
  t = await boot();
  const { writeKey } = await t.newSource('timeline filters');
  const { person: p, other } = history();
  // Sent in arrival order, the other person's events in between.
  await send(
    t,
    writeKey,
    p.slice(0, 10).flatMap((m, i) => [m, other[i]!]),
  );
  await send(t, writeKey, p.slice(10, 24));
  await send(t, writeKey, p.slice(24));
  person = await profileOf(t, 'anonymous_id', 'tf-anon-web');
  expect(await profileOf(t, 'user_id', 'tf-u42')).toBe(person);
  expect(await profileOf(t, 'anonymous_id', 'tf-anon-app')).toBe(person);
  expect(await profileOf(t, 'user_id', 'tf-other')).not.toBe(person);

  const all = await t.api('GET', `/api/v1/profiles/${person}/events?limit=1000`);
  expect(all.status).toBe(200);
  const seqOf = new Map((all.body.events as any[]).map((e) => [e.messageId as string, e.seq as number]));
  expect([...seqOf.keys()].sort()).toEqual(p.map((m) => m.messageId as string).sort());
  mine = p.map((m) => ({
    messageId: m.messageId as string,
    type: m.type as string,
    event: (m.event as string | undefined) ?? null,
    timestamp: m.timestamp as string,
    seq: seqOf.get(m.messageId as string)!,
  }));
}, 60_000);

afterAll(stopAll);

describe('profile timeline filters', () => {
  const cases: Array<[string, () => Filter]> = [
    ['no filter', () => ({})],
    ['track only', () => ({ type: ['track'] })],
    ['identify only', () => ({ type: ['identify'] })],
    ['page and screen', () => ({ type: ['page', 'screen'] })],
    ['one event name', () => ({ event: ['Product Viewed'] })],
    ['names with a comma and in Chinese', () => ({ event: ['Coupon, Applied', '加入购物车'] })],
    ['since', () => ({ since: at(11) })],
    ['until (exclusive)', () => ({ until: at(11) })],
    ['since and until', () => ({ since: at(5), until: at(21) })],
    [
      'a window in another zone',
      () => ({ since: '2025-03-01T16:11:00+08:00', until: '2025-03-01T16:13:00+08:00' }),
    ],
    ['identify since the first login', () => ({ type: ['identify'], since: at(10) })],
    [
      'track names until the second device',
      () => ({ type: ['track'], event: ['Order Completed', 'Product Added'], until: at(26) }),
    ],
    ['event names with a non-track type', () => ({ type: ['identify'], event: ['Product Viewed'] })],
    ['a name never sent', () => ({ event: ['Never Sent'] })],
  ];

  it.each(cases)('%s: every page full, no row lost or repeated, as the reference', async (_name, filter) => {
    const f = filter();
    const expected = reference(f);
    for (const limit of [1, 4, 100]) {
      const { ids } = await readAll(f, limit);
      expect(ids, `limit ${limit}`).toEqual(expected);
    }
  });

  it('the reference itself exercises the filters (non-trivial cases)', () => {
    expect(reference({}).length).toBe(mine.length);
    expect(reference({ type: ['track'] }).length).toBeGreaterThan(10);
    expect(reference({ event: ['Coupon, Applied', '加入购物车'] }).length).toBeGreaterThan(2);
    expect(reference({ since: at(5), until: at(21) }).length).toBeLessThan(mine.length - 5);
    // Several events share a timestamp, so paging through them tests the seq tie-break.
    const times = mine.map((e) => e.timestamp);
    expect(new Set(times).size).toBeLessThan(times.length - 5);
  });

  it('random filter combinations and page sizes match the reference', async () => {
    const instants = [...new Set(mine.map((e) => Date.parse(e.timestamp)))];
    const instant = fc.oneof(
      fc.constantFrom(...instants),
      fc.integer({ min: Math.min(...instants) - 60_000, max: Math.max(...instants) + 60_000 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(['identify', 'track', 'page', 'screen', 'group', 'alias']),
        fc.subarray([...NAMES, 'Never Sent']),
        fc.option(instant, { nil: undefined }),
        fc.option(instant, { nil: undefined }),
        fc.integer({ min: 1, max: 9 }),
        async (type, event, a, b, limit) => {
          const [since, until] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
          const f: Filter = {
            type,
            event,
            ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
            ...(until !== undefined && until !== since ? { until: new Date(until).toISOString() } : {}),
          };
          const { ids } = await readAll(f, limit);
          expect(ids).toEqual(reference(f));
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('keeps personal data masked for a role below the PII role', async () => {
    const analyst = await newKey(t, 'analyst');
    const { pages } = await readAll({ type: ['identify'] }, 2, analyst);
    const text = JSON.stringify(pages);
    expect(text).toContain('+86139****5678');
    expect(text).not.toContain('12345678');
  });

  it('answers 422 naming the field for bad values', async () => {
    for (const [query, field] of [
      ['type=bogus', 'query.type'],
      ['type=track&type=Track', 'query.type'],
      ['event=', 'query.event'],
      ['since=yesterday', 'query.since'],
      ['until=2025-03-01', 'query.until'],
      [`since=${at(20)}&until=${at(10)}`, 'query.until'],
      ['before=nope', 'query.before'],
      ['color=red', 'query'],
    ] as const) {
      const res = await t.api('GET', `/api/v1/profiles/${person}/events?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error.details), query).toContain(field);
    }
  });
});
