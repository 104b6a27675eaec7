import type { Database, SqlValue, Tx } from '../platform/db/duckdb.js';
import { ident, join, raw, sql, type Sql } from '../platform/db/sql.js';

/** Tag and trait definitions, values, refresh records and daily snapshots in the store. */

export type DefinitionTable = 'tag_definitions' | 'trait_definitions';
export type ValueTable = 'tag_values' | 'trait_values';

export interface StoredDefinition {
  key: string;
  version: number;
  definition: string;
  status: string;
  created_at: string;
  created_by: string | null;
}

const ISO = `strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at`;

/** The newest version of every definition of the workspace. */
export async function latestDefinitions(
  db: Database,
  table: DefinitionTable,
  workspaceId: string,
): Promise<StoredDefinition[]> {
  return db.query<StoredDefinition & Record<string, unknown>>(
    `SELECT key, version, definition, status, ${ISO}, created_by FROM ${table} WHERE workspace_id = ?
      QUALIFY row_number() OVER (PARTITION BY key ORDER BY version DESC) = 1 ORDER BY key`,
    [workspaceId],
  );
}

export async function definitionVersions(
  db: Database,
  table: DefinitionTable,
  workspaceId: string,
  key: string,
): Promise<StoredDefinition[]> {
  return db.query<StoredDefinition & Record<string, unknown>>(
    `SELECT key, version, definition, status, ${ISO}, created_by FROM ${table}
      WHERE workspace_id = ? AND key = ? ORDER BY version DESC`,
    [workspaceId, key],
  );
}

export async function insertDefinition(
  db: Database,
  table: DefinitionTable,
  row: {
    workspaceId: string;
    key: string;
    version: number;
    definition: string;
    status: string;
    at: Date;
    by: string | null;
  },
): Promise<void> {
  await db.run(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP, ?)`, [
    row.workspaceId,
    row.key,
    row.version,
    row.definition,
    row.status,
    row.at,
    row.by,
  ]);
}

/** A status change applies to the current version (it is not a new definition). */
export async function setDefinitionStatus(
  db: Database,
  table: DefinitionTable,
  workspaceId: string,
  key: string,
  version: number,
  status: string,
  definition: string,
): Promise<void> {
  await db.run(
    `UPDATE ${table} SET status = ?, definition = ? WHERE workspace_id = ? AND key = ? AND version = ?`,
    [status, definition, workspaceId, key, version],
  );
}

export interface RefreshRow {
  key: string;
  kind: 'tag' | 'trait';
  version: number;
  refreshed_at: string;
  mode: string;
  generation: number;
  profiles: number;
  valued: number;
  millis: number;
}

export async function refreshRecords(db: Database, workspaceId: string): Promise<RefreshRow[]> {
  return db.query<RefreshRow & Record<string, unknown>>(
    `SELECT key, kind, version, strftime(refreshed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS refreshed_at, mode,
            generation::DOUBLE AS generation, profiles::DOUBLE AS profiles, valued::DOUBLE AS valued, millis
       FROM tag_refreshes WHERE workspace_id = ?`,
    [workspaceId],
  );
}

/** The work table a refresh computes into (a regular table: it is built on a side connection). */
export const workTable = (workspaceId: string): string =>
  `tag_work_${workspaceId.replace(/[^A-Za-z0-9_]/g, '_')}`;

export interface WriteValues {
  workspaceId: string;
  /** Output columns of the work table per key. */
  traits: Map<string, string>;
  tags: Map<string, string>;
  /** Only the work table's profiles are replaced (incremental); else every value of the keys. */
  partial: boolean;
  /** Live profiles: values of any other profile (merged away) are dropped. */
  live: Sql;
}

/** Replaces the values of the refreshed keys with the work table's (in one transaction). */
export async function writeValues(tx: Tx, w: WriteValues): Promise<{ tags: number; traits: number }> {
  const work = raw(workTable(w.workspaceId));
  const counts = { tags: 0, traits: 0 };
  for (const [table, columns] of [
    ['trait_values', w.traits],
    ['tag_values', w.tags],
  ] as const) {
    if (columns.size === 0) continue;
    const keys = [...columns.keys()];
    const keyList = join(
      keys.map((k) => sql`${k}`),
      ', ',
    );
    const del = w.partial
      ? sql`DELETE FROM ${raw(table)} WHERE workspace_id = ${w.workspaceId} AND key IN (${keyList})
          AND (profile_id IN (SELECT profile_id FROM ${work}) OR profile_id NOT IN (SELECT profile_id FROM ${w.live}))`
      : sql`DELETE FROM ${raw(table)} WHERE workspace_id = ${w.workspaceId} AND key IN (${keyList})`;
    await tx.run(del.text, del.params);
    const picked = join(
      [...columns].map(([key, col]) => sql`${ident(col)} AS ${ident(key)}`),
      ', ',
    );
    const insert = sql`INSERT INTO ${raw(table)} SELECT ${w.workspaceId}, key, profile_id, value FROM
      (UNPIVOT (SELECT profile_id, ${picked} FROM ${work}) ON COLUMNS(* EXCLUDE (profile_id)) INTO NAME key VALUE value)`;
    await tx.run(insert.text, insert.params);
    const n = await tx.query<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM ${table} WHERE workspace_id = ? AND key IN (${keys.map(() => '?').join(', ')})`,
      [w.workspaceId, ...keys],
    );
    counts[table === 'tag_values' ? 'tags' : 'traits'] = n[0]?.n ?? 0;
  }
  return counts;
}

/** Today's distribution of each refreshed tag (replacing an earlier one of the same day). */
export async function writeSnapshots(
  tx: Tx,
  workspaceId: string,
  day: string,
  tags: ReadonlyArray<{ key: string; numeric: boolean }>,
): Promise<void> {
  if (tags.length === 0) return;
  await tx.run(
    `DELETE FROM tag_snapshots WHERE workspace_id = ? AND day = ?::DATE AND key IN (${tags.map(() => '?').join(', ')})`,
    [workspaceId, day, ...tags.map((t) => t.key)],
  );
  const categorical = tags.filter((t) => !t.numeric).map((t) => t.key);
  const numeric = tags.filter((t) => t.numeric).map((t) => t.key);
  if (categorical.length > 0) {
    // A list value (interest tags) counts once under each of its elements.
    await tx.run(
      `INSERT INTO tag_snapshots SELECT ?, key, ?::DATE, v, count(*) FROM (
          SELECT key, unnest(CASE WHEN json_type(value) = 'ARRAY' THEN from_json(value, '["JSON"]')::VARCHAR[] ELSE [value] END) AS v
            FROM tag_values WHERE workspace_id = ? AND key IN (${categorical.map(() => '?').join(', ')}))
        WHERE v IS NOT NULL GROUP BY key, v`,
      [workspaceId, day, workspaceId, ...categorical],
    );
  }
  if (numeric.length > 0) {
    await tx.run(
      `INSERT INTO tag_snapshots SELECT ?, key, ?::DATE,
          json_object('min', min(n), 'p25', quantile_cont(n, 0.25), 'median', median(n), 'p75', quantile_cont(n, 0.75),
                      'max', max(n), 'mean', avg(n))::VARCHAR, count(n)
        FROM (SELECT key, TRY_CAST(value AS DOUBLE) AS n FROM tag_values
               WHERE workspace_id = ? AND key IN (${numeric.map(() => '?').join(', ')}))
        GROUP BY key`,
      [workspaceId, day, workspaceId, ...numeric],
    );
  }
}

export async function writeRefreshRecords(
  tx: Tx,
  workspaceId: string,
  rows: readonly RefreshRow[],
): Promise<void> {
  for (const r of rows) {
    await tx.run(
      `INSERT INTO tag_refreshes VALUES (?, ?, ?, ?, ?::TIMESTAMP, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, key, kind) DO UPDATE SET version = excluded.version, refreshed_at = excluded.refreshed_at,
         mode = excluded.mode, generation = excluded.generation, profiles = excluded.profiles, valued = excluded.valued,
         millis = excluded.millis`,
      [
        workspaceId,
        r.key,
        r.kind,
        r.version,
        r.refreshed_at,
        r.mode,
        r.generation,
        r.profiles,
        r.valued,
        r.millis,
      ],
    );
  }
}

export async function valuesOfProfile(
  db: Database,
  table: ValueTable,
  workspaceId: string,
  profileId: string,
): Promise<Array<{ key: string; value: string }>> {
  return db.query(`SELECT key, value FROM ${table} WHERE workspace_id = ? AND profile_id = ? ORDER BY key`, [
    workspaceId,
    profileId,
  ]);
}

/** Profiles with a value, and the value counts (list values once per element), most common first. */
export async function distribution(
  db: Database,
  workspaceId: string,
  key: string,
  limit: number,
): Promise<{ valued: number; values: Array<{ value: string; profiles: number }> }> {
  const valued = await db.query<{ n: number }>(
    'SELECT count(*)::DOUBLE AS n FROM tag_values WHERE workspace_id = ? AND key = ?',
    [workspaceId, key],
  );
  const values = await db.query<{ value: string; profiles: number }>(
    `SELECT v AS value, count(*)::DOUBLE AS profiles FROM (
        SELECT unnest(CASE WHEN json_type(value) = 'ARRAY' THEN from_json(value, '["JSON"]')::VARCHAR[] ELSE [value] END) AS v
          FROM tag_values WHERE workspace_id = ? AND key = ?)
      GROUP BY v ORDER BY profiles DESC, v LIMIT ?`,
    [workspaceId, key, limit],
  );
  return { valued: valued[0]?.n ?? 0, values };
}

/** `distribution` of every tag of the workspace at once: the valued count and the top `limit` values of each. */
export async function distributions(
  db: Database,
  workspaceId: string,
  limit: number,
): Promise<Map<string, { valued: number; values: Array<{ value: string; profiles: number }> }>> {
  const out = new Map<string, { valued: number; values: Array<{ value: string; profiles: number }> }>();
  const counts = await db.query<{ key: string; n: number }>(
    'SELECT key, count(*)::DOUBLE AS n FROM tag_values WHERE workspace_id = ? GROUP BY key',
    [workspaceId],
  );
  for (const c of counts) out.set(c.key, { valued: c.n, values: [] });
  const rows = await db.query<{ key: string; value: string; profiles: number }>(
    `SELECT key, v AS value, profiles FROM (
        SELECT key, v, count(*)::DOUBLE AS profiles,
               row_number() OVER (PARTITION BY key ORDER BY count(*) DESC, v) AS rank
          FROM (SELECT key, unnest(CASE WHEN json_type(value) = 'ARRAY' THEN from_json(value, '["JSON"]')::VARCHAR[] ELSE [value] END) AS v
                  FROM tag_values WHERE workspace_id = ?)
          GROUP BY key, v)
      WHERE rank <= ? ORDER BY key, rank`,
    [workspaceId, limit],
  );
  for (const r of rows) out.get(r.key)?.values.push({ value: r.value, profiles: r.profiles });
  return out;
}

/** `numericSummary` of several tags at once, by key (a key with no values has none). */
export async function numericSummaries(
  db: Database,
  workspaceId: string,
  keys: readonly string[],
): Promise<Map<string, Record<string, number | null>>> {
  if (keys.length === 0) return new Map();
  const rows = await db.query<Record<string, number | null> & { key: string }>(
    `SELECT key, min(n) AS min, quantile_cont(n, 0.25) AS p25, median(n) AS median, quantile_cont(n, 0.75) AS p75,
            max(n) AS max, avg(n) AS mean
       FROM (SELECT key, TRY_CAST(value AS DOUBLE) AS n FROM tag_values
              WHERE workspace_id = ? AND key IN (${keys.map(() => '?').join(', ')}))
      GROUP BY key`,
    [workspaceId, ...keys],
  );
  return new Map(rows.map(({ key, ...summary }) => [key, summary]));
}

export async function numericSummary(
  db: Database,
  workspaceId: string,
  key: string,
): Promise<Record<string, number | null>> {
  const rows = await db.query<Record<string, number | null>>(
    `SELECT min(n) AS min, quantile_cont(n, 0.25) AS p25, median(n) AS median, quantile_cont(n, 0.75) AS p75,
            max(n) AS max, avg(n) AS mean
       FROM (SELECT TRY_CAST(value AS DOUBLE) AS n FROM tag_values WHERE workspace_id = ? AND key = ?)`,
    [workspaceId, key],
  );
  return rows[0] ?? {};
}

export async function snapshots(
  db: Database,
  workspaceId: string,
  key: string,
  from: string,
  to: string,
): Promise<Array<{ day: string; value: string; profiles: number }>> {
  return db.query(
    `SELECT strftime(day, '%Y-%m-%d') AS day, value, profiles::DOUBLE AS profiles FROM tag_snapshots
      WHERE workspace_id = ? AND key = ? AND day >= ?::DATE AND day <= ?::DATE ORDER BY day, profiles DESC, value`,
    [workspaceId, key, from, to],
  );
}

export async function insertAssignments(
  db: Database,
  workspaceId: string,
  key: string,
  rows: ReadonlyArray<{ profileId: string; value: string }>,
  at: Date,
  by: string | null,
  replace: boolean,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (replace)
      await tx.run('DELETE FROM tag_assignments WHERE workspace_id = ? AND key = ?', [workspaceId, key]);
    const stamp = at.toISOString().replace('T', ' ').replace('Z', '');
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params: SqlValue[] = [];
      for (const r of chunk) params.push(workspaceId, key, r.profileId, r.value, stamp, by);
      await tx.run(
        `INSERT INTO tag_assignments VALUES ${chunk.map(() => '(?, ?, ?, ?, ?::TIMESTAMP, ?)').join(', ')}`,
        params,
      );
    }
  });
}

/** Takes a manual tag from these profiles; answers how many of them had it. */
export async function removeAssignments(
  db: Database,
  workspaceId: string,
  key: string,
  profileIds: readonly string[],
): Promise<number> {
  const ids = [...new Set(profileIds)];
  return db.transaction(async (tx) => {
    let removed = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const marks = chunk.map(() => '?').join(', ');
      const params = [workspaceId, key, ...chunk];
      const [had] = await tx.query<{ n: number }>(
        `SELECT count(DISTINCT profile_id)::DOUBLE AS n FROM tag_assignments
          WHERE workspace_id = ? AND key = ? AND profile_id IN (${marks}) AND value <> 'null'`,
        params,
      );
      removed += had?.n ?? 0;
      await tx.run(
        `DELETE FROM tag_assignments WHERE workspace_id = ? AND key = ? AND profile_id IN (${marks})`,
        params,
      );
    }
    return removed;
  });
}

export interface AssignmentRow {
  profileId: string;
  /** JSON text. */
  value: string;
  assignedAt: string;
  assignedBy: string | null;
}

/** Who holds a manual tag now (the latest value per profile), newest assignment first. */
export async function listAssignments(
  db: Database,
  workspaceId: string,
  key: string,
  limit: number,
  offset: number,
): Promise<{ total: number; rows: AssignmentRow[] }> {
  const current = `SELECT profile_id, arg_max(value, assigned_at) AS value, max(assigned_at) AS assigned_at,
        arg_max(assigned_by, assigned_at) AS assigned_by
      FROM tag_assignments WHERE workspace_id = ? AND key = ? GROUP BY profile_id`;
  const [count] = await db.query<{ n: number }>(
    `SELECT count(*)::DOUBLE AS n FROM (${current}) WHERE value <> 'null'`,
    [workspaceId, key],
  );
  const rows = await db.query<{
    profile_id: string;
    value: string;
    assigned_at: string;
    assigned_by: string | null;
  }>(
    `SELECT profile_id, value, strftime(assigned_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS assigned_at, assigned_by
      FROM (${current}) WHERE value <> 'null' ORDER BY assigned_at DESC, profile_id LIMIT ? OFFSET ?`,
    [workspaceId, key, limit, offset],
  );
  return {
    total: count?.n ?? 0,
    rows: rows.map((r) => ({
      profileId: r.profile_id,
      value: r.value,
      assignedAt: r.assigned_at,
      assignedBy: r.assigned_by,
    })),
  };
}

/** The assigned values of a manual tag, the latest per profile (`null` JSON removes one). */
export function assignmentsRelation(workspaceId: string, key: string): Sql {
  return sql`(SELECT profile_id, value FROM (SELECT profile_id, arg_max(value, assigned_at) AS value FROM tag_assignments
      WHERE workspace_id = ${workspaceId} AND key = ${key} GROUP BY profile_id) WHERE value <> 'null')`;
}

/** Profiles assigned a manual value whose profile has since merged into another. */
export async function assignedProfiles(db: Database, workspaceId: string): Promise<string[]> {
  const rows = await db.query<{ profile_id: string }>(
    'SELECT DISTINCT profile_id FROM tag_assignments WHERE workspace_id = ?',
    [workspaceId],
  );
  return rows.map((r) => r.profile_id);
}

export async function moveAssignments(
  db: Database,
  workspaceId: string,
  moves: ReadonlyArray<[string, string]>,
): Promise<void> {
  if (moves.length === 0) return;
  await db.transaction(async (tx) => {
    for (const [from, to] of moves) {
      await tx.run('UPDATE tag_assignments SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?', [
        to,
        workspaceId,
        from,
      ]);
    }
  });
}
