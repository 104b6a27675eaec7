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
