import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DuckDBInstance,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

/** A value that may be bound to a `?` placeholder. */
export type SqlValue = string | number | boolean | bigint | null | Date;

export type Row = Record<string, unknown>;

/** The part of a connection that a transaction body may use. */
export interface Tx {
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** A bulk appender on `table`, valid inside this transaction only. */
  appender(table: string): Promise<DuckDBAppender>;
}

export interface SideConnection extends Tx {
  transaction<T>(body: (tx: Tx) => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * The embedded store: one DuckDB file, one writer connection (serialised: DuckDB has one
 * writer and we keep commits ordered) and one reader connection for queries (MVCC snapshots).
 */
export class Database {
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly appenders = new Map<string, DuckDBAppender>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) the database file; fails clearly if another process holds it. */
  static async open(path: string): Promise<Database> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    const writer = await instance.connect();
    const reader = await instance.connect();
    // Text without an offset is UTC everywhere (conditions cast ISO texts to TIMESTAMPTZ).
    for (const conn of [writer, reader]) await conn.run("SET TimeZone = 'UTC'");
    return new Database(instance, writer, reader, path);
  }

  /** Runs a read query on the reader connection; BIGINTs come back as numbers when they fit. */
  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return readRows<T>(this.reader, sql, params);
  }

  /**
   * Streams a query's result chunk by chunk (columns of JS values), for scans too large to
   * hold as row objects.
   */
  async scan(
    sql: string,
    params: readonly SqlValue[],
    onChunk: (columns: unknown[][]) => void,
  ): Promise<void> {
    const result = await this.reader.stream(sql, toDuckValues(params));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      onChunk(chunk.getColumns());
    }
  }

  /** Runs one statement on the writer connection, after any write already queued. */
  run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    return this.serialise(async () => {
      await this.writer.run(sql, toDuckValues(params));
    });
  }

  /** Runs `body` in one transaction on the writer; commits if it resolves, rolls back if it throws. */
  transaction<T>(body: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serialise(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      const tx: Tx = {
        run: async (sql, params = []) => {
          await this.writer.run(sql, toDuckValues(params));
        },
        query: (sql, params = []) => readRows(this.writer, sql, params),
        appender: (table) => this.appenderFor(table),
      };
      try {
        const result = await body(tx);
        for (const appender of this.appenders.values()) appender.flushSync();
        await this.writer.run('COMMIT');
        return result;
      } catch (err) {
        await this.rollbackAfter(err);
        throw err;
      }
    });
  }

  private async rollbackAfter(err: unknown): Promise<void> {
    // A failed appender flush leaves the appender unusable: drop them all, they are recreated lazily.
    for (const appender of this.appenders.values()) {
      try {
        appender.closeSync();
      } catch (closeErr) {
        void closeErr; // the original error is the one that matters; the appender is discarded either way
      }
    }
    this.appenders.clear();
    try {
      await this.writer.run('ROLLBACK');
    } catch (rollbackErr) {
      throw new AggregateError([err, rollbackErr], 'transaction failed and could not be rolled back', {
        cause: rollbackErr,
      });
    }
  }

  private async appenderFor(table: string): Promise<DuckDBAppender> {
    let appender = this.appenders.get(table);
    if (!appender) {
      appender = await this.writer.createAppender(table);
      this.appenders.set(table, appender);
    }
    return appender;
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.writeChain.then(fn, fn);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  /**
   * A connection of its own for a long job (a tag refresh) that must not hold up the writer:
   * DuckDB runs its transactions beside the writer's (they touch different tables).
   */
  async side(): Promise<SideConnection> {
    const conn = await this.instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    const tx: Tx = {
      run: async (sql, params = []) => {
        await conn.run(sql, toDuckValues(params));
      },
      query: (sql, params = []) => readRows(conn, sql, params),
      appender: (table) => conn.createAppender(table),
    };
    return {
      ...tx,
      transaction: async <T>(body: (t: Tx) => Promise<T>): Promise<T> => {
        await conn.run('BEGIN TRANSACTION');
        try {
          const result = await body(tx);
          await conn.run('COMMIT');
          return result;
        } catch (err) {
          await conn.run('ROLLBACK');
          throw err;
        }
      },
      close: () => conn.closeSync(),
    };
  }

  /** Writes everything out and releases the file lock. */
  async close(): Promise<void> {
    await this.writeChain;
    for (const appender of this.appenders.values()) appender.closeSync();
    this.appenders.clear();
    if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    this.reader.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

function toDuckValues(params: readonly SqlValue[]): DuckDBValue[] {
  return params.map((p) => (p instanceof Date ? toSqlTimestamp(p.getTime()) : p));
}

async function readRows<T extends Row>(
  conn: DuckDBConnection,
  sql: string,
  params: readonly SqlValue[],
): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, toDuckValues(params));
  const rows = reader.getRowObjectsJS() as Row[];
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      const v = row[key];
      if (
        typeof v === 'bigint' &&
        v <= BigInt(Number.MAX_SAFE_INTEGER) &&
        v >= BigInt(Number.MIN_SAFE_INTEGER)
      ) {
        row[key] = Number(v);
      }
    }
  }
  return rows as T[];
}

/** Epoch milliseconds as a UTC `TIMESTAMP` literal DuckDB casts from a bound string. */
export function toSqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
