import type { Tx } from '../platform/db/duckdb.js';
import { sql, type Sql } from '../platform/db/sql.js';

/**
 * What later stages may read of the identity graph in SQL, as relations (sub-queries) rather than
 * table names, so the graph's tables stay this module's own.
 */

/** Each resolved event's anchor node and, for a shared anchor, the node owning it at the event's time. */
export function eventAnchors(workspaceId: string): Sql {
  return sql`(SELECT seq, node, owner FROM identity_event_anchors WHERE workspace_id = ${workspaceId})`;
}

/** Shared anchors only: the events whose owner can change after they were resolved. */
export function sharedEventAnchors(workspaceId: string): Sql {
  return sql`(SELECT a.seq, a.owner FROM identity_event_anchors a
    JOIN identity_nodes n ON n.workspace_id = a.workspace_id AND n.node = a.node
    WHERE a.workspace_id = ${workspaceId} AND n.shared)`;
}

/** Every identifier node with its live profile: `node`, `pid` (the profile's ordinal), `profile_id`. */
export function nodeProfiles(workspaceId: string): Sql {
  return sql`(SELECT n.node, p.ordinal AS pid, p.profile_id FROM identity_nodes n
    JOIN identity_profiles p ON p.workspace_id = n.workspace_id AND p.profile_id = n.profile_id
    WHERE n.workspace_id = ${workspaceId})`;
}

/** Live (not merged away) profiles: `pid`, `profile_id`. */
export function liveProfiles(workspaceId: string): Sql {
  return sql`(SELECT ordinal AS pid, profile_id FROM identity_profiles
    WHERE workspace_id = ${workspaceId} AND merged_into IS NULL)`;
}

export interface IdentityPosition {
  /** Events up to this seq are resolved and anchored. */
  resolvedSeq: number;
  /** Changes when every anchor was rewritten (a rebuild). */
  anchorsEpoch: number;
}

export async function identityPosition(
  db: Pick<Tx, 'query'>,
  workspaceId: string,
): Promise<IdentityPosition> {
  const rows = await db.query<{ resolved_seq: number; anchors_epoch: number | null }>(
    'SELECT resolved_seq, anchors_epoch FROM identity_state WHERE workspace_id = ?',
    [workspaceId],
  );
  const r = rows[0];
  return { resolvedSeq: r?.resolved_seq ?? 0, anchorsEpoch: r?.anchors_epoch ?? 0 };
}

/** Each live profile's identifiers that belong to it alone (shared ones, such as a recycled number, are left out). */
export function profileIdentifiers(workspaceId: string): Sql {
  return sql`(SELECT n.profile_id, n.id_type, n.value FROM identity_nodes n
    JOIN identity_profiles p ON p.workspace_id = n.workspace_id AND p.profile_id = n.profile_id
    WHERE n.workspace_id = ${workspaceId} AND p.merged_into IS NULL AND NOT n.shared)`;
}

/**
 * How many live profiles there are, and how many of them are identified: known by something
 * other than a device or an anonymous cookie (an account, a phone, an email, a member number…).
 */
export async function profileCounts(
  db: Pick<Tx, 'query'>,
  workspaceId: string,
  anonymousTypes: readonly string[] = ['anonymous_id', 'device_id'],
): Promise<{ people: number; identified: number }> {
  const rows = await db.query<{ people: number; identified: number }>(
    `SELECT (SELECT count(*) FROM identity_profiles WHERE workspace_id = ? AND merged_into IS NULL)::DOUBLE AS people,
            (SELECT count(DISTINCT n.profile_id) FROM identity_nodes n
               JOIN identity_profiles p ON p.workspace_id = n.workspace_id AND p.profile_id = n.profile_id
              WHERE n.workspace_id = ? AND p.merged_into IS NULL
                AND n.id_type NOT IN (${anonymousTypes.map(() => '?').join(', ')}))::DOUBLE AS identified`,
    [workspaceId, workspaceId, ...anonymousTypes],
  );
  return rows[0] ?? { people: 0, identified: 0 };
}
