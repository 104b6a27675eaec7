import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { FingerprintSet } from './fingerprint-set.js';
import {
  appendEvents,
  appendRejected,
  findStoredMessageIds,
  loadFingerprints,
  readLoadedLsn,
  writeLoadedLsn,
  type StoredRejected,
} from './event-store.js';
import { IngestLog } from './ingest-log.js';
import { decodeLine, encodeEvent, encodeRejected } from './log-codec.js';
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

interface Loadable {
  lsn: number;
  event?: PreparedEvent;
  rejected?: StoredRejected;
}

/** An event as loaded into the store, with its sequence number. */
export interface LoadedEvent {
  seq: number;
  event: PreparedEvent;
}

/** Called after each load transaction commits, in sequence order. Must not throw. */
export type LoadListener = (events: readonly LoadedEvent[]) => void;

export interface EventWriterStats {
  groupCommits: number;
  loads: number;
  eventsStored: number;
  duplicates: number;
  rejected: number;
  /** Logged (durable) but not yet loaded into the store. */
  unloaded: number;
  recovered: number;
  fingerprintBytes: number;
}

export interface EventWriterOptions {
  /** Directory of the ingest log. */
  logDir: string;
  /** Most records loaded into the store in one transaction. */
  maxLoadRecords: number;
  /** Above this many unloaded records, new writes wait for the store (backpressure). */
  maxUnloaded: number;
}

const key = (workspaceId: string, messageId: string): string => `${workspaceId}\u0000${messageId}`;

/**
 * The one writer of events and rejected records (DESIGN.md: acknowledged means durable).
 *
 * Write path: requests that arrive while a group is being made durable wait and go together into
 * the next group (group commit). A group is deduplicated, written to the ingest log and fsynced;
 * only then are its requests acknowledged. One fsync per group, not per request.
 *
 * Load path: logged records go into DuckDB in large transactions behind the write path, together
 * with the highest lsn loaded, so a crash between the two replays the log from there. Readers call
 * `settle()` first to see every acknowledged record (read your writes).
 *
 * Idempotency: a message id already accepted for the workspace is not stored again. An in-memory
 * fingerprint set answers "new" without touching the store; a hit is confirmed exactly against the
 * unloaded tail and then the store, so a fingerprint collision can never drop a new message.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private loading: Promise<void> | null = null;
  private toLoad: Loadable[] = [];
  /** Message keys logged but not yet in the store. */
  private unloadedKeys = new Set<string>();
  private loadWaiters: Array<() => void> = [];
  /** Writers waiting for the loader to make room (woken after every load transaction). */
  private roomWaiters: Array<() => void> = [];
  private loadError: unknown = null;
  private readonly listeners: LoadListener[] = [];
  private readonly stats: EventWriterStats = {
    groupCommits: 0,
    loads: 0,
    eventsStored: 0,
    duplicates: 0,
    rejected: 0,
    unloaded: 0,
    recovered: 0,
    fingerprintBytes: 0,
  };

  private constructor(
    private readonly db: Database,
    private readonly log: IngestLog,
    private readonly seen: FingerprintSet,
    private nextLsn: number,
    private loadedLsn: number,
    private readonly options: EventWriterOptions,
  ) {}

  /** Rebuilds the dedup index from the store, recovers the log's unloaded tail, and loads it. */
  static async open(db: Database, options: EventWriterOptions): Promise<EventWriter> {
    const seen = new FingerprintSet();
    await loadFingerprints(db, seen);
    const loadedLsn = await readLoadedLsn(db);
    const log = IngestLog.open(options.logDir);
    const writer = new EventWriter(db, log, seen, loadedLsn + 1, loadedLsn, options);
    for (const { lsn, line } of log.readAfter(loadedLsn)) {
      const decoded = decodeLine(line);
      if (decoded.kind === 'event') {
        const e = decoded.event;
        seen.add(e.fpHi, e.fpLo);
        writer.unloadedKeys.add(key(e.workspaceId, e.messageId));
        writer.toLoad.push({ lsn, event: e });
      } else {
        writer.toLoad.push({ lsn, rejected: decoded.record });
      }
      writer.nextLsn = lsn + 1;
      writer.stats.recovered++;
    }
    await writer.settle();
    return writer;
  }

  /** Later stages (identity) follow the store through this; they catch up from the store at start. */
  onLoaded(listener: LoadListener): void {
    this.listeners.push(listener);
  }

  write(request: WriteRequest): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.writing ??= this.drainWrites();
    });
  }

  /** Resolves when every acknowledged record is in the store (and queryable). */
  async settle(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.toLoad.length === 0 && !this.loading) return this.throwLoadError();
    await new Promise<void>((resolve) => {
      this.loadWaiters.push(resolve);
      this.startLoading();
    });
    return this.throwLoadError();
  }

  /** Backpressure: resolves once the loader has brought the unloaded records down to half the limit. */
  private async waitForRoom(): Promise<void> {
    while (this.toLoad.length > this.options.maxUnloaded / 2) {
      await new Promise<void>((resolve) => {
        this.roomWaiters.push(resolve);
        this.startLoading();
      });
      this.throwLoadError();
    }
  }

  private throwLoadError(): void {
    if (this.loadError) {
      throw new Error('loading acknowledged records into the store failed', { cause: this.loadError });
    }
  }

  /** Waits for writes and loads, then closes the log. */
  async close(): Promise<void> {
    await this.settle();
    await this.log.close();
  }

  getStats(): EventWriterStats {
    return { ...this.stats, unloaded: this.toLoad.length, fingerprintBytes: this.seen.bytes };
  }

  private async drainWrites(): Promise<void> {
    // Let requests that arrive in the same turn of the event loop join the first group.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        if (this.toLoad.length > this.options.maxUnloaded) await this.waitForRoom();
        const group = this.queue;
        this.queue = [];
        await this.commitGroup(group);
      }
    } finally {
      this.writing = null;
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const flags: boolean[][] = group.map((p) => p.request.events.map(() => true));
    try {
      await this.markDuplicates(group, flags);
      const lines: string[] = [];
      const loadables: Loadable[] = [];
      const firstLsn = this.nextLsn;
      let lsn = firstLsn;
      const rejectedIds: string[][] = [];
      group.forEach((p, g) => {
        p.request.events.forEach((e, i) => {
          if (!flags[g]![i]) return;
          lines.push(encodeEvent(lsn, e));
          loadables.push({ lsn: lsn++, event: e });
        });
        rejectedIds.push(
          p.request.rejected.map((r) => {
            const record: StoredRejected = { ...r, id: generateId('rej') };
            lines.push(encodeRejected(lsn, record));
            loadables.push({ lsn: lsn++, rejected: record });
            return record.id;
          }),
        );
      });
      await this.log.append(firstLsn, lines);
      // Durable: from here on these records exist.
      this.nextLsn = lsn;
      for (const l of loadables) {
        if (!l.event) continue;
        this.seen.add(l.event.fpHi, l.event.fpLo);
        this.unloadedKeys.add(key(l.event.workspaceId, l.event.messageId));
      }
      this.toLoad.push(...loadables);
      this.stats.groupCommits++;
      group.forEach((p, g) => {
        const dup = flags[g]!.filter((f) => !f).length;
        this.stats.duplicates += dup;
        this.stats.eventsStored += flags[g]!.length - dup;
        this.stats.rejected += rejectedIds[g]!.length;
        p.resolve({ stored: flags[g]!, rejectedIds: rejectedIds[g]! });
      });
      this.startLoading();
    } catch (err) {
      for (const p of group) p.reject(err);
    }
  }

  /** Flags as duplicates the events already accepted, or repeated within the group. */
  private async markDuplicates(group: Pending[], flags: boolean[][]): Promise<void> {
    const inGroup = new Set<string>();
    const suspects = new Map<string, Array<[number, number]>>();
    group.forEach((p, g) =>
      p.request.events.forEach((e, i) => {
        const k = key(e.workspaceId, e.messageId);
        if (inGroup.has(k) || this.unloadedKeys.has(k)) {
          flags[g]![i] = false;
          return;
        }
        inGroup.add(k);
        if (this.seen.has(e.fpHi, e.fpLo)) {
          const list = suspects.get(e.workspaceId) ?? [];
          list.push([g, i]);
          suspects.set(e.workspaceId, list);
        }
      }),
    );
    for (const [workspaceId, positions] of suspects) {
      const ids = positions.map(([g, i]) => group[g]!.request.events[i]!.messageId);
      const stored = await findStoredMessageIds(this.db, workspaceId, ids);
      for (const [g, i] of positions) {
        if (stored.has(group[g]!.request.events[i]!.messageId)) flags[g]![i] = false;
      }
    }
  }

  private startLoading(): void {
    this.loading ??= this.drainLoads();
  }

  private async drainLoads(): Promise<void> {
    // Give concurrent writes a moment to add to this load: larger transactions, fewer of them.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.toLoad.length > 0) {
        const batch = this.toLoad.slice(0, this.options.maxLoadRecords);
        const events: PreparedEvent[] = [];
        const rejected: StoredRejected[] = [];
        for (const l of batch) {
          if (l.event) events.push(l.event);
          else if (l.rejected) rejected.push(l.rejected);
        }
        const lastLsn = batch[batch.length - 1]!.lsn;
        const firstSeqs = batch.filter((l) => l.event).map((l) => l.lsn);
        await this.db.transaction(async (tx) => {
          if (events.length > 0) await appendEvents(tx, firstSeqs, events);
          if (rejected.length > 0) await appendRejected(tx, rejected);
          await writeLoadedLsn(tx, lastLsn);
        });
        this.toLoad.splice(0, batch.length);
        if (this.listeners.length > 0 && events.length > 0) {
          const loaded = events.map((event, i) => ({ seq: firstSeqs[i]!, event }));
          for (const listener of this.listeners) listener(loaded);
        }
        for (const e of events) this.unloadedKeys.delete(key(e.workspaceId, e.messageId));
        this.loadedLsn = lastLsn;
        this.stats.loads++;
        const room = this.roomWaiters;
        this.roomWaiters = [];
        for (const w of room) w();
        this.log.prune(this.loadedLsn);
      }
      this.loadError = null;
    } catch (err) {
      // The records stay in the log and in memory; the next settle() or write tries again.
      this.loadError = err;
    } finally {
      this.loading = null;
      const waiters = [...this.loadWaiters, ...this.roomWaiters];
      this.loadWaiters = [];
      this.roomWaiters = [];
      for (const w of waiters) w();
    }
  }
}
