import type { Database } from './duckdb.js';

/**
 * Schema migrations, applied in order, each once, each in its own transaction.
 * Append new ones; never edit one that has shipped.
 *
 * The tables carry `workspace_id` first: it is the distribution key when the schema moves to
 * a distributed PostgreSQL (DESIGN.md, Storage).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string[] }> = [
  {
    version: 1,
    name: 'foundation',
    sql: [
      `CREATE TABLE workspaces (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE sources (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        write_key_hash VARCHAR NOT NULL UNIQUE,
        write_key_hint VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        disabled_at TIMESTAMP
      )`,
      `CREATE TABLE api_keys (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL UNIQUE,
        key_hint VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
      )`,
      // Events: one row per accepted Segment-spec message. seq is the commit order.
      // Columns used for scans (workspace, event name, identifiers, timestamp) are plain columns;
      // the payload objects are JSON text in VARCHAR columns: DuckDB's json_* functions read them
      // all the same, and appending VARCHAR is about twice as fast as the JSON type, which
      // re-validates each value on insert.
      `CREATE TABLE events (
        seq BIGINT NOT NULL,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        message_id VARCHAR NOT NULL,
        fp_hi UINTEGER NOT NULL,
        fp_lo UINTEGER NOT NULL,
        type VARCHAR NOT NULL,
        event VARCHAR,
        name VARCHAR,
        user_id VARCHAR,
        anonymous_id VARCHAR,
        group_id VARCHAR,
        previous_id VARCHAR,
        timestamp TIMESTAMP NOT NULL,
        original_timestamp TIMESTAMP,
        sent_at TIMESTAMP,
        received_at TIMESTAMP NOT NULL,
        properties VARCHAR,
        traits VARCHAR,
        context VARCHAR,
        integrations VARCHAR,
        extra VARCHAR
      )`,
      // The highest ingest-log entry loaded into this store (see collect/ingest-log.ts).
      `CREATE TABLE ingest_state (loaded_lsn BIGINT NOT NULL)`,
      `INSERT INTO ingest_state VALUES (0)`,
      `CREATE TABLE rejected_records (
        id VARCHAR NOT NULL,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR,
        origin VARCHAR NOT NULL,
        origin_ref VARCHAR,
        code VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        payload VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        resolved_at TIMESTAMP
      )`,
      `CREATE TABLE imports (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        mapping VARCHAR NOT NULL,
        file_name VARCHAR,
        status VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        records BIGINT NOT NULL,
        accepted BIGINT NOT NULL,
        duplicates BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        rejected_by_code VARCHAR,
        error VARCHAR
      )`,
    ],
  },
];

/** Brings the database to the newest schema; returns the versions applied now. */
export async function migrate(db: Database): Promise<number[]> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
  );
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      for (const statement of migration.sql) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations VALUES (?, ?, ?::TIMESTAMP)', [
        migration.version,
        migration.name,
        new Date(),
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}
