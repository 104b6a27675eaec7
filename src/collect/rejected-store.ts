import type { Database, SqlValue } from '../platform/db/duckdb.js';

/** SQL for rejected records. */

export interface RejectedRow {
  id: string;
  workspace_id: string;
  source_id: string | null;
  origin: string;
  origin_ref: string | null;
  code: string;
  reason: string;
  payload: string;
  received_at: Date;
  status: string;
  attempts: number;
  resolved_at: Date | null;
}

export interface RejectedFilter {
  workspaceId: string;
  status?: string;
  code?: string;
  sourceId?: string;
  ids?: readonly string[];
  limit: number;
  offset?: number;
}

function whereOf(f: Omit<RejectedFilter, 'limit' | 'offset'>): { sql: string; params: SqlValue[] } {
  const where = ['workspace_id = ?'];
  const params: SqlValue[] = [f.workspaceId];
  for (const [column, value] of [
    ['status', f.status],
    ['code', f.code],
    ['source_id', f.sourceId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (f.ids) {
    where.push(f.ids.length === 0 ? 'false' : `id IN (${f.ids.map(() => '?').join(', ')})`);
    params.push(...f.ids);
  }
  return { sql: where.join(' AND '), params };
}

export async function selectRejected(db: Database, f: RejectedFilter): Promise<RejectedRow[]> {
  const { sql, params } = whereOf(f);
  return db.query<RejectedRow & Record<string, unknown>>(
    `SELECT * FROM rejected_records WHERE ${sql} ORDER BY received_at DESC, id LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset ?? 0],
  );
}

export async function countRejectedByCode(
  db: Database,
  f: Omit<RejectedFilter, 'limit' | 'offset'>,
): Promise<Array<{ code: string; n: number }>> {
  const { sql, params } = whereOf(f);
  return db.query<{ code: string; n: number }>(
    `SELECT code, count(*) AS n FROM rejected_records WHERE ${sql} GROUP BY code ORDER BY n DESC, code`,
    params,
  );
}

/** Records the outcome of a replay attempt on one record. */
export async function updateRejectedAfterReplay(
  db: Database,
  id: string,
  outcome: { status: 'open' | 'replayed'; code: string; reason: string; payload: string; at: Date },
): Promise<void> {
  await db.run(
    `UPDATE rejected_records
        SET status = ?, code = ?, reason = ?, payload = ?, attempts = attempts + 1,
            resolved_at = CASE WHEN ? = 'replayed' THEN ?::TIMESTAMP ELSE NULL END
      WHERE id = ?`,
    [outcome.status, outcome.code, outcome.reason, outcome.payload, outcome.status, outcome.at, id],
  );
}

export async function updateRejectedDiscarded(
  db: Database,
  workspaceId: string,
  ids: readonly string[],
  at: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM rejected_records WHERE workspace_id = ? AND status = 'open' AND id IN (${ids.map(() => '?').join(', ')})`,
    [workspaceId, ...ids],
  );
  await db.run(
    `UPDATE rejected_records SET status = 'discarded', resolved_at = ?::TIMESTAMP
      WHERE workspace_id = ? AND status = 'open' AND id IN (${ids.map(() => '?').join(', ')})`,
    [at, workspaceId, ...ids],
  );
  return rows[0]?.n ?? 0;
}
