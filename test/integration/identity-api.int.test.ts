import { afterEach, describe, expect, it } from 'vitest';
import { at, boot, lookup, profileOf, restart, send, stats, stopAll } from '../support/identity-api.js';

/**
 * OneID through the real HTTP API on a real DuckDB data directory: events in through the
 * Segment-spec collection API, profiles out through the management API (DESIGN.md, "Identity
 * (OneID)" and the fixed contract). Every test starts its own Tessera so counts are its own.
 */

afterEach(stopAll);

describe('OneID over the HTTP API', () => {
  it('anonymous history joins the known profile when an identify links them; the old id still resolves', async () => {
    const t = await boot();
    const { id: sourceId, writeKey } = await t.newSource('web');
    // The member signed in on a desktop earlier; later browses anonymously on a phone.
    await send(t, writeKey, [
      { type: 'identify', userId: 'u-1001', anonymousId: 'desk-anon', timestamp: at(0) },
    ]);
    const known = await profileOf(t, 'user_id', 'u-1001');
    await send(t, writeKey, [
      { type: 'track', anonymousId: 'mob-anon', event: 'Product Viewed', timestamp: at(60) },
      { type: 'track', anonymousId: 'mob-anon', event: 'Product Added', timestamp: at(65) },
    ]);
    const anonymous = await profileOf(t, 'anonymous_id', 'mob-anon');
    expect(anonymous).not.toBe(known);

    await send(t, writeKey, [
      {
        type: 'identify',
        userId: 'u-1001',
        anonymousId: 'mob-anon',
        traits: { phone: '138 0013 8001' },
        timestamp: at(70),
      },
    ]);
    const live = await profileOf(t, 'user_id', 'u-1001');
    expect(await profileOf(t, 'anonymous_id', 'mob-anon')).toBe(live);
    expect(await profileOf(t, 'anonymous_id', 'desk-anon')).toBe(live);
    // The lookup normalises the value as ingestion does (E.164, CN default region).
    expect(await profileOf(t, 'phone', '+86 138-0013-8001')).toBe(live);
    expect([known, anonymous]).toContain(live);
    const retired = live === known ? anonymous : known;

    const profile = await t.api('GET', `/api/v1/profiles/${live}`);
    expect(profile.status).toBe(200);
    expect(profile.body.profileId).toBe(live);
    expect(profile.body.mergedInto).toBeUndefined();
    expect(profile.body.identifiers).toHaveLength(4);
    expect(profile.body.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: 'u-1001', sourceId, firstSeen: at(0), lastSeen: at(70), events: 2 },
        { type: 'anonymous_id', value: 'desk-anon', sourceId, firstSeen: at(0), lastSeen: at(0), events: 1 },
        { type: 'anonymous_id', value: 'mob-anon', sourceId, firstSeen: at(60), lastSeen: at(70), events: 3 },
        { type: 'phone', value: '+8613800138001', sourceId, firstSeen: at(70), lastSeen: at(70), events: 1 },
      ]),
    );
    const merge = (profile.body.merges as any[]).find((m) => m.from === retired);
    expect(merge).toMatchObject({ from: retired, into: live, kind: 'observed' });
    expect(JSON.parse(merge.detail).link).toEqual(['user_id:u-1001', 'anonymous_id:mob-anon']);

    // The id handed out before the merge keeps answering, with the profile it was merged into.
    const old = await t.api('GET', `/api/v1/profiles/${retired}`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ profileId: live, requestedId: retired, mergedInto: live });
    expect(old.body.identifiers).toEqual(profile.body.identifiers);
    const merges = await t.api('GET', `/api/v1/profiles/${retired}/merges`);
    expect(merges.status).toBe(200);
    expect(merges.body.merges).toContainEqual(expect.objectContaining({ from: retired, into: live }));

    // The timeline holds the anonymous browsing from before the login, newest first, in pages.
    const first = await t.api('GET', `/api/v1/profiles/${retired}/events?limit=3`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.profileId).toBe(live);
    expect(first.body.events.map((e: any) => [e.type, e.event ?? null, e.timestamp])).toEqual([
      ['identify', null, at(70)],
      ['track', 'Product Added', at(65)],
      ['track', 'Product Viewed', at(60)],
    ]);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await t.api('GET', `/api/v1/profiles/${live}/events?limit=3&before=${first.body.next}`);
    expect(second.status).toBe(200);
    expect(second.body.events.map((e: any) => [e.type, e.anonymousId, e.timestamp])).toEqual([
      ['identify', 'desk-anon', at(0)],
    ]);
    expect(second.body.next).toBeNull();
    const badCursor = await t.api('GET', `/api/v1/profiles/${live}/events?before=yesterday`);
    expect(badCursor.status).toBe(422);
    expect(JSON.stringify(badCursor.body)).toContain('query.before');

    expect((await t.api('GET', '/api/v1/profiles/prof_does_not_exist')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/profiles/prof_does_not_exist/events')).status).toBe(404);
  });

  it('lookup errors: unknown type and invalid value are 422, blocklisted and unknown values 404', async () => {
    const t = await boot();
    const { writeKey } = await t.newSource('web');
    await send(t, writeKey, [{ type: 'identify', userId: 'u-2001', traits: { phone: '13900139001' } }]);
    expect(await profileOf(t, 'phone', '139 0013 9001')).toBe(await profileOf(t, 'user_id', 'u-2001'));

    const unknownType = await lookup(t, 'passport_no', 'E1234567');
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.error.code).toBe('validation_failed');
    expect(unknownType.body.error.message).toContain('passport_no');

    const badPhone = await lookup(t, 'phone', '12345');
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error.code).toBe('validation_failed');
    expect(badPhone.body.error.message).toContain('12345');

    for (const [type, value] of [
      ['anonymous_id', 'undefined'],
      ['user_id', 'NULL'],
      ['phone', '13800138000'],
      ['phone', '+86 138 0013 8000'],
      ['email', 'test@example.com'],
    ] as const) {
      const blocked = await lookup(t, type, value);
      expect(blocked.status, `${type} ${value}`).toBe(404);
      expect(blocked.body.error.code).toBe('not_found');
      expect(blocked.body.error.message).toMatch(/blocklist/);
    }

    for (const [type, value] of [
      ['user_id', 'u-9999'],
      ['phone', '13900139002'],
    ] as const) {
      const missing = await lookup(t, type, value);
      expect(missing.status, `${type} ${value}`).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
      expect(missing.body.error.message).not.toMatch(/blocklist/);
    }
  });

  it('limits: people sharing a device never end in one profile, and the refusal is recorded', async () => {
    const t = await boot();
    const { writeKey } = await t.newSource('app');
    const tablet = { device: { id: 'TABLET-1', type: 'ios' } };
    await send(t, writeKey, [{ type: 'identify', userId: 'fam-dad', context: tablet, timestamp: at(0) }]);
    await send(t, writeKey, [{ type: 'identify', userId: 'fam-kid', context: tablet, timestamp: at(5) }]);
    await send(t, writeKey, [{ type: 'identify', userId: 'fam-mum', context: tablet, timestamp: at(10) }]);

    const people = [
      await profileOf(t, 'user_id', 'fam-dad'),
      await profileOf(t, 'user_id', 'fam-kid'),
      await profileOf(t, 'user_id', 'fam-mum'),
    ];
    expect(new Set(people).size).toBe(3);

    // The refused links are the shared tablet's. What becomes of the tablet itself is a policy of
    // the graph (it stays with the first user, or becomes a shared identifier that links nobody):
    // either way the refusal is recorded, with its reason.
    const reasons = ['limit:user_id', 'shared'];
    const res = await t.api('GET', '/api/v1/identity/refusals');
    expect(res.status).toBe(200);
    const refusals = res.body.refusals as any[];
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    for (const r of refusals) {
      expect(reasons).toContain(r.reason);
      expect([r.identifier.type, r.with.type]).toContain('device_id');
      expect([r.identifier.value, r.with.value]).toContain('tablet-1');
      expect(r.identifier.profileId).not.toBe(r.with.profileId);
      expect(typeof r.seq).toBe('number');
      expect([at(0), at(5), at(10)]).toContain(r.at);
    }
    const userSides = refusals.flatMap((r) => [r.identifier, r.with]).filter((s) => s.type === 'user_id');
    expect(userSides.map((s) => s.value)).toEqual(expect.arrayContaining(['fam-kid', 'fam-mum']));

    const s = await stats(t);
    expect(s.refusals).toBe(refusals.length);
    expect(Object.keys(s.refusalsByReason).every((r) => reasons.includes(r))).toBe(true);
    expect(Object.values(s.refusalsByReason).reduce((a: number, b) => a + (b as number), 0)).toBe(
      refusals.length,
    );

    // The refusals of one profile.
    const kid = await t.api('GET', `/api/v1/identity/refusals?profileId=${people[1]}`);
    expect(kid.status).toBe(200);
    expect(
      (kid.body.refusals as any[]).some(
        (r) => r.identifier.value === 'fam-kid' || r.with.value === 'fam-kid',
      ),
    ).toBe(true);
  });

  it('blocklist: junk ids link nothing and are counted per value', async () => {
    const t = await boot();
    const { writeKey } = await t.newSource('web');
    await send(t, writeKey, [
      // Only junk: a tracker that stringified missing ids, and an IDFA with tracking limited.
      { type: 'track', userId: 'null', anonymousId: '0', event: 'Page Viewed' },
      {
        type: 'track',
        userId: 'null',
        anonymousId: '0',
        event: 'Page Viewed',
        context: { device: { id: '00000000-0000-0000-0000-000000000000' } },
      },
      // Two real people whose trackers both sent anonymousId "0".
      { type: 'identify', userId: 'junk-a', anonymousId: '0' },
      { type: 'identify', userId: 'junk-b', anonymousId: '0' },
    ]);
    expect(await profileOf(t, 'user_id', 'junk-a')).not.toBe(await profileOf(t, 'user_id', 'junk-b'));
    for (const [type, value] of [
      ['user_id', 'null'],
      ['anonymous_id', '0'],
      ['device_id', '00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const res = await lookup(t, type, value);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/blocklist/);
    }

    const s = await stats(t);
    expect(s.profiles).toBe(2);
    expect(s.identifiers).toBe(2);
    expect(s.refusals).toBe(0);
    expect(s.counters).toMatchObject({ events: 4, unattributed: 2, blocked: 7 });
    expect(s.blocked).toEqual(
      expect.arrayContaining([
        { type: 'anonymous_id', value: '0', rule: 'value:0', hits: 4 },
        { type: 'user_id', value: 'null', rule: 'value:null', hits: 2 },
        {
          type: 'device_id',
          value: '00000000-0000-0000-0000-000000000000',
          rule: expect.stringMatching(/^pattern:/),
          hits: 1,
        },
      ]),
    );
    expect(s.blocked).toHaveLength(3);
    // The hit counts are kept across a restart.
    const again = await restart(t);
    expect((await stats(again)).blocked).toEqual(expect.arrayContaining(s.blocked));
  });

  it('persistence: a restart restores the graph, and later events resolve into the existing profiles', async () => {
    let t = await boot();
    const { writeKey } = await t.newSource('web');
    await send(t, writeKey, [
      { type: 'identify', userId: 'p-1', anonymousId: 'p-anon-1', traits: { email: 'ann.wu@163.com' } },
      { type: 'identify', userId: 'p-2', anonymousId: 'p-anon-2' },
      { type: 'track', anonymousId: 'p-anon-3', event: 'Product Viewed' },
    ]);
    const ann = await profileOf(t, 'user_id', 'p-1');
    const ben = await profileOf(t, 'user_id', 'p-2');
    const stranger = await profileOf(t, 'anonymous_id', 'p-anon-3');
    expect(new Set([ann, ben, stranger]).size).toBe(3);
    const before = await stats(t);
    const annBefore = (await t.api('GET', `/api/v1/profiles/${ann}`)).body;

    t = await restart(t);
    expect(await profileOf(t, 'user_id', 'p-1')).toBe(ann);
    expect(await profileOf(t, 'email', 'ANN.WU@163.com')).toBe(ann);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-1')).toBe(ann);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-2')).toBe(ben);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-3')).toBe(stranger);
    const after = await stats(t);
    expect(after).toMatchObject({
      profiles: before.profiles,
      identifiers: before.identifiers,
      links: before.links,
      resolvedSeq: before.resolvedSeq,
    });
    expect((await t.api('GET', `/api/v1/profiles/${ann}`)).body.identifiers).toEqual(annBefore.identifiers);

    await send(t, writeKey, [
      { type: 'track', anonymousId: 'p-anon-1', event: 'Order Completed', properties: { revenue: 99 } },
      { type: 'identify', userId: 'p-2', anonymousId: 'p-anon-2b' },
      { type: 'identify', userId: 'p-1', anonymousId: 'p-anon-3' },
    ]);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-2b')).toBe(ben);
    const annNow = await profileOf(t, 'anonymous_id', 'p-anon-3');
    expect(await profileOf(t, 'user_id', 'p-1')).toBe(annNow);
    expect([ann, stranger]).toContain(annNow);
    for (const id of [ann, stranger]) {
      const res = await t.api('GET', `/api/v1/profiles/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.profileId).toBe(annNow);
    }
    const annProfile = (await t.api('GET', `/api/v1/profiles/${annNow}`)).body;
    expect(annProfile.identifiers).toContainEqual(
      expect.objectContaining({ type: 'anonymous_id', value: 'p-anon-1', events: 2 }),
    );
    expect((await stats(t)).resolvedSeq).toBeGreaterThan(before.resolvedSeq);

    // What was resolved after the restart was stored too.
    t = await restart(t);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-2b')).toBe(ben);
    expect(await profileOf(t, 'anonymous_id', 'p-anon-3')).toBe(annNow);
    expect(await profileOf(t, 'user_id', 'p-1')).toBe(annNow);
    expect((await t.api('GET', `/api/v1/profiles/${annNow}`)).body.identifiers).toEqual(
      annProfile.identifiers,
    );

    // Events that only add sightings (no new link) are stored as appended statistics, folded in
    // at the next start: counts and last-seen times come back as they were.
    await send(t, writeKey, [
      {
        type: 'track',
        anonymousId: 'p-anon-2b',
        event: 'Product Viewed',
        timestamp: '2030-01-01T00:00:00.000Z',
      },
      {
        type: 'track',
        anonymousId: 'p-anon-2b',
        event: 'Product Viewed',
        timestamp: '2030-01-02T00:00:00.000Z',
      },
      { type: 'identify', userId: 'p-2', anonymousId: 'p-anon-2b', timestamp: '2030-01-03T00:00:00.000Z' },
    ]);
    const benNow = (await t.api('GET', `/api/v1/profiles/${ben}`)).body.identifiers;
    expect(benNow).toContainEqual(
      expect.objectContaining({
        type: 'anonymous_id',
        value: 'p-anon-2b',
        events: 4,
        lastSeen: '2030-01-03T00:00:00.000Z',
      }),
    );
    t = await restart(t);
    expect((await t.api('GET', `/api/v1/profiles/${ben}`)).body.identifiers).toEqual(benNow);
    t = await restart(t);
    expect((await t.api('GET', `/api/v1/profiles/${ben}`)).body.identifiers).toEqual(benNow);
  });
});
