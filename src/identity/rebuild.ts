import { scanEventsAfter, type StoredEventIdentity } from '../collect/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { splitSides } from './decision-store.js';
import { FuzzyMatcher } from './fuzzy-matcher.js';
import type { IdentityRules } from './rules.js';
import { WorkspaceGraph } from './workspace-graph.js';

/** Events a rebuild hands the graph at a time. */
const REBUILD_BATCH = 4096;

export interface FreshGraphs {
  workspaces: Map<string, WorkspaceGraph>;
  matchers: Map<string, FuzzyMatcher>;
}

/**
 * The first half of `tessera rebuild identities`: every workspace's graph resolved again from
 * the stored events under the current rules, in bulk, with people's decisions kept (approved
 * review pairs are linked again by `restoreReviews`, unmerges are re-applied). Profiles carry
 * temporary ids; the resolver then carries the old ids over and swaps the graphs in.
 */
export async function resolveFromStore(
  db: Database,
  rules: IdentityRules,
  clock: Clock,
  restoreReviews: (
    workspaces: Map<string, WorkspaceGraph>,
    matchers: Map<string, FuzzyMatcher>,
  ) => Promise<void>,
): Promise<FreshGraphs> {
  const splits = await splitSides(db, null);
  const fresh = new Map<string, WorkspaceGraph>();
  let temp = 0;
  const make = (workspaceId: string): WorkspaceGraph => {
    let ws = fresh.get(workspaceId);
    if (!ws) {
      ws = new WorkspaceGraph(
        workspaceId,
        rules,
        () => `tmp_${temp++}`,
        () => clock.now(),
      );
      // Everything is written after the rebuild: no change journal while resolving, and
      // the graph resolves in bulk once every event is recorded.
      ws.graph.journal.recording = false;
      ws.graph.beginBulk();
      fresh.set(workspaceId, ws);
    }
    return ws;
  };
  // Events reach the graph in batches (per workspace, in sequence order), as bulk resolution wants.
  const pending = new Map<string, StoredEventIdentity[]>();
  const drain = (workspaceId: string, rows: StoredEventIdentity[]): void => {
    make(workspaceId).observeBatch(rows);
    pending.set(workspaceId, []);
  };
  await scanEventsAfter(db, 0, (row) => {
    const rows = pending.get(row.workspaceId) ?? [];
    rows.push(row);
    pending.set(row.workspaceId, rows);
    if (rows.length >= REBUILD_BATCH) drain(row.workspaceId, rows);
  });
  for (const [workspaceId, rows] of pending) if (rows.length > 0) drain(workspaceId, rows);
  for (const ws of fresh.values()) ws.graph.finishBulk();

  const matchers = new Map<string, FuzzyMatcher>();
  for (const ws of fresh.values())
    matchers.set(ws.workspaceId, new FuzzyMatcher(ws, () => generateId('rev')));
  await restoreReviews(fresh, matchers);
  if (rules.fuzzy.enabled) {
    for (const ws of fresh.values()) {
      const samples = ws.samples;
      ws.samples = [];
      matchers.get(ws.workspaceId)!.run(
        samples,
        samples.reduce((t, s) => Math.max(t, s.time), -Infinity),
      );
    }
  }
  for (const { workspaceId, sides } of splits) {
    const ws = fresh.get(workspaceId);
    if (!ws) continue;
    ws.graph.restoreSplitAndResolve(
      sides
        .map((x) => ({ node: ws.graph.find(rules.typeIndex.get(x.type) ?? -1, x.value), side: x.side }))
        .filter((x) => x.node >= 0),
    );
  }
  return { workspaces: fresh, matchers };
}
