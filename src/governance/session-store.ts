import type { Database, Tx } from '../platform/db/duckdb.js';

/**
 * The `user_sessions` table: console sessions, by the SHA-256 of their token (never the token).
 * Times are epoch milliseconds.
 */

export interface SessionRow {
  id: string;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  /**
   * Kept in the clear: it is worth nothing without the session token, which is only hashed here,
   * and the console must be able to read it again (GET /api/v1/auth/me) after a restart.
   */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export async function insertSession(tx: Pick<Tx, 'run'>, row: SessionRow): Promise<void> {
  await tx.run(
    `INSERT INTO user_sessions (id, workspace_id, user_id, token_hash, csrf_token, created_at, last_seen_at,
       ip, user_agent, ended_at, end_reason)
     VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?, NULL, NULL)`,
    [
      row.id,
      row.workspace_id,
      row.user_id,
      row.token_hash,
      row.csrf_token,
      new Date(row.created_at),
      new Date(row.last_seen_at),
      row.ip,
      row.user_agent,
    ],
  );
}

/** Sessions not ended that were seen after `idleSince` and began after `createdSince`. */
export async function selectLiveSessions(
  db: Database,
  idleSince: number,
  createdSince: number,
): Promise<SessionRow[]> {
  return db.query<SessionRow & Record<string, unknown>>(
    `SELECT id, workspace_id, user_id, token_hash, csrf_token, epoch_ms(created_at) AS created_at,
       epoch_ms(last_seen_at) AS last_seen_at, ip, user_agent
     FROM user_sessions
     WHERE ended_at IS NULL AND last_seen_at > ?::TIMESTAMP AND created_at > ?::TIMESTAMP
     ORDER BY created_at, id`,
    [new Date(idleSince), new Date(createdSince)],
  );
}

/** Forgets sessions that ended or lapsed (logins and logouts stay in the audit log). */
export async function deleteDeadSessions(
  db: Database,
  idleSince: number,
  createdSince: number,
): Promise<void> {
  await db.run(
    `DELETE FROM user_sessions
     WHERE ended_at IS NOT NULL OR last_seen_at <= ?::TIMESTAMP OR created_at <= ?::TIMESTAMP`,
    [new Date(idleSince), new Date(createdSince)],
  );
}

export async function endSessionRow(
  tx: Pick<Tx, 'run'>,
  id: string,
  at: number,
  reason: string,
): Promise<void> {
  await tx.run(
    'UPDATE user_sessions SET ended_at = ?::TIMESTAMP, end_reason = ? WHERE id = ? AND ended_at IS NULL',
    [new Date(at), reason, id],
  );
}

export async function endUserSessionRows(
  tx: Pick<Tx, 'run'>,
  userId: string,
  at: number,
  reason: string,
): Promise<void> {
  await tx.run(
    'UPDATE user_sessions SET ended_at = ?::TIMESTAMP, end_reason = ? WHERE user_id = ? AND ended_at IS NULL',
    [new Date(at), reason, userId],
  );
}

export async function updateLastSeen(tx: Pick<Tx, 'run'>, id: string, at: number): Promise<void> {
  await tx.run('UPDATE user_sessions SET last_seen_at = ?::TIMESTAMP WHERE id = ?', [new Date(at), id]);
}
