import type { Database } from '../platform/db/duckdb.js';

/** SQL for the record of import runs. */

export interface ImportRow {
  id: string;
  workspace_id: string;
  source_id: string;
  mapping: string;
  file_name: string | null;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejected_by_code: string | null;
  error: string | null;
}

export async function insertImport(
  db: Database,
  row: Pick<ImportRow, 'id' | 'workspace_id' | 'source_id' | 'mapping' | 'file_name' | 'started_at'>,
): Promise<void> {
  await db.run(
    `INSERT INTO imports VALUES (?, ?, ?, ?, ?, 'running', ?::TIMESTAMP, NULL, 0, 0, 0, 0, NULL, NULL)`,
    [row.id, row.workspace_id, row.source_id, row.mapping, row.file_name, row.started_at],
  );
}

export async function finishImport(
  db: Database,
  id: string,
  r: {
    status: 'done' | 'failed';
    finishedAt: Date;
    records: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    byCode: Record<string, number>;
    error: string | null;
  },
): Promise<void> {
  await db.run(
    `UPDATE imports SET status = ?, finished_at = ?::TIMESTAMP, records = ?, accepted = ?, duplicates = ?, rejected = ?,
            rejected_by_code = ?, error = ? WHERE id = ?`,
    [
      r.status,
      r.finishedAt,
      r.records,
      r.accepted,
      r.duplicates,
      r.rejected,
      JSON.stringify(r.byCode),
      r.error,
      id,
    ],
  );
}

export async function selectImports(db: Database, workspaceId: string, limit: number): Promise<ImportRow[]> {
  return db.query<ImportRow & Record<string, unknown>>(
    'SELECT * FROM imports WHERE workspace_id = ? ORDER BY started_at DESC LIMIT ?',
    [workspaceId, limit],
  );
}
