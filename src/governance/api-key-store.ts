import type { Database } from '../platform/db/duckdb.js';

export interface ApiKeyRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  key_hash: string;
  key_hint: string;
  created_at: Date;
  revoked_at: Date | null;
}

export async function insertApiKey(db: Database, row: Omit<ApiKeyRow, 'revoked_at'>): Promise<void> {
  await db.run('INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?::TIMESTAMP, NULL)', [
    row.id,
    row.workspace_id,
    row.name,
    row.role,
    row.key_hash,
    row.key_hint,
    row.created_at,
  ]);
}

export async function selectApiKeys(db: Database): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow & Record<string, unknown>>('SELECT * FROM api_keys ORDER BY created_at');
}

export async function updateApiKeyRevoked(db: Database, id: string, at: Date): Promise<void> {
  await db.run('UPDATE api_keys SET revoked_at = ?::TIMESTAMP WHERE id = ?', [at, id]);
}
