import { eventsRelation } from '../collect/index.js';
import { eventAnchors, identityPosition, nodeProfiles, sharedEventAnchors } from '../identity/index.js';
import type { Database, SideConnection } from '../platform/db/duckdb.js';
import { raw, sql, type Sql } from '../platform/db/sql.js';

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
  /** This sync's generation, and the last one after which every profile changed. */
  generation: number;
  resetGeneration: number;
  /** Identifiers whose profile changed since the last sync (merges, unmerges). */
  movedNodes: number;
  syncedSeq: number;
}

/**
 * Brings the facts in line with the store: the pid of facts whose identifier moved to another
 * profile (or whose shared identifier has another owner now), then the events resolved since.
 */
export function syncFacts(db: Database | SideConnection, workspaceId: string): Promise<FactsSync> {
  // Tags and segments both sync before they compute; two syncs at once would conflict.
  const next = (syncing.get(workspaceId) ?? Promise.resolve()).then(
    () => syncOnce(db, workspaceId),
    () => syncOnce(db, workspaceId),
  );
  syncing.set(
    workspaceId,
    next.catch(() => undefined),
  );
  return next;
}

const syncing = new Map<string, Promise<unknown>>();

async function syncOnce(db: Database | SideConnection, workspaceId: string): Promise<FactsSync> {
  const position = await identityPosition(db, workspaceId);
  return db.transaction(async (tx) => {
    const run = async (q: Sql): Promise<void> => tx.run(q.text, q.params);
    const state = (
      await tx.query<{
        synced_seq: number;
        anchors_epoch: number;
        generation: number;
        reset_generation: number;
      }>(
        'SELECT synced_seq, anchors_epoch, generation, reset_generation FROM profile_facts_state WHERE workspace_id = ?',
        [workspaceId],
      )
    )[0];
    const generation = (state?.generation ?? 0) + 1;
    const rebuilt = state !== undefined && state.anchors_epoch !== position.anchorsEpoch;
    let from = state?.synced_seq ?? 0;
    if (rebuilt) {
      await tx.run('DELETE FROM profile_facts WHERE workspace_id = ?', [workspaceId]);
      await tx.run('DELETE FROM profile_facts_nodes WHERE workspace_id = ?', [workspaceId]);
      from = 0;
    }
    const reset = from === 0;
    const changed = async (pids: Sql): Promise<void> => {
      if (!reset)
        await run(
          sql`INSERT INTO profile_facts_changes SELECT DISTINCT ${workspaceId}, pid, ${generation} FROM ${pids}`,
        );
    };
    // The map as the graph has it now, and the identifiers it moved since the last sync.
    await run(
      sql`CREATE OR REPLACE TEMP TABLE facts_map AS SELECT node, pid FROM ${nodeProfiles(workspaceId)}`,
    );
    await run(sql`CREATE OR REPLACE TEMP TABLE facts_moved AS
      SELECT m.node, m.pid, s.pid AS old_pid FROM facts_map m
      LEFT JOIN (SELECT node, pid FROM profile_facts_nodes WHERE workspace_id = ${workspaceId}) s ON s.node = m.node
      WHERE s.pid IS DISTINCT FROM m.pid`);
    const moved = (await tx.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM facts_moved'))[0]?.n ?? 0;
    let changes = moved;
    if (from > 0) {
      if (moved > 0) {
        await changed(
          raw(
            '(SELECT pid FROM facts_moved UNION SELECT old_pid FROM facts_moved WHERE old_pid IS NOT NULL)',
          ),
        );
        await run(sql`UPDATE profile_facts AS f SET pid = m.pid FROM facts_moved m
          WHERE f.workspace_id = ${workspaceId} AND m.node = coalesce(f.owner, f.node)`);
      }
      // Owners of shared identifiers change as later events show who held them when.
      await run(sql`CREATE OR REPLACE TEMP TABLE facts_owners AS
        SELECT f.seq, s.owner, f.pid AS old_pid, m.pid FROM profile_facts f JOIN ${sharedEventAnchors(workspaceId)} s ON f.seq = s.seq
          JOIN facts_map m ON m.node = coalesce(s.owner, f.node)
        WHERE f.workspace_id = ${workspaceId} AND f.owner IS DISTINCT FROM s.owner`);
      const owners =
        (await tx.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM facts_owners'))[0]?.n ?? 0;
      if (owners > 0) {
        changes += owners;
        await changed(raw('(SELECT pid FROM facts_owners UNION SELECT old_pid AS pid FROM facts_owners)'));
        await run(sql`UPDATE profile_facts AS f SET owner = o.owner, pid = o.pid FROM facts_owners o
          WHERE f.workspace_id = ${workspaceId} AND f.seq = o.seq`);
      }
      await tx.run('DROP TABLE IF EXISTS facts_owners');
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
      changes += appended;
      await changed(
        sql`(SELECT pid FROM profile_facts WHERE workspace_id = ${workspaceId} AND seq > ${from} AND seq <= ${to})`,
      );
    }
    await tx.run('DROP TABLE IF EXISTS facts_map');
    await tx.run('DROP TABLE IF EXISTS facts_moved');
    // A sync that changed nothing keeps the generation (refreshes after it stay current).
    const gen = changes > 0 || reset ? generation : generation - 1;
    const resetGeneration = reset ? gen : (state?.reset_generation ?? 0);
    await tx.run(
      `INSERT INTO profile_facts_state VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET synced_seq = excluded.synced_seq, anchors_epoch = excluded.anchors_epoch,
         generation = excluded.generation, reset_generation = excluded.reset_generation`,
      [workspaceId, Math.max(to, from), position.anchorsEpoch, gen, resetGeneration],
    );
    return {
      appended,
      rebuilt,
      generation: gen,
      resetGeneration,
      movedNodes: moved,
      syncedSeq: Math.max(to, from),
    };
  });
}

/**
 * The facts of the workspace with their live profile (`pid`, the profile's ordinal): `pid`, `seq`,
 * `event`, `ts`, `source_id`, `channel`, `properties`, `traits`. `pids` restricts it to some profiles.
 */
/** Profiles whose facts changed after a generation. */
export function changedProfiles(workspaceId: string, afterGeneration: number): Sql {
  return sql`(SELECT DISTINCT pid FROM profile_facts_changes WHERE workspace_id = ${workspaceId} AND generation > ${afterGeneration})`;
}

/** Forgets changes every refresh has seen. */
export async function pruneChanges(
  db: Pick<Database, 'run'>,
  workspaceId: string,
  upToGeneration: number,
): Promise<void> {
  await db.run('DELETE FROM profile_facts_changes WHERE workspace_id = ? AND generation <= ?', [
    workspaceId,
    upToGeneration,
  ]);
}

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
