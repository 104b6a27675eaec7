import { fileURLToPath } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { messageIdentifiers, type PreparedEvent } from '../src/collect/index.js';
import { IdentityGraph, type Claim, type Observation } from '../src/identity/graph.js';
import { compileRules, type IdentityRules } from '../src/identity/index.js';
import { ValueStore } from '../src/identity/value-store.js';
import { fromPrepared, WorkspaceGraph } from '../src/identity/workspace-graph.js';
import { loadConfig } from '../src/platform/config.js';
import { generateId } from '../src/platform/ids.js';
import { record } from './results.js';

/*
 * Identity resolution at scale (the OneID issue): resolving ~10 million identifiers of 3 million
 * people from an empty graph, as a rebuild does, and the cost of one live event on a graph that
 * already holds a few hundred thousand people, through the path the resolver takes per event.
 */

const PEOPLE = Number(process.env.BENCH_IDENTITY_PEOPLE ?? 3_000_000);
const LIVE_PEOPLE = Number(process.env.BENCH_IDENTITY_LIVE_PEOPLE ?? 400_000);
/** The share of the live traffic resolved before measuring: the graph the measured events meet. */
const LIVE_WARM_SHARE = 0.85;
/** The resolver persists the journal every so often; the bench drains it (untimed) as often. */
const LIVE_FLUSH_EVERY = 10_000;

const DAY = 86_400_000;
const YEAR_START = Date.UTC(2025, 0, 1);
const MIB = 2 ** 20;

// ------------------------------------------------------------------ the synthetic traffic

/** mulberry32: small, fast and seeded, so every run resolves the same traffic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit integer hash (murmur3's finaliser) for identifier texture and tiebreaks. */
function mix(k: number): number {
  let h = (k ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (h: number, n: number): string => h.toString(16).padStart(8, '0').slice(0, n);
const b36 = (k: number, n: number): string => k.toString(36).padStart(n, '0');

// Mobile prefixes inside libphonenumber's CN ranges (see collect/normalise/cn-mobile.ts).
const MOBILE_PREFIXES = ['138', '139', '135', '136', '150', '151', '186', '187', '177', '199'];
const MAIL_NAMES = ['zhang', 'li', 'wang', 'chen', 'liu', 'yang', 'huang', 'zhao', 'wu', 'zhou'];
const MAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'gmail.com', 'outlook.com', 'sina.com', 'foxmail.com'];

/**
 * Identifier values, already in their normalised form (the rebuild half resolves claims; the live
 * half writes some of them back the way people and SDKs send them). Every value embeds its serial,
 * so values of one type never collide by accident: every cross-person link is a deliberate one.
 */
const VALUE: Record<string, (k: number) => string> = {
  user_id: (k) => String(100_000_000 + k),
  member_no: (k) => `VIP${String(k).padStart(9, '0')}`,
  phone: (k) =>
    `+86${MOBILE_PREFIXES[k % 10]!}${String((Math.floor(k / 10) * 48_271 + 12_345) % 100_000_000).padStart(8, '0')}`,
  email: (k) => `${MAIL_NAMES[mix(k) % 10]!}${k}@${MAIL_DOMAINS[mix(k + 1) % 7]!}`,
  wechat_unionid: (k) =>
    `oUn${b36(mix(k), 7)}${b36(mix(k ^ 0x5bd1e995), 7)}${hex(mix(k + 7), 3)}${b36(k, 8)}`,
  wechat_openid: (k) => `oOp${b36(mix(k), 7)}${b36(mix(k ^ 0x1b873593), 7)}${hex(mix(k + 3), 3)}${b36(k, 8)}`,
  anonymous_id: (k) =>
    `${hex(mix(k), 8)}-${hex(mix(k + 1), 4)}-4${hex(mix(k + 2), 3)}-a${hex(mix(k + 3), 3)}-${k.toString(16).padStart(12, '0')}`,
  device_id: (k) =>
    `${hex(mix(~k), 8)}-${hex(mix(k + 11), 4)}-4${hex(mix(k + 12), 3)}-b${hex(mix(k + 13), 3)}-${k.toString(16).padStart(12, '0')}`,
};

const SOURCES = ['web', 'app', 'crm', 'orders', 'wechat', 'esp'] as const;
const [WEB, APP, CRM, ORDERS, WECHAT, ESP] = [0, 1, 2, 3, 4, 5];

type Typed = Uint8Array | Uint32Array | Float64Array;

/** A typed column that grows as the generator appends (it does not know its counts in advance). */
class Column<T extends Typed> {
  length = 0;
  constructor(private data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  /** The filled part, copied to an exact-size array. */
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * Observations pre-generated into compact typed arrays (a few bytes per observation and claim,
 * the identifier values as Latin-1 bytes), stored in arrival order so that replaying them reads
 * the columns front to back, as a rebuild scans the event log: each claim's value is a fresh
 * string, as a row read from the store gives.
 */
interface Traffic {
  people: number;
  values: ValueStore;
  /** Per identifier: its type index in the rules, and the person it was generated for. */
  types: Uint8Array;
  owner: Uint32Array;
  /** Per observation: its claims are `ids[start[o]]` up to `ids[start[o + 1]]`. */
  start: Uint32Array;
  ids: Uint32Array;
  time: Float64Array;
  tie: Uint32Array;
  source: Uint8Array;
  late: number;
  sharedDevices: number;
  recycledPhones: number;
}

/**
 * Per person: a user_id for ~55%, 1–2 phones for ~65%, an email for 40%, a WeChat unionid (with an
 * openid) for 10% and a bare openid for ~4% more, a member_no for 8%, 1–4 anonymous ids (mostly 1)
 * and 0–2 device ids: ≈3.4 identifiers a person. The observations link them as traffic does:
 * anonymous page and app events, identify calls that carry user_id + anonymous_id (+ phone, email),
 * tracked events after login, CRM rows (member_no + phone + email), orders, WeChat logins and phone
 * bindings, ESP clicks that carry only an email. 1% of people without a device of their own use
 * the previous person's (a family tablet) and 0.5% of account holders sign up with a recycled phone
 * number: the limits refuse those links. 3% of observations arrive late (up to two days).
 */
export function generateTraffic(people: number, seed: number, rules: IdentityRules): Traffic {
  const r = prng(seed);
  const T = (name: string): number => {
    const t = rules.typeIndex.get(name);
    if (t === undefined) throw new Error(`identifier type ${name} is not in the default rules`);
    return t;
  };
  const kinds = Object.keys(VALUE);
  const serial = new Map(kinds.map((k) => [k, 0]));
  const values = new ValueStore();
  const types = new Column(new Uint8Array(1 << 20));
  const owner = new Column(new Uint32Array(1 << 20));
  const start = new Column(new Uint32Array(1 << 20));
  const ids = new Column(new Uint32Array(1 << 20));
  const time = new Column(new Float64Array(1 << 20));
  const source = new Column(new Uint8Array(1 << 20));
  const arrival = new Column(new Float64Array(1 << 20));
  let person = 0;
  let late = 0;
  let sharedDevices = 0;
  let recycledPhones = 0;
  let lastDevice = -1;
  const recentPhones = new Uint32Array(4096);
  let phonesSeen = 0;

  const id = (kind: string): number => {
    const k = serial.get(kind)!;
    serial.set(kind, k + 1);
    types.push(T(kind));
    owner.push(person);
    return values.append(VALUE[kind]!(k));
  };
  const observe = (t: number, src: number, claims: readonly number[]): void => {
    start.push(ids.length);
    for (const c of claims) if (c >= 0) ids.push(c);
    time.push(t);
    source.push(src);
    let at = t;
    if (r() < 0.03) {
      at += r() * 2 * DAY;
      late++;
    }
    arrival.push(at);
  };
  const maybe = (p: number, v: number): number => (v >= 0 && r() < p ? v : -1);

  for (person = 0; person < people; person++) {
    const t0 = YEAR_START + r() * 330 * DAY;
    const user = r() < 0.55 ? id('user_id') : -1;
    const phones: number[] = [];
    if (r() < 0.65) {
      phones.push(id('phone'));
      if (r() < 0.08) phones.push(id('phone'));
    }
    const phone = phones[0] ?? -1;
    const email = r() < 0.4 ? id('email') : -1;
    const union = r() < 0.1 ? id('wechat_unionid') : -1;
    const open = union >= 0 || r() < 0.04 ? id('wechat_openid') : -1;
    const member = r() < 0.08 ? id('member_no') : -1;
    const u = r();
    const anons = Array.from({ length: u < 0.8 ? 1 : u < 0.95 ? 2 : u < 0.99 ? 3 : 4 }, () =>
      id('anonymous_id'),
    );
    const d = r();
    const devices = Array.from({ length: d < 0.87 ? 0 : d < 0.98 ? 1 : 2 }, () => id('device_id'));
    let sharedDevice = -1;
    if (devices.length === 0 && lastDevice >= 0 && r() < 0.01) {
      sharedDevice = lastDevice;
      sharedDevices++;
    }
    if (devices.length > 0) lastDevice = devices[0]!;
    let emailSeen = false;
    let phoneSeen = false;

    // Web and app sessions: anonymous first, then (for account holders) login and tracked events.
    anons.forEach((anon, j) => {
      const device = devices.length > 0 ? devices[j % devices.length]! : j === 0 ? sharedDevice : -1;
      const src = device >= 0 ? APP : WEB;
      let t = t0 + r() * 30 * DAY;
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        observe(t, src, [anon, device]);
        t += r() * 2 * 3_600_000;
      }
      if (user >= 0 && r() < 0.85) {
        const p = maybe(0.7, phone);
        const e = maybe(0.5, email);
        phoneSeen ||= p >= 0;
        emailSeen ||= e >= 0;
        observe(t, src, [user, anon, p, e, device]);
        for (let k = 1 + Math.floor(r() * 2); k > 0; k--) {
          t += r() * 3_600_000;
          observe(t, src, [user, anon, device]);
        }
      } else if (user < 0 && (phone >= 0 || email >= 0) && r() < 0.6) {
        // A lead form: the visitor leaves a phone number and/or an address without an account.
        const p = phone >= 0 && (email < 0 || r() < 0.8) ? phone : -1;
        const e = p < 0 || r() < 0.5 ? email : -1;
        phoneSeen ||= p >= 0;
        emailSeen ||= e >= 0;
        observe(t, src, [anon, p, e]);
      }
    });
    if (devices.length > anons.length)
      observe(t0 + r() * 30 * DAY, APP, [user, devices[devices.length - 1]!]);
    if (member >= 0) {
      // The CRM export carries the membership history: rows older than the web activity.
      const p = maybe(0.9, phone);
      const e = maybe(0.5, email);
      phoneSeen ||= p >= 0;
      emailSeen ||= e >= 0;
      observe(t0 - r() * 60 * DAY, CRM, [member, p, e]);
      for (let k = Math.floor(r() * 3); k > 0; k--)
        observe(t0 + r() * 35 * DAY, ORDERS, [member, maybe(0.5, phone)]);
    }
    if (user >= 0) {
      for (let k = Math.floor(r() * 3); k > 0; k--) {
        const p = maybe(0.8, phone);
        phoneSeen ||= p >= 0;
        observe(t0 + r() * 35 * DAY, ORDERS, [user, p]);
      }
      observe(t0 + r() * 35 * DAY, WEB, [user]); // a server-side event: user_id only
      if (r() < 0.005 && phonesSeen > recentPhones.length) {
        // A recycled number: this person signs up with a phone another person had.
        const old = recentPhones[Math.floor(r() * recentPhones.length)]!;
        observe(t0 + r() * 35 * DAY, WEB, [user, anons[0]!, old]);
        recycledPhones++;
      }
    }
    if (open >= 0) {
      let t = t0 + r() * 30 * DAY;
      observe(t, WECHAT, [union, open]);
      for (let k = 1 + Math.floor(r() * 2); k > 0; k--) {
        t += r() * 3_600_000;
        observe(t, WECHAT, [open]);
      }
      const bind = maybe(0.6, phone);
      phoneSeen ||= bind >= 0;
      if (bind >= 0) observe(t + r() * DAY, WECHAT, [union >= 0 ? union : open, bind]);
      if (union >= 0 && user >= 0 && r() < 0.5) observe(t + r() * DAY, WECHAT, [user, union]);
    }
    if (phones.length > 1) {
      // A new number, given in a profile update (or seen alone in an SMS click).
      const anchor = user >= 0 ? user : member >= 0 ? member : union;
      observe(t0 + (20 + r() * 20) * DAY, anchor >= 0 ? WEB : ESP, [anchor, phones[1]!]);
    }
    if (phone >= 0 && !phoneSeen) observe(t0 + r() * 35 * DAY, ESP, [phone]);
    if (email >= 0) {
      for (let k = emailSeen ? Math.floor(r() * 2) : 1 + Math.floor(r() * 2); k > 0; k--) {
        observe(t0 + r() * 35 * DAY, ESP, [email]);
      }
    }
    for (const p of phones) recentPhones[phonesSeen++ % recentPhones.length] = p;
  }
  start.push(ids.length);

  // Arrival order: by arrival second, then generation order (key = second * 2^26 + index).
  const n = time.length;
  if (n >= 2 ** 26) throw new Error('too many observations for the arrival sort key');
  const arrivals = arrival.done();
  const keys = new Float64Array(n);
  for (let o = 0; o < n; o++)
    keys[o] = Math.floor((arrivals[o]! - YEAR_START) / 1000 + 86_400 * 90) * 2 ** 26 + o;
  keys.sort();
  const [byPerson, claimsByPerson, timeByPerson, sourceByPerson] = [
    start.done(),
    ids.done(),
    time.done(),
    source.done(),
  ];
  const inOrder = {
    start: new Uint32Array(n + 1),
    ids: new Uint32Array(claimsByPerson.length),
    time: new Float64Array(n),
    tie: new Uint32Array(n),
    source: new Uint8Array(n),
  };
  let c = 0;
  for (let i = 0; i < n; i++) {
    const o = keys[i]! % 2 ** 26;
    inOrder.start[i] = c;
    for (let k = byPerson[o]!; k < byPerson[o + 1]!; k++) inOrder.ids[c++] = claimsByPerson[k]!;
    inOrder.time[i] = timeByPerson[o]!;
    inOrder.tie[i] = mix(o + seed);
    inOrder.source[i] = sourceByPerson[o]!;
  }
  inOrder.start[n] = c;
  return {
    people,
    values,
    types: types.done(),
    owner: owner.done(),
    ...inOrder,
    late,
    sharedDevices,
    recycledPhones,
  };
}

/** Observations a rebuild hands the graph at a time (as the store's scan delivers them). */
const BATCH = 4096;

/** An observation's claims as new objects: a batch holds many observations at once. */
function freshClaimsOf(traffic: Traffic, o: number): Claim[] {
  const claims: Claim[] = [];
  for (let c = traffic.start[o]!; c < traffic.start[o + 1]!; c++) {
    const i = traffic.ids[c]!;
    claims.push({ type: traffic.types[i]!, value: traffic.values.get(i) });
  }
  return claims;
}

// ------------------------------------------------------------------ measuring helpers

/** A full collection before reading memory: `--expose-gc` set at run time, not on the command line. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Memory {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

function memory(): Memory {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss / MIB, heapUsed: m.heapUsed / MIB, arrayBuffers: m.arrayBuffers / MIB };
}

const mib = (v: number): string => `${Math.round(v).toLocaleString('en-US')} MiB`;

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function defaultRules(): IdentityRules {
  // The bench folder holds no tessera.config.json: these are the shipped defaults.
  return compileRules(loadConfig({ env: {}, cwd: fileURLToPath(new URL('.', import.meta.url)) }));
}

// ------------------------------------------------------------------ 1. from scratch

interface ScratchResult {
  seconds: number;
  /** Of which: resolving what was recorded (finishBulk). */
  resolveSeconds: number;
  identifiers: number;
  observations: number;
  claims: number;
  nodes: number;
  edges: number;
  profiles: number;
  refusals: number;
  splitPeople: number;
  mixedProfiles: number;
  before: Memory;
  after: Memory;
  typedBytes: number;
  peakRss: number;
  traffic: Pick<Traffic, 'people' | 'late' | 'sharedDevices' | 'recycledPhones'>;
}

export function benchScratch(rules: IdentityRules): ScratchResult {
  const g0 = performance.now();
  const traffic = generateTraffic(PEOPLE, 20_251_111, rules);
  const observations = traffic.time.length;
  const identifiers = traffic.values.count;
  console.log(
    `identity: generated ${identifiers.toLocaleString('en-US')} identifiers of ${PEOPLE.toLocaleString('en-US')} people in ${observations.toLocaleString('en-US')} observations (${traffic.ids.length.toLocaleString('en-US')} claims) in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
  );
  const before = memory();
  let temp = 0;
  // A rebuild's graph: temporary profile ids, renamed once resolution is done.
  const graph = new IdentityGraph(rules.types, () => `tmp_${temp++}`);
  // As the resolver's rebuild: the whole graph is written afterwards, so no change journal.
  graph.journal.recording = false;
  const { time, tie, source } = traffic;
  const started = performance.now();
  graph.beginBulk();
  const batch: Observation[] = [];
  const anchors = new Int32Array(BATCH);
  for (let o = 0; o < observations; o++) {
    batch.push({
      time: time[o]!,
      tie: tie[o]!,
      seq: o + 1,
      source: source[o]!,
      claims: freshClaimsOf(traffic, o),
    });
    if (batch.length === BATCH || o === observations - 1) {
      graph.observeBatch(batch, anchors);
      batch.length = 0;
    }
  }
  const recorded = performance.now();
  graph.finishBulk();
  const seconds = (performance.now() - started) / 1000;
  const resolveSeconds = (performance.now() - recorded) / 1000;
  const after = memory();
  const peakRss = process.resourceUsage().maxRSS / 1024;

  // Cheap correctness: how the profiles line up with the generated people.
  const profileOf = new Int32Array(identifiers);
  for (let i = 0; i < identifiers; i++) {
    const n = graph.find(traffic.types[i]!, traffic.values.get(i));
    if (n < 0) throw new Error(`identifier ${traffic.values.get(i)} was never resolved`);
    profileOf[i] = graph.profileOfNode(n);
  }
  const personOfProfile = new Int32Array(graph.profileIds.length).fill(-1);
  const mixed = new Uint8Array(graph.profileIds.length);
  const split = new Uint8Array(PEOPLE);
  const firstProfile = new Int32Array(PEOPLE).fill(-1);
  for (let i = 0; i < identifiers; i++) {
    const p = profileOf[i]!;
    const person = traffic.owner[i]!;
    if (firstProfile[person] === -1) firstProfile[person] = p;
    else if (firstProfile[person] !== p) split[person] = 1;
    if (personOfProfile[p] === -1) personOfProfile[p] = person;
    else if (personOfProfile[p] !== person) mixed[p] = 1;
  }
  return {
    seconds,
    resolveSeconds,
    identifiers,
    observations,
    claims: traffic.ids.length,
    nodes: graph.nodeCount,
    edges: graph.edgeCount,
    profiles: graph.profileCount,
    refusals: graph.refusedEdges().length,
    splitPeople: split.reduce((s, v) => s + v, 0),
    mixedProfiles: mixed.reduce((s, v) => s + v, 0),
    before,
    after,
    typedBytes: graph.typedBytes,
    peakRss,
    traffic: {
      people: traffic.people,
      late: traffic.late,
      sharedDevices: traffic.sharedDevices,
      recycledPhones: traffic.recycledPhones,
    },
  };
}

// ------------------------------------------------------------------ 2. one live event

const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静'];

/**
 * The event the collector would have prepared for an observation: Segment fields, traits and
 * context as stored JSON, and `identifiers` worked out by the collector's own extraction. Values
 * come as people and SDKs send them: national or +86 phones, mixed-case email and IDFA.
 */
function preparedEvent(traffic: Traffic, rules: IdentityRules, o: number, seq: number): PreparedEvent {
  const h = mix(seq);
  let userId: string | null = null;
  let anonymousId: string | null = null;
  let traits: Record<string, unknown> | null = null;
  const context: Record<string, unknown> = {
    library: { name: 'analytics.js', version: '5.2.0' },
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
  };
  const externalIds: Array<{ id: string; type: string; encoding: string }> = [];
  for (let c = traffic.start[o]!; c < traffic.start[o + 1]!; c++) {
    const i = traffic.ids[c]!;
    const value = traffic.values.get(i);
    const type = rules.types[traffic.types[i]!]!.name;
    switch (type) {
      case 'user_id':
        userId = value;
        break;
      case 'anonymous_id':
        anonymousId = value;
        break;
      case 'phone':
        traits ??= {};
        traits.phone = h % 5 < 2 ? value.slice(3) : value;
        break;
      case 'email':
        traits ??= {};
        traits.email = h % 5 === 0 ? value[0]!.toUpperCase() + value.slice(1) : value;
        break;
      case 'device_id':
        context.device = { id: h % 2 === 0 ? value.toUpperCase() : value, type: 'ios' };
        break;
      default:
        externalIds.push({ id: value, type, encoding: 'none' });
    }
  }
  if (externalIds.length > 0) context.externalIds = externalIds;
  if (traits && h % 10 < 3) traits.name = NAMES[h % 5];
  const type = traits ? 'identify' : anonymousId && !userId && h % 3 === 0 ? 'page' : 'track';
  const t = traffic.time[o]!;
  return {
    workspaceId: 'ws_bench',
    sourceId: `src_${SOURCES[traffic.source[o]!]}`,
    messageId: `bench-${seq}`,
    fpHi: traffic.tie[o]!,
    fpLo: h,
    type,
    event: type === 'track' ? 'Product Viewed' : null,
    name: type === 'page' ? 'Product' : null,
    userId,
    anonymousId,
    groupId: null,
    previousId: null,
    timestamp: t,
    originalTimestamp: t,
    sentAt: t,
    receivedAt: t + 150,
    properties: type === 'track' ? JSON.stringify({ product_id: `P${h % 500}`, price: 199 }) : null,
    traits: traits ? JSON.stringify(traits) : null,
    context: JSON.stringify(context),
    integrations: null,
    extra: null,
    identifiers: messageIdentifiers({ type, userId, anonymousId, previousId: null, traits, context }),
  };
}

interface LiveResult {
  events: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  timerOverhead: number;
  warmNodes: number;
  warmProfiles: number;
}

function benchLive(rules: IdentityRules): LiveResult {
  const traffic = generateTraffic(LIVE_PEOPLE, 20_251_112, rules);
  const ws = new WorkspaceGraph('ws_bench', rules, () => generateId('prof'), Date.now);
  const n = traffic.time.length;
  const warm = Math.floor(n * LIVE_WARM_SHARE);
  const flush = (): void => {
    ws.takeFlush('bench');
    ws.samples = []; // the fuzzy matcher consumes these after each loaded batch
  };
  const CHUNK = 1000;
  for (let i = 0; i < warm; i += CHUNK) {
    const end = Math.min(warm, i + CHUNK);
    for (let s = i; s < end; s++) ws.observe(fromPrepared(s + 1, preparedEvent(traffic, rules, s, s + 1)));
    if (end % LIVE_FLUSH_EVERY < CHUNK) flush();
  }
  flush();
  const warmNodes = ws.graph.nodeCount;
  const warmProfiles = ws.graph.profileCount;

  let overhead = 0n;
  for (let k = 0; k < 10_000; k++) {
    const t0 = process.hrtime.bigint();
    overhead += process.hrtime.bigint() - t0;
  }
  const latencies = new Float64Array(n - warm);
  let total = 0;
  for (let i = warm; i < n; i += CHUNK) {
    const end = Math.min(n, i + CHUNK);
    // Prepared like the collector would, before the event reaches identity: not timed.
    const events: PreparedEvent[] = [];
    for (let s = i; s < end; s++) events.push(preparedEvent(traffic, rules, s, s + 1));
    for (let s = i; s < end; s++) {
      const e = events[s - i]!;
      const t0 = process.hrtime.bigint();
      ws.observe(fromPrepared(s + 1, e));
      const ns = Number(process.hrtime.bigint() - t0);
      latencies[s - warm] = ns / 1000;
      total += ns;
    }
    if (end % LIVE_FLUSH_EVERY < CHUNK) flush();
  }
  const sorted = latencies.slice().sort();
  return {
    events: latencies.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: total / latencies.length / 1000,
    timerOverhead: Number(overhead / 10_000n) / 1000,
    warmNodes,
    warmProfiles,
  };
}

// ------------------------------------------------------------------ the group

export async function benchIdentity(): Promise<void> {
  const rules = defaultRules();
  const s = benchScratch(rules);
  const count = (v: number): string => v.toLocaleString('en-US');
  const ratio = s.profiles / s.traffic.people;
  console.log(
    `identity (from scratch): ${s.seconds.toFixed(1)} s (resolving ${s.resolveSeconds.toFixed(1)} s) for ${count(s.identifiers)} identifiers, ${count(s.observations)} observations (${count(s.claims)} claims, ${(s.claims / s.identifiers).toFixed(2)} per identifier); ${count(s.edges)} edges, ${count(s.profiles)} profiles for ${count(s.traffic.people)} people (×${ratio.toFixed(3)}), ${count(s.refusals)} refusals; people split over profiles ${count(s.splitPeople)}, profiles holding several people ${count(s.mixedProfiles)}`,
  );
  console.log(
    `identity (from scratch) memory: rss ${mib(s.before.rss)} → ${mib(s.after.rss)} (peak ${mib(s.peakRss)}), heapUsed ${mib(s.before.heapUsed)} → ${mib(s.after.heapUsed)}, arrayBuffers ${mib(s.before.arrayBuffers)} → ${mib(s.after.arrayBuffers)}, graph.typedBytes ${mib(s.typedBytes / MIB)}`,
  );
  const live = benchLive(rules);
  console.log(
    `identity (one event): p50 ${live.p50.toFixed(2)} µs, p90 ${live.p90.toFixed(2)} µs, p99 ${live.p99.toFixed(2)} µs, max ${live.max.toFixed(0)} µs, mean ${live.mean.toFixed(2)} µs over ${count(live.events)} events on a graph of ${count(live.warmNodes)} identifiers / ${count(live.warmProfiles)} profiles (timer overhead ${live.timerOverhead.toFixed(3)} µs)`,
  );

  const scratchNote = `${count(s.identifiers)} identifiers of ${count(s.traffic.people)} synthetic people, ${count(s.observations)} observations (${count(s.claims)} claims, ${((s.traffic.late / s.observations) * 100).toFixed(1)}% late, ${count(s.traffic.sharedDevices)} shared devices, ${count(s.traffic.recycledPhones)} recycled phones), default identifier rules; IdentityGraph in bulk mode from an empty graph as a rebuild runs it (beginBulk, observeBatch per 4,096 observations, finishBulk: ${s.resolveSeconds.toFixed(1)} s of it resolving); traffic pre-generated into typed arrays and Latin-1 bytes (not timed), each claim read as a fresh string`;
  const heapLimit = getHeapStatistics().heap_size_limit / MIB;
  const memoryNote = `after a full GC, V8 heap limit ${mib(heapLimit)}; before resolving, with the pre-generated traffic loaded: ${mib(s.before.heapUsed)} heap, ${mib(s.before.rss)} RSS`;
  const liveNote = `WorkspaceGraph.observe(fromPrepared(event)) per collector-shaped event (identifiers set; normalisation, blocklist, graph, anchors), each timed alone with process.hrtime.bigint (overhead ${live.timerOverhead.toFixed(2)} µs); ${count(live.events)} events on a graph of ${count(live.warmNodes)} identifiers / ${count(live.warmProfiles)} profiles; journal drained every ${count(LIVE_FLUSH_EVERY)} events (not timed)`;
  record([
    {
      name: 'identity.rebuild_seconds',
      value: s.seconds,
      unit: 's',
      target: '<= 30',
      met: s.seconds <= 30,
      note: scratchNote,
    },
    {
      name: 'identity.rebuild_profiles',
      value: s.profiles,
      unit: 'profiles',
      target: null,
      note: `×${ratio.toFixed(3)} the generated people (anonymous fragments never identified stay apart); ${count(s.refusals)} links refused by the limits; ${count(s.splitPeople)} people spread over several profiles (mostly anonymous ids never identified), ${count(s.mixedProfiles)} profiles holding identifiers of several people (shared devices, recycled phones)`,
    },
    {
      name: 'identity.rebuild_heap_used',
      value: s.after.heapUsed,
      unit: 'MiB',
      target: null,
      note: memoryNote,
    },
    {
      name: 'identity.rebuild_rss',
      value: s.after.rss,
      unit: 'MiB',
      target: null,
      note: `${memoryNote}; peak RSS ${mib(s.peakRss)}`,
    },
    {
      name: 'identity.rebuild_typed_arrays',
      value: s.typedBytes / MIB,
      unit: 'MiB',
      target: null,
      note: 'graph.typedBytes: the node and edge columns, the identifier index and values (off the V8 heap)',
    },
    {
      name: 'identity.event_latency_p50',
      value: live.p50,
      unit: 'µs',
      target: '<= 20',
      met: live.p50 <= 20,
      note: liveNote,
    },
    { name: 'identity.event_latency_p90', value: live.p90, unit: 'µs', target: null, note: liveNote },
    { name: 'identity.event_latency_p99', value: live.p99, unit: 'µs', target: null, note: liveNote },
  ]);
}
