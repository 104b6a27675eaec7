import { createHash } from 'node:crypto';
import {
  eventSeqsMatching,
  scanEventsAfter,
  type LoadedEvent,
  type PreparedEvent,
} from '../collect/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { EDGE_LINKED, EDGE_MANUAL, EDGE_REFUSED, REASON_SHARED, REASON_SPLIT } from './graph.js';
import { FuzzyMatcher, type ReviewCandidate } from './fuzzy-matcher.js';
import {
  anchorPage,
  foldStats,
  scanAnchors,
  flushIdentity,
  listMerges,
  readState,
  scanEdges,
  scanNodes,
  scanProfiles,
  type FlushSet,
  type MergeRow,
} from './identity-store.js';
import { carryOverIds, type RebuildReport } from './carry-over-ids.js';
import { resolveFromStore } from './rebuild.js';
import {
  allReviews,
  decideReviewRow,
  getReview,
  insertReviews,
  insertSplit,
  listReviews,
  listSplits,
  readBlocked,
  splitSides,
  writeBlocked,
  type SplitRow,
} from './decision-store.js';
import { normaliseClaim, type IdentityRules } from './rules.js';
import { profileIdentifiers, refusalsOf, statsOf } from './graph-reads.js';
import type {
  IdentityStats,
  LookupResult,
  ProfileIdentifier,
  Refusal,
  ResolvedBatch,
  ResolvedListener,
  ReviewItem,
  TimelineQuery,
  UnmergeResult,
} from './resolver-types.js';
import { EDGE_KIND_NAMES, edgeKindOf, fromPrepared, WorkspaceGraph } from './workspace-graph.js';

/** Appended statistics rows a workspace collects before they are folded into its rows. */
const FOLD_STATS_EVERY = 500_000;

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** A stable fingerprint of the rules, stored with the graph (a rebuild is due when it changes). */
export function rulesFingerprint(rules: IdentityRules): string {
  const text = JSON.stringify({
    types: rules.types.map((t) => [
      t.name,
      t.priority,
      t.limit === Infinity ? null : t.limit,
      t.normalise,
      t.shareable,
      t.successive,
    ]),
    values: [...rules.blockedValues].sort(),
    patterns: rules.blockedPatterns.map((p) => p.source),
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * OneID: follows the event store (each load, in sequence order), keeps the identity graph of
 * every workspace in memory, and persists it in batches with the position it has resolved up to,
 * so a restart restores the graph and catches up from the store.
 *
 * In order: opening and intake (restore, catch-up, each load, flushing to the store); reads for
 * the API; the review queue; unmerge; rebuild (its re-resolution from the store is `rebuild.ts`,
 * the carrying over of profile ids `carry-over-ids.ts`).
 */
export class IdentityResolver {
  private readonly workspaces = new Map<string, WorkspaceGraph>();
  private flushing: Promise<void> | null = null;
  private flushScheduled = false;
  private flushError: unknown = null;
  private paused: LoadedEvent[][] | null = null;
  private readonly resolvedListeners: ResolvedListener[] = [];
  private readonly matchers = new Map<string, FuzzyMatcher>();
  private pendingReviews: Array<ReviewCandidate & { workspaceId: string }> = [];
  readonly fingerprint: string;

  private constructor(
    private readonly db: Database,
    readonly rules: IdentityRules,
    private readonly clock: Clock,
    private readonly newProfileId: () => string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.fingerprint = rulesFingerprint(rules);
  }

  /** Restores every workspace's graph from the store and catches up on events stored since. */
  static async open(
    db: Database,
    rules: IdentityRules,
    clock: Clock,
    options: { newProfileId?: () => string; onError?: (err: unknown) => void } = {},
  ): Promise<IdentityResolver> {
    const r = new IdentityResolver(
      db,
      rules,
      clock,
      options.newProfileId ?? (() => generateId('prof')),
      options.onError ?? (() => undefined),
    );
    let from = Infinity;
    const states = await readState(db);
    for (const s of states) {
      const ws = await r.restore(s.workspaceId);
      ws.resolvedSeq = s.resolvedSeq;
      from = Math.min(from, s.resolvedSeq);
    }
    await r.restoreReviews();
    await r.catchUp(Number.isFinite(from) ? from : 0);
    r.matchAll();
    await r.settle();
    return r;
  }

  private workspace(workspaceId: string): WorkspaceGraph {
    let ws = this.workspaces.get(workspaceId);
    if (!ws) {
      ws = new WorkspaceGraph(workspaceId, this.rules, this.newProfileId, () => this.clock.now());
      this.workspaces.set(workspaceId, ws);
    }
    return ws;
  }

  private async restore(workspaceId: string): Promise<WorkspaceGraph> {
    // Statistics appended since the last fold go into the rows the graph is restored from.
    await foldStats(this.db, workspaceId);
    const ws = this.workspace(workspaceId);
    const g = ws.graph;
    const merges: Array<[string, string]> = [];
    await scanProfiles(this.db, workspaceId, (p) => {
      g.restoreProfile(p.profileId);
      ws.profileCreatedAt[p.ordinal] = p.createdAt;
      if (p.mergedInto) merges.push([p.profileId, p.mergedInto]);
    });
    for (const [from, into] of merges) g.restoreMerge(from, into);
    const missingType: string[] = [];
    await scanNodes(this.db, workspaceId, (n) => {
      const t = this.rules.typeIndex.get(n.type);
      // A type removed from the rules: kept under a placeholder until a rebuild drops it.
      if (t === undefined) missingType.push(n.type);
      g.restoreNode(t ?? 0, t === undefined ? `${n.type}:${n.value}` : n.value, n.profileId, {
        firstSeen: n.firstSeen ?? Infinity,
        lastSeen: n.lastSeen ?? -Infinity,
        events: n.events,
        source: n.sourceId === null ? -1 : ws.source(n.sourceId),
        shared: n.shared,
      });
    });
    await scanEdges(this.db, workspaceId, (e) => {
      const reason =
        e.reason === null
          ? -1
          : e.reason === 'unmerged'
            ? REASON_SPLIT
            : e.reason === 'shared'
              ? REASON_SHARED
              : (this.rules.typeIndex.get(e.reason.replace(/^limit:/, '')) ?? -1);
      g.restoreEdge(
        e.a,
        e.b,
        edgeKindOf(e.kind),
        e.time,
        { first: e.claimFirst ?? NaN, last: e.claimLast ?? NaN },
        e.tie,
        e.seq,
        e.state === 'linked' ? EDGE_LINKED : EDGE_REFUSED,
        reason,
      );
    });
    g.finishRestore();
    for (const { sides } of await splitSides(this.db, workspaceId)) {
      g.restoreSplit(
        sides
          .map((s) => ({ node: g.find(this.rules.typeIndex.get(s.type) ?? -1, s.value), side: s.side }))
          .filter((s) => s.node >= 0),
      );
    }
    for (const b of await readBlocked(this.db, workspaceId)) ws.blocked.set(`${b.type}\u0000${b.value}`, b);
    ws.noteRestored();
    ws.storedNodes = g.nodeCount;
    ws.storedEdges = g.edgeCount;
    ws.storedProfiles = g.profileIds.length;
    return ws;
  }

  private async catchUp(afterSeq: number): Promise<void> {
    await scanEventsAfter(this.db, afterSeq, (row) => {
      const ws = this.workspace(row.workspaceId);
      if (row.seq <= ws.resolvedSeq) return;
      ws.observe(row);
    });
  }

  /** The writer's load listener: resolves a loaded batch now, persists it soon. */
  readonly onLoaded = (events: readonly LoadedEvent[]): void => {
    if (this.paused) {
      this.paused.push([...events]);
      return;
    }
    try {
      const follow = this.resolvedListeners.length > 0;
      const anchors: Array<{ ws: WorkspaceGraph; seq: number; event: PreparedEvent; anchor: number }> = [];
      const mergesBefore = new Map<WorkspaceGraph, number>();
      for (const { seq, event } of events) {
        const ws = this.workspace(event.workspaceId);
        if (seq <= ws.resolvedSeq) continue;
        if (follow && !mergesBefore.has(ws)) mergesBefore.set(ws, ws.graph.journal.merges.length);
        const anchor = ws.observe(fromPrepared(seq, event));
        if (follow && anchor >= 0) anchors.push({ ws, seq, event, anchor });
      }
      this.matchAll();
      if (follow) this.announce(anchors, mergesBefore);
    } catch (err) {
      this.onError(err);
    }
    this.scheduleFlush();
  };

  /** Later stages follow resolution here, batch by batch, after each batch is resolved in memory. */
  onResolved(listener: ResolvedListener): void {
    this.resolvedListeners.push(listener);
  }

  private announce(
    anchors: ReadonlyArray<{ ws: WorkspaceGraph; seq: number; event: PreparedEvent; anchor: number }>,
    mergesBefore: ReadonlyMap<WorkspaceGraph, number>,
  ): void {
    for (const [ws, before] of mergesBefore) {
      const g = ws.graph;
      const batch: ResolvedBatch = {
        workspaceId: ws.workspaceId,
        events: anchors
          .filter((a) => a.ws === ws)
          .map((a) => ({ seq: a.seq, event: a.event, profileId: g.profileIds[g.profileOfNode(a.anchor)]! })),
        merges: g.journal.merges.slice(before).map((m) => ({ from: m.from, into: m.into })),
        reset: false,
      };
      this.notify(batch);
    }
  }

  private notify(batch: ResolvedBatch): void {
    for (const listener of this.resolvedListeners) {
      try {
        listener(batch);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** Pairs already queued or decided are not proposed again (identifiers, so rebuilds keep them). */
  private async restoreReviews(
    workspaces?: Map<string, WorkspaceGraph>,
    matchers?: Map<string, FuzzyMatcher>,
  ): Promise<void> {
    for (const row of await allReviews(this.db)) {
      const ws = workspaces ? workspaces.get(row.workspaceId) : this.workspace(row.workspaceId);
      if (!ws) continue;
      const a = this.nodeOf(ws, row.a.type, row.a.value);
      const b = this.nodeOf(ws, row.b.type, row.b.value);
      if (a < 0 || b < 0) continue;
      (matchers?.get(ws.workspaceId) ?? this.matcher(ws)).markProposed(a, b);
      // A rebuild keeps people's decisions: approved pairs are linked again.
      if (workspaces && row.status === 'approved') ws.graph.addLink(a, b, EDGE_MANUAL, row.decidedAt ?? 0, 0);
    }
  }

  private nodeOf(ws: WorkspaceGraph, type: string, value: string): number {
    const t = this.rules.typeIndex.get(type);
    return t === undefined ? -1 : ws.graph.find(t, value);
  }

  private matcher(ws: WorkspaceGraph): FuzzyMatcher {
    let m = this.matchers.get(ws.workspaceId);
    if (!m) {
      m = new FuzzyMatcher(ws, () => generateId('rev'));
      this.matchers.set(ws.workspaceId, m);
    }
    return m;
  }

  /** Fuzzy matching of the profiles the records since the last run touched. */
  private matchAll(): void {
    if (!this.rules.fuzzy.enabled) return;
    for (const ws of this.workspaces.values()) {
      if (ws.samples.length === 0) continue;
      const samples = ws.samples;
      ws.samples = [];
      let time = -Infinity;
      for (const s of samples) time = Math.max(time, s.time);
      const outcome = this.matcher(ws).run(samples, time);
      ws.counters.fuzzyCompared += outcome.compared;
      ws.counters.fuzzyMerged += outcome.merged;
      ws.counters.fuzzyRefused += outcome.refused;
      for (const q of outcome.queued) this.pendingReviews.push({ ...q, workspaceId: ws.workspaceId });
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush().catch((err: unknown) => this.onError(err));
    });
  }

  /** Writes every workspace's pending changes; one flush at a time. */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const run = this.flushOnce();
    this.flushing = run;
    try {
      await run;
    } finally {
      if (this.flushing === run) this.flushing = null;
    }
  }

  private async flushOnce(): Promise<void> {
    await Promise.resolve();
    if (this.pendingReviews.length > 0) {
      const reviews = this.pendingReviews;
      this.pendingReviews = [];
      try {
        const identifier = (g: WorkspaceGraph['graph'], n: number): { type: string; value: string } => ({
          type: g.types[g.nodeType[n]!]!.name,
          value: g.value(n),
        });
        await insertReviews(
          this.db,
          reviews.map((r) => {
            const g = this.workspace(r.workspaceId).graph;
            return {
              id: r.id,
              workspaceId: r.workspaceId,
              a: identifier(g, r.nodeA),
              b: identifier(g, r.nodeB),
              score: r.score,
              fields: r.fields,
            };
          }),
          this.clock.now(),
        );
      } catch (err) {
        this.pendingReviews = [...reviews, ...this.pendingReviews];
        this.flushError = err;
        throw err;
      }
    }
    for (const ws of this.workspaces.values()) {
      const f = ws.takeFlush(this.fingerprint);
      if (!hasChanges(f)) continue;
      try {
        await flushIdentity(this.db, f);
        await this.writeBlocked(ws);
        ws.unfoldedStats = f.rewrite ? 0 : ws.unfoldedStats + f.nodeStats.length + f.edgeStats.length;
        if (ws.unfoldedStats >= FOLD_STATS_EVERY) {
          await foldStats(this.db, ws.workspaceId);
          ws.unfoldedStats = 0;
        }
        this.flushError = null;
      } catch (err) {
        ws.flushFailed(f);
        this.flushError = err;
        throw err;
      }
    }
  }

  private async writeBlocked(ws: WorkspaceGraph): Promise<void> {
    if (ws.blocked.size > 0) await writeBlocked(this.db, ws.workspaceId, ws.blocked.values());
  }

  /** Resolves when everything resolved so far is in the store. */
  async settle(): Promise<void> {
    await this.flush();
    if (this.flushError) throw new Error('persisting the identity graph failed', { cause: this.flushError });
  }

  // ------------------------------------------------------------------ reads

  lookup(workspaceId: string, type: string, rawValue: string): LookupResult {
    const claim = normaliseClaim(this.rules, type, rawValue);
    switch (claim.kind) {
      case 'unknown_type':
        return {
          kind: 'invalid',
          reason: `unknown identifier type "${type}"; configured types: ${this.rules.types.map((t) => t.name).join(', ')}`,
        };
      case 'invalid':
        return { kind: 'invalid', reason: `"${rawValue}" is not a valid ${type}: ${claim.reason}` };
      case 'blocked':
        return {
          kind: 'not_found',
          reason: `"${rawValue}" is on the identifier blocklist (${claim.rule}) and never links a profile`,
        };
      case 'ok': {
        const g = this.workspaces.get(workspaceId)?.graph;
        const n = g ? g.find(claim.claim.type, claim.claim.value) : -1;
        if (!g || n < 0) return { kind: 'not_found', reason: `no profile has ${type} ${claim.claim.value}` };
        return { kind: 'found', profileId: g.profileIds[g.profileOfNode(n)]! };
      }
      default: {
        const never: never = claim;
        throw new Error(`unexpected claim ${JSON.stringify(never)}`);
      }
    }
  }

  /** The live profile an id (current or merged away) resolves to, or null. */
  resolveProfileId(workspaceId: string, profileId: string): string | null {
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return null;
    const p = g.liveProfile(profileId);
    return p >= 0 ? g.profileIds[p]! : null;
  }

  /** The live profile an identifier node (a facts row's anchor) belongs to now, or null. */
  profileOfNode(workspaceId: string, node: number): string | null {
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g || node < 0) return null;
    return g.profileIds[g.profileOfNode(node)] ?? null;
  }

  /** The identifier nodes of a live profile (what its facts and anchors are keyed by). */
  profileNodes(workspaceId: string, profileId: string): number[] {
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return [];
    const p = g.liveProfile(profileId);
    return p < 0 ? [] : g.members(g.profileNode[p]!);
  }

  identifiers(workspaceId: string, profileId: string): ProfileIdentifier[] | null {
    const ws = this.workspaces.get(workspaceId);
    return ws ? profileIdentifiers(ws, profileId) : null;
  }

  /** Merge history of a profile: every profile merged into it (at any depth), and where it went. */
  async mergeHistory(workspaceId: string, profileId: string): Promise<MergeRow[] | null> {
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return null;
    const live = g.liveProfile(profileId);
    if (live < 0) return null;
    const ids: string[] = [];
    for (let p = 0; p < g.profileIds.length; p++) {
      let q = p;
      for (let hops = 0; g.profileMergedInto[q]! >= 0 && hops < 1_000_000; hops++)
        q = g.profileMergedInto[q]!;
      if (q === live) ids.push(g.profileIds[p]!);
    }
    await this.settle();
    return listMerges(this.db, workspaceId, ids);
  }

  /**
   * The unmerges done so far, newest first (the audit trail): who split which profile, why, into
   * which sides, and the links that had joined them. With `profileId`, those that split it (or any
   * profile merged into it) or made it.
   */
  async splits(workspaceId: string, options: { profileId?: string; limit: number }): Promise<SplitRow[]> {
    await this.settle();
    let ids: string[] | null = null;
    if (options.profileId !== undefined) {
      const history = await this.mergeHistory(workspaceId, options.profileId);
      if (history === null) return [];
      const live = this.resolveProfileId(workspaceId, options.profileId)!;
      ids = [live, ...history.map((m) => m.from)];
    }
    return listSplits(this.db, workspaceId, ids, options.limit);
  }

  /**
   * A page of the profile's events, newest first: every event whose identifiers resolved to it,
   * anonymous history before a login included; an event on a shared identifier counts for the
   * person who held it then. `before` is the cursor a previous page returned (a position in the
   * order, so it holds under any filter). The filters (message types, track event names, event
   * time `since` ≤ t < `until` in epoch ms) apply before the page is cut.
   */
  async timeline(
    workspaceId: string,
    profileId: string,
    page: TimelineQuery,
  ): Promise<{ seqs: number[]; next: string | null } | null> {
    await this.settle();
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return null;
    const live = g.liveProfile(profileId);
    if (live < 0 || g.profileNode[live]! < 0) return null;
    let before: { time: number; seq: number } | null = null;
    if (page.before !== undefined) {
      const m = /^(-?\d+(?:\.\d+)?):(\d+)$/.exec(page.before);
      if (!m) throw new RangeError(`cursor ${page.before} is not one this API returned`);
      before = { time: Number(m[1]), seq: Number(m[2]) };
    }
    const byKind = page.types?.length || page.events?.length;
    const rows = await anchorPage(this.db, workspaceId, g.members(g.profileNode[live]!), before, page.limit, {
      ...(byKind
        ? { events: eventSeqsMatching(workspaceId, { types: page.types, events: page.events }) }
        : {}),
      ...(page.since !== undefined ? { since: page.since } : {}),
      ...(page.until !== undefined ? { until: page.until } : {}),
    });
    const last = rows[rows.length - 1];
    return {
      seqs: rows.map((r) => r.seq),
      next: rows.length === page.limit && last ? `${last.time}:${last.seq}` : null,
    };
  }

  /** Links refused because of a limit or an unmerge, newest first (optionally for one profile). */
  refusals(workspaceId: string, options: { profileId?: string; limit: number }): Refusal[] {
    const ws = this.workspaces.get(workspaceId);
    return ws ? refusalsOf(ws, options) : [];
  }

  stats(workspaceId: string): IdentityStats | null {
    const ws = this.workspaces.get(workspaceId);
    return ws ? statsOf(ws) : null;
  }

  /** The in-memory state of a workspace (evaluation, rebuild reports, fuzzy matching). */
  graphOf(workspaceId: string): WorkspaceGraph | undefined {
    return this.workspaces.get(workspaceId);
  }

  /**
   * Event → profile for stored events (read side, for evaluation): `node` is the event's own
   * anchor; the profile is its owner's when the anchor is a shared identifier with an owner then.
   */
  async eventProfiles(
    workspaceId: string,
    onRow: (seq: number, profileId: string, node: number) => void,
  ): Promise<void> {
    await this.settle();
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return;
    await scanAnchors(this.db, workspaceId, (seq, node, owner) =>
      onRow(seq, g.profileIds[g.profileOfNode(owner)]!, node),
    );
  }

  // ------------------------------------------------------------------ review queue

  /** Pairs fuzzy matching was unsure of, with the evidence and both sides' current profiles. */
  async reviews(
    workspaceId: string,
    status: 'open' | 'approved' | 'rejected',
    limit: number,
  ): Promise<ReviewItem[]> {
    await this.settle();
    const g = this.workspaces.get(workspaceId)?.graph;
    if (!g) return [];
    const ws = this.workspaces.get(workspaceId)!;
    const rows = await listReviews(this.db, workspaceId, status, limit);
    return rows.map((r) => {
      const na = this.nodeOf(ws, r.a.type, r.a.value);
      const nb = this.nodeOf(ws, r.b.type, r.b.value);
      const side = (n: number, type: string, value: string): ReviewItem['a'] => ({
        profileId: n >= 0 ? g.profileIds[g.profileOfNode(n)]! : null,
        identifier: { type, value },
      });
      return {
        id: r.id,
        score: r.score,
        fields: JSON.parse(r.fields) as ReviewItem['fields'],
        status: r.status,
        createdAt: r.createdAt.toISOString(),
        a: side(na, r.a.type, r.a.value),
        b: side(nb, r.b.type, r.b.value),
        sameProfileNow: na >= 0 && nb >= 0 && g.profileOfNode(na) === g.profileOfNode(nb),
      };
    });
  }

  /** Approve (link the two profiles, as a person's decision) or reject a queued pair. */
  async decideReview(
    workspaceId: string,
    id: string,
    decision: 'approve' | 'reject',
    actor: string,
  ): Promise<
    | { kind: 'ok'; status: string; profileId?: string; refused?: string }
    | { kind: 'not_found' }
    | { kind: 'conflict'; reason: string }
  > {
    await this.settle();
    const ws = this.workspaces.get(workspaceId);
    const found = await getReview(this.db, workspaceId, id);
    if (!ws || !found) return { kind: 'not_found' };
    const row = {
      status: found.status,
      node_a: this.nodeOf(ws, found.a.type, found.a.value),
      node_b: this.nodeOf(ws, found.b.type, found.b.value),
    };
    if (row.node_a < 0 || row.node_b < 0) {
      return { kind: 'conflict', reason: 'an identifier of this pair no longer exists (rules changed)' };
    }
    if (row.status !== 'open') return { kind: 'conflict', reason: `review ${id} was already ${row.status}` };
    const status = decision === 'approve' ? 'approved' : 'rejected';
    let refused: string | undefined;
    if (decision === 'approve') {
      const g = ws.graph;
      const before = g.profileIds.length;
      const e = g.addLink(row.node_a, row.node_b, EDGE_MANUAL, this.clock.now(), 0);
      ws.noteNewProfiles(before);
      if (e >= 0 && g.edgeState[e] === EDGE_REFUSED) refused = ws.reasonName(g.edgeReason[e]!) ?? 'refused';
    }
    await decideReviewRow(this.db, id, status, this.clock.now(), actor);
    await this.settle();
    if (decision === 'approve')
      this.notify({ workspaceId: ws.workspaceId, events: [], merges: [], reset: true });
    const g = ws.graph;
    return {
      kind: 'ok',
      status,
      profileId: g.profileIds[g.profileOfNode(row.node_a)]!,
      ...(refused ? { refused } : {}),
    };
  }

  // ------------------------------------------------------------------ unmerge

  /**
   * Splits a wrongly merged profile: the identifiers in `move` go to a new profile, the rest stay
   * under the old id, and no later link may join the two sides again. Events follow their
   * identifiers, so history is re-attributed. Reports the links that had joined the two sides.
   */
  async unmerge(
    workspaceId: string,
    profileId: string,
    move: ReadonlyArray<{ type: string; value: string }>,
    audit: { actor: string; reason?: string },
  ): Promise<UnmergeResult> {
    const ws = this.workspaces.get(workspaceId);
    const g = ws?.graph;
    if (!ws || !g || g.liveProfile(profileId) < 0) return { kind: 'not_found' };
    const live = g.profileIds[g.liveProfile(profileId)]!;
    const nodes: number[] = [];
    for (const m of move) {
      const c = normaliseClaim(this.rules, m.type, m.value);
      const n = c.kind === 'ok' ? g.find(c.claim.type, c.claim.value) : -1;
      if (n < 0 || g.profileIds[g.profileOfNode(n)] !== live) {
        return { kind: 'invalid', reason: `${m.type} ${m.value} is not an identifier of profile ${live}` };
      }
      nodes.push(n);
    }
    const members = g.members(nodes[0]!);
    if (new Set(nodes).size >= members.length) {
      return { kind: 'invalid', reason: 'an unmerge must leave at least one identifier in the profile' };
    }
    const moving = new Set(nodes);
    const sides = members.map((n) => ({
      type: g.types[g.nodeType[n]!]!.name,
      value: g.value(n),
      side: moving.has(n) ? 1 : 0,
    }));
    const before = g.profileIds.length;
    const { newProfiles, culprits } = g.unmerge(live, nodes);
    ws.noteNewProfiles(before);
    const links = culprits.map((e) => ({
      from: { type: g.types[g.nodeType[g.edgeFrom(e)]!]!.name, value: g.value(g.edgeFrom(e)) },
      to: { type: g.types[g.nodeType[g.edgeTo(e)]!]!.name, value: g.value(g.edgeTo(e)) },
      kind: EDGE_KIND_NAMES[g.edgeKind[e]!]!,
      seq: g.edgeSeq[e]! >= 0 ? g.edgeSeq[e]! : null,
      at: iso(g.edgeTime[e]!),
    }));
    // The rule to look at: the identifier types whose links joined the two people.
    const rules = [
      ...new Set(links.map((l) => (l.kind === 'observed' ? `${l.to.type} links` : `${l.kind} match`))),
    ];
    const id = generateId('split');
    await this.settle();
    await insertSplit(
      this.db,
      workspaceId,
      {
        id,
        profileId: live,
        newProfiles,
        sides,
        culprits: links,
        reason: audit.reason ?? null,
        actor: audit.actor,
      },
      this.clock.now(),
    );
    await this.settle();
    this.notify({ workspaceId, events: [], merges: [], reset: true });
    return { kind: 'ok', splitId: id, profileId: live, newProfiles, links, rules };
  }

  // ------------------------------------------------------------------ rebuild

  /**
   * Recomputes every workspace's graph from the stored events under the current rules, keeping
   * unmerges; profile ids carry over to the new profile holding most of an old profile's
   * identifiers, and old profiles joined to another are recorded as merges.
   */
  async rebuild(): Promise<RebuildReport[]> {
    await this.settle();
    this.paused = [];
    try {
      const old = new Map(this.workspaces);
      const started = performance.now();
      const { workspaces: fresh, matchers: freshMatchers } = await resolveFromStore(
        this.db,
        this.rules,
        this.clock,
        (workspaces, matchers) => this.restoreReviews(workspaces, matchers),
      );
      const reports: RebuildReport[] = [];
      for (const [workspaceId, ws] of fresh) {
        const before = old.get(workspaceId);
        const report = carryOverIds(before, ws, this.newProfileId, this.clock.now());
        report.seconds = (performance.now() - started) / 1000;
        reports.push(report);
        ws.rewriteAll = true;
        ws.replaceAnchors = true;
        ws.graph.journal.clear();
        ws.graph.journal.recording = true;
        this.workspaces.set(workspaceId, ws);
        const m = freshMatchers.get(workspaceId);
        if (m) this.matchers.set(workspaceId, m);
      }
      await this.flush();
      for (const r of reports)
        this.notify({ workspaceId: r.workspaceId, events: [], merges: [], reset: true });
      return reports;
    } finally {
      const queued = this.paused ?? [];
      this.paused = null;
      for (const batch of queued) this.onLoaded(batch);
    }
  }
}

function hasChanges(f: FlushSet): boolean {
  return (
    f.rewrite ||
    f.replaceAnchors ||
    f.nodes.length > 0 ||
    f.edges.length > 0 ||
    f.nodeStats.length > 0 ||
    f.edgeStats.length > 0 ||
    f.profiles.length > 0 ||
    f.merges.length > 0 ||
    f.anchors.length > 0 ||
    f.owners.length > 0
  );
}
