import type { OutboundMessage } from '../channels/channel.js';
import type { FactEvent } from '../conditions/index.js';
import type { Database, Tx } from '../platform/db/duckdb.js';
import { parseJsonObject } from '../platform/json.js';
import type { JourneyDefinition } from './definitions.js';

/**
 * Journeys' SQL: instances (rewritten in batches), the step log, the outbox and what became of
 * each send, feedback, the event cursor (and the facts after it) and schedule runs. Every outside
 * value is a parameter.
 */

export type InstanceState = 'active' | 'waiting' | 'exited';

export interface InstanceContext {
  trigger: string;
  event?: { name: string; properties: Record<string, unknown> };
}

export interface Instance {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  entryNo: number;
  state: InstanceState;
  stepId: string | null;
  wakeAt: number | null;
  variant: string | null;
  holdout: boolean;
  enteredAt: number;
  updatedAt: number;
  exitReason: string | null;
  convertedAt: number | null;
  revenue: number | null;
  context: InstanceContext;
}

export interface StepLogRow {
  workspaceId: string;
  journeyId: string;
  version: number;
  instanceId: string;
  profileId: string;
  stepId: string;
  at: number;
  outcome: string;
}

/** A rendered message as the outbox keeps it (the channel and key are the send's own). */
export type OutboxMessage = Omit<OutboundMessage, 'channel' | 'idempotencyKey' | 'metadata'> & {
  metadata: Record<string, string>;
};

export interface SendRow {
  workspaceId: string;
  key: string;
  journeyId: string;
  version: number;
  stepId: string;
  instanceId: string;
  profileId: string;
  /** A channel kind, or `call` for a journey's own webhook step. */
  channel: string;
  message: OutboxMessage;
  createdAt: number;
}

export type SendStatus = 'sent' | 'retry' | 'dead';

export interface SendResult {
  workspaceId: string;
  key: string;
  at: number;
  status: SendStatus;
  attempt: number;
  provider: string | null;
  providerMessageId: string | null;
  reason: string | null;
  nextAttemptAt: number | null;
}

export interface FeedbackRow {
  workspaceId: string;
  key: string;
  kind: string;
  at: number;
  detail: Record<string, unknown>;
}

export interface JourneyWrite {
  /** Instances as they stand now; `stored` are those that already have a row. */
  instances: Instance[];
  stored: ReadonlySet<string>;
  steps: StepLogRow[];
  sends: SendRow[];
  results: SendResult[];
  feedback: FeedbackRow[];
  cursors: Map<string, number>;
  runs: Array<{ workspaceId: string; journeyId: string; runKey: string; at: number; entered: number }>;
}

const CHUNK = 1000;

const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

type Cell = string | number | boolean | null;

/**
 * Appends rows to a table; `kinds` has one letter a column: v text, i integer, d double,
 * b boolean, t a time in epoch ms (the store's TIMESTAMP).
 */
async function appendRows(
  tx: Tx,
  table: string,
  kinds: string,
  rows: ReadonlyArray<readonly Cell[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const a = await tx.appender(table);
  for (const row of rows) {
    for (let c = 0; c < kinds.length; c++) {
      const v = row[c] ?? null;
      if (v === null) a.appendNull();
      else if (kinds[c] === 'v') a.appendVarchar(v as string);
      else if (kinds[c] === 'i') a.appendInteger(v as number);
      else if (kinds[c] === 'd') a.appendDouble(v as number);
      else if (kinds[c] === 'b') a.appendBoolean(v as boolean);
      else a.appendVarchar(stamp(v as number));
    }
    a.endRow();
  }
  a.flushSync();
}

export async function writeJourneyChanges(tx: Tx, w: JourneyWrite): Promise<void> {
  const old = new Map<string, string[]>();
  for (const x of w.instances) {
    if (!w.stored.has(x.id)) continue;
    const ids = old.get(x.workspaceId);
    if (ids) ids.push(x.id);
    else old.set(x.workspaceId, [x.id]);
  }
  for (const [ws, ids] of old) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      await tx.run(
        `DELETE FROM journey_instances WHERE workspace_id = ? AND id IN (${part.map(() => '?').join(', ')})`,
        [ws, ...part],
      );
    }
  }
  await appendRows(
    tx,
    'journey_instances',
    'vvvivivvtvbttvtdv',
    w.instances.map((x) => [
      x.workspaceId,
      x.id,
      x.journeyId,
      x.version,
      x.profileId,
      x.entryNo,
      x.state,
      x.stepId,
      x.wakeAt,
      x.variant,
      x.holdout,
      x.enteredAt,
      x.updatedAt,
      x.exitReason,
      x.convertedAt,
      x.revenue,
      JSON.stringify(x.context),
    ]),
  );
  await appendRows(
    tx,
    'journey_step_log',
    'vvivvvtv',
    w.steps.map((s) => [
      s.workspaceId,
      s.journeyId,
      s.version,
      s.instanceId,
      s.profileId,
      s.stepId,
      s.at,
      s.outcome,
    ]),
  );
  await appendRows(
    tx,
    'journey_sends',
    'vvvivvvvvt',
    w.sends.map((s) => [
      s.workspaceId,
      s.key,
      s.journeyId,
      s.version,
      s.stepId,
      s.instanceId,
      s.profileId,
      s.channel,
      JSON.stringify(s.message),
      s.createdAt,
    ]),
  );
  await appendRows(
    tx,
    'journey_send_results',
    'vvtvivvvt',
    w.results.map((r) => [
      r.workspaceId,
      r.key,
      r.at,
      r.status,
      r.attempt,
      r.provider,
      r.providerMessageId,
      r.reason,
      r.nextAttemptAt,
    ]),
  );
  await appendRows(
    tx,
    'journey_feedback',
    'vvvtv',
    w.feedback.map((f) => [f.workspaceId, f.key, f.kind, f.at, JSON.stringify(f.detail)]),
  );
  for (const [ws, seq] of w.cursors) {
    await tx.run(
      `INSERT INTO journey_cursor VALUES (?, ?, now()::TIMESTAMP)
        ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`,
      [ws, seq],
    );
  }
  for (const r of w.runs) {
    await tx.run('INSERT OR IGNORE INTO journey_runs VALUES (?, ?, ?, ?::TIMESTAMP, ?)', [
      r.workspaceId,
      r.journeyId,
      r.runKey,
      new Date(r.at),
      r.entered,
    ]);
  }
}

interface InstanceSql {
  workspace_id: string;
  id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  entry_no: number;
  state: string;
  step_id: string | null;
  wake_at: number | null;
  variant: string | null;
  holdout: boolean;
  entered_at: number;
  updated_at: number;
  exit_reason: string | null;
  converted_at: number | null;
  revenue: number | null;
  context: string;
  [c: string]: unknown;
}

const INSTANCE_COLUMNS = `workspace_id, id, journey_id, version, profile_id, entry_no, state, step_id,
  epoch_ms(wake_at)::DOUBLE AS wake_at, variant, holdout, epoch_ms(entered_at)::DOUBLE AS entered_at,
  epoch_ms(updated_at)::DOUBLE AS updated_at, exit_reason, epoch_ms(converted_at)::DOUBLE AS converted_at,
  revenue, context`;

/** Instances still running, and finished ones whose goal window is still open. */
export async function loadInstances(db: Database, goalOpenSince: number): Promise<Instance[]> {
  const rows = await db.query<InstanceSql>(
    `SELECT ${INSTANCE_COLUMNS} FROM journey_instances
      WHERE state <> 'exited' OR (converted_at IS NULL AND entered_at >= ?::TIMESTAMP)`,
    [new Date(goalOpenSince)],
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    journeyId: r.journey_id,
    version: r.version,
    profileId: r.profile_id,
    entryNo: r.entry_no,
    state: r.state as InstanceState,
    stepId: r.step_id,
    wakeAt: r.wake_at,
    variant: r.variant,
    holdout: r.holdout,
    enteredAt: r.entered_at,
    updatedAt: r.updated_at,
    exitReason: r.exit_reason,
    convertedAt: r.converted_at,
    revenue: r.revenue,
    context: JSON.parse(r.context) as InstanceContext,
  }));
}

/** Per journey and profile: how many entries, the last one's number and time (re-entry rules). */
export async function loadEntries(
  db: Database,
): Promise<
  Array<{ workspace_id: string; journey_id: string; profile_id: string; last_no: number; last_at: number }>
> {
  return db.query(
    `SELECT workspace_id, journey_id, profile_id, max(entry_no)::INTEGER AS last_no,
            epoch_ms(max(entered_at))::DOUBLE AS last_at
       FROM journey_instances GROUP BY ALL`,
  );
}

/** Sends without a final result: never tried, or waiting for a retry. */
export async function loadOpenSends(
  db: Database,
): Promise<Array<SendRow & { attempt: number; dueAt: number }>> {
  const rows = await db.query<{
    workspace_id: string;
    key: string;
    journey_id: string;
    version: number;
    step_id: string;
    instance_id: string;
    profile_id: string;
    channel: string;
    message: string;
    created_at: number;
    status: string | null;
    attempt: number | null;
    next_at: number | null;
  }>(
    `WITH last AS (
       SELECT workspace_id, key, arg_max(status, epoch_ms(result_at) * 1000 + attempt) AS status, max(attempt) AS attempt,
              epoch_ms(arg_max(next_attempt_at, epoch_ms(result_at) * 1000 + attempt))::DOUBLE AS next_at
         FROM journey_send_results GROUP BY ALL)
     SELECT s.workspace_id, s.key, s.journey_id, s.version, s.step_id, s.instance_id, s.profile_id, s.channel,
            s.message, epoch_ms(s.created_at)::DOUBLE AS created_at, l.status, l.attempt, l.next_at
       FROM journey_sends s LEFT JOIN last l USING (workspace_id, key)
      WHERE l.status IS NULL OR l.status = 'retry'
      ORDER BY s.created_at`,
  );
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    key: r.key,
    journeyId: r.journey_id,
    version: r.version,
    stepId: r.step_id,
    instanceId: r.instance_id,
    profileId: r.profile_id,
    channel: r.channel,
    message: JSON.parse(r.message) as OutboxMessage,
    createdAt: r.created_at,
    attempt: r.attempt ?? 0,
    dueAt: r.next_at ?? r.created_at,
  }));
}

/** Marketing sends since `since` (frequency caps count them). */
export async function recentSends(
  db: Database,
  since: number,
): Promise<Array<{ workspace_id: string; profile_id: string; channel: string; sent_at: number }>> {
  return db.query(
    `SELECT workspace_id, profile_id, channel, epoch_ms(created_at)::DOUBLE AS sent_at FROM journey_sends
      WHERE created_at >= ?::TIMESTAMP AND channel <> 'call'`,
    [new Date(since)],
  );
}

export async function loadCursors(db: Database): Promise<Map<string, number>> {
  const rows = await db.query<{ workspace_id: string; seq: number }>(
    'SELECT workspace_id, seq::DOUBLE AS seq FROM journey_cursor',
  );
  return new Map(rows.map((r) => [r.workspace_id, r.seq]));
}

/** A stored fact after a workspace's cursor, with the profile its node belongs to now. */
export interface StoredFact {
  seq: number;
  profileId: string;
  fact: FactEvent;
  traits: Record<string, unknown> | null;
}

/**
 * The facts of a workspace after `from` in sequence order: what the engine had not seen when it
 * stopped. Facts of nodes that belong to no profile are left out.
 */
export async function factsSince(
  db: Database,
  ws: string,
  from: number,
  profileOfNode: (node: number) => string | null,
): Promise<StoredFact[]> {
  const rows = await db.query<{
    seq: number;
    node: number;
    event: string | null;
    ts: number;
    properties: string | null;
    traits: string | null;
  }>(
    `SELECT seq::DOUBLE AS seq, coalesce(owner, node)::DOUBLE AS node, event, epoch_ms(ts)::DOUBLE AS ts, properties, traits
       FROM profile_facts WHERE workspace_id = ? AND seq > ? ORDER BY seq`,
    [ws, from],
  );
  return rows.flatMap((r) => {
    const p = profileOfNode(r.node);
    return p
      ? [
          {
            seq: r.seq,
            profileId: p,
            fact: { seq: r.seq, event: r.event, ts: r.ts, properties: parseJsonObject(r.properties) },
            traits: r.traits ? parseJsonObject(r.traits) : null,
          },
        ]
      : [];
  });
}

export async function loadRuns(
  db: Database,
): Promise<Array<{ workspace_id: string; journey_id: string; run_key: string }>> {
  return db.query('SELECT workspace_id, journey_id, run_key FROM journey_runs');
}

export async function findSend(
  db: Database,
  workspaceId: string,
  key: string,
): Promise<{
  journey_id: string;
  version: number;
  step_id: string;
  profile_id: string;
  channel: string;
  message: string;
} | null> {
  const rows = await db.query<{
    journey_id: string;
    version: number;
    step_id: string;
    profile_id: string;
    channel: string;
    message: string;
  }>(
    'SELECT journey_id, version, step_id, profile_id, channel, message FROM journey_sends WHERE workspace_id = ? AND key = ?',
    [workspaceId, key],
  );
  return rows[0] ?? null;
}

export async function keyForProviderMessage(
  db: Database,
  workspaceId: string,
  provider: string,
  providerMessageId: string,
): Promise<string | null> {
  const rows = await db.query<{ key: string }>(
    `SELECT key FROM journey_send_results WHERE workspace_id = ? AND provider = ? AND provider_message_id = ? LIMIT 1`,
    [workspaceId, provider, providerMessageId],
  );
  return rows[0]?.key ?? null;
}

export type { JourneyDefinition };
