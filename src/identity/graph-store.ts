import {
  EDGE_LINKED,
  EDGE_OBSERVED,
  EDGE_REFUSED,
  Journal,
  NO_REASON,
  type Observation,
  type Token,
  type TypeRule,
} from './graph-model.js';
import { ValueStore } from './value-store.js';

/**
 * The identity graph's storage: identifiers (nodes) and the links between them (edges) in typed
 * arrays, the identifier index, the two union-finds (every edge; the resolved profiles) and the
 * profile table, with the reads on them. `IdentityGraph` adds the resolution on top.
 */

const INITIAL = 1024;
const STATS = 4;

export class GraphStore {
  readonly types: readonly TypeRule[];
  /** For each type, its index among the limited types, or -1. */
  protected readonly limitedIndex: Int32Array;
  protected readonly limits: number[];
  protected readonly L: number;

  /**
   * (type, value) → node: open addressing over typed arrays (slot = node + 1, 0 empty), keyed by
   * an FNV-1a hash kept per node. Off the V8 heap, so ten million identifiers cost the garbage
   * collector nothing, and a lookup touches two arrays.
   */
  protected slots = new Int32Array(INITIAL * 4);
  protected slotMask = INITIAL * 2 - 1;
  protected nodeHash = new Int32Array(0);
  nodeCount = 0;
  protected cap = 0;
  nodeType = new Uint8Array(0);
  protected readonly values = new ValueStore();
  /**
   * Per node, side by side (one cache line for what every event updates): first seen, last seen,
   * events, source of the first sighting (-1 none).
   */
  protected nodeStats = new Float64Array(0);
  /** 1 when the identifier is shared by people (see TypeRule.shareable). */
  nodeShared = new Uint8Array(0);
  protected rawParent = new Int32Array(0);
  protected rawSize = new Int32Array(0);
  protected rawNext = new Int32Array(0);
  protected rawMaxT = new Float64Array(0);
  protected rawConflicted = new Uint8Array(0);
  /** The component holds (or held) a shared identifier: every change re-resolves it. */
  protected rawHasShared = new Uint8Array(0);
  protected rawCounts = new Uint8Array(0);
  protected resParent = new Int32Array(0);
  protected resSize = new Int32Array(0);
  protected resNext = new Int32Array(0);
  protected resProfile = new Int32Array(0);
  protected resCounts = new Uint8Array(0);
  /** Per node, side by side: its first edge (-1 none; the list goes on through `links`) and its degree. */
  protected adj = new Int32Array(0);
  protected readonly nodeTokens = new Map<number, Token[]>();
  protected readonly rawTokens = new Map<number, Token[]>();
  protected readonly resTokens = new Map<number, Token[]>();

  edgeCount = 0;
  protected ecap = 0;
  /**
   * Per edge, side by side (one cache line for a step along an adjacency list): its stronger
   * identifier, its weaker one, and the next edge in each one's list.
   */
  protected links = new Int32Array(0);
  edgeTime = new Float64Array(0);
  edgeTie = new Float64Array(0);
  edgeSeq = new Float64Array(0);
  /**
   * First and last time of the edge's *dated* observations (NaN when none): a record without its
   * own time (a CRM export row, stamped on arrival) says nothing about when an identifier was whose.
   */
  edgeClaimFirst = new Float64Array(0);
  edgeClaimLast = new Float64Array(0);
  edgeState = new Uint8Array(0);
  edgeReason = new Int16Array(0);
  /** EDGE_OBSERVED, EDGE_FUZZY or EDGE_MANUAL. */
  edgeKind = new Uint8Array(0);

  readonly profileIds: string[] = [];
  readonly profileMergedInto: number[] = [];
  /** Live profile → a node in it (any), kept for lookups of a profile's members. */
  readonly profileNode: number[] = [];
  /** Profile id → ordinal, filled lazily (a rebuild creates millions it never looks up). */
  protected readonly profileIndex = new Map<string, number>();
  protected indexedProfiles = 0;
  readonly journal = new Journal();

  constructor(types: readonly TypeRule[]) {
    if (types.length > 255) throw new Error('at most 255 identifier types');
    this.types = types;
    this.limitedIndex = new Int32Array(types.length).fill(-1);
    this.limits = [];
    types.forEach((t, i) => {
      if (Number.isFinite(t.limit)) {
        this.limitedIndex[i] = this.limits.length;
        this.limits.push(Math.min(t.limit, 254));
      }
    });
    this.L = Math.max(1, this.limits.length);
    this.growNodes(INITIAL);
    this.growEdges(INITIAL);
  }

  protected growNodes(min: number): void {
    let cap = Math.max(this.cap * 2, INITIAL);
    while (cap < min) cap *= 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.nodeType = g(this.nodeType);
    this.nodeHash = g(this.nodeHash);
    this.nodeStats = g(this.nodeStats, STATS);
    this.nodeShared = g(this.nodeShared);
    this.rawParent = g(this.rawParent);
    this.rawSize = g(this.rawSize);
    this.rawNext = g(this.rawNext);
    this.rawMaxT = g(this.rawMaxT);
    this.rawConflicted = g(this.rawConflicted);
    this.rawHasShared = g(this.rawHasShared);
    this.rawCounts = g(this.rawCounts, this.L);
    this.resParent = g(this.resParent);
    this.resSize = g(this.resSize);
    this.resNext = g(this.resNext);
    this.resProfile = g(this.resProfile);
    this.resCounts = g(this.resCounts, this.L);
    this.adj = g(this.adj, 2);
    this.cap = cap;
  }

  protected growEdges(min: number): void {
    let cap = Math.max(this.ecap * 2, INITIAL);
    while (cap < min) cap *= 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array | Int16Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.links = g(this.links, 4);
    this.edgeTime = g(this.edgeTime);
    this.edgeTie = g(this.edgeTie);
    this.edgeSeq = g(this.edgeSeq);
    this.edgeClaimFirst = g(this.edgeClaimFirst);
    this.edgeClaimLast = g(this.edgeClaimLast);
    this.edgeState = g(this.edgeState);
    this.edgeReason = g(this.edgeReason);
    this.edgeKind = g(this.edgeKind);
    this.ecap = cap;
  }

  protected static hash(type: number, value: string): number {
    let h = Math.imul(0x811c9dc5 ^ type, 0x01000193);
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    return h;
  }

  /** The slot holding the identifier, or the empty slot where it would go. */
  protected slotOf(type: number, value: string, h: number): number {
    const slots = this.slots;
    const mask = this.slotMask;
    let slot = h & mask;
    // Pairs (node + 1, hash): a probe rejects other hashes without touching the node.
    for (;;) {
      const s = slots[2 * slot]!;
      if (s === 0) return slot;
      if (slots[2 * slot + 1] === h && this.values.equals(s - 1, value, type)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Doubles the slot table (at half full), re-placing every node by its kept hash. */
  protected growSlots(): void {
    const size = this.slots.length;
    const slots = new Int32Array(size * 2);
    const mask = size - 1;
    for (let n = 0; n < this.nodeCount; n++) {
      const h = this.nodeHash[n]!;
      let slot = h & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = n + 1;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.slotMask = mask;
  }

  /** The node of an identifier, or -1. */
  find(type: number, value: string): number {
    if (type < 0 || type >= this.types.length) return -1;
    return this.slots[2 * this.slotOf(type, value, GraphStore.hash(type, value))]! - 1;
  }

  /** The node of an identifier, created (alone, without a profile yet) when new. */
  protected node(type: number, value: string): number {
    return this.nodeHashed(type, value, GraphStore.hash(type, value));
  }

  /** `node` with the hash already computed. */
  protected nodeHashed(type: number, value: string, h: number): number {
    let slot = this.slotOf(type, value, h);
    const found = this.slots[2 * slot]!;
    if (found !== 0) return found - 1;
    const n = this.nodeCount++;
    if (n >= this.cap) this.growNodes(n + 1);
    this.values.append(value, type);
    this.nodeHash[n] = h;
    this.nodeType[n] = type;
    if (this.nodeCount * 4 > this.slots.length) {
      this.growSlots();
      slot = this.slotOf(type, value, h);
    }
    this.slots[2 * slot] = n + 1;
    this.slots[2 * slot + 1] = h;
    const st = n * STATS;
    this.nodeStats[st] = Infinity;
    this.nodeStats[st + 1] = -Infinity;
    this.nodeStats[st + 3] = -1;
    this.rawParent[n] = n;
    this.rawSize[n] = 1;
    this.rawNext[n] = n;
    this.rawMaxT[n] = -Infinity;
    this.resParent[n] = n;
    this.resSize[n] = 1;
    this.resNext[n] = n;
    this.resProfile[n] = -1;
    this.adj[2 * n] = -1;
    const li = this.limitedIndex[type]!;
    if (li >= 0) {
      this.rawCounts[n * this.L + li] = 1;
      this.resCounts[n * this.L + li] = 1;
    }
    this.journal.node(n);
    return n;
  }

  /** Node order within an observation: priority (high first), then type, then value. */
  protected before(a: number, b: number): number {
    const ta = this.nodeType[a]!;
    const tb = this.nodeType[b]!;
    if (ta !== tb) {
      const d = this.types[tb]!.priority - this.types[ta]!.priority;
      return d !== 0 ? d : ta - tb;
    }
    return this.values.compare(a, b);
  }

  /** An edge's stronger identifier (the event's anchor). */
  edgeFrom(e: number): number {
    return this.links[4 * e]!;
  }

  /** An edge's weaker identifier. */
  edgeTo(e: number): number {
    return this.links[4 * e + 1]!;
  }

  /** The identifier's value. */
  value(n: number): string {
    return this.values.get(n);
  }

  /** Reads what an event touches of a node (its statistics and adjacency head), for warming. */
  protected warmNode(n: number): number {
    return this.adj[2 * n]! ^ (this.nodeStats[n * STATS + 2]! | 0);
  }

  /** Restores a node's statistics (from the store). */
  protected setStats(n: number, firstSeen: number, lastSeen: number, events: number, source: number): void {
    const st = n * STATS;
    this.nodeStats[st] = firstSeen;
    this.nodeStats[st + 1] = lastSeen;
    this.nodeStats[st + 2] = events;
    this.nodeStats[st + 3] = source;
  }

  /** Time of the first event carrying the identifier (Infinity: none yet). */
  firstSeen(n: number): number {
    return this.nodeStats[n * STATS]!;
  }

  /** Time of the last event carrying the identifier (-Infinity: none yet). */
  lastSeen(n: number): number {
    return this.nodeStats[n * STATS + 1]!;
  }

  /** Events that carried the identifier. */
  eventCount(n: number): number {
    return this.nodeStats[n * STATS + 2]!;
  }

  /** Interned source of the first event that carried it, or -1. */
  firstSource(n: number): number {
    return this.nodeStats[n * STATS + 3]!;
  }

  protected rawFind(n: number): number {
    let r = n;
    while (this.rawParent[r] !== r) r = this.rawParent[r]!;
    while (this.rawParent[n] !== r) {
      const next = this.rawParent[n]!;
      this.rawParent[n] = r;
      n = next;
    }
    return r;
  }

  protected resFind(n: number): number {
    let r = n;
    while (this.resParent[r] !== r) r = this.resParent[r]!;
    while (this.resParent[n] !== r) {
      const next = this.resParent[n]!;
      this.resParent[n] = r;
      n = next;
    }
    return r;
  }

  protected typeOfLimited(i: number): number {
    for (let t = 0; t < this.types.length; t++) if (this.limitedIndex[t] === i) return t;
    return NO_REASON;
  }

  protected findEdge(a: number, b: number): number {
    const aFirst = this.adj[2 * a + 1]! <= this.adj[2 * b + 1]!;
    const from = aFirst ? a : b;
    const other = aFirst ? b : a;
    let e = this.adj[2 * from]!;
    while (e >= 0) {
      const isA = this.links[4 * e] === from;
      if ((isA ? this.links[4 * e + 1] : this.links[4 * e]) === other) return e;
      e = isA ? this.links[4 * e + 2]! : this.links[4 * e + 3]!;
    }
    return -1;
  }

  protected addEdge(a: number, b: number, o: Observation, kind = EDGE_OBSERVED): number {
    const e = this.edgeCount++;
    if (e >= this.ecap) this.growEdges(e + 1);
    this.edgeKind[e] = kind;
    this.links[4 * e] = a;
    this.links[4 * e + 1] = b;
    this.edgeTime[e] = o.time;
    this.edgeTie[e] = o.tie;
    this.edgeSeq[e] = o.seq;
    this.edgeClaimFirst[e] = o.dated === false ? NaN : o.time;
    this.edgeClaimLast[e] = this.edgeClaimFirst[e]!;
    this.edgeState[e] = EDGE_LINKED;
    this.edgeReason[e] = NO_REASON;
    this.links[4 * e + 2] = this.adj[2 * a]!;
    this.adj[2 * a] = e;
    this.links[4 * e + 3] = this.adj[2 * b]!;
    this.adj[2 * b] = e;
    this.adj[2 * a + 1]!++;
    this.adj[2 * b + 1]!++;
    this.journal.edge(e);
    return e;
  }

  protected touch(n: number, o: Observation): void {
    const stats = this.nodeStats;
    const st = n * STATS;
    if (o.time < stats[st]!) {
      stats[st] = o.time;
      stats[st + 3] = o.source;
    }
    if (o.time > stats[st + 1]!) stats[st + 1] = o.time;
    stats[st + 2]!++;
    this.journal.nodeStat(n);
  }

  /** Members of a raw component. */
  protected rawMembers(root: number): number[] {
    const out: number[] = [];
    let n = root;
    do {
      out.push(n);
      n = this.rawNext[n]!;
    } while (n !== root);
    return out;
  }

  /** Members of a resolved set (a profile's identifiers). */
  members(node: number): number[] {
    const root = this.resFind(node);
    const out: number[] = [];
    let n = root;
    do {
      out.push(n);
      n = this.resNext[n]!;
    } while (n !== root);
    return out;
  }

  protected profileOrdinal(id: string): number | undefined {
    for (; this.indexedProfiles < this.profileIds.length; this.indexedProfiles++) {
      this.profileIndex.set(this.profileIds[this.indexedProfiles]!, this.indexedProfiles);
    }
    return this.profileIndex.get(id);
  }

  /** Follows merges from any profile id, old or current; -1 if unknown. */
  liveProfile(profileId: string): number {
    let p = this.profileOrdinal(profileId) ?? -1;
    for (let hops = 0; p >= 0 && this.profileMergedInto[p]! >= 0 && hops < 1_000_000; hops++) {
      p = this.profileMergedInto[p]!;
    }
    return p;
  }

  profileOfNode(n: number): number {
    return this.resProfile[this.resFind(n)]!;
  }

  describe(n: number): string {
    return `${this.types[this.nodeType[n]!]!.name}:${this.values.get(n)}`;
  }

  /** The partition as sorted lists of `type:value` (for tests and the rebuild report). */
  partition(): string[][] {
    const groups = new Map<number, string[]>();
    for (let n = 0; n < this.nodeCount; n++) {
      const r = this.resFind(n);
      const g = groups.get(r);
      if (g) g.push(this.describe(n));
      else groups.set(r, [this.describe(n)]);
    }
    return [...groups.values()].map((g) => g.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  }

  /**
   * For each node, a group number under the linked edges of kinds `kinds` only (e.g. the
   * deterministic partition, without fuzzy links), for evaluation.
   */
  groupsByKinds(kinds: ReadonlySet<number>): Int32Array {
    const parent = new Int32Array(this.nodeCount);
    for (let n = 0; n < this.nodeCount; n++) parent[n] = n;
    const find = (n: number): number => {
      while (parent[n] !== n) {
        parent[n] = parent[parent[n]!]!;
        n = parent[n]!;
      }
      return n;
    };
    for (let e = 0; e < this.edgeCount; e++) {
      if (this.edgeState[e] !== EDGE_LINKED || !kinds.has(this.edgeKind[e]!)) continue;
      const a = find(this.links[4 * e]!);
      const b = find(this.links[4 * e + 1]!);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
    for (let n = 0; n < this.nodeCount; n++) parent[n] = find(n);
    return parent;
  }

  /** Edges refused, with the type whose limit they would have broken (or REASON_SPLIT). */
  refusedEdges(): number[] {
    const out: number[] = [];
    for (let e = 0; e < this.edgeCount; e++) if (this.edgeState[e] === EDGE_REFUSED) out.push(e);
    return out;
  }

  get profileCount(): number {
    let n = 0;
    for (const m of this.profileMergedInto) if (m < 0) n++;
    return n;
  }

  /** Approximate bytes held by the typed arrays (for the benchmark's memory report). */
  get typedBytes(): number {
    let b = 0;
    for (const v of Object.values(this)) if (ArrayBuffer.isView(v)) b += v.byteLength;
    return b + this.values.byteLength;
  }
}
