import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES, generateDemo, MemorySink } from '../../src/demo/index.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * First start on an empty data directory loads the demo brand; what lands in the store must be
 * exactly what the ground truth says is valid: every valid online event once (duplicated
 * deliveries dropped), every invalid record rejected with a reason.
 */
const PEOPLE = 150;
const SEED = 7;
let t: TestTessera;
const truth = new MemorySink();

beforeAll(async () => {
  await generateDemo({ seed: SEED, people: PEOPLE }, truth);
  t = await startTestTessera({ demo: true, demoPeople: PEOPLE, demoSeed: SEED });
  const loaded = await t.demo;
  expect(loaded?.manifest.people).toBe(PEOPLE);
});
afterAll(async () => {
  await t.stop();
});

describe('demo brand on first start', () => {
  it('gets the seeds’ segments, each member announced once with Segment Entered', async () => {
    await t.segments.flush();
    await t.writer.settle();
    const segments = t.segments.list('ws_default');
    expect(segments.map((s) => s.name).sort()).toEqual(
      ['加购未下单', '护肤兴趣未复购', '沉睡待唤醒', '重要价值客户'].sort(),
    );
    const sizes = segments.reduce((n, s) => n + (s.size ?? 0), 0);
    expect(sizes).toBeGreaterThan(0);
    const rows = await t.db.query<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM events WHERE event = 'Segment Entered' AND source_id IN (SELECT id FROM sources WHERE kind = 'internal')`,
    );
    expect(rows[0]!.n).toBe(sizes);
  });

  it('gets the seed journeys as drafts, the care journey on the dormant segment', async () => {
    const journeys = t.journeys.list('ws_default');
    expect(journeys.map((j) => j.definition.name).sort()).toEqual(
      ['新会员欢迎', '下单未支付提醒', '90 天沉默召回', '生日礼券', '高价值沉睡关怀'].sort(),
    );
    expect(journeys.every((j) => j.status === 'draft')).toBe(true);
    const dormant = t.segments.list('ws_default').find((s) => s.name === '沉睡待唤醒')!;
    const care = journeys.find((j) => j.definition.name === '高价值沉睡关怀')!;
    expect(care.definition.trigger).toEqual({ kind: 'segment_entered', segment: dormant.id });
  });

  it('stores each valid online event exactly once and rejects each invalid one', async () => {
    const invalid = new Set(
      truth.data.groundTruth
        .filter(
          (r) =>
            (r.file === DEMO_FILES.events || r.file === DEMO_FILES.tickets) &&
            r.hard_case.split('|').includes('invalid'),
        )
        .map((r) => r.record_key),
    );
    const expected = new Set(
      [...truth.data.events, ...truth.data.tickets].map((m) => m.messageId).filter((id) => !invalid.has(id)),
    );
    await t.writer.settle();
    const rows = await t.db.query<{ message_id: string; n: number }>(
      // Membership events of the demo's segments come from Tessera's own source; see the test below.
      `SELECT message_id, count(*) AS n FROM events WHERE message_id NOT LIKE 'ord_%' AND message_id NOT LIKE 'prf_%'
         AND source_id NOT IN (SELECT id FROM sources WHERE kind = 'internal') GROUP BY message_id`,
    );
    const stored = new Map(rows.map((r) => [r.message_id, r.n]));
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(stored.keys())).toEqual(expected);
    // A duplicated delivery of an invalid message is rejected twice (nothing is deduplicated before it is valid).
    const rejected = await t.db.query<{ id: string }>(
      `SELECT DISTINCT json_extract_string(payload, '$.record.messageId') AS id FROM rejected_records WHERE origin_ref LIKE 'demo/%.jsonl:%'`,
    );
    expect(new Set(rejected.map((r) => r.id))).toEqual(invalid);
  });

  it('loads the CRM, POS and Tmall exports through the importer and records each import', async () => {
    const imports = await t.api('GET', '/api/v1/imports');
    const byFile = new Map(imports.body.imports.map((i: any) => [i.fileName, i]));
    expect((byFile.get('demo/crm_members.csv') as any).records).toBe(truth.data.crmMembers.length);
    expect((byFile.get('demo/pos_orders.csv') as any).records).toBe(truth.data.posOrders.length);
    expect((byFile.get('demo/tmall_orders.csv') as any).records).toBe(truth.data.tmallOrders.length);
    for (const i of imports.body.imports) expect(i.status).toBe('done');
  });

  it('does not load the demo again on the next start', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM events');
    await t.stop({ keepData: true });
    const again = await startTestTessera({ demo: true, demoPeople: PEOPLE, demoSeed: SEED }, t.dataDir);
    expect(again.demo).toBeNull();
    const after = await again.db.query<{ n: number }>('SELECT count(*) AS n FROM events');
    expect(after[0]!.n).toBe(before[0]!.n);
    t = again;
  });
});
