import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zoneOffsetMs } from '../src/platform/time-zone.js';
import { ManualClock } from '../src/platform/clock.js';
import { Database } from '../src/platform/db/duckdb.js';
import { migrate } from '../src/platform/db/migrations.js';
import { TagEngine, type TagDefinitionInput } from '../src/tags/index.js';
import { record } from './results.js';
import { generateTagBenchData } from './support/tag-data.js';

/*
 * The tag issue's target: every built-in template plus 10 custom rule tags, computed for 1 million
 * profiles over >= 30 million events, in <= 60 s on this machine, memory reported. The data is
 * written straight into a DuckDB file in the shape ingestion and OneID leave it (support/tag-data.ts);
 * the refresh then runs as the server runs it: profile facts synced from the events, one SQL plan,
 * values, snapshots. A second refresh shows the steady state (facts already in step).
 */

const PROFILES = Number(process.env.BENCH_TAGS_PROFILES ?? 1_000_000);
const EVENTS_PER_PROFILE = Number(process.env.BENCH_TAGS_EVENTS_PER_PROFILE ?? 30);
const AS_OF = Date.parse('2026-11-01T00:00:00+08:00');
const WS = 'ws_default';
const MIB = 2 ** 20;

const CUSTOM_RULES: TagDefinitionInput[] = [
  [
    'skincare_fan',
    {
      event: 'Product Viewed',
      where: [{ property: 'category', op: 'eq', value: 'skincare' }],
      count: { op: 'gte', value: 3 },
      within: '30d',
    },
  ],
  [
    'big_spender_365d',
    { event: 'Order Completed', sum: { property: 'revenue', op: 'gte', value: 2000 }, within: '365d' },
  ],
  [
    'cart_abandoner',
    { sequence: [{ event: 'Product Added' }, { event: 'Order Completed' }], within: '1d', completed: false },
  ],
  [
    'lapsed_vip',
    {
      all: [
        { tag: 'rfm_class', op: 'in', value: ['重要保持客户', '重要挽留客户'] },
        { tag: 'lifecycle_stage', op: 'eq', value: '沉睡' },
      ],
    },
  ],
  [
    'shanghai_member',
    {
      all: [
        { trait: 'city', op: 'eq', value: '上海' },
        { trait: 'member_level', op: 'in', value: ['gold', 'platinum'] },
      ],
    },
  ],
  ['birthday_week', { trait: 'birthday', op: 'birthday_within', value: '7d' }],
  ['coupon_hunter', { event: 'Coupon Claimed', count: { op: 'gte', value: 2 }, within: '90d' }],
  [
    'browser_no_buy',
    {
      all: [
        { event: 'Product Viewed', count: { op: 'gte', value: 10 }, within: '30d' },
        { event: 'Order Completed', count: { op: 'eq', value: 0 }, within: '30d' },
      ],
    },
  ],
  [
    'multi_channel',
    {
      all: [
        { event: 'Order Completed', where: [{ property: 'channel', op: 'eq', value: 'tmall' }] },
        {
          event: 'Order Completed',
          where: [{ property: 'channel', op: 'in', value: ['pos', 'app', 'miniprogram'] }],
        },
      ],
    },
  ],
  [
    'high_aov_new',
    {
      all: [
        { trait: 'aov', op: 'gte', value: 500 },
        { tag: 'lifecycle_stage', op: 'eq', value: '新客' },
      ],
    },
  ],
].map(([key, condition]) => ({
  key: key as string,
  category: 'behaviour',
  owner: 'bench',
  spec: { kind: 'rule', condition },
}));

export async function benchTags(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-tags-'));
  let db = await Database.open(join(dir, 'tessera.duckdb'));
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  try {
    await migrate(db);
    console.log(`generating ${PROFILES.toLocaleString('en-US')} profiles × ${EVENTS_PER_PROFILE} events…`);
    const data = await generateTagBenchData(db, {
      profiles: PROFILES,
      eventsPerProfile: EVENTS_PER_PROFILE,
      asOf: AS_OF,
      seed: 42,
    });
    console.log(
      `  ${data.events.toLocaleString('en-US')} events, ${data.nodes.toLocaleString('en-US')} identifiers in ${data.seconds.toFixed(1)} s`,
    );
    // A restart between loading and refreshing, as a deployment has one (and DuckDB's memory
    // from the generation is given back).
    await db.close();
    db = await Database.open(join(dir, 'tessera.duckdb'));
    const sources = await db.query<{ id: string; name: string }>(
      'SELECT id, name FROM sources WHERE workspace_id = ?',
      [WS],
    );
    const clock = new ManualClock(AS_OF);
    const engine = await TagEngine.open(db, [WS], {
      clock,
      offsetMs: (at) => zoneOffsetMs('Asia/Shanghai', at),
      policies: {},
      sources: () => sources,
      settle: () => Promise.resolve(),
      resolveProfile: (_ws, id) => id,
    });
    for (const def of CUSTOM_RULES) {
      const r = await engine.createTag(WS, def, 'bench');
      if (!r.ok) throw new Error(`custom tag ${def.key}: ${r.message}`);
    }
    const tagsCount = engine.listTags(WS).filter((t) => t.status === 'active').length;
    const traitsCount = engine.listTraits(WS).length;

    peak = process.memoryUsage().rss;
    const cold = await engine.refresh(WS);
    const coldPeak = peak;
    console.log(
      `  cold refresh: ${(cold.millis / 1000).toFixed(1)} s ${JSON.stringify(cold.phases)}, peak RSS ${Math.round(coldPeak / MIB)} MiB`,
    );
    peak = process.memoryUsage().rss;
    const warm = await engine.refresh(WS);
    console.log(
      `  steady refresh: ${(warm.millis / 1000).toFixed(1)} s ${JSON.stringify(warm.phases)}, peak RSS ${Math.round(peak / MIB)} MiB`,
    );
    // 1 % more events (the newest ones again, as new messages), then the scheduled kind of refresh.
    const m = (await db.query<{ m: number }>('SELECT max(seq)::DOUBLE AS m FROM events'))[0]!.m;
    const extra = Math.round(data.events / 100);
    await db.run(
      `INSERT INTO events SELECT * REPLACE (seq + ? AS seq, message_id || '-again' AS message_id) FROM events WHERE seq > ?`,
      [extra, m - extra],
    );
    await db.run(
      'INSERT INTO identity_event_anchors SELECT * REPLACE (seq + ? AS seq) FROM identity_event_anchors WHERE seq > ?',
      [extra, m - extra],
    );
    await db.run('UPDATE identity_state SET resolved_seq = ? WHERE workspace_id = ?', [m + extra, WS]);
    peak = process.memoryUsage().rss;
    const auto = await engine.refresh(WS, undefined, { mode: 'auto' });
    console.log(
      `  auto refresh after ${extra.toLocaleString('en-US')} new events: ${(auto.millis / 1000).toFixed(1)} s, ${auto.incremental.length} tags incremental over ${auto.changedProfiles.toLocaleString('en-US')} profiles ${JSON.stringify(auto.phases)}`,
    );
    await engine.close();
    const size = statSync(join(dir, 'tessera.duckdb')).size;
    const scale = `${PROFILES.toLocaleString('en-US')} profiles, ${data.events.toLocaleString('en-US')} events; ${tagsCount} tags (${tagsCount - CUSTOM_RULES.length} built-in + ${CUSTOM_RULES.length} custom rules), ${traitsCount} computed traits; ${cold.tagValues.toLocaleString('en-US')} tag values written`;
    const target = PROFILES >= 1_000_000 && data.events >= 30_000_000 ? '<= 60' : null;
    record([
      {
        name: 'tags.refresh_cold_seconds',
        value: cold.millis / 1000,
        unit: 's',
        target,
        met: target === null ? null : cold.millis <= 60_000,
        note: `${scale}; facts synced from the events in the same run; phases ms ${JSON.stringify(cold.phases)}`,
      },
      {
        name: 'tags.refresh_steady_seconds',
        value: warm.millis / 1000,
        unit: 's',
        target,
        met: target === null ? null : warm.millis <= 60_000,
        note: `the same refresh again, facts already in step; phases ms ${JSON.stringify(warm.phases)}`,
      },
      {
        name: 'tags.refresh_auto_after_1pct_seconds',
        value: auto.millis / 1000,
        unit: 's',
        target: null,
        note: `${extra.toLocaleString('en-US')} new events; ${auto.incremental.length} tags recomputed for the ${auto.changedProfiles.toLocaleString('en-US')} changed profiles only, the rest (models, sliding windows) in full; phases ms ${JSON.stringify(auto.phases)}`,
      },
      {
        name: 'tags.refresh_peak_rss',
        value: Math.round(coldPeak / MIB),
        unit: 'MiB',
        target: null,
        note: `process RSS (DuckDB runs in-process, default memory limit) during the cold refresh; database file ${Math.round(size / MIB)} MiB`,
      },
    ]);
  } finally {
    clearInterval(sampler);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
