import type { Database } from '../platform/db/duckdb.js';
import type { MembershipChange } from './live-segments.js';
import { applyMembership } from './segment-store.js';

/**
 * Membership changes on their way out: queued as they happen (real-time changes come many per
 * second), written in one transaction per flush with each segment's new size, then announced as
 * `Segment Entered` / `Segment Exited` events and to whoever follows (audience destinations).
 */

export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';

export interface SegmentEvent {
  profileId: string;
  event: typeof SEGMENT_ENTERED | typeof SEGMENT_EXITED;
  properties: Record<string, unknown>;
  timestamp: number;
}

export interface MembershipWriterOptions {
  now(): number;
  segmentName(workspaceId: string, segmentId: string): string;
  /** The size after a write (kept in memory for listings). */
  sized(workspaceId: string, segmentId: string, size: number, at: number): void;
  emit(workspaceId: string, events: readonly SegmentEvent[]): Promise<void>;
  onWritten?: (workspaceId: string, changes: readonly MembershipChange[]) => void;
}

export class MembershipWriter {
  private pending: MembershipChange[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly options: MembershipWriterOptions,
  ) {}

  enqueue(c: MembershipChange): void {
    if (c.entered.length + c.exited.length > 0) this.pending.push(c);
  }

  /** Writes what is queued; one write at a time, in order. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeOnce());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeOnce(): Promise<void> {
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    const at = this.options.now();
    await this.db.transaction(async (tx) => {
      for (const c of changes) {
        const size = await applyMembership(tx, c.workspaceId, c.segmentId, c, at);
        this.options.sized(c.workspaceId, c.segmentId, size, at);
      }
    });
    const byWs = new Map<string, SegmentEvent[]>();
    for (const c of changes) {
      const name = this.options.segmentName(c.workspaceId, c.segmentId);
      const events = byWs.get(c.workspaceId) ?? [];
      const properties = { segment_id: c.segmentId, segment_name: name, reason: c.cause };
      for (const p of c.entered)
        events.push({ profileId: p, event: SEGMENT_ENTERED, properties, timestamp: at });
      for (const p of c.exited)
        events.push({ profileId: p, event: SEGMENT_EXITED, properties, timestamp: at });
      byWs.set(c.workspaceId, events);
    }
    for (const [ws, events] of byWs) {
      await this.options.emit(ws, events);
      this.options.onWritten?.(
        ws,
        changes.filter((c) => c.workspaceId === ws),
      );
    }
  }
}
