import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';

/**
 * The audit log's filters (action prefix, target, actor, time window) and its `before` cursor over
 * the real HTTP API. Audited changes are made by two admin API keys and a console login; every
 * filtered, paged answer is compared with a plain reference computed from the whole log, and the
 * whole log with what the test did. A manual clock puts three changes on each instant, so paging
 * has ties to get through (the cursor orders them by id).
 */

interface Entry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}
interface Filter {
  action?: string;
  target?: string;
  actor?: string;
  since?: string;
  until?: string;
}

let t: TestTessera;
let first: string;
let second: string;
let secondKey: string;
let consoleUser: string;
/** What the test did: action, target and who did it, in order. */
const done: Array<{ action: string; target: string | null; actor: string | null }> = [];
/** The whole log, read once in one page. */
let all: Entry[];

function queryOf(f: Filter, limit: number, before?: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined) q.set(k, v);
  q.set('limit', String(limit));
  if (before !== undefined) q.set('before', before);
  return q.toString();
}

/** Every page; each page but the last is full, and the cursor of the last is null. */
async function readAll(f: Filter, limit: number): Promise<Entry[]> {
  const out: Entry[] = [];
  let before: string | undefined;
  for (let n = 0; n < 500; n++) {
    const res = await t.api('GET', `/api/v1/audit?${queryOf(f, limit, before)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entries = res.body.entries as Entry[];
    out.push(...entries);
    if (res.body.next === null) {
      expect(entries.length).toBeLessThanOrEqual(limit);
      return out;
    }
    expect(entries, `a page with a next cursor is full (${JSON.stringify(f)})`).toHaveLength(limit);
    before = res.body.next as string;
  }
  throw new Error('the audit log did not end');
}

/** The reference: the whole log's entries the filter keeps, in the order (time, then id, newest first). */
function reference(f: Filter): string[] {
  const since = f.since === undefined ? -Infinity : Date.parse(f.since);
  const until = f.until === undefined ? Infinity : Date.parse(f.until);
  return all
    .filter(
      (e) =>
        (f.action === undefined || e.action.startsWith(f.action)) &&
        (f.target === undefined || e.target === f.target) &&
        (f.actor === undefined || e.actor === f.actor) &&
        Date.parse(e.at) >= since &&
        Date.parse(e.at) < until,
    )
    .map((e) => e.id);
}

const byTimeThenId = (a: Entry, b: Entry): number =>
  Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

beforeAll(async () => {
  const clock = new ManualClock(Date.UTC(2025, 3, 1, 9, 0));
  t = await startTestTessera({}, undefined, { clock });
  let changes = 0;
  const record = (d: (typeof done)[number]): void => {
    done.push(d);
    if (++changes % 3 === 0) clock.advance(60_000);
  };
  const keys = await t.api('GET', '/api/v1/api-keys');
  expect(keys.body.apiKeys).toHaveLength(1);
  first = keys.body.apiKeys[0].id as string;
  const created = await t.api('POST', '/api/v1/api-keys', { name: 'second admin', role: 'admin' });
  expect(created.status).toBe(201);
  second = created.body.id as string;
  secondKey = created.body.key as string;
  record({ action: 'api_key.create', target: second, actor: first });
  const as = (actor: string) => (actor === first ? undefined : secondKey);

  // A source created, disabled and enabled again, and a key created and revoked, by both keys.
  const source = await t.api('POST', '/api/v1/sources', { name: 'audited source' }, as(second));
  expect(source.status).toBe(201);
  record({ action: 'source.create', target: source.body.id as string, actor: second });
  for (const [verb, actor] of [
    ['disable', first],
    ['enable', second],
  ] as const) {
    const res = await t.api(
      'POST',
      `/api/v1/sources/${source.body.id as string}/${verb}`,
      undefined,
      as(actor),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    record({ action: `source.${verb}`, target: source.body.id as string, actor });
  }
  const third = await t.api('POST', '/api/v1/api-keys', { name: 'short-lived', role: 'viewer' }, as(second));
  record({ action: 'api_key.create', target: third.body.id as string, actor: second });
  expect((await t.api('DELETE', `/api/v1/api-keys/${third.body.id as string}`)).status).toBe(200);
  record({ action: 'api_key.revoke', target: third.body.id as string, actor: first });

  // Users created and changed by both keys, alternating, so each actor's entries interleave.
  const userIds: string[] = [];
  for (let i = 0; i < 7; i++) {
    const actor = i % 2 === 0 ? first : second;
    const res = await t.api(
      'POST',
      '/api/v1/users',
      {
        username: `audit.user${i}`,
        displayName: `Audit ${i}`,
        role: 'viewer',
        password: `audit-password-${i}xx`,
      },
      as(actor),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    userIds.push(res.body.id as string);
    record({ action: 'user.create', target: res.body.id as string, actor });
  }
  for (let i = 0; i < 5; i++) {
    const actor = i % 3 === 0 ? second : first;
    const target = userIds[i]!;
    const res = await t.api('PATCH', `/api/v1/users/${target}`, { role: 'analyst' }, as(actor));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    record({ action: 'user.update', target, actor });
  }
  // A console sign-in (the actor is the user) and a failed one for an unknown name (no actor).
  const login = await t.api('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: TEST_ADMIN_PASSWORD,
  });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  consoleUser = `user:${login.body.user.id as string}`;
  record({ action: 'user.login', target: login.body.user.id as string, actor: consoleUser });
  const failed = await t.api('POST', '/api/v1/auth/login', {
    username: 'nobody.here',
    password: 'wrong-password-000',
  });
  expect(failed.status).toBe(401);

  const res = await t.api('GET', '/api/v1/audit?limit=1000');
  expect(res.status).toBe(200);
  expect(res.body.next).toBeNull();
  all = res.body.entries as Entry[];
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('audit log filters and paging', () => {
  it('holds what was done, newest first, ties in id order', () => {
    expect([...all].sort(byTimeThenId).map((e) => e.id)).toEqual(all.map((e) => e.id));
    for (const d of done)
      expect(all, JSON.stringify(d)).toContainEqual(
        expect.objectContaining({ action: d.action, target: d.target, actor: d.actor }),
      );
    expect(all.filter((e) => e.actor === first)).toHaveLength(done.filter((d) => d.actor === first).length);
    expect(all.filter((e) => e.actor === second)).toHaveLength(done.filter((d) => d.actor === second).length);
    expect(all.some((e) => e.action === 'user.login_failed' && e.actor === null)).toBe(true);
  });

  const cases: Array<[string, () => Filter]> = [
    ['no filter', () => ({})],
    ['the first key', () => ({ actor: first })],
    ['the second key', () => ({ actor: second })],
    ['the console user', () => ({ actor: consoleUser })],
    ['an actor nobody is', () => ({ actor: 'key_nobody' })],
    ['action prefix and actor', () => ({ action: 'user.update', actor: second })],
    ['an underscore is no wildcard', () => ({ action: 'user_' })],
    ['target and actor', () => ({ target: done[0]!.target!, actor: first })],
    ['since', () => ({ since: all[Math.floor(all.length / 2)]!.at })],
    ['until (exclusive)', () => ({ until: all[Math.floor(all.length / 3)]!.at })],
    [
      'a window in another zone',
      () => ({ since: '2025-04-01T17:01:00+08:00', until: '2025-04-01T17:03:00+08:00' }),
    ],
    ['a window and an actor', () => ({ since: all[all.length - 3]!.at, until: all[2]!.at, actor: first })],
  ];

  it.each(cases)('%s: pages full, no entry lost or repeated, as the reference', async (_name, filter) => {
    const f = filter();
    const expected = reference(f);
    for (const limit of [1, 3, 1000]) {
      const got = await readAll(f, limit);
      expect(
        got.map((e) => e.id),
        `limit ${limit}`,
      ).toEqual(expected);
    }
  });

  it('the cases are not trivial', () => {
    expect(new Set(all.map((e) => e.at)).size).toBeLessThan(all.length / 2);
    expect(reference({ actor: first }).length).toBeGreaterThan(3);
    expect(reference({ actor: second }).length).toBeGreaterThan(3);
    expect(reference({ action: 'user_' })).toEqual([]);
    const window = reference({ since: all[all.length - 3]!.at, until: all[2]!.at });
    expect(window.length).toBeGreaterThan(0);
    expect(window.length).toBeLessThan(all.length);
  });

  it('answers 422 naming the field for bad values', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'query.since'],
      ['until=2025-03-01', 'query.until'],
      [`since=${all[0]!.at}&until=${all[all.length - 1]!.at}`, 'query.until'],
      ['before=nope', 'query.before'],
      ['before=123:', 'query.before'],
      ['actor=', 'query.actor'],
    ] as const) {
      const res = await t.api('GET', `/api/v1/audit?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error.details), query).toContain(field);
    }
  });
});
