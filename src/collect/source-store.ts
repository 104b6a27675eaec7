import type { Database } from '../platform/db/duckdb.js';

/** SQL for workspaces and sources. */

export interface SourceRow {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  write_key_hash: string;
  write_key_hint: string;
  created_at: Date;
  disabled_at: Date | null;
}

export async function ensureWorkspace(db: Database, id: string, name: string): Promise<void> {
  await db.run('INSERT INTO workspaces VALUES (?, ?, ?::TIMESTAMP) ON CONFLICT DO NOTHING', [
    id,
    name,
    new Date(),
  ]);
}

export async function insertSource(db: Database, row: Omit<SourceRow, 'disabled_at'>): Promise<void> {
  await db.run('INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?::TIMESTAMP, NULL)', [
    row.id,
    row.workspace_id,
    row.name,
    row.kind,
    row.write_key_hash,
    row.write_key_hint,
    row.created_at,
  ]);
}

export async function selectSources(db: Database, workspaceId?: string): Promise<SourceRow[]> {
  return workspaceId === undefined
    ? db.query<SourceRow & Record<string, unknown>>('SELECT * FROM sources ORDER BY created_at')
    : db.query<SourceRow & Record<string, unknown>>(
        'SELECT * FROM sources WHERE workspace_id = ? ORDER BY created_at',
        [workspaceId],
      );
}

export async function updateSourceDisabled(db: Database, id: string, disabledAt: Date | null): Promise<void> {
  await db.run('UPDATE sources SET disabled_at = ?::TIMESTAMP WHERE id = ?', [disabledAt, id]);
}

export interface RetiredKeyRow {
  source_id: string;
  write_key_hash: string;
  write_key_hint: string;
  retired_at: Date;
  expires_at: Date;
}

/** Former write keys still honoured at `now`. */
export async function selectRetiredKeys(db: Database, now: Date): Promise<RetiredKeyRow[]> {
  return db.query<RetiredKeyRow & Record<string, unknown>>(
    'SELECT * FROM source_retired_keys WHERE expires_at > ?::TIMESTAMP ORDER BY retired_at',
    [now],
  );
}

/**
 * Gives a source a new write key; the current one is honoured until `expiresAt` (or not at all
 * when that is null). Former keys whose time is up are dropped.
 */
export async function rotateWriteKey(
  db: Database,
  id: string,
  next: { hash: string; hint: string },
  at: Date,
  expiresAt: Date | null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [current] = await tx.query<{ write_key_hash: string; write_key_hint: string }>(
      'SELECT write_key_hash, write_key_hint FROM sources WHERE id = ?',
      [id],
    );
    if (!current) throw new Error(`no source ${id}`);
    await tx.run('DELETE FROM source_retired_keys WHERE expires_at <= ?::TIMESTAMP', [at]);
    if (expiresAt)
      await tx.run('INSERT INTO source_retired_keys VALUES (?, ?, ?, ?::TIMESTAMP, ?::TIMESTAMP)', [
        id,
        current.write_key_hash,
        current.write_key_hint,
        at,
        expiresAt,
      ]);
    await tx.run('UPDATE sources SET write_key_hash = ?, write_key_hint = ? WHERE id = ?', [
      next.hash,
      next.hint,
      id,
    ]);
  });
}

export interface SourceActivity {
  source_id: string;
  events: number;
  last_received_at: Date | null;
  rejected_open: number;
}

/** Events and open rejected records per source: the health figures of the sources list. */
export async function selectSourceActivity(db: Database, workspaceId: string): Promise<SourceActivity[]> {
  return db.query<SourceActivity & Record<string, unknown>>(
    `SELECT s.id AS source_id,
            coalesce(e.n, 0) AS events,
            e.last_received_at,
            coalesce(r.n, 0) AS rejected_open
       FROM sources s
       LEFT JOIN (SELECT source_id, count(*) AS n, max(received_at) AS last_received_at
                    FROM events WHERE workspace_id = ? GROUP BY source_id) e ON e.source_id = s.id
       LEFT JOIN (SELECT source_id, count(*) AS n FROM rejected_records
                   WHERE workspace_id = ? AND status = 'open' GROUP BY source_id) r ON r.source_id = s.id
      WHERE s.workspace_id = ?`,
    [workspaceId, workspaceId, workspaceId],
  );
}
