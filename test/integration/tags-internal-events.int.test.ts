import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Tessera's own events (Segment Entered, Message Sent… from its internal sources) say what
 * Tessera did, not what the person did: on the demo brand, where segments have emitted plenty of
 * them, no person's preferred channel is an internal source, while an aggregate that names such
 * an event outright still counts it.
 */

let t: TestTessera;

beforeAll(async () => {
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  expect((await t.api('POST', '/api/v1/tags/refresh', {})).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
});

it('leaves internal events out of the preferred channel, and counts them when named', async () => {
  const sources = (await t.api('GET', '/api/v1/sources')).body.sources as Array<{
    name: string;
    kind: string;
    events: number;
  }>;
  const internal = sources.filter((s) => s.kind === 'internal' && s.events > 0);
  // The test means something only if Tessera has written events of its own.
  expect(internal.length).toBeGreaterThan(0);
  const channel = (await t.api('GET', '/api/v1/tags/preferred_channel')).body.stats as {
    valued: number;
    values: Array<{ value: string; profiles: number }>;
  };
  expect(channel.valued).toBeGreaterThan(0);
  for (const s of internal) expect(channel.values.map((v) => v.value)).not.toContain(s.name);

  // Named outright, Segment Entered is counted: a trait of it has values.
  const trait = await t.api('POST', '/api/v1/traits', {
    key: 'segments_entered',
    spec: { kind: 'aggregate', aggregate: { fn: 'count', event: 'Segment Entered' } },
  });
  expect(trait.status, JSON.stringify(trait.body)).toBe(201);
  await t.api('POST', '/api/v1/tags/refresh', {});
  const sample = (
    await t.api('POST', '/api/v1/segments/preview', {
      condition: { trait: 'segments_entered', op: 'gt', value: 0 },
    })
  ).body as { count: number };
  expect(sample.count).toBeGreaterThan(0);
});
