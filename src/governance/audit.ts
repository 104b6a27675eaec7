import type { Database, Tx } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';

/** The audit log: every change and every export of personal data, who did it and when. */

export interface AuditEntry {
  workspaceId: string;
  actor: string | null;
  /** `segment.create`, `segment.export`, `destination.sync`, … */
  action: string;
  target: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export async function recordAudit(db: Pick<Tx, 'run'>, entry: AuditEntry, at: number): Promise<string> {
  const id = generateId('aud');
  await db.run('INSERT INTO audit_log VALUES (?, ?, ?::TIMESTAMP, ?, ?, ?, ?)', [
    entry.workspaceId,
    id,
    new Date(at),
    entry.actor,
    entry.action,
    entry.target,
    entry.detail === undefined ? null : JSON.stringify(entry.detail),
  ]);
  return id;
}

export async function listAudit(
  db: Database,
  workspaceId: string,
  options: { action?: string; target?: string; limit: number },
): Promise<AuditRow[]> {
  const rows = await db.query<{
    id: string;
    at: string;
    actor: string | null;
    action: string;
    target: string | null;
    detail: string | null;
  }>(
    `SELECT id, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "at", actor, action, target, detail FROM audit_log
      WHERE workspace_id = ? AND (?::VARCHAR IS NULL OR action LIKE ? || '%') AND (?::VARCHAR IS NULL OR target = ?)
      ORDER BY logged_at DESC, id DESC LIMIT ?`,
    [
      workspaceId,
      options.action ?? null,
      options.action ?? '',
      options.target ?? null,
      options.target ?? null,
      options.limit,
    ],
  );
  return rows.map((r) => ({
    ...r,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
  }));
}
