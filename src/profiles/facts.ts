import { eventsRelation } from '../collect/index.js';
import { eventAnchors, identityPosition, nodeProfiles, sharedEventAnchors } from '../identity/index.js';
import type { Database, SideConnection } from '../platform/db/duckdb.js';
import { sql, type Sql } from '../platform/db/sql.js';

/**
 * Profile facts: every resolved event once, with its anchor identifier, in the narrow shape traits,
 * tags and segments compute over. Kept in step with the store incrementally (events past the
 * last synced seq are appended; owners of shared identifiers re-read), rebuilt when the identity
 * graph rewrote every anchor. A fact belongs to the live profile of its anchor (or of the
 * anchor's owner at the event's time), so merges and unmerges move facts without rewriting them.
 */

export interface FactsSync {
  appended: number;
  rebuilt: boolean;
  /** Identifiers whose profile changed since the last sync (merges, unmerges). */
  movedNodes: number;
  syncedSeq: number;
}

/**
 * Brings the facts in line with the store: the pid of facts whose identifier moved to another
 * profile (or whose shared identifier has another owner now), then the events resolved since.
 */
export async function syncFacts(db: Database | SideConnection, workspaceId: string): Promise<FactsSync> {
  const position = await identityPosition(db, workspaceId);
  return db.transaction(async (tx) => {
    const run = async (q: Sql): Promise<void> => tx.run(q.text, q.params);
    const state = (
      await tx.query<{ synced_seq: number; anchors_epoch: number }>(
        'SELECT synced_seq, anchors_epoch FROM profile_facts_state WHERE workspace_id = ?',
        [workspaceId],
      )
    )[0];
    const rebuilt = state !== undefined && state.anchors_epoch !== position.anchorsEpoch;
    let from = state?.synced_seq ?? 0;
    if (rebuilt) {
      await tx.run('DELETE FROM profile_facts WHERE workspace_id = ?', [workspaceId]);
      await tx.run('DELETE FROM profile_facts_nodes WHERE workspace_id = ?', [workspaceId]);
      from = 0;
    }
    // The map as the graph has it now, and the identifiers it moved since the last sync.
    await run(
      sql`CREATE OR REPLACE TEMP TABLE facts_map AS SELECT node, pid FROM ${nodeProfiles(workspaceId)}`,
    );
    await run(sql`CREATE OR REPLACE TEMP TABLE facts_moved AS
      SELECT m.node, m.pid FROM facts_map m
      LEFT JOIN (SELECT node, pid FROM profile_facts_nodes WHERE workspace_id = ${workspaceId}) s ON s.node = m.node
      WHERE s.pid IS DISTINCT FROM m.pid`);
    const moved = (await tx.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM facts_moved'))[0]?.n ?? 0;
    if (from > 0) {
      if (moved > 0) {
        await run(sql`UPDATE profile_facts AS f SET pid = m.pid FROM facts_moved m
          WHERE f.workspace_id = ${workspaceId} AND m.node = coalesce(f.owner, f.node)`);
      }
      // Owners of shared identifiers change as later events show who held them when.
      await run(sql`UPDATE profile_facts AS f SET owner = s.owner, pid = m.pid FROM ${sharedEventAnchors(workspaceId)} s, facts_map m
        WHERE f.workspace_id = ${workspaceId} AND f.seq = s.seq AND f.owner IS DISTINCT FROM s.owner
          AND m.node = coalesce(s.owner, f.node)`);
    }
    if (moved > 0) {
      await tx.run(
        'DELETE FROM profile_facts_nodes WHERE workspace_id = ? AND node IN (SELECT node FROM facts_moved)',
        [workspaceId],
      );
      await run(sql`INSERT INTO profile_facts_nodes SELECT ${workspaceId}, node, pid FROM facts_moved`);
    }
    const to = position.resolvedSeq;
    let appended = 0;
    if (to > from) {
      await run(sql`INSERT INTO profile_facts
        SELECT ${workspaceId}, e.seq, a.node, a.owner, m.pid, e.event, e.ts, e.source_id, e.channel, e.properties, e.traits
        FROM ${eventsRelation(workspaceId, from, to)} e JOIN ${eventAnchors(workspaceId)} a ON a.seq = e.seq
          JOIN facts_map m ON m.node = coalesce(a.owner, a.node)
        WHERE a.seq > ${from} AND a.seq <= ${to}`);
      const counted = await tx.query<{ n: number }>(
        'SELECT count(*)::DOUBLE AS n FROM profile_facts WHERE workspace_id = ? AND seq > ? AND seq <= ?',
        [workspaceId, from, to],
      );
      appended = counted[0]?.n ?? 0;
    }
    await tx.run('DROP TABLE IF EXISTS facts_map');
    await tx.run('DROP TABLE IF EXISTS facts_moved');
    await tx.run(
      `INSERT INTO profile_facts_state VALUES (?, ?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET synced_seq = excluded.synced_seq, anchors_epoch = excluded.anchors_epoch`,
      [workspaceId, Math.max(to, from), position.anchorsEpoch],
    );
    return { appended, rebuilt, movedNodes: moved, syncedSeq: Math.max(to, from) };
  });
}

/**
 * The facts of the workspace with their live profile (`pid`, the profile's ordinal): `pid`, `seq`,
 * `event`, `ts`, `source_id`, `channel`, `properties`, `traits`. `pids` restricts it to some profiles.
 */
export function factsRelation(workspaceId: string, pids?: Sql): Sql {
  const only = pids ? sql` AND pid IN (SELECT pid FROM ${pids})` : sql``;
  return sql`(SELECT pid, seq, event, ts, source_id, channel, properties, traits
    FROM profile_facts WHERE workspace_id = ${workspaceId}${only})`;
}

/**
 * The facts of one profile's identifier nodes that carry traits or are consent events, newest
 * first (the 360° view merges traits and consent from these).
 */
export async function profileTraitFacts(
  db: Database,
  workspaceId: string,
  nodes: readonly number[],
  consentEvents: readonly string[],
  limit: number,
): Promise<
  Array<{
    seq: number;
    event: string | null;
    ts: number;
    source_id: string | null;
    properties: string | null;
    traits: string | null;
  }>
> {
  if (nodes.length === 0) return [];
  return db.query(
    `SELECT seq::DOUBLE AS seq, event, epoch_ms(ts)::DOUBLE AS ts, source_id, properties, traits
       FROM profile_facts WHERE workspace_id = ? AND coalesce(owner, node) IN (${nodes.map(() => '?').join(', ')})
        AND (traits IS NOT NULL OR event IN (${consentEvents.map(() => '?').join(', ')}))
      ORDER BY ts DESC, seq DESC LIMIT ?`,
    [workspaceId, ...nodes, ...consentEvents, limit],
  );
}
