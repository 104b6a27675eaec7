import { EDGE_REFUSED } from './graph.js';
import type { WorkspaceGraph } from './workspace-graph.js';

export interface RebuildReport {
  workspaceId: string;
  events: number;
  profilesBefore: number;
  profilesAfter: number;
  identifiersBefore: number;
  identifiersAfter: number;
  /** Old profiles now part of another profile. */
  merged: number;
  /** Old profiles whose identifiers now sit in more than one profile. */
  split: number;
  /** Identifiers whose profile id changed. */
  moved: number;
  refusalsBefore: number;
  refusalsAfter: number;
  blocked: number;
  seconds: number;
}

function countRefused(ws: WorkspaceGraph | undefined): number {
  if (!ws) return 0;
  let n = 0;
  for (let e = 0; e < ws.graph.edgeCount; e++) if (ws.graph.edgeState[e] === EDGE_REFUSED) n++;
  return n;
}

/**
 * Gives the rebuilt profiles the old ids: each old profile's id goes to the new profile holding
 * most of its identifiers (largest first); the rest get new ids.
 */
export function carryOverIds(
  before: WorkspaceGraph | undefined,
  after: WorkspaceGraph,
  newId: () => string,
  now: number,
): RebuildReport {
  const g = after.graph;
  const liveNew = new Map<number, number[]>();
  for (let n = 0; n < g.nodeCount; n++) {
    const p = g.profileOfNode(n);
    const list = liveNew.get(p);
    if (list) list.push(n);
    else liveNew.set(p, [n]);
  }
  const oldIdOf = (n: number): string | null => {
    if (!before) return null;
    const o = before.graph;
    const t = o.types.findIndex((x) => x.name === g.types[g.nodeType[n]!]!.name);
    const m = t >= 0 ? o.find(t, g.value(n)) : -1;
    return m >= 0 ? o.profileIds[o.profileOfNode(m)]! : null;
  };
  const ordered = [...liveNew.entries()].sort((a, b) => b[1].length - a[1].length);
  const taken = new Set<string>();
  const names = new Map<number, string>();
  const oldSpread = new Map<string, Set<number>>();
  let moved = 0;
  for (const [p, nodes] of ordered) {
    const votes = new Map<string, number>();
    for (const n of nodes) {
      const id = oldIdOf(n);
      if (id === null) continue;
      votes.set(id, (votes.get(id) ?? 0) + 1);
      const spread = oldSpread.get(id) ?? new Set<number>();
      spread.add(p);
      oldSpread.set(id, spread);
    }
    let best: string | null = null;
    let most = 0;
    for (const [id, v] of votes)
      if (!taken.has(id) && (v > most || (v === most && best !== null && id < best))) [best, most] = [id, v];
    const name = best ?? newId();
    taken.add(name);
    names.set(p, name);
    for (const n of nodes) if (oldIdOf(n) !== name) moved++;
  }
  g.renameProfiles(names);
  after.noteNewProfiles(0);
  // Old ids that no new profile kept: merged into where most of their identifiers went; ids
  // merged away before keep resolving (through their old target).
  let merged = 0;
  if (before) {
    const o = before.graph;
    for (let p = 0; p < o.profileIds.length; p++) {
      const id = o.profileIds[p]!;
      if (o.profileMergedInto[p]! >= 0 || taken.has(id)) continue;
      const spread = oldSpread.get(id);
      if (!spread || spread.size === 0) continue;
      merged++;
      const into = names.get([...spread][0]!)!;
      g.keepMergedId(id, into);
      after.pendingMerges.push({
        from: id,
        into,
        at: now,
        kind: 'rebuild',
        edge: null,
        seq: null,
        detail: null,
      });
    }
    for (let p = 0; p < o.profileIds.length; p++) {
      if (o.profileMergedInto[p]! < 0) continue;
      const id = o.profileIds[p]!;
      const live = o.liveProfile(id);
      if (live >= 0) g.keepMergedId(id, o.profileIds[live]!);
    }
  }
  let split = 0;
  for (const spread of oldSpread.values()) if (spread.size > 1) split++;
  return {
    workspaceId: after.workspaceId,
    events: after.counters.events,
    profilesBefore: before?.graph.profileCount ?? 0,
    profilesAfter: g.profileCount,
    identifiersBefore: before?.graph.nodeCount ?? 0,
    identifiersAfter: g.nodeCount,
    merged,
    split,
    moved,
    refusalsBefore: countRefused(before),
    refusalsAfter: countRefused(after),
    blocked: after.counters.blocked,
    seconds: 0,
  };
}
