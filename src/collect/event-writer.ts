import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { FingerprintSet } from './fingerprint-set.js';
import { appendEvents, appendRejected, findStoredMessageIds, loadFingerprints, maxEventSeq } from './event-store.js';
import type { PreparedEvent, RejectedInput } from './message.js';

export interface WriteRequest {
  events: readonly PreparedEvent[];
  rejected: readonly RejectedInput[];
}

export interface WriteResult {
  /** One flag per event of the request: true if stored now, false if it was a duplicate. */
  stored: boolean[];
  rejectedIds: string[];
}

interface Pending {
  request: WriteRequest;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

export interface EventWriterStats {
  commits: number;
  eventsStored: number;
  duplicates: number;
  rejected: number;
  fingerprintBytes: number;
}

/**
 * The one writer of events (DESIGN.md: acknowledged means durable). Requests queue up while a
 * commit is running and go together into the next one (group commit), so the commit rate — not
 * the request rate — is bounded by the disk. A request's promise resolves only after its events
 * and rejected records are committed; until then nothing about it is acknowledged.
 *
 * Idempotency: a message id already stored for the workspace is not stored again. An in-memory
 * fingerprint set answers "new" without touching the store; a hit is confirmed exactly against
 * the store, so a fingerprint collision can never drop a new message.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private readonly stats: EventWriterStats = {
    commits: 0,
    eventsStored: 0,
    duplicates: 0,
    rejected: 0,
    fingerprintBytes: 0,
  };

  private constructor(
    private readonly db: Database,
    private readonly seen: FingerprintSet,
    private nextSeq: number,
    private readonly maxCommitEvents: number,
  ) {}

  /** Rebuilds the dedup index from the store and returns a writer ready to accept requests. */
  static async open(db: Database, options: { maxCommitEvents: number }): Promise<EventWriter> {
    const seen = new FingerprintSet();
    await loadFingerprints(db, seen);
    return new EventWriter(db, seen, (await maxEventSeq(db)) + 1, options.maxCommitEvents);
  }

  write(request: WriteRequest): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when every queued request has been committed (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  getStats(): EventWriterStats {
    return { ...this.stats, fingerprintBytes: this.seen.bytes };
  }

  private async drain(): Promise<void> {
    // Let requests that arrive in the same turn of the event loop join the first commit.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        while (this.queue.length > 0 && (batch.length === 0 || size < this.maxCommitEvents)) {
          const next = this.queue.shift()!;
          size += next.request.events.length + next.request.rejected.length;
          batch.push(next);
        }
        await this.commit(batch);
      }
    } finally {
      this.running = null;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const flags: boolean[][] = batch.map((p) => p.request.events.map(() => true));
    const rejectedIds: string[][] = batch.map((p) => p.request.rejected.map(() => generateId('rej')));
    try {
      const toStore: PreparedEvent[] = [];
      await this.db.transaction(async (tx) => {
        // Duplicates within this commit (exact), then against the store (fingerprint, confirmed).
        const inCommit = new Set<string>();
        const suspects = new Map<string, Array<[number, number]>>(); // workspace -> positions
        batch.forEach((p, b) =>
          p.request.events.forEach((e, i) => {
            const key = `${e.workspaceId}\u0000${e.messageId}`;
            if (inCommit.has(key)) {
              flags[b]![i] = false;
              return;
            }
            inCommit.add(key);
            if (this.seen.has(e.fpHi, e.fpLo)) {
              const list = suspects.get(e.workspaceId) ?? [];
              list.push([b, i]);
              suspects.set(e.workspaceId, list);
            }
          }),
        );
        for (const [workspaceId, positions] of suspects) {
          const ids = positions.map(([b, i]) => batch[b]!.request.events[i]!.messageId);
          const stored = await findStoredMessageIds(tx, workspaceId, ids);
          for (const [b, i] of positions) {
            if (stored.has(batch[b]!.request.events[i]!.messageId)) flags[b]![i] = false;
          }
        }
        batch.forEach((p, b) => p.request.events.forEach((e, i) => flags[b]![i] && toStore.push(e)));
        if (toStore.length > 0) await appendEvents(tx, this.nextSeq, toStore);
        const rejected = batch.flatMap((p, b) =>
          p.request.rejected.map((r, i) => ({ ...r, id: rejectedIds[b]![i]! })),
        );
        if (rejected.length > 0) await appendRejected(tx, rejected);
      });
      // Committed: only now do the stored events count as seen.
      this.nextSeq += toStore.length;
      for (const e of toStore) this.seen.add(e.fpHi, e.fpLo);
      this.stats.commits++;
      this.stats.eventsStored += toStore.length;
      this.stats.rejected += rejectedIds.reduce((n, ids) => n + ids.length, 0);
      batch.forEach((p, b) => {
        this.stats.duplicates += flags[b]!.filter((f) => !f).length;
        p.resolve({ stored: flags[b]!, rejectedIds: rejectedIds[b]! });
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
