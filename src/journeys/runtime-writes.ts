import type { Database, SideConnection } from '../platform/db/duckdb.js';
import {
  writeJourneyChanges,
  type FeedbackRow,
  type Instance,
  type JourneyWrite,
  type SendResult,
  type SendRow,
  type StepLogRow,
} from './journey-store.js';

/**
 * The write side of the journey runtime: what changed in memory since the last flush (instances,
 * the step log, new sends, schedule runs, how far each workspace's events were read), written in
 * one transaction; send results and feedback that come back from the outbox; and which
 * instances already have a row in the store. A failed write loses nothing: what it held goes
 * back in front of what came since, and the next flush takes it again.
 */

export type RunRow = JourneyWrite['runs'][number];

export interface RuntimeWritesOptions {
  db: Database;
  /** An exited instance is written: the runtime may now forget it. */
  written: (i: Instance) => void;
  /** Sends whose rows are committed: to the outbox. */
  committed: (sends: SendRow[]) => void;
}

export class RuntimeWrites {
  private readonly dirty = new Set<Instance>();
  private readonly stored = new Set<string>();
  private steps: StepLogRow[] = [];
  private sends: SendRow[] = [];
  private results: SendResult[] = [];
  private feedback: FeedbackRow[] = [];
  private runs: RunRow[] = [];
  private readonly cursors = new Map<string, number>();
  private readonly cursorDirty = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private resultWriting: Promise<void> = Promise.resolve();
  private resultConn: SideConnection | null = null;

  constructor(private readonly options: RuntimeWritesOptions) {}

  // ------------------------------------------------------------------------------ buffering

  /** An instance read from the store: it has a row. */
  loaded(i: Instance): void {
    this.stored.add(i.id);
  }

  /** An instance changed and is written with the next flush. */
  changed(i: Instance): void {
    this.dirty.add(i);
  }

  /** Whether an instance has changes not yet written. */
  unwritten(i: Instance): boolean {
    return this.dirty.has(i);
  }

  /** An instance the runtime no longer remembers (written and done with). */
  forget(i: Instance): void {
    this.stored.delete(i.id);
  }

  logStep(row: StepLogRow): void {
    this.steps.push(row);
  }

  addSend(send: SendRow): void {
    this.sends.push(send);
  }

  addRun(run: RunRow): void {
    this.runs.push(run);
  }

  recordResult(r: SendResult): void {
    this.results.push(r);
  }

  recordFeedback(f: FeedbackRow): void {
    this.feedback.push(f);
  }

  /** Where a workspace's events were read up to, as stored (not written again). */
  setCursor(ws: string, seq: number): void {
    this.cursors.set(ws, seq);
  }

  /** Events read further: the new position is written with the next flush. */
  advanceCursor(ws: string, seq: number): void {
    this.cursors.set(ws, seq);
    this.cursorDirty.add(ws);
  }

  cursor(ws: string): number {
    return this.cursors.get(ws) ?? 0;
  }

  get pendingWrites(): number {
    return this.dirty.size + this.sends.length + this.results.length;
  }

  // ------------------------------------------------------------------------------ writing

  /** Writes what changed since the last flush in one transaction; then releases the new sends. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeOnce());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeOnce(): Promise<void> {
    if (
      this.dirty.size +
        this.steps.length +
        this.sends.length +
        this.feedback.length +
        this.runs.length +
        this.cursorDirty.size ===
      0
    )
      return;
    const instances = [...this.dirty];
    this.dirty.clear();
    const steps = this.steps;
    const sends = this.sends;
    const feedback = this.feedback;
    const runs = this.runs;
    this.steps = [];
    this.sends = [];
    this.feedback = [];
    this.runs = [];
    const cursors = new Map([...this.cursorDirty].map((ws) => [ws, this.cursor(ws)]));
    this.cursorDirty.clear();
    try {
      await this.options.db.transaction((tx) =>
        writeJourneyChanges(tx, {
          instances,
          stored: this.stored,
          steps,
          sends,
          results: [],
          feedback,
          cursors,
          runs,
        }),
      );
    } catch (err) {
      // Nothing is lost: it goes again with the next flush.
      for (const i of instances) this.dirty.add(i);
      this.steps = steps.concat(this.steps);
      this.sends = sends.concat(this.sends);
      this.feedback = feedback.concat(this.feedback);
      this.runs = runs.concat(this.runs);
      for (const ws of cursors.keys()) this.cursorDirty.add(ws);
      throw err;
    }
    for (const i of instances) {
      this.stored.add(i.id);
      if (i.state === 'exited') this.options.written(i);
    }
    if (sends.length > 0) this.options.committed(sends);
  }

  /**
   * Send results on a connection of their own, so that what was sent is on record within a
   * flush interval even while the main writer is busy loading events (a crash then repeats
   * only the calls of that interval, under their same idempotency keys).
   */
  flushResults(): Promise<void> {
    const next = this.resultWriting.then(async () => {
      if (this.results.length === 0) return;
      const results = this.results;
      this.results = [];
      try {
        this.resultConn ??= await this.options.db.side();
        const conn = this.resultConn;
        await conn.transaction((tx) =>
          writeJourneyChanges(tx, {
            instances: [],
            stored: this.stored,
            steps: [],
            sends: [],
            results,
            feedback: [],
            cursors: new Map(),
            runs: [],
          }),
        );
      } catch (err) {
        this.results = results.concat(this.results);
        throw err;
      }
    });
    this.resultWriting = next.catch(() => undefined);
    return next;
  }

  closeResults(): void {
    this.resultConn?.close();
    this.resultConn = null;
  }
}
