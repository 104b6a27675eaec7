import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import type { Collector } from './collector.js';
import type { MessageOutcome } from './message.js';
import {
  countRejectedByCode,
  selectRejected,
  updateRejectedAfterReplay,
  updateRejectedDiscarded,
  type RejectedFilter,
  type RejectedRow,
} from './rejected-store.js';

export interface RejectedRecord {
  id: string;
  sourceId: string | null;
  origin: string;
  originRef: string | null;
  code: string;
  reason: string;
  payload: unknown;
  receivedAt: string;
  status: string;
  attempts: number;
  resolvedAt: string | null;
}

const parseOrText = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

const toRecord = (r: RejectedRow): RejectedRecord => ({
  id: r.id,
  sourceId: r.source_id,
  origin: r.origin,
  originRef: r.origin_ref,
  code: r.code,
  reason: r.reason,
  payload: parseOrText(r.payload),
  receivedAt: r.received_at.toISOString(),
  status: r.status,
  attempts: r.attempts,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
});

/**
 * Turns a rejected record's payload back into a message under today's rules: an API payload is
 * the message itself; an import payload is the source row and is mapped again by its mapping.
 */
export type ReplayDecoder = (
  row: RejectedRow,
) => Promise<{ ok: true; message: unknown } | { ok: false; code: string; reason: string }>;

export interface ReplayResult {
  attempted: number;
  accepted: number;
  duplicates: number;
  stillRejected: number;
  results: Array<{
    id: string;
    outcome: 'accepted' | 'duplicate' | 'rejected';
    code?: string;
    reason?: string;
  }>;
}

/** Rejected records: listed with their reasons, replayed after the rules or the data are fixed, or discarded. */
export class RejectedRecords {
  constructor(
    private readonly db: Database,
    private readonly collector: Collector,
    private readonly clock: Clock,
    /** Waits until every acknowledged record is in the store. */
    private readonly settle: () => Promise<void>,
    private readonly decoders: Partial<Record<string, ReplayDecoder>> = {},
  ) {}

  async list(filter: RejectedFilter): Promise<RejectedRecord[]> {
    await this.settle();
    return (await selectRejected(this.db, filter)).map(toRecord);
  }

  async summary(
    filter: Omit<RejectedFilter, 'limit' | 'offset'>,
  ): Promise<Array<{ code: string; count: number }>> {
    await this.settle();
    return (await countRejectedByCode(this.db, filter)).map((r) => ({ code: r.code, count: r.n }));
  }

  /**
   * Runs open records through the pipeline again. Accepted (or already present) ones are marked
   * `replayed`; the others stay open with the new reason. `payload` replaces the stored payload
   * of a single record (the data was fixed by hand).
   */
  async replay(filter: Omit<RejectedFilter, 'status'>, payload?: unknown): Promise<ReplayResult> {
    await this.settle();
    const rows = await selectRejected(this.db, { ...filter, status: 'open' });
    if (payload !== undefined && rows.length !== 1) {
      throw new Error('a replacement payload replays exactly one record: name it by id');
    }
    const result: ReplayResult = {
      attempted: rows.length,
      accepted: 0,
      duplicates: 0,
      stillRejected: 0,
      results: [],
    };
    const outcomes = await Promise.all(
      rows.map(async (row) => {
        const effective = payload === undefined ? row : { ...row, payload: JSON.stringify(payload) };
        return { row: effective, outcome: await this.replayOne(effective) };
      }),
    );
    const at = new Date(this.clock.now());
    for (const { row, outcome } of outcomes) {
      if (outcome.kind === 'rejected') {
        result.stillRejected++;
        result.results.push({ id: row.id, outcome: 'rejected', code: outcome.code, reason: outcome.reason });
        await updateRejectedAfterReplay(this.db, row.id, {
          status: 'open',
          code: outcome.code,
          reason: outcome.reason,
          payload: row.payload,
          at,
        });
      } else {
        if (outcome.kind === 'accepted') result.accepted++;
        else result.duplicates++;
        result.results.push({ id: row.id, outcome: outcome.kind });
        await updateRejectedAfterReplay(this.db, row.id, {
          status: 'replayed',
          code: row.code,
          reason: row.reason,
          payload: row.payload,
          at,
        });
      }
    }
    return result;
  }

  private async replayOne(row: RejectedRow): Promise<MessageOutcome> {
    const decoder = this.decoders[row.origin];
    let message: unknown;
    if (decoder) {
      const decoded = await decoder(row);
      if (!decoded.ok)
        return { kind: 'rejected', messageId: null, code: decoded.code, reason: decoded.reason };
      message = decoded.message;
    } else {
      try {
        message = JSON.parse(row.payload);
      } catch (err) {
        return {
          kind: 'rejected',
          messageId: null,
          code: 'invalid_json',
          reason: `payload is not valid JSON: ${(err as Error).message}`,
        };
      }
    }
    const [outcome] = await this.collector.ingest(
      [{ message }],
      {
        workspaceId: row.workspace_id,
        sourceId: row.source_id ?? 'src_unknown',
        origin: 'replay',
        receivedAt: row.received_at.getTime(),
        correctClockSkew: row.origin === 'api',
      },
      false,
    );
    return outcome!;
  }

  async discard(workspaceId: string, ids: readonly string[]): Promise<number> {
    await this.settle();
    return updateRejectedDiscarded(this.db, workspaceId, ids, new Date(this.clock.now()));
  }
}
