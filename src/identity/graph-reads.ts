import { EDGE_REFUSED } from './graph.js';
import type { IdentityStats, ProfileIdentifier, Refusal } from './resolver-types.js';
import type { WorkspaceGraph } from './workspace-graph.js';

/** Reads of a workspace's in-memory identity graph: a profile's identifiers, refused links, totals. */

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export function profileIdentifiers(ws: WorkspaceGraph, profileId: string): ProfileIdentifier[] | null {
  const g = ws.graph;
  const p = g.liveProfile(profileId);
  if (p < 0) return null;
  return g
    .members(g.profileNode[p]!)
    .sort(
      (a, b) =>
        g.types[g.nodeType[a]!]!.priority - g.types[g.nodeType[b]!]!.priority ||
        g.firstSeen(a) - g.firstSeen(b),
    )
    .reverse()
    .map((n) => {
      const row = ws.nodeRow(n);
      return {
        type: row.type,
        value: row.value,
        sourceId: row.sourceId,
        firstSeen: iso(g.firstSeen(n)),
        lastSeen: iso(g.lastSeen(n)),
        events: row.events,
      };
    });
}

/** Links refused because of a limit or an unmerge, newest first (optionally for one profile). */
export function refusalsOf(ws: WorkspaceGraph, options: { profileId?: string; limit: number }): Refusal[] {
  const g = ws.graph;
  let members: Set<number> | null = null;
  if (options.profileId) {
    const p = g.liveProfile(options.profileId);
    if (p < 0) return [];
    members = new Set(g.members(g.profileNode[p]!));
  }
  const out: Refusal[] = [];
  for (let e = g.edgeCount - 1; e >= 0 && out.length < options.limit; e--) {
    if (g.edgeState[e] !== EDGE_REFUSED) continue;
    const a = g.edgeFrom(e);
    const b = g.edgeTo(e);
    if (members && !members.has(a) && !members.has(b)) continue;
    const side = (n: number): { type: string; value: string; profileId: string } => ({
      type: g.types[g.nodeType[n]!]!.name,
      value: g.value(n),
      profileId: g.profileIds[g.profileOfNode(n)]!,
    });
    out.push({
      identifier: side(b),
      with: side(a),
      reason: ws.reasonName(g.edgeReason[e]!) ?? 'unknown',
      seq: g.edgeSeq[e]!,
      at: iso(g.edgeTime[e]!) ?? '',
    });
  }
  return out;
}

export function statsOf(ws: WorkspaceGraph): IdentityStats {
  const g = ws.graph;
  const byReason: Record<string, number> = {};
  let refusals = 0;
  let links = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    if (g.edgeState[e] === EDGE_REFUSED) {
      refusals++;
      const r = ws.reasonName(g.edgeReason[e]!) ?? 'unknown';
      byReason[r] = (byReason[r] ?? 0) + 1;
    } else links++;
  }
  return {
    profiles: g.profileCount,
    identifiers: g.nodeCount,
    links,
    refusals,
    refusalsByReason: byReason,
    counters: { ...ws.counters },
    blocked: [...ws.blocked.values()].sort((a, b) => b.hits - a.hits).slice(0, 100),
    resolvedSeq: ws.resolvedSeq,
  };
}
