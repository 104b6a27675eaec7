import {
  storedEventIdentifiers,
  type IdentifierClaim,
  type PreparedEvent,
  type StoredEventIdentity,
} from '../collect/index.js';
import {
  EDGE_FUZZY,
  EDGE_LINKED,
  EDGE_MANUAL,
  EDGE_OBSERVED,
  IdentityGraph,
  REASON_SHARED,
  REASON_SPLIT,
  type Claim,
  type MergeRecord,
  type Observation,
} from './graph.js';
import type {
  EdgeRow,
  EdgeStatsRow,
  FlushSet,
  MergeRow,
  NodeRow,
  NodeStatsRow,
  ProfileRow,
} from './identity-store.js';
import { normaliseClaim, type IdentityRules } from './rules.js';

export const EDGE_KIND_NAMES = ['observed', 'fuzzy', 'manual'] as const;
export type EdgeKindName = (typeof EDGE_KIND_NAMES)[number];

export interface BlockedHit {
  type: string;
  value: string;
  rule: string;
  hits: number;
}

export interface IdentityCounters {
  events: number;
  /** Events with no usable identifier (all blocked, invalid or of unconfigured types). */
  unattributed: number;
  claims: number;
  blocked: number;
  invalid: number;
  unknownType: number;
  fuzzyCompared: number;
  fuzzyMerged: number;
  fuzzyRefused: number;
}

/** What fuzzy matching needs of an event: the person-describing traits it carried. */
export interface TraitSample {
  node: number;
  time: number;
  traits: Record<string, unknown>;
}

/** Anything with the fields identity reads from an event. */
export type IdentityInput = Pick<
  StoredEventIdentity,
  | 'seq'
  | 'sourceId'
  | 'fpHi'
  | 'type'
  | 'userId'
  | 'anonymousId'
  | 'previousId'
  | 'timestamp'
  | 'dated'
  | 'traits'
  | 'context'
> & { identifiers?: IdentifierClaim[] };

export function fromPrepared(seq: number, e: PreparedEvent): IdentityInput {
  return {
    seq,
    sourceId: e.sourceId,
    fpHi: e.fpHi,
    type: e.type,
    userId: e.userId,
    anonymousId: e.anonymousId,
    previousId: e.previousId,
    timestamp: e.timestamp,
    dated: e.originalTimestamp !== null,
    traits: e.traits,
    context: e.context,
    ...(e.identifiers ? { identifiers: e.identifiers } : {}),
  };
}

const FEATURE_TRAITS = /"(?:name|address|phone_masked|city)"/;

/**
 * One workspace's identity state: the graph, what the store already holds of it, and what the
 * next flush must write.
 */
export class WorkspaceGraph {
  readonly graph: IdentityGraph;
  readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  readonly profileCreatedAt: number[] = [];
  storedNodes = 0;
  storedEdges = 0;
  storedProfiles = 0;
  /** Set when a flush failed: the next one rewrites the whole graph. */
  rewriteAll = false;
  /** Set by a rebuild: the next flush replaces every event's anchor. */
  replaceAnchors = false;
  anchors: Array<{ seq: number; node: number; time: number }> = [];
  /** Shared identifiers whose event owners were written (cleared when they stop being shared). */
  private readonly owned = new Set<number>();
  pendingMerges: MergeRow[] = [];
  resolvedSeq = 0;
  /** Statistics rows appended since they were last folded into the node and edge rows. */
  unfoldedStats = 0;
  readonly blocked = new Map<string, BlockedHit>();
  readonly counters: IdentityCounters = {
    events: 0,
    unattributed: 0,
    claims: 0,
    blocked: 0,
    invalid: 0,
    unknownType: 0,
    fuzzyCompared: 0,
    fuzzyMerged: 0,
    fuzzyRefused: 0,
  };
  /** Events that described the person (name, address…) since fuzzy matching last ran. */
  samples: TraitSample[] = [];

  constructor(
    readonly workspaceId: string,
    readonly rules: IdentityRules,
    newProfileId: () => string,
    private readonly now: () => number,
  ) {
    this.graph = new IdentityGraph(rules.types, newProfileId);
  }

  source(id: string): number {
    let i = this.sourceIndex.get(id);
    if (i === undefined) {
      i = this.sources.length;
      this.sources.push(id);
      this.sourceIndex.set(id, i);
    }
    return i;
  }

  /** Normalised claims of an event, counting what was blocked, invalid or of an unknown type. */
  claims(raw: readonly IdentifierClaim[]): Claim[] {
    const out: Claim[] = [];
    for (const c of raw) {
      this.counters.claims++;
      const o = normaliseClaim(this.rules, c.type, c.value);
      switch (o.kind) {
        case 'ok':
          out.push(o.claim);
          break;
        case 'blocked': {
          this.counters.blocked++;
          const key = `${c.type}\u0000${c.value}`;
          const hit = this.blocked.get(key);
          if (hit) hit.hits++;
          else this.blocked.set(key, { type: c.type, value: c.value, rule: o.rule, hits: 1 });
          break;
        }
        case 'invalid':
          this.counters.invalid++;
          break;
        case 'unknown_type':
          this.counters.unknownType++;
          break;
        default: {
          const never: never = o;
          throw new Error(`unexpected claim outcome ${JSON.stringify(never)}`);
        }
      }
    }
    return out;
  }

  /** Resolves one event; returns its anchor node or -1. */
  observe(e: IdentityInput): number {
    const o = this.observation(e);
    const before = this.graph.profileIds.length;
    const anchor = this.graph.observe(o);
    this.noteNewProfiles(before);
    return this.observed(e, anchor);
  }

  /**
   * A rebuild's events, many at a time, while the graph resolves in bulk (see
   * `IdentityGraph.observeBatch`); the same as observing them one by one.
   */
  observeBatch(events: readonly IdentityInput[]): void {
    const batch = events.map((e) => this.observation(e));
    if (this.batchAnchors.length < batch.length) this.batchAnchors = new Int32Array(batch.length * 2);
    this.graph.observeBatch(batch, this.batchAnchors);
    events.forEach((e, i) => this.observed(e, this.batchAnchors[i]!));
  }

  private batchAnchors = new Int32Array(0);

  /** The graph's view of an event: its normalised claims, time and source. */
  private observation(e: IdentityInput): Observation {
    this.counters.events++;
    const raw =
      e.identifiers ??
      storedEventIdentifiers({
        type: e.type,
        userId: e.userId,
        anonymousId: e.anonymousId,
        previousId: e.previousId,
        traits: e.traits,
        context: e.context,
      });
    return {
      time: e.timestamp,
      tie: e.fpHi,
      seq: e.seq,
      source: this.source(e.sourceId),
      dated: e.dated,
      claims: this.claims(raw),
    };
  }

  /** After the graph took an event: its anchor, position, and traits for fuzzy matching. */
  private observed(e: IdentityInput, anchor: number): number {
    if (e.seq > this.resolvedSeq) this.resolvedSeq = e.seq;
    if (anchor < 0) {
      this.counters.unattributed++;
      return -1;
    }
    this.anchors.push({ seq: e.seq, node: anchor, time: e.timestamp });
    if (e.traits !== null && this.rules.fuzzy.enabled && FEATURE_TRAITS.test(e.traits)) {
      const traits: unknown = JSON.parse(e.traits);
      if (typeof traits === 'object' && traits !== null) {
        this.samples.push({ node: anchor, time: e.timestamp, traits: traits as Record<string, unknown> });
      }
    }
    return anchor;
  }

  noteNewProfiles(before: number): void {
    const now = this.now();
    for (let p = before; p < this.graph.profileIds.length; p++) this.profileCreatedAt[p] = now;
  }

  /** Takes the journal's changes as rows to write (synchronously: later events go to the next flush). */
  takeFlush(rulesFingerprint: string): FlushSet {
    const g = this.graph;
    const j = g.journal;
    const all = this.rewriteAll;
    const nodeIds = all ? range(g.nodeCount) : [...j.nodes].sort((a, b) => a - b);
    const edgeIds = all ? range(g.edgeCount) : [...j.edges].sort((a, b) => a - b);
    const profileIds = all ? range(g.profileIds.length) : [...j.profiles].sort((a, b) => a - b);
    const merges = this.pendingMerges;
    const owners = this.takeOwners(all || this.replaceAnchors);
    for (const m of j.merges) merges.push(this.mergeRow(m, 'link'));
    const flush: FlushSet = {
      workspaceId: this.workspaceId,
      rewrite: all,
      replaceAnchors: this.replaceAnchors,
      storedNodes: all ? 0 : this.storedNodes,
      storedEdges: all ? 0 : this.storedEdges,
      storedProfiles: all ? 0 : this.storedProfiles,
      nodes: nodeIds.map((n) => this.nodeRow(n)),
      edges: edgeIds.map((e) => this.edgeRow(e)),
      // Stored rows whose statistics alone changed: appended, not rewritten.
      nodeStats: all
        ? []
        : statsOnly(j.nodeStats, j.nodes, this.storedNodes).map((n) => this.nodeStatsRow(n)),
      edgeStats: all
        ? []
        : statsOnly(j.edgeStats, j.edges, this.storedEdges).map((e) => this.edgeStatsRow(e)),
      profiles: profileIds.map((p) => this.profileRow(p)),
      merges,
      anchors: this.anchors,
      owners,
      resolvedSeq: this.resolvedSeq,
      rules: rulesFingerprint,
    };
    j.clear();
    this.anchors = [];
    this.pendingMerges = [];
    this.rewriteAll = false;
    this.replaceAnchors = false;
    this.storedNodes = g.nodeCount;
    this.storedEdges = g.edgeCount;
    this.storedProfiles = g.profileIds.length;
    return flush;
  }

  /** After a restore: shared identifiers may have owners written in the store. */
  noteRestored(): void {
    for (let n = 0; n < this.graph.nodeCount; n++) if (this.graph.nodeShared[n]) this.owned.add(n);
  }

  /** Shared identifiers touched since the last flush, with who owned them when. */
  private takeOwners(everything: boolean): FlushSet['owners'] {
    const g = this.graph;
    const j = g.journal;
    const candidates = new Set<number>();
    if (everything) {
      this.owned.clear();
      for (let n = 0; n < g.nodeCount; n++) if (g.nodeShared[n]) candidates.add(n);
    } else {
      for (const set of [j.nodes, j.nodeStats])
        for (const n of set) if (g.nodeShared[n] || this.owned.has(n)) candidates.add(n);
      for (const set of [j.edges, j.edgeStats])
        for (const e of set) if (g.nodeShared[g.edgeTo(e)]) candidates.add(g.edgeTo(e));
    }
    const out: FlushSet['owners'] = [];
    for (const n of [...candidates].sort((a, b) => a - b)) {
      const ranges = g.ownership(n);
      if (ranges === null && !this.owned.has(n)) continue;
      if (ranges === null) this.owned.delete(n);
      else this.owned.add(n);
      out.push({ node: n, ranges });
    }
    return out;
  }

  /** A flush failed: keep its anchors and merges, rewrite the whole graph next time. */
  flushFailed(f: FlushSet): void {
    this.anchors = [...f.anchors, ...this.anchors];
    this.pendingMerges = [...f.merges, ...this.pendingMerges];
    this.rewriteAll = true;
    this.replaceAnchors ||= f.replaceAnchors;
  }

  mergeRow(m: MergeRecord, kind: string): MergeRow {
    const g = this.graph;
    const detail =
      m.edge >= 0
        ? JSON.stringify({
            link: [g.describe(g.edgeFrom(m.edge)), g.describe(g.edgeTo(m.edge))],
            by: EDGE_KIND_NAMES[g.edgeKind[m.edge]!],
          })
        : null;
    return {
      from: m.from,
      into: m.into,
      at: this.now(),
      kind: m.edge >= 0 ? EDGE_KIND_NAMES[g.edgeKind[m.edge]!]! : kind,
      edge: m.edge >= 0 ? m.edge : null,
      seq: m.seq >= 0 ? m.seq : null,
      detail,
    };
  }

  nodeRow(n: number): NodeRow {
    const g = this.graph;
    const p = g.profileOfNode(n);
    const source = g.firstSource(n);
    return {
      node: n,
      type: g.types[g.nodeType[n]!]!.name,
      value: g.value(n),
      profileId: g.profileIds[p]!,
      firstSeen: Number.isFinite(g.firstSeen(n)) ? g.firstSeen(n) : null,
      lastSeen: Number.isFinite(g.lastSeen(n)) ? g.lastSeen(n) : null,
      events: g.eventCount(n),
      sourceId: source >= 0 ? (this.sources[source] ?? null) : null,
      shared: g.nodeShared[n] === 1,
    };
  }

  nodeStatsRow(n: number): NodeStatsRow {
    const g = this.graph;
    const source = g.firstSource(n);
    return {
      node: n,
      firstSeen: Number.isFinite(g.firstSeen(n)) ? g.firstSeen(n) : null,
      lastSeen: Number.isFinite(g.lastSeen(n)) ? g.lastSeen(n) : null,
      events: g.eventCount(n),
      sourceId: source >= 0 ? (this.sources[source] ?? null) : null,
    };
  }

  edgeStatsRow(e: number): EdgeStatsRow {
    const g = this.graph;
    return {
      edge: e,
      claimFirst: Number.isNaN(g.edgeClaimFirst[e]) ? null : g.edgeClaimFirst[e]!,
      claimLast: Number.isNaN(g.edgeClaimLast[e]) ? null : g.edgeClaimLast[e]!,
    };
  }

  edgeRow(e: number): EdgeRow {
    const g = this.graph;
    return {
      edge: e,
      a: g.edgeFrom(e),
      b: g.edgeTo(e),
      kind: EDGE_KIND_NAMES[g.edgeKind[e]!]!,
      time: g.edgeTime[e]!,
      claimFirst: Number.isNaN(g.edgeClaimFirst[e]) ? null : g.edgeClaimFirst[e]!,
      claimLast: Number.isNaN(g.edgeClaimLast[e]) ? null : g.edgeClaimLast[e]!,
      tie: g.edgeTie[e]!,
      seq: g.edgeSeq[e]!,
      state: g.edgeState[e] === EDGE_LINKED ? 'linked' : 'refused',
      reason: this.reasonName(g.edgeReason[e]!),
    };
  }

  reasonName(reason: number): string | null {
    if (reason === REASON_SPLIT) return 'unmerged';
    if (reason === REASON_SHARED) return 'shared';
    if (reason < 0) return null;
    return `limit:${this.graph.types[reason]!.name}`;
  }

  profileRow(p: number): ProfileRow {
    const g = this.graph;
    const into = g.profileMergedInto[p]!;
    return {
      ordinal: p,
      profileId: g.profileIds[p]!,
      createdAt: this.profileCreatedAt[p] ?? this.now(),
      mergedInto: into >= 0 ? g.profileIds[into]! : null,
    };
  }
}

export const edgeKindOf = (name: string): number => {
  const i = (EDGE_KIND_NAMES as readonly string[]).indexOf(name);
  return i >= 0 ? i : EDGE_OBSERVED;
};

export { EDGE_FUZZY, EDGE_MANUAL };

/** Members of `changed` not in `rewritten` and already stored (below `stored`), ascending. */
function statsOnly(changed: ReadonlySet<number>, rewritten: ReadonlySet<number>, stored: number): number[] {
  const out: number[] = [];
  for (const x of changed) if (x < stored && !rewritten.has(x)) out.push(x);
  return out.sort((a, b) => a - b);
}

function range(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
