import { createHash } from 'node:crypto';
import { z } from 'zod';
import { deliverWebhook, type DeliveryAttempt, type RetryPolicy } from '../channels/webhook/deliver.js';
import { recordAudit } from '../governance/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import { generateId } from '../platform/ids.js';
import type { SecretBox } from '../platform/secret-box.js';
import { newSecret } from '../platform/secrets.js';
import { audienceColumns, readAudience, type AudienceRow } from './audience.js';
import type { SegmentSqlContext } from './segment-sql.js';

/**
 * Audience sync: a segment's members kept in step with a webhook destination (an ad platform's
 * audience bridge, a CRM). Each sync sends only what changed since the destination last
 * confirmed — adds and removes, with the chosen hashed identifiers — in signed batches with
 * retries and backoff; every delivery and every attempt is recorded, and each sync is audited.
 * A batch that fails is sent again by the next sync (what the destination holds only moves on
 * confirmed deliveries).
 */

export const destinationInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }),
  /** Given, or made here and shown once. */
  secret: z.string().min(16).max(200).optional(),
  columns: audienceColumns.default({ identifiers: [], traits: [], tags: [] }),
  batchSize: z.number().int().min(1).max(10_000).default(1000),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).default(5),
      baseDelayMs: z.number().int().min(0).max(600_000).default(1000),
      maxDelayMs: z.number().int().min(0).max(3_600_000).default(60_000),
    })
    .default({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 }),
});
export type DestinationDefinition = z.infer<typeof destinationInput>;

export interface Destination {
  id: string;
  segmentId: string;
  status: 'active' | 'paused';
  createdAt: string;
  definition: Omit<DestinationDefinition, 'secret'>;
}

export interface SyncReport {
  destinationId: string;
  added: number;
  removed: number;
  batches: number;
  status: 'delivered' | 'failed' | 'nothing_to_send';
  error: string | null;
}

const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

export class Destinations {
  private syncing = new Map<string, Promise<SyncReport>>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly now: () => number,
    private readonly sleep?: (ms: number) => Promise<void>,
  ) {}

  async create(
    ws: string,
    segmentId: string,
    input: DestinationDefinition,
    actor: string | null,
  ): Promise<Destination & { secret: string }> {
    const id = generateId('dst');
    const secret = input.secret ?? newSecret('whsec');
    const { secret: _omit, ...definition } = input;
    void _omit;
    const at = this.now();
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO segment_destinations VALUES (?, ?, ?, ?, ?, ?, ?::TIMESTAMP)', [
        ws,
        id,
        segmentId,
        JSON.stringify(definition),
        this.box.seal(secret),
        'active',
        new Date(at),
      ]);
      await recordAudit(
        tx,
        {
          workspaceId: ws,
          actor,
          action: 'destination.create',
          target: id,
          detail: { segmentId, url: input.url },
        },
        at,
      );
    });
    return { id, segmentId, status: 'active', createdAt: new Date(at).toISOString(), definition, secret };
  }

  async list(ws: string, segmentId?: string): Promise<Destination[]> {
    const rows = await this.db.query<{
      id: string;
      segment_id: string;
      definition: string;
      status: string;
      created_at: string;
    }>(
      `SELECT id, segment_id, definition, status, strftime(created_at, ${ISO}) AS created_at FROM segment_destinations
        WHERE workspace_id = ? AND (?::VARCHAR IS NULL OR segment_id = ?) ORDER BY created_at, id`,
      [ws, segmentId ?? null, segmentId ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      segmentId: r.segment_id,
      status: r.status as Destination['status'],
      createdAt: r.created_at,
      definition: JSON.parse(r.definition) as Destination['definition'],
    }));
  }

  async deliveries(ws: string, destinationId: string, limit: number) {
    const rows = await this.db.query<{
      id: string;
      at: string;
      added: number;
      removed: number;
      status: string;
      attempts: string;
      error: string | null;
    }>(
      `SELECT id, strftime(delivered_at, ${ISO}) AS "at", added::DOUBLE AS added, removed::DOUBLE AS removed, status, attempts, error
         FROM segment_deliveries WHERE workspace_id = ? AND destination_id = ? ORDER BY delivered_at DESC, id DESC LIMIT ?`,
      [ws, destinationId, limit],
    );
    return rows.map((r) => ({ ...r, attempts: JSON.parse(r.attempts) as DeliveryAttempt[] }));
  }

  private readonly queued = new Set<string>();

  /**
   * After membership changed: a sync of every active destination of these segments, coalesced
   * (a destination with a sync already waiting gets no second one). Failures are recorded as
   * deliveries; the next change or call sends again what was not confirmed.
   */
  async changed(
    ws: string,
    segmentIds: readonly string[],
    ctx: () => SegmentSqlContext,
    onError: (err: unknown) => void,
  ): Promise<void> {
    const all = await this.list(ws);
    for (const d of all) {
      if (d.status !== 'active' || !segmentIds.includes(d.segmentId) || this.queued.has(d.id)) continue;
      this.queued.add(d.id);
      const running = this.syncing.get(d.id) ?? Promise.resolve();
      void running
        .catch(() => undefined)
        .then(() => {
          this.queued.delete(d.id);
          return this.sync(ws, d.id, ctx(), null);
        })
        .catch(onError);
    }
  }

  /** Sends what changed since the last confirmed delivery; one sync per destination at a time. */
  sync(ws: string, destinationId: string, ctx: SegmentSqlContext, actor: string | null): Promise<SyncReport> {
    const running = this.syncing.get(destinationId);
    const next = (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.syncOnce(ws, destinationId, ctx, actor));
    this.syncing.set(destinationId, next);
    return next;
  }

  private async syncOnce(
    ws: string,
    destinationId: string,
    ctx: SegmentSqlContext,
    actor: string | null,
  ): Promise<SyncReport> {
    const row = (
      await this.db.query<{ segment_id: string; definition: string; secret: string; status: string }>(
        'SELECT segment_id, definition, secret, status FROM segment_destinations WHERE workspace_id = ? AND id = ?',
        [ws, destinationId],
      )
    )[0];
    if (!row) throw new Error(`no destination ${destinationId}`);
    const def = JSON.parse(row.definition) as Destination['definition'];
    const secret = this.box.open(row.secret);
    const members = sql`(SELECT profile_id FROM segment_members WHERE workspace_id = ${ws} AND segment_id = ${row.segment_id})`;
    const held = sql`(SELECT profile_id FROM segment_destination_members WHERE workspace_id = ${ws} AND destination_id = ${destinationId})`;
    const adds = sql`(SELECT profile_id FROM ${members} EXCEPT SELECT profile_id FROM ${held})`;
    const removes = sql`(SELECT profile_id FROM ${held} EXCEPT SELECT profile_id FROM ${members})`;
    const report: SyncReport = {
      destinationId,
      added: 0,
      removed: 0,
      batches: 0,
      status: 'nothing_to_send',
      error: null,
    };
    const addRows: AudienceRow[] = [];
    await readAudience(this.db, ctx, adds, def.columns, (rows) => addRows.push(...rows));
    const removeIds = (await this.db.query<{ profile_id: string }>(removes.text, removes.params)).map(
      (r) => r.profile_id,
    );
    // Removed members keep the identifiers they have now (a merged-away one has none left to send).
    const removeRows = new Map<string, AudienceRow>();
    if (removeIds.length > 0)
      await readAudience(
        this.db,
        ctx,
        sql`(SELECT unnest(from_json(${JSON.stringify(removeIds)}, '["VARCHAR"]')) AS profile_id)`,
        def.columns,
        (rows) => rows.forEach((r) => removeRows.set(r.profileId, r)),
      );
    const policy: RetryPolicy = def.retry;
    const work: Array<{ add: AudienceRow[]; remove: AudienceRow[] }> = [];
    for (let i = 0; i < addRows.length; i += def.batchSize)
      work.push({ add: addRows.slice(i, i + def.batchSize), remove: [] });
    for (let i = 0; i < removeIds.length; i += def.batchSize)
      work.push({
        add: [],
        remove: removeIds
          .slice(i, i + def.batchSize)
          .map((p) => removeRows.get(p) ?? { profileId: p, identifiers: {}, traits: {}, tags: {} }),
      });
    for (const [n, batch] of work.entries()) {
      const body = JSON.stringify({
        type: 'audience.sync',
        destinationId,
        segmentId: row.segment_id,
        batch: n + 1,
        batches: work.length,
        add: batch.add.map(payloadRow),
        remove: batch.remove.map(payloadRow),
      });
      const idempotencyKey = createHash('sha256')
        .update(`${destinationId}\n${body}`)
        .digest('hex')
        .slice(0, 40);
      const outcome = await deliverWebhook({ url: def.url, secret }, body, {
        idempotencyKey,
        policy,
        now: this.now,
        ...(this.sleep ? { sleep: this.sleep } : {}),
      });
      const at = this.now();
      const delivered = outcome.kind === 'delivered';
      await this.db.transaction(async (tx) => {
        await tx.run('INSERT INTO segment_deliveries VALUES (?, ?, ?, ?::TIMESTAMP, ?, ?, ?, ?, ?)', [
          ws,
          generateId('dlv'),
          destinationId,
          new Date(at),
          batch.add.length,
          batch.remove.length,
          delivered ? 'delivered' : 'failed',
          JSON.stringify(outcome.attempts),
          delivered ? null : outcome.reason,
        ]);
        if (!delivered) return;
        for (const r of batch.add)
          await tx.run('INSERT INTO segment_destination_members VALUES (?, ?, ?)', [
            ws,
            destinationId,
            r.profileId,
          ]);
        for (let i = 0; i < batch.remove.length; i += 500) {
          const part = batch.remove.slice(i, i + 500).map((r) => r.profileId);
          await tx.run(
            `DELETE FROM segment_destination_members WHERE workspace_id = ? AND destination_id = ? AND profile_id IN (${part.map(() => '?').join(', ')})`,
            [ws, destinationId, ...part],
          );
        }
      });
      report.batches++;
      if (!delivered) {
        report.status = 'failed';
        report.error = outcome.reason;
        break;
      }
      report.added += batch.add.length;
      report.removed += batch.remove.length;
      report.status = 'delivered';
    }
    if (work.length > 0)
      await recordAudit(
        this.db,
        { workspaceId: ws, actor, action: 'destination.sync', target: destinationId, detail: { ...report } },
        this.now(),
      );
    return report;
  }
}

function payloadRow(r: AudienceRow): Record<string, unknown> {
  return {
    profileId: r.profileId,
    identifiers: r.identifiers,
    ...(Object.keys(r.traits).length ? { traits: r.traits } : {}),
    ...(Object.keys(r.tags).length ? { tags: r.tags } : {}),
  };
}
