import type { Database, Tx } from '../platform/db/duckdb.js';

/** The `users` table: console users per workspace (see users.ts). Times are epoch milliseconds. */

export interface UserRow {
  id: string;
  workspace_id: string;
  username: string;
  /** The username lower-cased: unique per workspace, so `Alice` and `alice` are one user. */
  username_key: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: boolean;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

const COLUMNS = `id, workspace_id, username, username_key, display_name, role, password_hash, disabled,
  epoch_ms(created_at) AS created_at, epoch_ms(updated_at) AS updated_at, epoch_ms(last_login_at) AS last_login_at`;

export async function selectUsers(db: Database): Promise<UserRow[]> {
  return db.query<UserRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM users ORDER BY created_at, id`);
}

export async function insertUser(tx: Pick<Tx, 'run'>, row: UserRow): Promise<void> {
  await tx.run(
    `INSERT INTO users (id, workspace_id, username, username_key, display_name, role, password_hash, disabled,
       created_at, updated_at, last_login_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?::TIMESTAMP)`,
    [
      row.id,
      row.workspace_id,
      row.username,
      row.username_key,
      row.display_name,
      row.role,
      row.password_hash,
      row.disabled,
      new Date(row.created_at),
      new Date(row.updated_at),
      row.last_login_at === null ? null : new Date(row.last_login_at),
    ],
  );
}

/** Writes every column a user may change (the id, workspace and username never change). */
export async function updateUser(tx: Pick<Tx, 'run'>, row: UserRow): Promise<void> {
  await tx.run(
    `UPDATE users SET display_name = ?, role = ?, password_hash = ?, disabled = ?,
       updated_at = ?::TIMESTAMP, last_login_at = ?::TIMESTAMP
     WHERE id = ?`,
    [
      row.display_name,
      row.role,
      row.password_hash,
      row.disabled,
      new Date(row.updated_at),
      row.last_login_at === null ? null : new Date(row.last_login_at),
      row.id,
    ],
  );
}
