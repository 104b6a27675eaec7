import type { Database, Tx } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { join, sql, type Sql } from '../platform/db/sql.js';

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

/** What the audit log is read by; every value is bound, none is spliced into the SQL. */
export interface AuditQuery {
  /** An action prefix: `user.` matches `user.create` (taken literally, `%` and `_` included). */
  action?: string;
  /** The exact target. */
  target?: string;
  /** The exact actor: a key id, or `user:<id>` for a console user. */
  actor?: string;
  /** From (inclusive), epoch ms. */
  since?: number;
  /** Up to (exclusive), epoch ms. */
  until?: number;
  /** The `next` cursor of the previous page. */
  before?: string;
  limit: number;
}

export type AuditPage =
  { kind: 'ok'; entries: AuditRow[]; next: string | null } | { kind: 'bad_cursor'; reason: string };

/** A cursor is the position of the last entry of a page in the order (time in µs, then id). */
const CURSOR = /^(\d{1,17}):([a-z]{1,16}_[a-z0-9]{1,64})$/;

/** The newest entries the filters keep (the first page, without its cursor). */
export async function listAudit(
  db: Database,
  workspaceId: string,
  options: Omit<AuditQuery, 'before'>,
): Promise<AuditRow[]> {
  const page = await pageAudit(db, workspaceId, options);
  return page.kind === 'ok' ? page.entries : [];
}

/**
 * Entries newest first (then by id, so entries of the same instant keep one order), those the
 * filters keep, after the `before` position; `next` is the cursor of the next page, null at the end.
 */
export async function pageAudit(db: Database, workspaceId: string, options: AuditQuery): Promise<AuditPage> {
  const conditions: Sql[] = [sql`workspace_id = ${workspaceId}`];
  if (options.action !== undefined) conditions.push(sql`starts_with(action, ${options.action})`);
  if (options.target !== undefined) conditions.push(sql`target = ${options.target}`);
  if (options.actor !== undefined) conditions.push(sql`actor = ${options.actor}`);
  if (options.since !== undefined) conditions.push(sql`logged_at >= ${new Date(options.since)}::TIMESTAMP`);
  if (options.until !== undefined) conditions.push(sql`logged_at < ${new Date(options.until)}::TIMESTAMP`);
  if (options.before !== undefined) {
    const m = CURSOR.exec(options.before);
    if (!m) return { kind: 'bad_cursor', reason: `cursor ${options.before} is not one this API returned` };
    const micros = BigInt(m[1]!);
    conditions.push(
      sql`(epoch_us(logged_at) < ${micros} OR (epoch_us(logged_at) = ${micros} AND id < ${m[2]!}))`,
    );
  }
  const q = sql`SELECT id, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "at", epoch_us(logged_at)::VARCHAR AS us,
        actor, action, target, detail
      FROM audit_log WHERE ${join(conditions, ' AND ')}
      ORDER BY logged_at DESC, id DESC LIMIT ${options.limit}`;
  const rows = await db.query<{
    id: string;
    at: string;
    us: string;
    actor: string | null;
    action: string;
    target: string | null;
    detail: string | null;
  }>(q.text, q.params);
  const last = rows[rows.length - 1];
  return {
    kind: 'ok',
    entries: rows.map(({ us: _us, ...r }) => ({
      ...r,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    })),
    next: rows.length === options.limit && last ? `${last.us}:${last.id}` : null,
  };
}
