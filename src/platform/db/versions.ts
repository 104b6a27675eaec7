import type { Database, Tx } from './duckdb.js';

/**
 * Definitions kept by version (segments, journeys): every change is a new row, the newest is
 * current, and the history reads back with who made each version and when.
 */

export type VersionedTable = 'segment_definitions' | 'journey_definitions';

export interface VersionRow<D, S extends string> {
  id: string;
  version: number;
  definition: D;
  status: S;
  createdAt: string;
  createdBy: string | null;
}

export const ISO_FORMAT = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

interface StoredVersion {
  workspace_id: string;
  id: string;
  version: number;
  definition: string;
  status: string;
  created_at: string;
  created_by: string | null;
  [column: string]: unknown;
}

const COLUMNS = `workspace_id, id, version, definition, status, strftime(created_at, ${ISO_FORMAT}) AS created_at, created_by`;

function toRow<D, S extends string>(r: StoredVersion): VersionRow<D, S> {
  return {
    id: r.id,
    version: r.version,
    definition: JSON.parse(r.definition) as D,
    status: r.status as S,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export async function insertVersion<D, S extends string>(
  db: Pick<Tx, 'run'>,
  table: VersionedTable,
  workspaceId: string,
  row: Omit<VersionRow<D, S>, 'createdAt'>,
  at: number,
): Promise<void> {
  await db.run(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP, ?)`, [
    workspaceId,
    row.id,
    row.version,
    JSON.stringify(row.definition),
    row.status,
    new Date(at),
    row.createdBy,
  ]);
}

/** The newest version of every definition of every workspace. */
export async function latestVersions<D, S extends string>(
  db: Database,
  table: VersionedTable,
): Promise<Array<VersionRow<D, S> & { workspaceId: string }>> {
  const rows = await db.query<StoredVersion>(
    `SELECT ${COLUMNS} FROM ${table}
      QUALIFY row_number() OVER (PARTITION BY workspace_id, id ORDER BY version DESC) = 1 ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ ...toRow<D, S>(r), workspaceId: r.workspace_id }));
}

export async function versionsOf<D, S extends string>(
  db: Database,
  table: VersionedTable,
  workspaceId: string,
  id: string,
): Promise<Array<VersionRow<D, S>>> {
  const rows = await db.query<StoredVersion>(
    `SELECT ${COLUMNS} FROM ${table} WHERE workspace_id = ? AND id = ? ORDER BY version DESC`,
    [workspaceId, id],
  );
  return rows.map((r) => toRow<D, S>(r));
}

/** One version (journey instances keep running on the version they entered). */
export async function versionOf<D, S extends string>(
  db: Database,
  table: VersionedTable,
  workspaceId: string,
  id: string,
  version: number,
): Promise<VersionRow<D, S> | null> {
  const rows = await db.query<StoredVersion>(
    `SELECT ${COLUMNS} FROM ${table} WHERE workspace_id = ? AND id = ? AND version = ?`,
    [workspaceId, id, version],
  );
  return rows[0] ? toRow<D, S>(rows[0]) : null;
}
