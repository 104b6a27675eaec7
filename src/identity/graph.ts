/**
 * The identity graph: identifiers (nodes) linked by the events and records that carry them
 * together (edges), resolved into profiles under per-type limits. In memory, in typed arrays;
 * no I/O (the resolver persists what the journal says changed).
 *
 * Semantics (order independent by construction):
 * - An observation (one event or record) carries a set of identifiers. Its *anchor* is the
 *   highest-priority one (ties: type, then value); it links to each other identifier by a star
 *   edge (anchor, x). An edge remembers its earliest observation (time, then a tiebreak).
 * - The resolved partition is what this greedy run gives: every edge in the order (time,
 *   tiebreak, priority of x) joins the two profiles unless that would give the profile more
 *   identifiers of some type than its limit allows (or join the two sides of an unmerge); then it
 *   is refused, for x, the lower-priority identifier, and the refusal keeps its reason.
 * - Running that over all edges at every event would be quadratic, so: a connected component
 *   (over all edges, refused or not) that is within every limit resolves to one profile whatever
 *   the order (nothing can be refused), which is the common case and costs a union. A component
 *   over a limit ("conflicted") takes an observation that comes after all its edges by applying
 *   the greedy step at the end, and re-runs the greedy over the component's edges only when an
 *   observation arrives late. Rebuilding from scratch and resolving incrementally therefore give
 *   the same partition (a property test checks it).
 */

import { GraphStore } from './graph-store.js';
import {
  EDGE_LINKED,
  EDGE_OBSERVED,
  EDGE_REFUSED,
  mergeTokens,
  NO_REASON,
  REASON_SHARED,
  REASON_SPLIT,
  tokensConflict,
  type Observation,
  type TypeRule,
} from './graph-model.js';

export {
  EDGE_FUZZY,
  EDGE_LINKED,
  EDGE_MANUAL,
  EDGE_OBSERVED,
  EDGE_REFUSED,
  Journal,
  REASON_SHARED,
  REASON_SPLIT,
  type Claim,
  type MergeRecord,
  type Observation,
  type SplitRecord,
  type TypeRule,
} from './graph-model.js';

const UPSERT_SAME = 0;
const UPSERT_NEW = 1;
const UPSERT_EARLIER = 2;

/**
 * The resolving graph. Storage (typed arrays, the value index, the journal) is `GraphStore`;
 * reads for the API are in `graph-reads.ts`. This file, in order: the union-find with limits and
 * refusals; intake (one observation, a batch, bulk loading); re-resolving a conflicted component;
 * unmerge; restoring a graph written by the resolver; ownership for explanations.
 */
export class IdentityGraph extends GraphStore {
  /** Set by `link` when a refusal made an identifier shared (the component must be re-resolved). */
  private newlyShared = false;
  private splitCount = 0;

  /** Edge order of the canonical greedy run. */
  private edgeBefore = (x: number, y: number): number => {
    const dt = this.edgeTime[x]! - this.edgeTime[y]!;
    if (dt !== 0) return dt;
    const dtie = this.edgeTie[x]! - this.edgeTie[y]!;
    if (dtie !== 0) return dtie;
    const da = this.before(this.links[4 * x]!, this.links[4 * y]!);
    if (da !== 0) return da;
    return this.before(this.links[4 * x + 1]!, this.links[4 * y + 1]!);
  };

  private readonly scratch: number[] = [];
  private readonly freshEdges: number[] = [];
  private readonly allEdges: number[] = [];

  private bulk = false;

  /** What the last upsertEdge did. */
  private upserted = UPSERT_SAME;

  constructor(
    types: readonly TypeRule[],
    private readonly newProfileId: () => string,
  ) {
    super(types);
  }

  // ------------------------------------------------------------------ union-find with limits

  /** Joins two raw components; returns the root. */
  private rawUnion(a: number, b: number): number {
    let ra = this.rawFind(a);
    let rb = this.rawFind(b);
    if (ra === rb) return ra;
    if (this.rawSize[ra]! < this.rawSize[rb]!) [ra, rb] = [rb, ra];
    this.rawParent[rb] = ra;
    this.rawSize[ra]! += this.rawSize[rb]!;
    const next = this.rawNext[ra]!;
    this.rawNext[ra] = this.rawNext[rb]!;
    this.rawNext[rb] = next;
    this.rawMaxT[ra] = Math.max(this.rawMaxT[ra]!, this.rawMaxT[rb]!);
    let conflicted = this.rawConflicted[ra]! | this.rawConflicted[rb]!;
    for (let i = 0; i < this.limits.length; i++) {
      const sum = Math.min(255, this.rawCounts[ra * this.L + i]! + this.rawCounts[rb * this.L + i]!);
      this.rawCounts[ra * this.L + i] = sum;
      if (sum > this.limits[i]!) conflicted = 1;
    }
    const ta = this.rawTokens.get(ra);
    const tb = this.rawTokens.get(rb);
    if (tokensConflict(ta, tb)) conflicted = 1;
    const merged = mergeTokens(ta, tb);
    if (merged) this.rawTokens.set(ra, merged);
    this.rawTokens.delete(rb);
    this.rawConflicted[ra] = conflicted;
    this.rawHasShared[ra] = this.rawHasShared[ra]! | this.rawHasShared[rb]!;
    return ra;
  }

  /** Why the profiles of `a` and `b` may not be one: a limited type index, REASON_SPLIT, or NO_REASON. */
  private conflict(ra: number, rb: number): number {
    for (let i = 0; i < this.limits.length; i++) {
      if (this.resCounts[ra * this.L + i]! + this.resCounts[rb * this.L + i]! > this.limits[i]!) {
        return this.typeOfLimited(i);
      }
    }
    if (tokensConflict(this.resTokens.get(ra), this.resTokens.get(rb))) return REASON_SPLIT;
    return NO_REASON;
  }

  /**
   * Joins two resolved sets. With `profiles`, the joined set keeps the older profile and the
   * other is recorded as merged into it.
   */
  private resUnion(ra: number, rb: number, profiles: boolean, edge: number): number {
    if (this.resSize[ra]! < this.resSize[rb]!) [ra, rb] = [rb, ra];
    this.resParent[rb] = ra;
    this.resSize[ra]! += this.resSize[rb]!;
    const next = this.resNext[ra]!;
    this.resNext[ra] = this.resNext[rb]!;
    this.resNext[rb] = next;
    for (let i = 0; i < this.limits.length; i++) {
      this.resCounts[ra * this.L + i] = Math.min(
        255,
        this.resCounts[ra * this.L + i]! + this.resCounts[rb * this.L + i]!,
      );
    }
    const tokens = mergeTokens(this.resTokens.get(ra), this.resTokens.get(rb));
    if (tokens) this.resTokens.set(ra, tokens);
    this.resTokens.delete(rb);
    if (profiles) {
      const pa = this.resProfile[ra]!;
      const pb = this.resProfile[rb]!;
      let keep = pa;
      if (pa < 0) keep = pb;
      else if (pb >= 0 && pb !== pa) {
        keep = Math.min(pa, pb);
        const lose = Math.max(pa, pb);
        this.retire(lose, keep, edge);
      }
      this.resProfile[ra] = keep;
      if (keep >= 0 && pa !== pb) this.markMembersDirty(ra);
    }
    return ra;
  }

  private markMembersDirty(root: number): void {
    let n = root;
    do {
      this.journal.node(n);
      n = this.resNext[n]!;
    } while (n !== root);
  }

  private retire(lose: number, keep: number, edge: number): void {
    this.profileMergedInto[lose] = keep;
    this.journal.profile(lose);
    this.journal.merge({
      from: this.profileIds[lose]!,
      into: this.profileIds[keep]!,
      edge,
      seq: edge >= 0 ? this.edgeSeq[edge]! : -1,
      time: edge >= 0 ? this.edgeTime[edge]! : NaN,
    });
  }

  private newProfile(node: number): number {
    const p = this.profileIds.length;
    const id = this.newProfileId();
    this.profileIds.push(id);
    this.profileMergedInto.push(-1);
    this.profileNode.push(node);
    this.journal.profile(p);
    return p;
  }

  /** The greedy step for one edge: join, or refuse with the reason. */
  private link(e: number, profiles: boolean): void {
    const a = this.links[4 * e]!;
    const b = this.links[4 * e + 1]!;
    const ra = this.resFind(a);
    const rb = this.resFind(b);
    let state = EDGE_LINKED;
    let reason = NO_REASON;
    if (this.nodeShared[b] && !this.nodeShared[a]) {
      state = EDGE_REFUSED;
      reason = REASON_SHARED;
    } else if (ra !== rb) {
      reason = this.conflict(ra, rb);
      if (reason === NO_REASON) this.resUnion(ra, rb, profiles, e);
      else {
        state = EDGE_REFUSED;
        if (
          reason >= 0 &&
          !this.nodeShared[b] &&
          this.types[this.nodeType[b]!]!.shareable &&
          !this.types[reason]!.shareable
        ) {
          // Claimed by two people who cannot be one: the identifier is shared, it links nobody.
          this.nodeShared[b] = 1;
          this.journal.node(b);
          this.newlyShared = true;
        }
      }
    }
    if (this.edgeState[e] !== state || this.edgeReason[e] !== reason) {
      this.edgeState[e] = state;
      this.edgeReason[e] = reason;
      this.journal.edge(e);
    }
  }

  // ------------------------------------------------------------------ intake

  /** Resolves one event or record. Returns its anchor node (-1 when it carries no identifier). */
  observe(o: Observation): number {
    const nodes = this.scratch;
    nodes.length = 0;
    this.newSince = this.nodeCount;
    for (const c of o.claims) {
      const n = this.node(c.type, c.value);
      if (!nodes.includes(n)) nodes.push(n);
    }
    const anchor = this.apply(nodes, o);
    this.newSince = Infinity;
    return anchor;
  }

  /**
   * Bulk mode: records a batch of observations, each one's anchor into `anchors` (-1 none), with
   * the result observing them one by one gives. The batch first reads the index slots of all its
   * claims, then the nodes they name, before working through them in order: the memory fetches
   * (tables of millions of entries) then overlap instead of waiting one after another.
   */
  observeBatch(batch: readonly Observation[], anchors: Int32Array): void {
    if (!this.bulk) throw new Error('observeBatch is for bulk resolution');
    let claims = 0;
    for (const o of batch) claims += o.claims.length;
    if (this.batchHashes.length < claims) this.batchHashes = new Int32Array(claims * 2);
    const hashes = this.batchHashes;
    let warm = 0;
    let k = 0;
    for (const o of batch) {
      for (const c of o.claims) {
        const h = GraphStore.hash(c.type, c.value);
        hashes[k++] = h;
        warm ^= this.slots[2 * (h & this.slotMask)]!;
      }
    }
    if (this.batchNodes.length < claims) this.batchNodes = new Int32Array(claims * 2);
    if (this.batchNew.length < batch.length) this.batchNew = new Float64Array(batch.length * 2);
    const found = this.batchNodes;
    k = 0;
    for (let i = 0; i < batch.length; i++) {
      this.batchNew[i] = this.nodeCount;
      for (const c of batch[i]!.claims) {
        found[k] = this.nodeHashed(c.type, c.value, hashes[k]!);
        k++;
      }
    }
    for (let x = 0; x < k; x++) warm ^= this.warmNode(found[x]!);
    this.warmed = warm;
    const nodes = this.scratch;
    k = 0;
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i]!;
      nodes.length = 0;
      for (let c = 0; c < o.claims.length; c++) {
        const n = found[k++]!;
        if (!nodes.includes(n)) nodes.push(n);
      }
      this.newSince = this.batchNew[i]!;
      anchors[i] = this.apply(nodes, o);
    }
    this.newSince = Infinity;
  }

  private batchHashes = new Int32Array(0);
  private batchNodes = new Int32Array(0);
  private batchNew = new Float64Array(0);
  /** Keeps the warming reads observable (so they are not optimised away). */
  warmed = 0;

  /** An observation's distinct nodes: sorted, touched, linked (or, in bulk, recorded). */
  private apply(nodes: number[], o: Observation): number {
    if (nodes.length === 0) return -1;
    // Insertion sort: an event carries a handful of identifiers.
    for (let i = 1; i < nodes.length; i++) {
      const n = nodes[i]!;
      let j = i - 1;
      while (j >= 0 && this.before(nodes[j]!, n) > 0) {
        nodes[j + 1] = nodes[j]!;
        j--;
      }
      nodes[j + 1] = n;
    }
    for (const n of nodes) this.touch(n, o);
    const anchor = nodes[0]!;
    if (this.bulk) {
      for (let i = 1; i < nodes.length; i++) this.upsertEdge(anchor, nodes[i]!, o, EDGE_OBSERVED);
    } else {
      this.connect(nodes, o, EDGE_OBSERVED);
    }
    return anchor;
  }

  /** Nodes from this index on were created by the observation being resolved: they have no edges yet. */
  private newSince = Infinity;

  /**
   * Starts resolving from an empty graph in bulk (a rebuild): `observe` only records identifiers
   * and edges, `finishBulk` resolves them all at once. The result is the one observing the same
   * events one by one gives (the canonical greedy), without the per-event union and re-resolution.
   */
  beginBulk(): void {
    if (this.nodeCount > 0 || this.profileIds.length > 0)
      throw new Error('bulk resolution starts from an empty graph');
    this.bulk = true;
  }

  /**
   * Resolves what was observed since `beginBulk`: components within every limit are one profile
   * each; the others run the canonical greedy over their edges.
   */
  finishBulk(): void {
    if (!this.bulk) throw new Error('finishBulk without beginBulk');
    this.bulk = false;
    for (let e = 0; e < this.edgeCount; e++) {
      const r = this.rawUnion(this.links[4 * e]!, this.links[4 * e + 1]!);
      if (this.edgeTime[e]! > this.rawMaxT[r]!) this.rawMaxT[r] = this.edgeTime[e]!;
    }
    for (let e = 0; e < this.edgeCount; e++) {
      const a = this.links[4 * e]!;
      if (this.rawConflicted[this.rawFind(a)]) continue;
      const ra = this.resFind(a);
      const rb = this.resFind(this.links[4 * e + 1]!);
      if (ra !== rb) this.resUnion(ra, rb, false, -1);
    }
    const conflicted: number[] = [];
    for (let n = 0; n < this.nodeCount; n++) {
      if (this.rawParent[n] === n && this.rawConflicted[n]) conflicted.push(n);
    }
    for (const root of conflicted) this.reResolve(root);
    for (let n = 0; n < this.nodeCount; n++) {
      const r = this.resFind(n);
      if (this.resProfile[r]! < 0) this.resProfile[r] = this.newProfile(n);
      this.journal.node(n);
    }
  }

  /**
   * Links two identifiers that no event carried together: a fuzzy match or a person's decision.
   * The link obeys the limits like any other (it may be refused). Returns the edge.
   */
  addLink(a: number, b: number, kind: number, time: number, tie: number): number {
    const nodes = a === b ? [a] : [a, b].sort((x, y) => this.before(x, y));
    this.connect(nodes, { time, tie, seq: -1, source: -1, claims: [] }, kind);
    return nodes.length > 1 ? this.findEdge(nodes[0]!, nodes[1]!) : -1;
  }

  /** The edge (anchor, x), added, or moved to this observation when it is earlier; claim spans widened. */
  private upsertEdge(anchor: number, x: number, o: Observation, kind: number): number {
    this.upserted = UPSERT_SAME;
    let e = anchor >= this.newSince || x >= this.newSince ? -1 : this.findEdge(anchor, x);
    if (e < 0) {
      e = this.addEdge(anchor, x, o, kind);
      this.upserted = UPSERT_NEW;
    } else if (o.time < this.edgeTime[e]! || (o.time === this.edgeTime[e] && o.tie < this.edgeTie[e]!)) {
      this.edgeTime[e] = o.time;
      this.edgeTie[e] = o.tie;
      this.edgeSeq[e] = o.seq;
      this.journal.edge(e);
      this.upserted = UPSERT_EARLIER;
    }
    if (o.dated !== false && !(o.time >= this.edgeClaimFirst[e]! && o.time <= this.edgeClaimLast[e]!)) {
      const first = this.edgeClaimFirst[e]!;
      this.edgeClaimFirst[e] = Number.isNaN(first) ? o.time : Math.min(first, o.time);
      const last = this.edgeClaimLast[e]!;
      this.edgeClaimLast[e] = Number.isNaN(last) ? o.time : Math.max(last, o.time);
      this.journal.edgeStat(e);
    }
    return e;
  }

  /** Star edges from `nodes[0]` (sorted by priority) to the others, then resolution. */
  private connect(nodes: readonly number[], o: Observation, kind: number): void {
    const anchor = nodes[0]!;
    if (nodes.length > 1) {
      let maxT = -Infinity;
      for (const n of nodes) maxT = Math.max(maxT, this.rawMaxT[this.rawFind(n)]!);
      // Late: this observation's edges do not all sort after the component's existing edges.
      let late = false;
      const fresh = this.freshEdges;
      const all = this.allEdges;
      fresh.length = 0;
      all.length = 0;
      for (let i = 1; i < nodes.length; i++) {
        const e = this.upsertEdge(anchor, nodes[i]!, o, kind);
        if (this.upserted === UPSERT_NEW) {
          fresh.push(e);
          if (o.time <= maxT) late = true;
        } else if (this.upserted === UPSERT_EARLIER) late = true;
        all.push(e);
      }
      let root = this.rawFind(anchor);
      for (let i = 1; i < nodes.length; i++) root = this.rawUnion(root, nodes[i]!);
      if (fresh.length > 0) this.rawMaxT[root] = Math.max(this.rawMaxT[root]!, o.time);
      if (!this.rawConflicted[root]) {
        for (const e of all) this.link(e, true);
      } else if (!late && !this.rawHasShared[root]) {
        // After every existing edge: the greedy step at the end of the canonical order.
        this.newlyShared = false;
        for (const e of fresh) this.link(e, true);
        // A newly shared identifier gives up its earlier links too.
        if (this.newlyShared) this.reResolve(root);
      } else {
        this.reResolve(root);
      }
    }
    for (const n of nodes) {
      const r = this.resFind(n);
      if (this.resProfile[r]! < 0) {
        this.resProfile[r] = this.newProfile(n);
        this.markMembersDirty(r);
      }
    }
  }

  // ------------------------------------------------------------------ re-resolution

  /**
   * Re-runs the greedy over one component's edges in canonical order, then gives each resulting
   * profile the old profile id most of its identifiers had (`prefer` first), recording merges and
   * splits.
   */
  private reResolve(root: number, prefer?: { profile: number; node: number }): void {
    const members = this.rawMembers(root);
    const oldProfile = new Map<number, number>();
    for (const m of members) oldProfile.set(m, this.resProfile[this.resFind(m)]!);
    const edges: number[] = [];
    for (const m of members) {
      let e = this.adj[2 * m]!;
      while (e >= 0) {
        const isA = this.links[4 * e] === m;
        if (isA) edges.push(e);
        e = isA ? this.links[4 * e + 2]! : this.links[4 * e + 3]!;
      }
    }
    edges.sort(this.edgeBefore);
    // Which identifiers are shared is worked out again from the component's edges alone (as a
    // rebuild would): passes start over, with the ones found so far, until no new one is found.
    let hasShared = 0;
    for (const m of members) {
      if (this.nodeShared[m]) {
        this.nodeShared[m] = 0;
        this.journal.node(m);
      }
    }
    do {
      this.newlyShared = false;
      this.resetResolved(members);
      for (const e of edges) this.link(e, false);
      if (this.newlyShared) hasShared = 1;
    } while (this.newlyShared);
    this.rawHasShared[this.rawFind(root)] = hasShared;

    // Profile ids: largest groups choose first; each takes the old id most of its members had.
    const groups = new Map<number, number[]>();
    for (const m of members) {
      const r = this.resFind(m);
      const g = groups.get(r);
      if (g) g.push(m);
      else groups.set(r, [m]);
    }
    const ordered = [...groups.entries()].sort(
      (x, y) => y[1].length - x[1].length || this.before(x[1][0]!, y[1][0]!),
    );
    const taken = new Map<number, number>(); // old profile → root that took it
    if (prefer) {
      const r = this.resFind(prefer.node);
      this.resProfile[r] = prefer.profile;
      taken.set(prefer.profile, r);
    }
    for (const [r, group] of ordered) {
      if (this.resProfile[r]! >= 0) continue;
      const votes = new Map<number, number>();
      for (const m of group) {
        const p = oldProfile.get(m)!;
        if (p >= 0 && !taken.has(p)) votes.set(p, (votes.get(p) ?? 0) + 1);
      }
      let best = -1;
      let bestVotes = 0;
      for (const [p, v] of votes)
        if (v > bestVotes || (v === bestVotes && p < best)) [best, bestVotes] = [p, v];
      if (best >= 0) {
        this.resProfile[r] = best;
        taken.set(best, r);
      }
    }
    // Old profiles no group took were merged into the group holding most of their identifiers;
    // groups without an old id are new profiles split off the old one most of them came from.
    const oldSeen = new Set<number>(oldProfile.values());
    for (const p of oldSeen) {
      if (p < 0 || taken.has(p)) continue;
      const into = new Map<number, number>();
      for (const m of members) {
        if (oldProfile.get(m) !== p) continue;
        const r = this.resFind(m);
        into.set(r, (into.get(r) ?? 0) + 1);
      }
      let bestRoot = -1;
      let most = 0;
      for (const [r, v] of into) if (v > most) [bestRoot, most] = [r, v];
      const keep = this.resProfile[bestRoot]!;
      if (keep >= 0) this.retire(p, keep, -1);
    }
    for (const [r, group] of ordered) {
      if (this.resProfile[r]! >= 0) continue;
      const p = this.newProfile(group[0]!);
      this.resProfile[r] = p;
      const from = oldProfile.get(group[0]!)!;
      if (from >= 0) this.journal.split({ from: this.profileIds[from]!, to: this.profileIds[p]!, split: -1 });
    }
    for (const m of members) {
      const p = this.resProfile[this.resFind(m)]!;
      if (p !== oldProfile.get(m)) this.journal.node(m);
      this.profileNode[p] = m;
    }
  }

  private resetResolved(members: readonly number[]): void {
    for (const m of members) {
      this.resParent[m] = m;
      this.resSize[m] = 1;
      this.resNext[m] = m;
      this.resProfile[m] = -1;
      this.resCounts.fill(0, m * this.L, (m + 1) * this.L);
      const li = this.limitedIndex[this.nodeType[m]!]!;
      if (li >= 0) this.resCounts[m * this.L + li] = 1;
      const tokens = this.nodeTokens.get(m);
      if (tokens) this.resTokens.set(m, tokens);
      else this.resTokens.delete(m);
    }
  }

  // ------------------------------------------------------------------ unmerge

  /**
   * Splits a profile: `move` (nodes of the profile) go to a new profile, the rest stay; from now
   * on no link may join the two sides again. Returns the edges that had joined them.
   */
  unmerge(profileId: string, move: readonly number[]): { newProfiles: string[]; culprits: number[] } {
    const p = this.liveProfile(profileId);
    if (p < 0) throw new Error(`unknown profile ${profileId}`);
    const members = this.members(this.profileNode[p]!);
    const memberSet = new Set(members);
    const moving = new Set(move);
    for (const m of moving) {
      if (!memberSet.has(m)) throw new Error(`identifier ${this.describe(m)} is not in profile ${profileId}`);
    }
    const staying = members.filter((m) => !moving.has(m));
    if (moving.size === 0 || staying.length === 0) {
      throw new Error('an unmerge must leave at least one identifier on each side');
    }
    const culprits: number[] = [];
    for (const m of moving) {
      let e = this.adj[2 * m]!;
      while (e >= 0) {
        const isA = this.links[4 * e] === m;
        const other = isA ? this.links[4 * e + 1]! : this.links[4 * e]!;
        if (this.edgeState[e] === EDGE_LINKED && memberSet.has(other) && !moving.has(other)) culprits.push(e);
        e = isA ? this.links[4 * e + 2]! : this.links[4 * e + 3]!;
      }
    }
    const split = this.splitCount++;
    for (const m of members) {
      const token = { split, side: moving.has(m) ? 1 : 0 };
      this.nodeTokens.set(m, [...(this.nodeTokens.get(m) ?? []), token]);
    }
    const root = this.rawFind(members[0]!);
    this.rawTokens.set(
      root,
      mergeTokens(this.rawTokens.get(root), [
        { split, side: 0 },
        { split, side: 1 },
      ])!,
    );
    this.rawConflicted[root] = 1;
    const before = this.profileIds.length;
    const stay = [...staying].sort((a, b) => this.before(a, b))[0]!;
    this.reResolve(root, { profile: p, node: stay });
    for (const s of this.journal.splits) if (s.split === -1) s.split = split;
    return { newProfiles: this.profileIds.slice(before), culprits };
  }

  // ------------------------------------------------------------------ restoring from the store

  /** Adds a stored profile; `mergedInto` is set by `restoreMerge` once all are known. */
  restoreProfile(id: string): number {
    const p = this.profileIds.length;
    this.profileIds.push(id);
    this.profileMergedInto.push(-1);
    this.profileNode.push(-1);
    return p;
  }

  restoreMerge(from: string, into: string): void {
    const f = this.profileOrdinal(from);
    const i = this.profileOrdinal(into);
    if (f === undefined || i === undefined) throw new Error(`merge of unknown profiles ${from} → ${into}`);
    this.profileMergedInto[f] = i;
  }

  restoreNode(
    type: number,
    value: string,
    profileId: string,
    stats: { firstSeen: number; lastSeen: number; events: number; source: number; shared: boolean },
  ): number {
    const n = this.node(type, value);
    const p = this.profileOrdinal(profileId);
    if (p === undefined) throw new Error(`node ${value} belongs to unknown profile ${profileId}`);
    this.resProfile[n] = p;
    this.setStats(n, stats.firstSeen, stats.lastSeen, stats.events, stats.source);
    this.nodeShared[n] = stats.shared ? 1 : 0;
    return n;
  }

  restoreEdge(
    a: number,
    b: number,
    kind: number,
    time: number,
    claim: { first: number; last: number },
    tie: number,
    seq: number,
    state: number,
    reason: number,
  ): void {
    const e = this.addEdge(a, b, { time, tie, seq, source: -1, claims: [] }, kind);
    this.edgeClaimFirst[e] = claim.first;
    this.edgeClaimLast[e] = claim.last;
    this.edgeState[e] = state;
    this.edgeReason[e] = reason;
  }

  /** Re-applies a stored unmerge: the nodes with their side. */
  restoreSplit(sides: ReadonlyArray<{ node: number; side: number }>): void {
    const split = this.splitCount++;
    for (const { node, side } of sides) {
      const token = [{ split, side }];
      this.nodeTokens.set(node, mergeTokens(this.nodeTokens.get(node), token)!);
      const raw = this.rawFind(node);
      this.rawTokens.set(raw, mergeTokens(this.rawTokens.get(raw), token)!);
      this.rawConflicted[raw] = 1;
      const res = this.resFind(node);
      this.resTokens.set(res, mergeTokens(this.resTokens.get(res), token)!);
    }
  }

  /** A rebuild applies the stored unmerges to the freshly resolved graph. */
  restoreSplitAndResolve(sides: ReadonlyArray<{ node: number; side: number }>): void {
    this.restoreSplit(sides);
    const roots = new Set(sides.map((s) => this.rawFind(s.node)));
    for (const r of roots) this.reResolve(r);
  }

  /**
   * Replaces the profile table after a rebuild: live profiles take the given ids (in that order),
   * profiles merged away during the rebuild are dropped.
   */
  renameProfiles(names: ReadonlyMap<number, string>): void {
    const remap = new Map<number, number>();
    const ids: string[] = [];
    const nodes: number[] = [];
    for (let p = 0; p < this.profileIds.length; p++) {
      if (this.profileMergedInto[p]! >= 0) continue;
      const name = names.get(p);
      if (name === undefined) continue;
      remap.set(p, ids.length);
      ids.push(name);
      nodes.push(this.profileNode[p]!);
    }
    for (let n = 0; n < this.nodeCount; n++) {
      if (this.resParent[n] === n) this.resProfile[n] = remap.get(this.resProfile[n]!) ?? -1;
    }
    this.profileIds.length = 0;
    this.profileMergedInto.length = 0;
    this.profileNode.length = 0;
    this.profileIndex.clear();
    this.indexedProfiles = 0;
    ids.forEach((id, i) => {
      this.profileIds.push(id);
      this.profileMergedInto.push(-1);
      this.profileNode.push(nodes[i]!);
    });
  }

  /** Keeps an old profile id resolving (to `into`) after a rebuild. */
  keepMergedId(id: string, into: string): boolean {
    const target = this.profileOrdinal(into);
    if (target === undefined || this.profileOrdinal(id) !== undefined) return false;
    this.profileIds.push(id);
    this.profileMergedInto.push(target);
    this.profileNode.push(-1);
    return true;
  }

  /** After restoring nodes and edges: rebuilds both union-finds; splits come after this. */
  finishRestore(): void {
    for (let e = 0; e < this.edgeCount; e++) {
      const r = this.rawUnion(this.links[4 * e]!, this.links[4 * e + 1]!);
      this.rawMaxT[r] = Math.max(this.rawMaxT[r]!, this.edgeTime[e]!);
    }
    for (let n = 0; n < this.nodeCount; n++) if (this.nodeShared[n]) this.rawHasShared[this.rawFind(n)] = 1;
    const rootOf = new Map<number, number>();
    for (let n = 0; n < this.nodeCount; n++) {
      const p = this.resProfile[n]!;
      const r = rootOf.get(p);
      if (r === undefined) rootOf.set(p, n);
      else {
        const joined = this.resUnion(this.resFind(r), this.resFind(n), false, -1);
        this.resProfile[joined] = p;
      }
      this.profileNode[p] = n;
    }
    this.journal.clear();
  }

  // ------------------------------------------------------------------ ownership

  /**
   * Who a shared identifier belonged to when: the people who claimed it (events carrying it with
   * a stronger identifier of theirs), each over the span of their claims. When those spans do not
   * overlap (a recycled number: one owner after the other), an event carrying only the shared
   * identifier belongs to the owner of its time: from one claimant's first claim to their last
   * (the first holder also before, the last one also after); in a gap between two holders it has
   * no owner. When the spans overlap (used at once), nobody can tell: null.
   */
  ownership(n: number): Array<{ from: number; owner: number | null }> | null {
    if (!this.nodeShared[n] || !this.types[this.nodeType[n]!]!.successive) return null;
    const claims = new Map<number, { first: number; last: number; node: number }>();
    let e = this.adj[2 * n]!;
    while (e >= 0) {
      const isA = this.links[4 * e] === n;
      const first = this.edgeClaimFirst[e]!;
      if (
        !isA &&
        this.edgeKind[e] === EDGE_OBSERVED &&
        !this.nodeShared[this.links[4 * e]!] &&
        !Number.isNaN(first)
      ) {
        const a = this.links[4 * e]!;
        const p = this.profileOfNode(a);
        const c = claims.get(p);
        if (!c) claims.set(p, { first, last: this.edgeClaimLast[e]!, node: a });
        else {
          c.first = Math.min(c.first, first);
          c.last = Math.max(c.last, this.edgeClaimLast[e]!);
          if (this.before(a, c.node) < 0) c.node = a;
        }
      }
      e = isA ? this.links[4 * e + 2]! : this.links[4 * e + 3]!;
    }
    const spans = [...claims.values()].sort((x, y) => x.first - y.first || this.before(x.node, y.node));
    if (spans.length < 2) return null;
    for (let i = 1; i < spans.length; i++) if (spans[i]!.first <= spans[i - 1]!.last) return null;
    // Between one holder's last claim and the next one's first, nobody can tell: no owner.
    const out: Array<{ from: number; owner: number | null }> = [];
    spans.forEach((s, i) => {
      out.push({ from: i === 0 ? -Infinity : s.first, owner: s.node });
      if (i < spans.length - 1) out.push({ from: s.last + 1, owner: null });
    });
    return out;
  }
}
