import { afterEach, describe, expect, it } from 'vitest';
import {
  at,
  boot,
  ctxIds,
  lookup,
  newKey,
  profileOf,
  restart,
  send,
  sendUnsurePair,
  stats,
  stopAll,
} from '../support/identity-api.js';

/**
 * Repairing OneID through the real HTTP API: unmerging a wrong merge, rebuilding under changed
 * rules, the fuzzy-match review queue, and who may do which. Every test starts its own Tessera.
 */

afterEach(stopAll);

describe('OneID repairs over the HTTP API', () => {
  it('unmerge splits a wrong merge, names the culprit link, holds against new evidence and a restart', async () => {
    let t = await boot();
    const { writeKey } = await t.newSource('web');
    // Two people used one shared browser (anonymous id), each typing their own phone.
    await send(t, writeKey, [
      { type: 'identify', anonymousId: 'shared-x', traits: { phone: '13700137001' }, timestamp: at(0) },
    ]);
    await send(t, writeKey, [
      { type: 'identify', anonymousId: 'shared-x', traits: { phone: '13700137002' }, timestamp: at(10) },
    ]);
    await send(t, writeKey, [
      {
        type: 'identify',
        anonymousId: 'bob-y',
        traits: { phone: '13700137002', email: 'bob.li@163.com' },
        timestamp: at(20),
      },
    ]);
    const merged = await profileOf(t, 'phone', '13700137001');
    for (const [type, value] of [
      ['phone', '13700137002'],
      ['anonymous_id', 'shared-x'],
      ['anonymous_id', 'bob-y'],
      ['email', 'bob.li@163.com'],
    ] as const) {
      expect(await profileOf(t, type, value)).toBe(merged);
    }

    const unmerge = (profileId: string, move: Array<{ type: string; value: string }>) =>
      t.api('POST', `/api/v1/profiles/${profileId}/unmerge`, { move, reason: 'two people, one browser' });

    const stranger = await unmerge(merged, [{ type: 'phone', value: '13700137999' }]);
    expect(stranger.status).toBe(422);
    expect(stranger.body.error.message).toContain('13700137999');
    const everything = await unmerge(merged, [
      { type: 'phone', value: '13700137001' },
      { type: 'phone', value: '13700137002' },
      { type: 'anonymous_id', value: 'shared-x' },
      { type: 'anonymous_id', value: 'bob-y' },
      { type: 'email', value: 'bob.li@163.com' },
    ]);
    expect(everything.status).toBe(422);
    expect((await unmerge('prof_does_not_exist', [{ type: 'phone', value: '13700137001' }])).status).toBe(
      404,
    );
    // Refused unmerges changed nothing.
    expect(await profileOf(t, 'email', 'bob.li@163.com')).toBe(merged);

    const split = await unmerge(merged, [
      { type: 'phone', value: '137 0013 7002' },
      { type: 'anonymous_id', value: 'bob-y' },
      { type: 'email', value: 'Bob.Li@163.com' },
    ]);
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    expect(split.body.profileId).toBe(merged);
    expect(split.body.newProfiles).toHaveLength(1);
    const bob = split.body.newProfiles[0] as string;
    expect(bob).not.toBe(merged);
    expect(split.body.links).toEqual([
      {
        from: { type: 'phone', value: '+8613700137002' },
        to: { type: 'anonymous_id', value: 'shared-x' },
        kind: 'observed',
        seq: expect.any(Number),
        at: at(10),
      },
    ]);
    expect(split.body.rules).toEqual(['anonymous_id links']);

    const expectSplit = async (): Promise<void> => {
      expect(await profileOf(t, 'phone', '13700137001')).toBe(merged);
      expect(await profileOf(t, 'anonymous_id', 'shared-x')).toBe(merged);
      expect(await profileOf(t, 'phone', '13700137002')).toBe(bob);
      expect(await profileOf(t, 'anonymous_id', 'bob-y')).toBe(bob);
      expect(await profileOf(t, 'email', 'bob.li@163.com')).toBe(bob);
    };
    await expectSplit();
    // History follows the identifiers: each event sits on the timeline of the person it was.
    const times = async (profileId: string): Promise<string[]> => {
      const res = await t.api('GET', `/api/v1/profiles/${profileId}/events`);
      expect(res.status).toBe(200);
      return (res.body.events as any[]).map((e) => e.timestamp as string);
    };
    expect(await times(merged)).toEqual([at(0)]);
    expect(await times(bob)).toEqual([at(20), at(10)]);
    // The split is audited: who, why, the two sides and the link that had joined them.
    const audit = await t.api('GET', `/api/v1/identity/splits?profileId=${bob}`);
    expect(audit.status).toBe(200);
    expect(audit.body.splits).toHaveLength(1);
    expect(audit.body.splits[0]).toMatchObject({
      id: split.body.splitId,
      profileId: merged,
      newProfiles: [bob],
      reason: 'two people, one browser',
      actor: expect.any(String),
      culprits: split.body.links,
    });
    expect(audit.body.splits[0].sides).toEqual(
      expect.arrayContaining([
        { type: 'phone', value: '+8613700137001', side: 0 },
        { type: 'email', value: 'bob.li@163.com', side: 1 },
      ]),
    );
    expect((await t.api('GET', '/api/v1/identity/splits?profileId=prof_unknown')).body.splits).toEqual([]);
    const refusals = await t.api('GET', '/api/v1/identity/refusals');
    expect(refusals.body.refusals).toContainEqual(
      expect.objectContaining({
        reason: 'unmerged',
        identifier: expect.objectContaining({ type: 'anonymous_id', value: 'shared-x', profileId: merged }),
        with: expect.objectContaining({ type: 'phone', value: '+8613700137002', profileId: bob }),
      }),
    );

    // The same evidence again (later, and late: older than the link that was undone), and a new bridge.
    await send(t, writeKey, [
      { type: 'identify', anonymousId: 'shared-x', traits: { phone: '13700137002' }, timestamp: at(30) },
      { type: 'identify', anonymousId: 'shared-x', traits: { phone: '13700137002' }, timestamp: at(5) },
      { type: 'identify', anonymousId: 'bridge-z', traits: { phone: '13700137001' }, timestamp: at(31) },
      { type: 'identify', anonymousId: 'bridge-z', traits: { phone: '13700137002' }, timestamp: at(32) },
    ]);
    await expectSplit();

    // The split is stored: a restart restores it, and it still holds against new evidence.
    t = await restart(t);
    await expectSplit();
    await send(t, writeKey, [
      { type: 'identify', anonymousId: 'shared-x', traits: { phone: '13700137002' }, timestamp: at(40) },
      { type: 'identify', anonymousId: 'bridge-w', traits: { phone: '13700137002' }, timestamp: at(41) },
      { type: 'identify', anonymousId: 'bridge-w', traits: { phone: '13700137001' }, timestamp: at(42) },
    ]);
    await expectSplit();
    // A rebuild from the event log keeps the unmerge.
    const rebuilt = await t.api('POST', '/api/v1/identity/rebuild');
    expect(rebuilt.status).toBe(200);
    await expectSplit();
  });

  it('rebuild: a no-op under the same rules; under changed rules it re-partitions and old ids resolve', async () => {
    let t = await boot();
    const { writeKey } = await t.newSource('web');
    await send(t, writeKey, [
      // A member with two phones (allowed: at most 3).
      { type: 'identify', userId: 'rb-u1', traits: { phone: '13600136001' }, timestamp: at(1) },
      { type: 'identify', userId: 'rb-u1', traits: { phone: '13600136002' }, timestamp: at(2) },
      // A store kiosk's anonymous id joins whoever used it.
      { type: 'identify', userId: 'rb-u7', anonymousId: 'kiosk-01', timestamp: at(3) },
      { type: 'identify', anonymousId: 'kiosk-01', traits: { email: 'li.qiang@163.com' }, timestamp: at(4) },
      // A member binds three Taobao accounts: the third is refused (at most 2).
      { type: 'track', userId: 'rb-u5', event: 'X', context: ctxIds('taobao_id', 'tb1'), timestamp: at(5) },
      { type: 'track', userId: 'rb-u5', event: 'X', context: ctxIds('taobao_id', 'tb2'), timestamp: at(6) },
      { type: 'track', userId: 'rb-u5', event: 'X', context: ctxIds('taobao_id', 'tb3'), timestamp: at(7) },
    ]);
    // An anonymous visitor, then a member, then the identify that joins them (a merge).
    await send(t, writeKey, [{ type: 'track', anonymousId: 'rb-a9', event: 'X', timestamp: at(8) }]);
    await send(t, writeKey, [{ type: 'identify', userId: 'rb-u9', timestamp: at(9) }]);
    const visitor = await profileOf(t, 'anonymous_id', 'rb-a9');
    const member = await profileOf(t, 'user_id', 'rb-u9');
    await send(t, writeKey, [{ type: 'identify', userId: 'rb-u9', anonymousId: 'rb-a9', timestamp: at(10) }]);
    const joined = await profileOf(t, 'user_id', 'rb-u9');
    const mergedAway = joined === visitor ? member : visitor;

    const twoPhones = await profileOf(t, 'phone', '13600136001');
    expect(await profileOf(t, 'phone', '13600136002')).toBe(twoPhones);
    const kioskUser = await profileOf(t, 'user_id', 'rb-u7');
    expect(await profileOf(t, 'email', 'li.qiang@163.com')).toBe(kioskUser);
    const taobao = await profileOf(t, 'taobao_id', 'tb1');
    expect(await profileOf(t, 'taobao_id', 'tb2')).toBe(taobao);
    const thirdTaobao = await profileOf(t, 'taobao_id', 'tb3');
    expect(thirdTaobao).not.toBe(taobao);
    const partition = async (): Promise<string[]> =>
      Promise.all(
        [
          ['phone', '13600136001'],
          ['phone', '13600136002'],
          ['user_id', 'rb-u7'],
          ['email', 'li.qiang@163.com'],
          ['taobao_id', 'tb1'],
          ['taobao_id', 'tb3'],
          ['user_id', 'rb-u9'],
        ].map(([type, value]) => profileOf(t, type!, value!)),
      );
    const original = await partition();

    // Same rules: nothing moves.
    const same = await t.api('POST', '/api/v1/identity/rebuild');
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body.workspaces).toHaveLength(1);
    expect(same.body.workspaces[0]).toMatchObject({
      workspaceId: 'ws_default',
      events: 10,
      profilesBefore: 5,
      profilesAfter: 5,
      identifiersBefore: 12,
      identifiersAfter: 12,
      merged: 0,
      split: 0,
      moved: 0,
      refusalsBefore: 1,
      refusalsAfter: 1,
      blocked: 0,
    });
    expect(same.body.workspaces[0].seconds).toBeGreaterThanOrEqual(0);
    expect(await partition()).toEqual(original);
    expect((await t.api('GET', `/api/v1/profiles/${mergedAway}`)).body.profileId).toBe(joined);

    // New rules: one phone per person, three Taobao accounts allowed, the kiosk id is junk.
    const fingerprint = (await t.api('GET', '/api/v1/identity/rules')).body.fingerprint as string;
    t = await restart(t, {
      identity: {
        types: {
          phone: { priority: 70, limit: 1, normalise: 'phone' },
          taobao_id: { priority: 80, limit: 3, normalise: 'id' },
        },
        blocklist: { values: ['kiosk-01'] },
      },
    });
    const rules = await t.api('GET', '/api/v1/identity/rules');
    expect(rules.body.fingerprint).not.toBe(fingerprint);
    expect(rules.body.types).toContainEqual(
      expect.objectContaining({ type: 'phone', priority: 70, limit: 1, normalise: 'phone' }),
    );
    // Until the rebuild, the stored partition stands.
    expect(await partition()).toEqual(original);

    const rebuilt = await t.api('POST', '/api/v1/identity/rebuild');
    expect(rebuilt.status, JSON.stringify(rebuilt.body)).toBe(200);
    expect(rebuilt.body.workspaces[0]).toMatchObject({
      workspaceId: 'ws_default',
      events: 10,
      profilesBefore: 5,
      profilesAfter: 6,
      identifiersBefore: 12,
      identifiersAfter: 11,
      merged: 1,
      split: 2,
      refusalsBefore: 1,
      refusalsAfter: 1,
      blocked: 2,
    });
    const check = async (): Promise<void> => {
      // The first phone stays with the member; the second is refused.
      expect(await profileOf(t, 'user_id', 'rb-u1')).toBe(await profileOf(t, 'phone', '13600136001'));
      expect(await profileOf(t, 'phone', '13600136002')).not.toBe(await profileOf(t, 'phone', '13600136001'));
      // The kiosk id no longer links the two who used it.
      expect(await profileOf(t, 'user_id', 'rb-u7')).not.toBe(
        await profileOf(t, 'email', 'li.qiang@163.com'),
      );
      expect((await lookup(t, 'anonymous_id', 'kiosk-01')).status).toBe(404);
      // The third Taobao account joins.
      expect(await profileOf(t, 'taobao_id', 'tb3')).toBe(await profileOf(t, 'taobao_id', 'tb1'));
      // Every id handed out before still answers with a live profile: a split keeps the old id on
      // one part; an id merged away (before or by the rebuild) answers with where it went.
      for (const old of [twoPhones, kioskUser]) {
        const res = await t.api('GET', `/api/v1/profiles/${old}`);
        expect(res.status).toBe(200);
        expect(res.body.profileId).toBe(old);
        expect(res.body.mergedInto).toBeUndefined();
      }
      for (const [old, type, value] of [
        [taobao, 'taobao_id', 'tb1'],
        [thirdTaobao, 'taobao_id', 'tb3'],
        [joined, 'user_id', 'rb-u9'],
        [mergedAway, 'anonymous_id', 'rb-a9'],
      ] as const) {
        const res = await t.api('GET', `/api/v1/profiles/${old}`);
        expect(res.status, `${old} (${type} ${value})`).toBe(200);
        expect(res.body.profileId).toBe(await profileOf(t, type, value));
      }
    };
    await check();
    const tb3 = await t.api('GET', `/api/v1/profiles/${thirdTaobao}`);
    expect(tb3.body).toMatchObject({ requestedId: thirdTaobao, mergedInto: taobao });
    expect(tb3.body.merges).toContainEqual(
      expect.objectContaining({ from: thirdTaobao, into: taobao, kind: 'rebuild' }),
    );
    // The rebuilt graph is what is stored.
    t = await restart(t, {
      identity: {
        types: {
          phone: { priority: 70, limit: 1, normalise: 'phone' },
          taobao_id: { priority: 80, limit: 3, normalise: 'id' },
        },
        blocklist: { values: ['kiosk-01'] },
      },
    });
    await check();
  });

  it('review queue: a match waiting for review is listed as soon as its events are acknowledged', async () => {
    const t = await boot();
    await sendUnsurePair(t);
    // No other call in between: the queue must read its writes like every other identity view.
    const queue = await t.api('GET', '/api/v1/identity/review');
    expect(queue.status).toBe(200);
    expect(queue.body.reviews).toHaveLength(1);
  });

  it('review queue: an unsure fuzzy match waits with its evidence; approval links; a sure one merges', async () => {
    const t = await boot();
    const { crm, tmall } = await sendUnsurePair(t);
    const member = await profileOf(t, 'member_no', 'M-0001');
    const buyer = await profileOf(t, 'taobao_id', 'tb_wangjing88');
    expect(buyer).not.toBe(member);
    const queue = await t.api('GET', '/api/v1/identity/review');
    expect(queue.status).toBe(200);
    expect(queue.body.reviews).toHaveLength(1);
    const review = queue.body.reviews[0];
    expect(review.score).toBeGreaterThanOrEqual(0.6);
    expect(review.score).toBeLessThan(0.9);
    expect(review.status).toBe('open');
    expect(review.sameProfileNow).toBe(false);
    expect([review.a.identifier, review.b.identifier]).toEqual(
      expect.arrayContaining([
        { type: 'member_no', value: 'M-0001' },
        { type: 'taobao_id', value: 'tb_wangjing88' },
      ]),
    );
    expect([review.a.profileId, review.b.profileId].sort()).toEqual([member, buyer].sort());
    const evidence = Object.fromEntries((review.fields as any[]).map((f) => [f.field, f]));
    expect(evidence.name).toMatchObject({ outcome: 'exact', weight: expect.any(Number) });
    expect(evidence.name.weight).toBeGreaterThan(0);
    expect(evidence.address).toMatchObject({ outcome: 'exact' });
    expect(evidence.phone).toMatchObject({ outcome: 'different' });
    expect(evidence.phone.weight).toBeLessThan(0);

    // Same name, a phone typo, same city: sure enough to merge without asking.
    await send(t, crm.writeKey, [
      {
        type: 'identify',
        context: ctxIds('member_no', 'M-0002'),
        traits: { name: '李娜', phone: '13912345670', city: '杭州' },
      },
    ]);
    await send(t, tmall.writeKey, [
      {
        type: 'identify',
        context: ctxIds('taobao_id', 'tb_lina'),
        traits: { name: '李娜', phone: '13912345760', city: '杭州市' },
      },
    ]);
    const lina = await profileOf(t, 'member_no', 'M-0002');
    expect(await profileOf(t, 'taobao_id', 'tb_lina')).toBe(lina);
    const linaMerges = await t.api('GET', `/api/v1/profiles/${lina}/merges`);
    expect(linaMerges.body.merges).toContainEqual(expect.objectContaining({ into: lina, kind: 'fuzzy' }));
    expect((await stats(t)).counters.fuzzyMerged).toBe(1);
    const stillOpen = await t.api('GET', '/api/v1/identity/review');
    expect((stillOpen.body.reviews as any[]).map((r) => r.id)).toEqual([review.id]);

    const marketer = await newKey(t, 'marketer');
    const approve = await t.api('POST', `/api/v1/identity/review/${review.id}/approve`, undefined, marketer);
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    expect(approve.body.status).toBe('approved');
    expect(approve.body.refused).toBeUndefined();
    const one = await profileOf(t, 'member_no', 'M-0001');
    expect(await profileOf(t, 'taobao_id', 'tb_wangjing88')).toBe(one);
    expect(approve.body.profileId).toBe(one);
    const history = await t.api('GET', `/api/v1/profiles/${one}/merges`);
    expect(history.body.merges).toContainEqual(expect.objectContaining({ into: one, kind: 'manual' }));
    // A rebuild keeps people's decisions (and the automatic merge, which the rules make again).
    expect((await t.api('POST', '/api/v1/identity/rebuild')).status).toBe(200);
    expect(await profileOf(t, 'taobao_id', 'tb_wangjing88')).toBe(await profileOf(t, 'member_no', 'M-0001'));
    expect(await profileOf(t, 'taobao_id', 'tb_lina')).toBe(await profileOf(t, 'member_no', 'M-0002'));

    for (const decision of ['approve', 'reject']) {
      const again = await t.api(
        'POST',
        `/api/v1/identity/review/${review.id}/${decision}`,
        undefined,
        marketer,
      );
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    }
    expect((await t.api('POST', '/api/v1/identity/review/rev_nope/approve')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/identity/review')).body.reviews).toEqual([]);
    const approved = await t.api('GET', '/api/v1/identity/review?status=approved');
    expect(approved.body.reviews).toEqual([
      expect.objectContaining({ id: review.id, status: 'approved', sameProfileNow: true }),
    ]);
  });

  it('roles: a viewer cannot look profiles up, an analyst cannot unmerge or decide reviews', async () => {
    const t = await boot();
    const { writeKey } = await t.newSource('web');
    await send(t, writeKey, [
      { type: 'identify', userId: 'r-1', anonymousId: 'r-anon', traits: { phone: '13500135001' } },
    ]);
    const viewer = await newKey(t, 'viewer');
    const analyst = await newKey(t, 'analyst');
    const marketer = await newKey(t, 'marketer');

    const viewed = await lookup(t, 'user_id', 'r-1', viewer);
    expect(viewed.status).toBe(403);
    expect(viewed.body.error.code).toBe('forbidden');
    expect(viewed.body.error.message).toMatch(/analyst/);
    expect((await lookup(t, 'user_id', 'r-1', analyst)).status).toBe(200);
    const profile = await profileOf(t, 'user_id', 'r-1');
    expect((await t.api('GET', `/api/v1/profiles/${profile}`, undefined, viewer)).status).toBe(403);
    expect((await t.api('GET', '/api/v1/identity/rules', undefined, viewer)).status).toBe(200);

    for (const key of [analyst, marketer]) {
      const res = await t.api(
        'POST',
        `/api/v1/profiles/${profile}/unmerge`,
        { move: [{ type: 'anonymous_id', value: 'r-anon' }] },
        key,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/admin/);
      expect((await t.api('POST', '/api/v1/identity/rebuild', undefined, key)).status).toBe(403);
    }
    expect((await t.api('POST', '/api/v1/identity/review/rev_x/approve', undefined, analyst)).status).toBe(
      403,
    );
    // Nothing was split.
    expect(await profileOf(t, 'anonymous_id', 'r-anon')).toBe(profile);
    expect(await profileOf(t, 'phone', '13500135001')).toBe(profile);
  });
});
