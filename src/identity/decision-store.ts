import { DuckDBTimestampValue } from '@duckdb/node-api';
import type { Database } from '../platform/db/duckdb.js';

/**
 * SQL for what people decided and what the graph counted, beside the graph itself: the fuzzy
 * review queue, unmerges (the audit trail a rebuild replays), and blocklist hits.
 */

export interface ReviewInsert {
  id: string;
  workspaceId: string;
  a: { type: string; value: string };
  b: { type: string; value: string };
  score: number;
  fields: unknown;
}

export async function insertReviews(
  db: Database,
  reviews: readonly ReviewInsert[],
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const a = await tx.appender('identity_review');
    for (const r of reviews) {
      a.appendVarchar(r.id);
      a.appendVarchar(r.workspaceId);
      a.appendVarchar(r.a.type);
      a.appendVarchar(r.a.value);
      a.appendVarchar(r.b.type);
      a.appendVarchar(r.b.value);
      a.appendDouble(r.score);
      a.appendVarchar(JSON.stringify(r.fields));
      a.appendVarchar('open');
      a.appendTimestamp(new DuckDBTimestampValue(BigInt(now) * 1000n));
      a.appendNull();
      a.appendNull();
      a.endRow();
    }
  });
}

export interface ReviewRow {
  id: string;
  workspaceId: string;
  a: { type: string; value: string };
  b: { type: string; value: string };
  score: number;
  fields: string;
  status: string;
  createdAt: Date;
  /** Epoch ms of the decision, or null while open. */
  decidedAt: number | null;
}

interface ReviewSqlRow {
  id: string;
  workspace_id: string;
  a_type: string;
  a_value: string;
  b_type: string;
  b_value: string;
  score: number;
  fields: string;
  status: string;
  created_at: Date;
  decided: number | null;
}

const REVIEW_COLUMNS = `id, workspace_id, a_type, a_value, b_type, b_value, score, fields, status, created_at,
  epoch_ms(decided_at)::DOUBLE AS decided`;

const reviewRow = (r: ReviewSqlRow): ReviewRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  a: { type: r.a_type, value: r.a_value },
  b: { type: r.b_type, value: r.b_value },
  score: r.score,
  fields: r.fields,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided,
});

/** Every queued pair of every workspace, decided ones first in the order they were decided. */
export async function allReviews(db: Database): Promise<ReviewRow[]> {
  const rows = await db.query<ReviewSqlRow & Record<string, unknown>>(
    `SELECT ${REVIEW_COLUMNS} FROM identity_review ORDER BY decided_at NULLS LAST, id`,
  );
  return rows.map(reviewRow);
}

export async function listReviews(
  db: Database,
  workspaceId: string,
  status: string,
  limit: number,
): Promise<ReviewRow[]> {
  const rows = await db.query<ReviewSqlRow & Record<string, unknown>>(
    `SELECT ${REVIEW_COLUMNS} FROM identity_review
      WHERE workspace_id = ? AND status = ? ORDER BY score DESC, id LIMIT ?`,
    [workspaceId, status, limit],
  );
  return rows.map(reviewRow);
}

export async function getReview(db: Database, workspaceId: string, id: string): Promise<ReviewRow | null> {
  const rows = await db.query<ReviewSqlRow & Record<string, unknown>>(
    `SELECT ${REVIEW_COLUMNS} FROM identity_review WHERE workspace_id = ? AND id = ?`,
    [workspaceId, id],
  );
  return rows[0] ? reviewRow(rows[0]) : null;
}

export async function decideReviewRow(
  db: Database,
  id: string,
  status: 'approved' | 'rejected',
  at: number,
  actor: string,
): Promise<void> {
  await db.run('UPDATE identity_review SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?', [
    status,
    new Date(at),
    actor,
    id,
  ]);
}

export interface SplitSide {
  type: string;
  value: string;
  side: number;
}

export interface SplitRow {
  id: string;
  profileId: string;
  newProfiles: string[];
  sides: SplitSide[];
  culprits: unknown[];
  reason: string | null;
  actor: string | null;
  at: string;
}

export async function insertSplit(
  db: Database,
  workspaceId: string,
  split: Omit<SplitRow, 'at'>,
  at: number,
): Promise<void> {
  await db.run(
    `INSERT INTO identity_splits (id, workspace_id, profile_id, new_profiles, sides, culprits, reason, actor, split_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      split.id,
      workspaceId,
      split.profileId,
      JSON.stringify(split.newProfiles),
      JSON.stringify(split.sides),
      JSON.stringify(split.culprits),
      split.reason,
      split.actor,
      new Date(at),
    ],
  );
}

/** The sides of every unmerge, oldest first (to apply them again), of one workspace or all. */
export async function splitSides(
  db: Database,
  workspaceId: string | null,
): Promise<Array<{ workspaceId: string; sides: SplitSide[] }>> {
  const rows = await db.query<{ workspace_id: string; sides: string }>(
    `SELECT workspace_id, sides FROM identity_splits ${workspaceId === null ? '' : 'WHERE workspace_id = ?'}
      ORDER BY split_at`,
    workspaceId === null ? [] : [workspaceId],
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, sides: JSON.parse(r.sides) as SplitSide[] }));
}

/**
 * The audit trail of unmerges, newest first; with `profileIds`, those that split one of them or
 * made one of them (unmerges are rare: the filter runs here, not in SQL).
 */
export async function listSplits(
  db: Database,
  workspaceId: string,
  profileIds: readonly string[] | null,
  limit: number,
): Promise<SplitRow[]> {
  const rows = await db.query<{
    id: string;
    profile_id: string;
    new_profiles: string;
    sides: string;
    culprits: string;
    reason: string | null;
    actor: string | null;
    split_at: Date;
  }>(
    `SELECT id, profile_id, new_profiles, sides, culprits, reason, actor, split_at FROM identity_splits
      WHERE workspace_id = ? ORDER BY split_at DESC, id DESC`,
    [workspaceId],
  );
  const wanted = profileIds ? new Set(profileIds) : null;
  const out: SplitRow[] = [];
  for (const r of rows) {
    const newProfiles = JSON.parse(r.new_profiles) as string[];
    if (wanted && !wanted.has(r.profile_id) && !newProfiles.some((p) => wanted.has(p))) continue;
    out.push({
      id: r.id,
      profileId: r.profile_id,
      newProfiles,
      sides: JSON.parse(r.sides) as SplitRow['sides'],
      culprits: JSON.parse(r.culprits) as unknown[],
      reason: r.reason,
      actor: r.actor,
      at: r.split_at.toISOString(),
    });
    if (out.length >= limit) break;
  }
  return out;
}

export interface BlockedRow {
  type: string;
  value: string;
  rule: string;
  hits: number;
}

export async function readBlocked(db: Database, workspaceId: string): Promise<BlockedRow[]> {
  const rows = await db.query<{ id_type: string; value: string; rule: string; hits: number }>(
    'SELECT id_type, value, rule, hits FROM identity_blocked WHERE workspace_id = ?',
    [workspaceId],
  );
  return rows.map((b) => ({ type: b.id_type, value: b.value, rule: b.rule, hits: Number(b.hits) }));
}

/** Replaces a workspace's blocklist hit counts. */
export async function writeBlocked(
  db: Database,
  workspaceId: string,
  hits: Iterable<BlockedRow>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('DELETE FROM identity_blocked WHERE workspace_id = ?', [workspaceId]);
    const a = await tx.appender('identity_blocked');
    for (const b of hits) {
      a.appendVarchar(workspaceId);
      a.appendVarchar(b.type);
      a.appendVarchar(b.value);
      a.appendVarchar(b.rule);
      a.appendBigInt(BigInt(b.hits));
      a.endRow();
    }
  });
}
