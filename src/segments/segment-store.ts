import type { Database, SideConnection, Tx } from '../platform/db/duckdb.js';
import { raw, sql, type Sql } from '../platform/db/sql.js';
import type { SegmentDefinition, SegmentStatus } from './definitions.js';
import {
  insertVersion,
  ISO_FORMAT,
  latestVersions,
  versionsOf,
  type VersionRow,
} from '../platform/db/versions.js';

/** Segments' SQL: definitions by version, members, size history. */

export type SegmentRow = VersionRow<SegmentDefinition, SegmentStatus>;

const ISO = ISO_FORMAT;
type Runner = Pick<Tx, 'run' | 'query'>;

export const insertDefinition = (
  db: Pick<Tx, 'run'>,
  workspaceId: string,
  row: Omit<SegmentRow, 'createdAt'>,
  at: number,
): Promise<void> => insertVersion(db, 'segment_definitions', workspaceId, row, at);

/** The newest version of every segment of every workspace. */
export const latestDefinitions = (db: Database): Promise<Array<SegmentRow & { workspaceId: string }>> =>
  latestVersions(db, 'segment_definitions');

export const definitionVersions = (db: Database, workspaceId: string, id: string): Promise<SegmentRow[]> =>
  versionsOf(db, 'segment_definitions', workspaceId, id);

export const membersRelation = (workspaceId: string, segmentId: string): Sql =>
  sql`(SELECT profile_id, entered_at FROM segment_members WHERE workspace_id = ${workspaceId} AND segment_id = ${segmentId})`;

export async function memberIds(
  db: Pick<Tx, 'query'>,
  workspaceId: string,
  segmentId: string,
): Promise<string[]> {
  const rows = await db.query<{ profile_id: string }>(
    'SELECT profile_id FROM segment_members WHERE workspace_id = ? AND segment_id = ?',
    [workspaceId, segmentId],
  );
  return rows.map((r) => r.profile_id);
}

const CHUNK = 1000;

/** Adds and removes members (lists of any size), records the size; in the caller's transaction. */
export async function applyMembership(
  tx: Runner & Pick<Tx, 'appender'>,
  workspaceId: string,
  segmentId: string,
  change: { entered: readonly string[]; exited: readonly string[]; cause: string },
  at: number,
): Promise<number> {
  for (let i = 0; i < change.exited.length; i += CHUNK) {
    const part = change.exited.slice(i, i + CHUNK);
    await tx.run(
      `DELETE FROM segment_members WHERE workspace_id = ? AND segment_id = ? AND profile_id IN (${part.map(() => '?').join(', ')})`,
      [workspaceId, segmentId, ...part],
    );
  }
  if (change.entered.length > 0) {
    const appender = await tx.appender('segment_members');
    const when = new Date(at).toISOString().replace('T', ' ').replace('Z', '');
    for (const p of change.entered) {
      appender.appendVarchar(workspaceId);
      appender.appendVarchar(segmentId);
      appender.appendVarchar(p);
      appender.appendVarchar(when);
      appender.endRow();
    }
    appender.flushSync();
  }
  const size =
    (
      await tx.query<{ n: number }>(
        'SELECT count(*)::DOUBLE AS n FROM segment_members WHERE workspace_id = ? AND segment_id = ?',
        [workspaceId, segmentId],
      )
    )[0]?.n ?? 0;
  await tx.run('INSERT INTO segment_sizes VALUES (?, ?, ?::TIMESTAMP, ?, ?, ?, ?)', [
    workspaceId,
    segmentId,
    new Date(at),
    size,
    change.entered.length,
    change.exited.length,
    change.cause,
  ]);
  return size;
}

/** The difference between a computed set (a table of `profile_id`) and the stored members. */
export async function membershipDiff(
  db: SideConnection,
  workspaceId: string,
  segmentId: string,
  table: string,
): Promise<{ entered: string[]; exited: string[] }> {
  const members = membersRelation(workspaceId, segmentId);
  const entered = sql`SELECT profile_id FROM ${raw(table)} EXCEPT SELECT profile_id FROM ${members}`;
  const exited = sql`SELECT profile_id FROM ${members} EXCEPT SELECT profile_id FROM ${raw(table)}`;
  const read = async (q: Sql): Promise<string[]> =>
    (await db.query<{ profile_id: string }>(q.text, q.params)).map((r) => r.profile_id);
  return { entered: await read(entered), exited: await read(exited) };
}

export interface SizePoint {
  at: string;
  size: number;
  entered: number;
  exited: number;
  cause: string;
}

export async function sizeHistory(
  db: Database,
  workspaceId: string,
  segmentId: string,
  limit: number,
): Promise<SizePoint[]> {
  return db.query<SizePoint & Record<string, unknown>>(
    `SELECT * FROM (SELECT strftime(changed_at, ${ISO}) AS "at", size::DOUBLE AS size, entered::DOUBLE AS entered,
        exited::DOUBLE AS exited, cause FROM segment_sizes WHERE workspace_id = ? AND segment_id = ?
        ORDER BY changed_at DESC LIMIT ?) ORDER BY "at"`,
    [workspaceId, segmentId, limit],
  );
}

export async function lastSize(
  db: Database,
  workspaceId: string,
): Promise<Map<string, { size: number; at: string }>> {
  const rows = await db.query<{ segment_id: string; size: number; at: string }>(
    `SELECT segment_id, size::DOUBLE AS size, strftime(changed_at, ${ISO}) AS "at" FROM segment_sizes WHERE workspace_id = ?
      QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY changed_at DESC) = 1`,
    [workspaceId],
  );
  return new Map(rows.map((r) => [r.segment_id, { size: r.size, at: r.at }]));
}

export async function overlapCounts(
  db: Database,
  workspaceId: string,
  a: string,
  b: string,
): Promise<{ a: number; b: number; both: number }> {
  const q = sql`SELECT
      (SELECT count(*) FROM ${membersRelation(workspaceId, a)})::DOUBLE AS a,
      (SELECT count(*) FROM ${membersRelation(workspaceId, b)})::DOUBLE AS b,
      (SELECT count(*) FROM ${membersRelation(workspaceId, a)} x JOIN ${membersRelation(workspaceId, b)} y USING (profile_id))::DOUBLE AS both`;
  const r = (await db.query<{ a: number; b: number; both: number }>(q.text, q.params))[0]!;
  return r;
}

/** Members in profile-id order after a cursor, with when they entered. */
export async function memberPage(
  db: Database,
  workspaceId: string,
  segmentId: string,
  options: { after: string | null; limit: number },
): Promise<Array<{ profile_id: string; entered_at: string }>> {
  return db.query(
    `SELECT profile_id, strftime(entered_at, ${ISO}) AS entered_at FROM segment_members
      WHERE workspace_id = ? AND segment_id = ? AND (?::VARCHAR IS NULL OR profile_id > ?)
      ORDER BY profile_id LIMIT ?`,
    [workspaceId, segmentId, options.after, options.after ?? '', options.limit],
  );
}

/** Values of some computed traits and tags for some profiles (for member lists and exports). */
export async function valuesFor(
  db: Database,
  workspaceId: string,
  table: 'trait_values' | 'tag_values',
  keys: readonly string[],
  profileIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (keys.length === 0 || profileIds.length === 0) return out;
  for (let i = 0; i < profileIds.length; i += CHUNK) {
    const part = profileIds.slice(i, i + CHUNK);
    const rows = await db.query<{ profile_id: string; key: string; value: string }>(
      `SELECT profile_id, key, value FROM ${table} WHERE workspace_id = ? AND key IN (${keys.map(() => '?').join(', ')})
        AND profile_id IN (${part.map(() => '?').join(', ')})`,
      [workspaceId, ...keys, ...part],
    );
    for (const r of rows) {
      const o = out.get(r.profile_id) ?? {};
      o[r.key] = JSON.parse(r.value) as unknown;
      out.set(r.profile_id, o);
    }
  }
  return out;
}
