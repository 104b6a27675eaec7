import type { Database } from '../../src/platform/db/duckdb.js';

/*
 * Synthetic data for the tag benchmark: what Tessera's tables hold after ingestion and identity
 * resolution (events, their anchors, identifiers, profiles), made by set-based SQL inside DuckDB
 * rather than through the ingestion and identity paths, so that a million profiles and thirty
 * million events take a few minutes.
 *
 * Plan: one row of parameters per profile (activity, identifiers, buyer, order count, activity
 * span), then one row of keys per event (profile, index, time, type, source, anchor) sorted by time,
 * so that seq follows time as it does for live traffic, then the events and anchors from those keys,
 * then identifiers and profiles from the per-profile aggregates of the keys. All randomness is
 * DuckDB's hash() of (profile, event index, salt, seed): the same seed gives the same data.
 */

export interface TagBenchData {
  /** Live (not merged-away) profiles. */
  profiles: number;
  events: number;
  /** Identifier nodes. */
  nodes: number;
  seconds: number;
}

export interface TagBenchOptions {
  profiles: number;
  /** Average events per profile (the count per profile is skewed: many light users, few heavy). */
  eventsPerProfile: number;
  /** The benchmark's "now", epoch ms: every event falls in the two years before it. */
  asOf: number;
  seed: number;
  workspaceId?: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** China Standard Time, UTC+8 (no daylight saving): the daily rhythm is local, storage is UTC. */
const CST = 8 * HOUR;
/** Activity spans stay inside this many days before asOf (the hour shuffle moves an event ≤ 1 day). */
const HORIZON_DAYS = 728;
const MERGED_SHARE = 0.02;
const BUYER_SHARE = 0.55;
/** Spread of the log-normal activity weight: many light users, a long tail of heavy ones. */
const ACTIVITY_SIGMA = 1.1;
/** No profile gets more than this many times the average event count. */
const ACTIVITY_CAP = 60;
/**
 * Days since a profile's last activity are HORIZON_DAYS × u^power, the power lowered for light
 * users and raised for heavy ones: with 2.4, ~14% of profiles were active within 30 days, ~16%
 * in each of 31–90 and 91–180 days, ~55% lapsed beyond 180.
 */
const RECENCY_POWER = 2.4;
/** Orders lean towards the end of a profile's span (time fraction u^bias), as repeat buyers do. */
const ORDER_BIAS = 0.7;

// Source codes are indexes into SOURCES (SQL lists are 1-based: SOURCES[code + 1]).
const SOURCES = [
  { id: 'src_web', name: 'Web', kind: 'http', channel: 'web' },
  { id: 'src_app', name: 'App', kind: 'http', channel: 'app' },
  { id: 'src_miniprogram', name: 'Mini program', kind: 'http', channel: 'miniprogram' },
  { id: 'src_pos', name: 'POS', kind: 'import', channel: 'pos' },
  { id: 'src_tmall', name: 'Tmall', kind: 'import', channel: 'tmall' },
  { id: 'src_crm', name: 'CRM', kind: 'import', channel: 'crm' },
] as const;
const WEB = 0;
const APP = 1;
const MINI = 2;
const POS = 3;
const TMALL = 4;
const CRM = 5;
/** Codes from here on are file imports: no anonymous id, no SDK context. */
const FIRST_IMPORT = POS;

// Event type codes.
const IDENTIFY = 0;
const VIEWED = 1;
const PAGE = 2;
const ADDED = 3;
const CHECKOUT = 4;
const ORDER = 5;
const REFUND = 6;
const COUPON = 7;
const SEARCH = 8;

/**
 * The mix of the events that are neither orders nor refunds (those are ~11% of all, by count per
 * profile). Identify is below its 8% target because every profile with a phone gets one identify
 * on top, so that the phone is claimed by some event.
 */
const OTHER_MIX: ReadonlyArray<readonly [number, number]> = [
  [IDENTIFY, 7.1],
  [VIEWED, 50.6],
  [PAGE, 22.5],
  [ADDED, 9],
  [CHECKOUT, 5.6],
  [COUPON, 1.7],
  [SEARCH, 1.7],
];
const ORDER_CHANNELS: ReadonlyArray<readonly [number, number]> = [
  [TMALL, 35],
  [POS, 20],
  [APP, 15],
  [MINI, 20],
  [WEB, 10],
];
const SDK_CHANNELS: ReadonlyArray<readonly [number, number]> = [
  [WEB, 40],
  [APP, 35],
  [MINI, 25],
];

const CATEGORIES = ['skincare', 'makeup', 'fragrance', 'haircare', 'bodycare', 'tools'];
/** [city, province], most populous first (picked with a skew towards the head). */
const CITIES = [
  ['上海', '上海'],
  ['北京', '北京'],
  ['广州', '广东'],
  ['深圳', '广东'],
  ['杭州', '浙江'],
  ['成都', '四川'],
  ['南京', '江苏'],
  ['武汉', '湖北'],
  ['重庆', '重庆'],
  ['西安', '陕西'],
  ['苏州', '江苏'],
  ['天津', '天津'],
  ['长沙', '湖南'],
  ['郑州', '河南'],
  ['青岛', '山东'],
  ['沈阳', '辽宁'],
  ['厦门', '福建'],
  ['昆明', '云南'],
] as const;
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭'];
const FEMALE_NAMES = [
  '婷',
  '静',
  '丽',
  '敏',
  '雪',
  '琳',
  '颖',
  '欣怡',
  '思琪',
  '梓涵',
  '雨萱',
  '佳怡',
  '诗涵',
  '晓燕',
];
const MALE_NAMES = ['伟', '强', '磊', '杰', '浩然', '子轩', '宇航', '俊杰', '明', '涛'];
const PAGES = [
  ['Home', '/'],
  ['Category', '/category/skincare'],
  ['Category', '/category/makeup'],
  ['Product', '/product/p217'],
  ['Cart', '/cart'],
  ['Member', '/member'],
  ['Search', '/search'],
  ['Campaign', '/campaign/618'],
] as const;
const QUERIES = ['面霜', '口红', '香水', '洗发水', '防晒', '精华', '卸妆', '眼霜'];
// Mobile prefixes inside libphonenumber's CN ranges (as bench/identity.ts).
const MOBILE_PREFIXES = ['138', '139', '135', '136', '150', '151', '186', '187', '177', '199'];
/** Relative traffic per hour of day, China time: low at night, peak 20:00–22:00. */
const HOUR_WEIGHTS = [6, 3, 2, 1, 1, 1, 2, 4, 6, 8, 10, 10, 12, 10, 9, 9, 9, 10, 12, 14, 20, 22, 18, 10];

/**
 * Fills an empty workspace of a migrated database with `profiles` resolved profiles and about
 * `profiles × eventsPerProfile` events (never fewer than 97% of that), as ingestion and identity
 * resolution would have stored them. Deterministic for a given seed.
 */
export async function generateTagBenchData(db: Database, opts: TagBenchOptions): Promise<TagBenchData> {
  const started = performance.now();
  const c = checkedOptions(opts);
  await assertEmpty(db, c.workspaceId);
  const saved = await db.query<{ memory: string; order: boolean }>(
    `SELECT current_setting('memory_limit') AS memory, current_setting('preserve_insertion_order') AS "order"`,
  );
  try {
    // The event keys are sorted by time and stored in that order (their rowid becomes seq), so
    // insertion order must be kept; the memory limit leaves room for the rest of the machine.
    await db.run(`SET memory_limit = '6GiB'`);
    await db.run('SET preserve_insertion_order = true');
    await createMacros(db, c);
    await insertSources(db, c);
    await createProfileParameters(db, c);
    await createEventKeys(db, c);
    await insertEvents(db, c);
    await insertAnchors(db, c);
    await insertIdentifiersAndProfiles(db, c);
    await db.run(
      `INSERT INTO identity_state (workspace_id, resolved_seq, rules)
       SELECT ?, coalesce(max(seq), 0), 'bench' FROM events WHERE workspace_id = ?`,
      [c.workspaceId, c.workspaceId],
    );
  } finally {
    await dropScratch(db);
    const s = saved[0];
    if (s) {
      await db.run(`SET memory_limit = '${settingText(s.memory)}'`);
      await db.run(`SET preserve_insertion_order = ${s.order ? 'true' : 'false'}`);
    }
  }
  const [counts] = await db.query<{ profiles: number; events: number; nodes: number }>(
    `SELECT (SELECT count(*) FROM identity_profiles WHERE workspace_id = ? AND merged_into IS NULL) AS profiles,
            (SELECT count(*) FROM events WHERE workspace_id = ?) AS events,
            (SELECT count(*) FROM identity_nodes WHERE workspace_id = ?) AS nodes`,
    [c.workspaceId, c.workspaceId, c.workspaceId],
  );
  return {
    profiles: counts!.profiles,
    events: counts!.events,
    nodes: counts!.nodes,
    seconds: (performance.now() - started) / 1000,
  };
}

interface Checked {
  profiles: number;
  eventsPerProfile: number;
  asOf: number;
  seed: number;
  workspaceId: string;
}

/** Every number that is inlined into SQL below passes through here first. */
function checkedOptions(opts: TagBenchOptions): Checked {
  const int = (name: string, v: number, min: number): number => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
    return v;
  };
  if (!Number.isFinite(opts.eventsPerProfile) || opts.eventsPerProfile < 2)
    throw new RangeError('eventsPerProfile must be a number ≥ 2');
  return {
    profiles: int('profiles', opts.profiles, 1),
    eventsPerProfile: opts.eventsPerProfile,
    asOf: int('asOf', opts.asOf, HORIZON_DAYS * DAY),
    seed: int('seed', opts.seed, 0),
    workspaceId: opts.workspaceId ?? 'ws_default',
  };
}

async function assertEmpty(db: Database, workspaceId: string): Promise<void> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM events WHERE workspace_id = ?)
          + (SELECT count(*) FROM identity_profiles WHERE workspace_id = ?)
          + (SELECT count(*) FROM identity_nodes WHERE workspace_id = ?) AS n`,
    [workspaceId, workspaceId, workspaceId],
  );
  if (row!.n > 0) throw new Error(`workspace ${workspaceId} already holds events or profiles`);
}

// ------------------------------------------------------------------ SQL building blocks

/** A SQL string literal of one of this file's own constants. */
function text(s: string): string {
  if (s.includes("'")) throw new Error(`constant with a quote: ${s}`);
  return `'${s}'`;
}

const textList = (items: readonly string[]): string => `[${items.map(text).join(', ')}]`;

/** A DuckDB setting value as read back (e.g. '18.8 GiB'), safe to put between quotes. */
function settingText(s: string): string {
  if (!/^[0-9.]+ ?[A-Za-z]*$/.test(s)) throw new Error(`unexpected setting value: ${s}`);
  return s;
}

/** CASE over a uniform `u` (a column name) picking codes with the given relative weights. */
function weighted(u: string, choices: ReadonlyArray<readonly [number, number]>): string {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  const whens = choices.slice(0, -1).map(([code, w]) => {
    acc += w / total;
    return `WHEN ${u} < ${acc.toFixed(6)} THEN ${code}`;
  });
  return `CASE ${whens.join(' ')} ELSE ${choices[choices.length - 1]![0]} END`;
}

/** Hours of the day (China time), each repeated by its weight: a lookup list for a uniform index. */
const HOUR_LIST = HOUR_WEIGHTS.flatMap((w, h) => Array<number>(w).fill(h));

async function createMacros(db: Database, c: Checked): Promise<void> {
  // A uniform in [0, 1) from 53 bits of hash(); arguments are cast so that equal numbers of
  // different integer types hash alike.
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tagbench_u(a, b, salt) AS
       (hash(a::BIGINT, b::BIGINT, salt::BIGINT, ${c.seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tagbench_h(a, b, salt) AS hash(a::BIGINT, b::BIGINT, salt::BIGINT, ${c.seed}::BIGINT)`,
  );
  // An event time: a day drawn uniformly from the profile's span, an hour of that (China) day
  // from the daily rhythm, a moment within the hour; pushed back a day if it would pass asOf.
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tagbench_ts(p, i, first_ms, last_ms, bias) AS
       (floor((first_ms + (last_ms - first_ms) * pow(tagbench_u(p, i, 40), bias) + ${CST}) / ${DAY})::BIGINT
          * ${DAY} - ${CST}
        + [${HOUR_LIST.join(',')}][1 + (tagbench_h(p, i, 41) % ${HOUR_LIST.length})::INTEGER] * ${HOUR}
        + ((tagbench_h(p, i, 41) >> 24) % ${HOUR})::BIGINT)`,
  );
}

async function insertSources(db: Database, c: Checked): Promise<void> {
  const created = c.asOf - 800 * DAY;
  await db.run(
    `INSERT INTO workspaces (id, name, created_at) VALUES (?, 'Tag benchmark', epoch_ms(${created}::BIGINT)) ON CONFLICT DO NOTHING`,
    [c.workspaceId],
  );
  for (const s of SOURCES) {
    // write_key_hash is unique across workspaces: derive it from the workspace too.
    await db.run(
      `INSERT INTO sources (id, workspace_id, name, kind, write_key_hash, write_key_hint, created_at, disabled_at)
       SELECT ${text(s.id)}, ?, ${text(s.name)}, ${text(s.kind)}, sha256(? || ${text(s.id)} || '${c.seed}'),
              'bench…' || ${text(s.channel.slice(0, 3))}, epoch_ms(${created}::BIGINT), NULL`,
      [c.workspaceId, c.workspaceId],
    );
  }
}

/**
 * One row per live profile: how many events and orders it has, when it was active, which
 * identifiers it has (and their values), its traits text, and where its nodes and events start.
 */
async function createProfileParameters(db: Database, c: Checked): Promise<void> {
  const cities = CITIES.map(([city, province]) => `"city":"${city}","province":"${province}"`);
  await db.run(
    `CREATE TEMP TABLE tagbench_p AS
     WITH b AS (
       SELECT p::INTEGER AS p,
              sqrt(-2 * ln(1 - tagbench_u(p, 0, 1))) * cos(2 * pi() * tagbench_u(p, 0, 2)) AS z,
              tagbench_u(p, 0, 3) AS u_uid, tagbench_u(p, 0, 4) AS u_phone, tagbench_u(p, 0, 5) AS u_dev,
              tagbench_u(p, 0, 6) AS u_buy, tagbench_u(p, 0, 7) AS u_rec, tagbench_u(p, 0, 8) AS u_span,
              tagbench_u(p, 0, 9) AS u_rate, tagbench_u(p, 0, 10) AS u_round, tagbench_u(p, 0, 11) AS u_ref,
              tagbench_u(p, 0, 12) AS spend, tagbench_u(p, 0, 13) AS u_city, tagbench_u(p, 0, 14) AS u_age,
              tagbench_h(p, 0, 15) AS h, tagbench_h(p, 0, 16) AS h2, tagbench_h(p, 0, 17) AS h3
         FROM range(${c.profiles}) r(p)
     ), w AS (
       SELECT *, least(exp(${ACTIVITY_SIGMA} * z), ${ACTIVITY_CAP} * exp(${ACTIVITY_SIGMA ** 2 / 2})) AS w,
              u_uid < 0.6 AS has_uid
         FROM b
     ), n AS (
       SELECT *, w / avg(w) OVER () AS rel,
              greatest(2, round(?::DOUBLE * w / avg(w) OVER ()))::INTEGER AS n,
              CASE WHEN has_uid THEN u_phone < 0.7 ELSE u_phone < 0.45 END AS has_phone
         FROM w
     ), f AS (
       SELECT *,
              -- profiles without an account id have at least one more identifier than the anonymous id
              CASE WHEN has_uid THEN u_dev < 0.4 WHEN NOT has_phone THEN true ELSE u_dev < 0.3 END AS has_dev,
              u_buy < ${BUYER_SHARE} AS buyer,
              -- days since the last activity (see RECENCY_POWER): heavier users are more often recent
              ${HORIZON_DAYS} * pow(u_rec, least(4, greatest(1.2, ${RECENCY_POWER} + 0.5 * ln(rel)))) AS rec_days
         FROM n
     ), o AS (
       SELECT *,
              CASE WHEN buyer
                   THEN least(n - 1, greatest(1, floor(n * 0.18 * (0.3 + 1.4 * u_rate) + u_round)))::INTEGER
                   ELSE 0 END AS n_ord
         FROM f
     ), q AS (
       SELECT p, n, n_ord,
              least(n - 1 - n_ord, floor(n_ord * 0.1 + u_ref))::INTEGER AS n_ref,
              has_uid, has_phone, has_dev, buyer, spend, (h % 6)::INTEGER AS fav, h, u_age, u_city,
              (${c.asOf} - rec_days * ${DAY})::BIGINT AS last_ms,
              (${c.asOf} - rec_days * ${DAY} - (${HORIZON_DAYS} - rec_days) * sqrt(u_span) * ${DAY})::BIGINT AS first_ms,
              (sum(1 + has_uid::INTEGER + has_phone::INTEGER + has_dev::INTEGER) OVER (ORDER BY p)
                - (1 + has_uid::INTEGER + has_phone::INTEGER + has_dev::INTEGER))::INTEGER AS node_base,
              (sum(n) OVER (ORDER BY p) - n)::BIGINT AS ev_base,
              'prof_' || printf('%016x%08x', h3, p) AS profile_id,
              (100000000 + p)::VARCHAR AS uid,
              printf('%08x-%04x-4%03x-a%03x-%012x', h >> 32, (h >> 16) & 65535, h & 4095, (h2 >> 8) & 4095, p) AS anon,
              '+86' || ${textList(MOBILE_PREFIXES)}[1 + p % 10]
                || lpad((((p // 10)::BIGINT * 48271 + 12345) % 100000000)::VARCHAR, 8, '0') AS phone,
              printf('%08x-%04x-4%03x-b%03x-%012x', h2 >> 32, (h2 >> 16) & 65535, h2 & 4095, (h >> 8) & 4095, p) AS dev,
              CASE WHEN (h >> 40) % 100 < 55 THEN 'ios' ELSE 'android' END AS dev_type,
              (h >> 20) % 100 < 86 AS female
         FROM o
     )
     SELECT * EXCLUDE (h, u_age, u_city, dev_type, female),
            -- the traits an identify event carries
            '{"name":"' || ${textList(SURNAMES)}[1 + ((h >> 4) % ${SURNAMES.length})::INTEGER]
              || CASE WHEN female THEN ${textList(FEMALE_NAMES)}[1 + ((h >> 12) % ${FEMALE_NAMES.length})::INTEGER]
                      ELSE ${textList(MALE_NAMES)}[1 + ((h >> 12) % ${MALE_NAMES.length})::INTEGER] END
              || '","gender":"' || CASE WHEN female THEN 'female' ELSE 'male' END
              || '","birthday":"' || strftime(DATE '2006-12-31' - (floor(pow(u_age, 1.4) * 14000))::INTEGER, '%Y-%m-%d')
              || '",' || ${textList(cities)}[1 + floor(pow(u_city, 2.2) * ${CITIES.length})::INTEGER]
              || ',"member_level":"'
              || CASE WHEN NOT buyer THEN 'normal' WHEN spend > 0.9 THEN 'platinum' WHEN spend > 0.65 THEN 'gold'
                      WHEN spend > 0.3 THEN 'silver' ELSE 'normal' END
              || '"' || CASE WHEN has_phone THEN ',"phone":"' || phone || '"' ELSE '' END || '}' AS traits,
            -- the context of the profile's app events, which carry its device id
            CASE WHEN has_dev THEN
              '{"library":{"name":"analytics-' || dev_type || '","version":"4.1.5"},"device":{"id":"' || dev
              || '","type":"' || dev_type || '"},"os":{"name":"'
              || CASE WHEN dev_type = 'ios' THEN 'iOS' ELSE 'Android' END || '"},"channel":"app"}'
            END AS ctx_app
       FROM q`,
    [c.eventsPerProfile],
  );
}

/**
 * One row per event, sorted by time (ties by profile and index, so an order precedes its refund):
 * the rowid of this table is the event's seq - 1. Per profile, indexes [0, n_ord) are orders,
 * [n_ord, n_ord + n_ref) refunds of distinct earlier orders, the rest the other types; the first
 * of those is an identify when the profile has a phone, and the last comes from an SDK (the app
 * when the profile has a device), so that every identifier is claimed by some event.
 */
async function createEventKeys(db: Database, c: Checked): Promise<void> {
  const imp = FIRST_IMPORT;
  await db.run(
    `CREATE TEMP TABLE tagbench_k AS
     WITH e AS (
       SELECT p.p, r.i::INTEGER AS i, p.n, p.n_ord, p.n_ord + p.n_ref AS o0, p.has_uid, p.has_phone, p.has_dev,
              p.first_ms, p.last_ms, p.node_base,
              CASE WHEN r.i >= p.n_ord AND r.i < p.n_ord + p.n_ref
                   THEN ((tagbench_h(p.p, 0, 20) + (r.i - p.n_ord)::UBIGINT) % p.n_ord::UBIGINT)::INTEGER END AS k,
              tagbench_u(p.p, r.i, 21) AS u_type, tagbench_u(p.p, r.i, 22) AS u_uid, tagbench_u(p.p, r.i, 23) AS u_delay
         FROM tagbench_p p, range(p.n) r(i)
     ), t AS (
       SELECT *, coalesce(k, i) AS j,
              CASE WHEN i < n_ord THEN ${ORDER} WHEN k IS NOT NULL THEN ${REFUND}
                   WHEN i = o0 AND has_phone THEN ${IDENTIFY}
                   ELSE ${weighted('u_type', OTHER_MIX)} END AS typ
         FROM e
     ), s AS (
       SELECT *, tagbench_u(p, j, 24) AS u_src,
              tagbench_ts(p, j, first_ms, last_ms, CASE WHEN j < n_ord THEN ${ORDER_BIAS} ELSE 1 END) AS ts_raw
         FROM t
     ), s2 AS (
       SELECT *,
              CASE WHEN typ IN (${ORDER}, ${REFUND}) THEN ${weighted('u_src', ORDER_CHANNELS)}
                   WHEN i = n - 1 THEN CASE WHEN has_dev THEN ${APP} WHEN u_src < 0.6 THEN ${WEB} ELSE ${MINI} END
                   WHEN typ = ${IDENTIFY} AND u_src < 0.25 THEN ${CRM}
                   ELSE ${weighted('u_src', SDK_CHANNELS)} END AS src_raw,
              CASE WHEN ts_raw > ${c.asOf} THEN ts_raw - ${DAY} ELSE ts_raw END AS ts0
         FROM s
     ), s3 AS (
       SELECT *,
              -- an app event needs a device; an imported record needs an account id or a phone
              CASE WHEN src_raw = ${APP} AND NOT has_dev THEN ${MINI}
                   WHEN src_raw >= ${imp} AND NOT has_uid AND NOT has_phone THEN ${MINI}
                   ELSE src_raw END AS src
         FROM s2
     ), f AS (
       SELECT p, i, k, typ::UTINYINT AS typ, src::UTINYINT AS src,
              CASE WHEN typ = ${REFUND}
                   THEN ts0 + least((1 + 13 * u_delay) * ${DAY}, (${c.asOf} - ts0) / 2)::BIGINT
                   ELSE ts0 END AS ts,
              has_uid AND (src >= ${imp} OR typ IN (${IDENTIFY}, ${CHECKOUT}, ${ORDER}, ${REFUND})
                           OR i = n - 1 OR u_uid < 0.75) AS uid_on,
              has_phone AND (typ = ${IDENTIFY} OR (src >= ${imp} AND NOT has_uid)) AS phone_on,
              has_uid, has_phone, node_base
         FROM s3
     )
     SELECT p, i, k, typ, src, ts, uid_on, phone_on,
            -- the anchor: the strongest identifier the event carries (user_id > phone > device_id > anonymous_id)
            (node_base + CASE WHEN uid_on THEN 1 WHEN phone_on THEN 1 + has_uid::INTEGER
                              WHEN src = ${APP} THEN 1 + has_uid::INTEGER + has_phone::INTEGER ELSE 0 END)::INTEGER AS node
       FROM f
      ORDER BY ts, p, i`,
  );
}

/** The events columns in the order the SELECT below produces them. */
const EVENT_COLUMNS = (
  'seq workspace_id source_id message_id fp_hi fp_lo type event name user_id anonymous_id group_id ' +
  'previous_id timestamp original_timestamp sent_at received_at properties traits context integrations extra'
).split(' ');

async function insertEvents(db: Database, c: Checked): Promise<void> {
  const [seqRow] = await db.query<{ s: number }>('SELECT coalesce(max(seq), 0) AS s FROM events');
  const seq0 = seqRow!.s;
  const imp = FIRST_IMPORT;
  const sourceIds = textList(SOURCES.map((s) => s.id));
  const channels = textList(SOURCES.map((s) => s.channel));
  const categories = textList(CATEGORIES);
  const sdkContext = (library: string, channel: string): string =>
    text(`{"library":{"name":"${library}","version":"4.1.0"},"locale":"zh-CN","channel":"${channel}"}`);
  const importContexts = textList(
    SOURCES.slice(imp).map((s) => `{"library":{"name":"tessera-import"},"channel":"${s.channel}"}`),
  );
  const pages = textList(PAGES.map(([, path]) => `{"path":"${path}"}`));
  const product = (extra: string): string =>
    `'{"category":"' || ${categories}[1 + cat] || '","product_id":"p' || (100 + pid) || '","price":'
       || (49 + (pid * 7919) % 60 * 10) || ${extra} '}'`;
  const orderCategory = (offset: string): string => `${categories}[1 + (c0 + ${offset}) % 6]`;
  // Layers: per-event hashes (k), then what needs the profile (e), then the texts.
  await db.run(
    `INSERT INTO events (${EVENT_COLUMNS.join(', ')})
     SELECT seq, ?, ${sourceIds}[src + 1],
            printf('%08x-%04x-4%03x-%04x-%012x', fp >> 32, (fp >> 16) & 65535, fp & 4095,
                   32768 | ((hp >> 48) & 16383), seq),
            (fp >> 32)::UINTEGER, (fp & 4294967295)::UINTEGER,
            CASE typ WHEN ${IDENTIFY} THEN 'identify' WHEN ${PAGE} THEN 'page' ELSE 'track' END,
            CASE typ WHEN ${VIEWED} THEN 'Product Viewed' WHEN ${ADDED} THEN 'Product Added'
                     WHEN ${CHECKOUT} THEN 'Checkout Started' WHEN ${ORDER} THEN 'Order Completed'
                     WHEN ${REFUND} THEN 'Order Refunded' WHEN ${COUPON} THEN 'Coupon Claimed'
                     WHEN ${SEARCH} THEN 'Search' END,
            CASE WHEN typ = ${PAGE} THEN ${textList(PAGES.map(([name]) => name))}[1 + page] END,
            CASE WHEN uid_on THEN uid END,
            CASE WHEN src < ${imp} THEN anon END,
            NULL, NULL, t, t, CASE WHEN src < ${imp} THEN t END, t,
            CASE typ
              WHEN ${VIEWED} THEN ${product('')}
              WHEN ${ADDED} THEN ${product(`',"quantity":' || (1 + ((hp >> 40) % 2)::INTEGER) ||`)}
              WHEN ${PAGE} THEN ${pages}[1 + page]
              WHEN ${CHECKOUT} THEN '{"revenue":' || basket || ',"currency":"CNY"}'
              WHEN ${ORDER} THEN '{"order_id":"o' || order_no || '","revenue":' || rev || ',"total":' || rev
                || ',"currency":"CNY","categories":["' || ${orderCategory('0')} || '"'
                || CASE WHEN cnt >= 2 THEN ',"' || ${orderCategory('step')} || '"' ELSE '' END
                || CASE WHEN cnt >= 3 THEN ',"' || ${orderCategory('2 * step')} || '"' ELSE '' END
                || '],"channel":"' || ${channels}[src + 1] || '"}'
              WHEN ${REFUND} THEN '{"order_id":"o' || order_no || '","revenue":' || rev || ',"total":' || rev
                || ',"currency":"CNY"}'
              WHEN ${COUPON} THEN '{"coupon_id":"c' || (100 + (hp % 40)::INTEGER) || '","discount":'
                || (10 * (1 + ((hp >> 8) % 10)::INTEGER)) || '}'
              WHEN ${SEARCH} THEN '{"query":"' || ${textList(QUERIES)}[1 + (hp % ${QUERIES.length})::INTEGER] || '"}'
            END,
            CASE WHEN typ = ${IDENTIFY} THEN traits END,
            CASE src
              WHEN ${WEB} THEN ${sdkContext('analytics.js', 'web')}
              WHEN ${APP} THEN ctx_app
              WHEN ${MINI} THEN ${sdkContext('analytics-miniprogram', 'miniprogram')}
              ELSE CASE WHEN phone_on AND typ <> ${IDENTIFY}
                        THEN '{"library":{"name":"tessera-import"},"channel":"' || ${channels}[src + 1]
                             || '","traits":{"phone":"' || phone || '"}}'
                        ELSE ${importContexts}[src - ${imp - 1}]
                   END
            END,
            NULL, NULL
       FROM (
         SELECT k.*, p.uid, p.anon, p.phone, p.traits, p.ctx_app, p.ev_base + k.j + 1 AS order_no,
                round(20 * exp(5.0106 * (0.55 * p.spend + 0.45 * k.u_rev)), 2) AS rev,
                round(20 * exp(5.0106 * k.u_basket), 2) AS basket,
                CASE WHEN k.hp % 100 < 55 THEN p.fav ELSE ((k.hp >> 8) % 6)::INTEGER END AS cat,
                CASE WHEN k.hp % 100 < 55 THEN p.fav ELSE ((k.hp >> 8) % 6)::INTEGER END
                  + 6 * ((k.hp >> 16) % 80)::INTEGER AS pid,
                CASE WHEN k.ho % 100 < 50 THEN 1 WHEN k.ho % 100 < 85 THEN 2 ELSE 3 END AS cnt,
                CASE WHEN (k.ho >> 8) % 100 < 60 THEN p.fav ELSE ((k.ho >> 16) % 6)::INTEGER END AS c0,
                CASE WHEN (k.ho >> 24) % 2 = 0 THEN 1 ELSE 5 END AS step
           FROM (
             SELECT src, typ, uid_on, phone_on, p, rowid + ${seq0 + 1} AS seq, coalesce(k, i) AS j, epoch_ms(ts) AS t,
                    tagbench_h(p, i, 30) AS fp, (tagbench_h(p, i, 32) % ${PAGES.length})::INTEGER AS page,
                    tagbench_h(p, i, 33) AS hp, tagbench_h(p, coalesce(k, i), 35) AS ho,
                    tagbench_u(p, coalesce(k, i), 34) AS u_rev, tagbench_u(p, i, 31) AS u_basket
               FROM tagbench_k
           ) k
           JOIN tagbench_p p USING (p)
       )`,
    [c.workspaceId],
  );
}

async function insertAnchors(db: Database, c: Checked): Promise<void> {
  const [seqRow] = await db.query<{ s: number }>(
    'SELECT coalesce(min(seq), 1) AS s FROM events WHERE workspace_id = ?',
    [c.workspaceId],
  );
  await db.run(
    `INSERT INTO identity_event_anchors (seq, workspace_id, node, time, owner)
     SELECT rowid + ${seqRow!.s}, ?, node, ts::DOUBLE, NULL FROM tagbench_k`,
    [c.workspaceId],
  );
}

/**
 * Identifier nodes with the statistics ingestion keeps for them (first and last claim, claims,
 * first source), profiles created at their first event, and ~2% merged-away profiles pointing
 * at a live one (their identifiers moved with the merge, so they have none).
 */
async function insertIdentifiersAndProfiles(db: Database, c: Checked): Promise<void> {
  const imp = FIRST_IMPORT;
  await db.run(
    `CREATE TEMP TABLE tagbench_a AS
     SELECT p, min(ts) AS first_ms,
            count(*) FILTER (WHERE src < ${imp}) AS anon_n, min(ts) FILTER (WHERE src < ${imp}) AS anon_first,
            max(ts) FILTER (WHERE src < ${imp}) AS anon_last, arg_min(src, ts) FILTER (WHERE src < ${imp}) AS anon_src,
            count(*) FILTER (WHERE uid_on) AS uid_n, min(ts) FILTER (WHERE uid_on) AS uid_first,
            max(ts) FILTER (WHERE uid_on) AS uid_last, arg_min(src, ts) FILTER (WHERE uid_on) AS uid_src,
            count(*) FILTER (WHERE phone_on) AS phone_n, min(ts) FILTER (WHERE phone_on) AS phone_first,
            max(ts) FILTER (WHERE phone_on) AS phone_last, arg_min(src, ts) FILTER (WHERE phone_on) AS phone_src,
            count(*) FILTER (WHERE src = ${APP}) AS dev_n, min(ts) FILTER (WHERE src = ${APP}) AS dev_first,
            max(ts) FILTER (WHERE src = ${APP}) AS dev_last, arg_min(src, ts) FILTER (WHERE src = ${APP}) AS dev_src
       FROM tagbench_k GROUP BY p`,
  );
  const sourceIds = textList(SOURCES.map((s) => s.id));
  const node = (offset: string, type: string, value: string, prefix: string, where: string): string =>
    `SELECT p.node_base + ${offset} AS node, ${text(type)} AS id_type, p.${value} AS value, p.profile_id,
            a.${prefix}_first AS first_ms, a.${prefix}_last AS last_ms, a.${prefix}_n AS events,
            a.${prefix}_src AS src
       FROM tagbench_p p JOIN tagbench_a a USING (p) ${where}`;
  await db.run(
    `INSERT INTO identity_nodes
       (workspace_id, node, id_type, value, profile_id, first_seen, last_seen, events, source_id, shared)
     SELECT ?, node, id_type, value, profile_id, epoch_ms(first_ms), epoch_ms(last_ms), events,
            ${sourceIds}[src + 1], false
       FROM (${node('0', 'anonymous_id', 'anon', 'anon', '')}
             UNION ALL ${node('1', 'user_id', 'uid', 'uid', 'WHERE p.has_uid')}
             UNION ALL ${node('1 + p.has_uid::INTEGER', 'phone', 'phone', 'phone', 'WHERE p.has_phone')}
             UNION ALL ${node(
               '1 + p.has_uid::INTEGER + p.has_phone::INTEGER',
               'device_id',
               'dev',
               'dev',
               'WHERE p.has_dev',
             )})
      ORDER BY node`,
    [c.workspaceId],
  );
  const merged = Math.round(c.profiles * MERGED_SHARE);
  await db.run(
    `INSERT INTO identity_profiles (workspace_id, ordinal, profile_id, created_at, merged_into)
     SELECT ?, ordinal, profile_id, created_at, merged_into FROM (
       SELECT p.p AS ordinal, p.profile_id, epoch_ms(a.first_ms) AS created_at, NULL AS merged_into
         FROM tagbench_p p JOIN tagbench_a a USING (p)
       UNION ALL
       SELECT m.ordinal, 'prof_' || printf('%016x%08x', tagbench_h(m.ordinal, 0, 50), m.ordinal),
              -- the merged-away profile was made by an earlier visit, before the link was seen
              epoch_ms(greatest(${c.asOf - HORIZON_DAYS * DAY},
                                a.first_ms - (tagbench_u(m.ordinal, 0, 51) * 30 * ${DAY})::BIGINT)),
              p.profile_id
         FROM (SELECT (${c.profiles} + j)::INTEGER AS ordinal,
                      (tagbench_h(j, 0, 52) % ${c.profiles})::INTEGER AS p
                 FROM range(${merged}) r(j)) m
         JOIN tagbench_p p ON p.p = m.p JOIN tagbench_a a ON a.p = m.p
     ) ORDER BY ordinal`,
    [c.workspaceId],
  );
}

async function dropScratch(db: Database): Promise<void> {
  for (const table of ['tagbench_a', 'tagbench_k', 'tagbench_p'])
    await db.run(`DROP TABLE IF EXISTS temp.${table}`);
  for (const macro of ['tagbench_ts', 'tagbench_u', 'tagbench_h'])
    await db.run(`DROP MACRO IF EXISTS temp.${macro}`);
}
