import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { join, sql, type Sql } from '../platform/db/sql.js';
import type { Database, SqlValue, Tx } from '../platform/db/duckdb.js';
import type { PreparedEvent, RejectedInput } from './message.js';
import type { FingerprintSet } from './fingerprint-set.js';

/** The storage layer of `collect`: every SQL statement on events and rejected records. */

const ts = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(ms) * 1000n);

function varcharOrNull(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

function timestampOrNull(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendTimestamp(ts(v));
}

/** Appends events inside `tx`, with their sequence numbers (`seqs[i]` for `events[i]`). Column order matches the table. */
export async function appendEvents(
  tx: Tx,
  seqs: readonly number[],
  events: readonly PreparedEvent[],
): Promise<void> {
  const a = await tx.appender('events');
  for (let i = 0; i < events.length; i++) {
    // Appending is synchronous: let requests in between slices so a large load does not stall them.
    if (i > 0 && i % 4096 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const e = events[i]!;
    a.appendBigInt(BigInt(seqs[i]!));
    a.appendVarchar(e.workspaceId);
    a.appendVarchar(e.sourceId);
    a.appendVarchar(e.messageId);
    a.appendUInteger(e.fpHi);
    a.appendUInteger(e.fpLo);
    a.appendVarchar(e.type);
    varcharOrNull(a, e.event);
    varcharOrNull(a, e.name);
    varcharOrNull(a, e.userId);
    varcharOrNull(a, e.anonymousId);
    varcharOrNull(a, e.groupId);
    varcharOrNull(a, e.previousId);
    a.appendTimestamp(ts(e.timestamp));
    timestampOrNull(a, e.originalTimestamp);
    timestampOrNull(a, e.sentAt);
    a.appendTimestamp(ts(e.receivedAt));
    varcharOrNull(a, e.properties);
    varcharOrNull(a, e.traits);
    varcharOrNull(a, e.context);
    varcharOrNull(a, e.integrations);
    varcharOrNull(a, e.extra);
    a.endRow();
  }
}

export interface StoredRejected extends RejectedInput {
  id: string;
}

export async function appendRejected(tx: Tx, records: readonly StoredRejected[]): Promise<void> {
  const a = await tx.appender('rejected_records');
  for (const r of records) {
    a.appendVarchar(r.id);
    a.appendVarchar(r.workspaceId);
    varcharOrNull(a, r.sourceId);
    a.appendVarchar(r.origin);
    varcharOrNull(a, r.originRef);
    a.appendVarchar(r.code);
    a.appendVarchar(r.reason);
    a.appendVarchar(r.payload);
    a.appendTimestamp(ts(r.receivedAt));
    a.appendVarchar('open');
    a.appendInteger(0);
    a.appendNull();
    a.endRow();
  }
}

/** Of `messageIds`, those already stored for the workspace (the exact check behind a fingerprint hit). */
export async function findStoredMessageIds(
  tx: Pick<Tx, 'query'>,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < messageIds.length; i += 500) {
    const chunk = messageIds.slice(i, i + 500);
    const rows = await tx.query<{ message_id: string }>(
      `SELECT message_id FROM events WHERE workspace_id = ? AND message_id IN (${chunk.map(() => '?').join(', ')})`,
      [workspaceId, ...chunk],
    );
    for (const r of rows) found.add(r.message_id);
  }
  return found;
}

/** The highest ingest-log sequence number the store holds. */
export async function readLoadedLsn(db: Database): Promise<number> {
  const rows = await db.query<{ loaded_lsn: number }>('SELECT loaded_lsn FROM ingest_state');
  return rows[0]?.loaded_lsn ?? 0;
}

export async function writeLoadedLsn(tx: Tx, lsn: number): Promise<void> {
  await tx.run('UPDATE ingest_state SET loaded_lsn = ?', [lsn]);
}

/** Streams every stored fingerprint into `set` (the dedup index is rebuilt at start). */
export async function loadFingerprints(db: Database, set: FingerprintSet): Promise<void> {
  await db.scan('SELECT fp_hi, fp_lo FROM events', [], (columns) => {
    const hi = columns[0]!;
    const lo = columns[1]!;
    for (let i = 0; i < hi.length; i++) set.add(hi[i] as number, lo[i] as number);
  });
}

export interface EventFilter {
  workspaceId: string;
  messageId?: string;
  userId?: string;
  anonymousId?: string;
  type?: string;
  event?: string;
  sourceId?: string;
  /** Return events with seq below this (paging backwards, newest first). */
  beforeSeq?: number;
  limit: number;
}

export interface EventRow {
  seq: number;
  source_id: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  group_id: string | null;
  previous_id: string | null;
  timestamp: Date;
  original_timestamp: Date | null;
  sent_at: Date | null;
  received_at: Date;
  properties: string | null;
  traits: string | null;
  context: string | null;
  integrations: string | null;
  extra: string | null;
}

/** Newest first; every filter value is a bound parameter. */
export async function listEvents(db: Database, f: EventFilter): Promise<EventRow[]> {
  const where: string[] = ['workspace_id = ?'];
  const params: SqlValue[] = [f.workspaceId];
  const eq = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  eq('message_id', f.messageId);
  eq('user_id', f.userId);
  eq('anonymous_id', f.anonymousId);
  eq('type', f.type);
  eq('event', f.event);
  eq('source_id', f.sourceId);
  if (f.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(f.beforeSeq);
  }
  params.push(f.limit);
  return db.query<EventRow & Record<string, unknown>>(
    `SELECT seq, source_id, message_id, type, event, name, user_id, anonymous_id, group_id, previous_id,
            timestamp, original_timestamp, sent_at, received_at, properties, traits, context, integrations, extra
       FROM events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
    params,
  );
}

/** Stored events by sequence number, in the order asked for (a profile's timeline page). */
export async function eventsBySeq(
  db: Database,
  workspaceId: string,
  seqs: readonly number[],
): Promise<EventRow[]> {
  if (seqs.length === 0) return [];
  const rows = await db.query<EventRow & Record<string, unknown>>(
    `SELECT seq, source_id, message_id, type, event, name, user_id, anonymous_id, group_id, previous_id,
            timestamp, original_timestamp, sent_at, received_at, properties, traits, context, integrations, extra
       FROM events WHERE workspace_id = ? AND seq IN (${seqs.map(() => '?').join(', ')})`,
    [workspaceId, ...seqs],
  );
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  return seqs.flatMap((s) => bySeq.get(s) ?? []);
}

export async function countEvents(db: Database, workspaceId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE workspace_id = ?', [
    workspaceId,
  ]);
  return rows[0]?.n ?? 0;
}

/** What identity resolution reads of a stored event. */
export interface StoredEventIdentity {
  seq: number;
  workspaceId: string;
  sourceId: string;
  fpHi: number;
  type: string;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  /** Event time, epoch ms. */
  timestamp: number;
  /** The message had a time of its own (not stamped on arrival). */
  dated: boolean;
  traits: string | null;
  context: string | null;
}

/** Streams stored events after `afterSeq` in sequence order (identity catch-up and rebuild). */
export async function scanEventsAfter(
  db: Database,
  afterSeq: number,
  onRow: (row: StoredEventIdentity) => void,
): Promise<void> {
  await db.scan(
    `SELECT seq::DOUBLE, workspace_id, source_id, fp_hi, type, user_id, anonymous_id, previous_id,
            epoch_ms(timestamp)::DOUBLE, original_timestamp IS NOT NULL, traits, context
       FROM events WHERE seq > ? ORDER BY seq`,
    [afterSeq],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++) {
        onRow({
          seq: c[0]![i] as number,
          workspaceId: c[1]![i] as string,
          sourceId: c[2]![i] as string,
          fpHi: c[3]![i] as number,
          type: c[4]![i] as string,
          userId: c[5]![i] as string | null,
          anonymousId: c[6]![i] as string | null,
          previousId: c[7]![i] as string | null,
          timestamp: c[8]![i] as number,
          dated: c[9]![i] as boolean,
          traits: c[10]![i] as string | null,
          context: c[11]![i] as string | null,
        });
      }
    },
  );
}

/** The natural keys of stored events (message id, order id, external ids), for scoring against a ground truth. */
export interface EventKeys {
  seq: number;
  messageId: string;
  sourceId: string;
  orderId: string | null;
  externalIds: Array<{ type: string; id: string }>;
}

export async function scanEventKeys(
  db: Database,
  workspaceId: string,
  onRow: (row: EventKeys) => void,
): Promise<void> {
  await db.scan(
    `SELECT seq::DOUBLE, message_id, source_id, json_extract_string(properties, '$.order_id'),
            CASE WHEN type = 'identify' THEN json_extract(context, '$.externalIds')::VARCHAR END
       FROM events WHERE workspace_id = ?`,
    [workspaceId],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++) {
        const ext = c[4]![i] as string | null;
        onRow({
          seq: c[0]![i] as number,
          messageId: c[1]![i] as string,
          sourceId: c[2]![i] as string,
          orderId: c[3]![i] as string | null,
          externalIds: ext ? (JSON.parse(ext) as Array<{ type: string; id: string }>) : [],
        });
      }
    },
  );
}

/**
 * Stored events of a workspace in a seq range, as later stages read them in SQL: page and screen
 * calls are named `Page Viewed` / `Screen Viewed` (the Segment spec's names), other non-track
 * calls have no event name. `channel` is the event's own (`properties.channel`,
 * `context.channel`), else the one its SDK implies (analytics.js: web, iOS/Android/React Native/
 * Flutter: app, mini-program SDKs: miniprogram), else null.
 */
export function eventsRelation(workspaceId: string, afterSeq: number, upToSeq: number): Sql {
  return sql`(SELECT seq, source_id, ts, properties, traits, event,
      coalesce(own_channel, CASE
        WHEN lib LIKE '%miniprogram%' OR lib LIKE '%mini-program%' OR lib LIKE '%wechat%' OR lib LIKE '%weapp%' THEN 'miniprogram'
        WHEN lib LIKE '%ios%' OR lib LIKE '%android%' OR lib LIKE '%react-native%' OR lib LIKE '%flutter%' THEN 'app'
        WHEN lib LIKE '%analytics.js%' OR lib LIKE '%web%' OR lib LIKE '%browser%' THEN 'web' END) AS channel
    FROM (SELECT seq, source_id, timestamp AS ts, properties, traits,
        CASE type WHEN 'track' THEN event WHEN 'page' THEN 'Page Viewed' WHEN 'screen' THEN 'Screen Viewed' END AS event,
        coalesce(json_extract_string(properties, '$.channel'), ctx[1]) AS own_channel, lower(ctx[2]) AS lib
      FROM (SELECT *, json_extract_string(context, ['$.channel', '$.library.name']) AS ctx FROM events
        WHERE workspace_id = ${workspaceId} AND seq > ${afterSeq} AND seq <= ${upToSeq})))`;
}

/**
 * The sequence numbers of the workspace's events of the given message types and, when `events` is
 * given, track calls of those names (an absent list is no condition), as a sub-query later stages
 * join on `seq` (a profile's filtered timeline). Every value is a bound parameter.
 */
export function eventSeqsMatching(
  workspaceId: string,
  only: { types?: readonly string[] | undefined; events?: readonly string[] | undefined },
): Sql {
  const listOf = (values: readonly string[]): Sql =>
    join(
      values.map((v) => sql`${v}`),
      ', ',
    );
  const types = only.types?.length ? sql` AND type IN (${listOf(only.types)})` : sql``;
  const events = only.events?.length ? sql` AND type = 'track' AND event IN (${listOf(only.events)})` : sql``;
  return sql`(SELECT seq FROM events WHERE workspace_id = ${workspaceId}${types}${events})`;
}

/** Events per local day since `from` (epoch ms), the day in the workspace's zone (`offsetMs`). */
export async function eventsByDay(
  db: Database,
  workspaceId: string,
  from: number,
  offsetMs: number,
): Promise<Array<{ day: string; events: number }>> {
  return db.query(
    `SELECT strftime(received_at + to_milliseconds(?), '%Y-%m-%d') AS day, count(*)::DOUBLE AS events
       FROM events WHERE workspace_id = ? AND received_at >= ?::TIMESTAMP GROUP BY 1 ORDER BY 1`,
    [offsetMs, workspaceId, new Date(from)],
  );
}

/** Per source: events received since `since`, the last one ever, and records rejected since `since`. */
export async function sourceActivity(
  db: Database,
  workspaceId: string,
  since: number,
): Promise<Array<{ source_id: string; events: number; last_event_at: string | null; rejected: number }>> {
  return db.query(
    `WITH e AS (SELECT source_id, count(*) FILTER (WHERE received_at >= ?::TIMESTAMP)::DOUBLE AS events,
                       strftime(max(received_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS last_event_at
                  FROM events WHERE workspace_id = ? GROUP BY source_id),
          r AS (SELECT source_id, count(*)::DOUBLE AS rejected FROM rejected_records
                 WHERE workspace_id = ? AND received_at >= ?::TIMESTAMP AND source_id IS NOT NULL GROUP BY source_id)
     SELECT coalesce(e.source_id, r.source_id) AS source_id, coalesce(e.events, 0) AS events, e.last_event_at,
            coalesce(r.rejected, 0) AS rejected
       FROM e FULL JOIN r USING (source_id)`,
    [new Date(since), workspaceId, workspaceId, new Date(since)],
  );
}
