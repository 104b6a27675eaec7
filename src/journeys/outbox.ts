import type { ChannelAdapter, ChannelKind, SendOutcome } from '../channels/channel.js';
import { TimerHeap } from '../platform/timer-heap.js';
import type { SendResult, SendRow } from './journey-store.js';

/**
 * The outbox's delivery side. A send reaches it only after its row is committed, so a crash
 * can repeat a call but never lose one; the same idempotency key goes with every attempt, for
 * the provider to recognise. Retryable failures come back after an exponential backoff with
 * jitter; permanent ones, and retryable ones out of attempts, go to the dead-letter.
 */

export interface OutboxOptions {
  now(): number;
  adapter(workspaceId: string, channel: string, send: SendRow): ChannelAdapter | null;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Every attempt's result, to be written with the next flush. */
  onResult(result: SendResult, send: SendRow): void;
  random?: () => number;
}

interface Pending {
  send: SendRow;
  attempt: number;
  /** Attempts made before this budget started (a dead-letter sent again gets a fresh one). */
  base: number;
}

export class Outbox {
  private readonly ready: Pending[] = [];
  private head = 0;
  private readonly later = new TimerHeap<Pending>();
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: OutboxOptions) {}

  /**
   * Sends now, or at `dueAt`. `attempt` counts the attempts already made (before a restart);
   * with `freshBudget` (a dead-letter sent again) numbering goes on but maxAttempts starts anew.
   */
  enqueue(send: SendRow, attempt = 0, dueAt = 0, freshBudget = false): void {
    const p = { send, attempt, base: freshBudget ? attempt : 0 };
    if (dueAt > this.options.now()) this.later.push(dueAt, p);
    else this.ready.push(p);
    this.pump();
  }

  /** Moves retries that are due to the ready queue. */
  tick(): void {
    const now = this.options.now();
    for (let t = this.later.peek(); t && t.at <= now; t = this.later.peek()) {
      this.later.pop();
      this.ready.push(t.value);
    }
    this.pump();
  }

  get queued(): number {
    return this.ready.length - this.head + this.later.size + this.inFlight;
  }

  /** Resolves when nothing is ready or in flight (retries may still wait). */
  drained(): Promise<void> {
    if (this.inFlight === 0 && this.head >= this.ready.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.options.concurrency && this.head < this.ready.length) {
      const p = this.ready[this.head++]!;
      this.inFlight++;
      void this.attempt(p).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.head >= this.ready.length) {
          this.ready.length = 0;
          this.head = 0;
          const idle = this.idle;
          this.idle = [];
          idle.forEach((f) => f());
        }
      });
    }
  }

  private async attempt(p: Pending): Promise<void> {
    const { send } = p;
    const attempt = p.attempt + 1;
    const adapter = this.options.adapter(send.workspaceId, send.channel, send);
    let outcome: SendOutcome;
    if (!adapter) {
      outcome = {
        kind: 'failed',
        retryable: false,
        reason:
          send.channel === 'call'
            ? 'journey webhook steps are signed with the webhook channel’s secret: configure the webhook channel'
            : `the ${send.channel} channel is not configured for this workspace`,
      };
    } else {
      try {
        outcome = await adapter.send({
          channel: (send.channel === 'call' ? 'webhook' : send.channel) as ChannelKind,
          ...send.message,
          idempotencyKey: send.key,
        });
      } catch (err) {
        outcome = { kind: 'failed', retryable: true, reason: (err as Error).message };
      }
    }
    if (this.stopped) return;
    const now = this.options.now();
    const base = {
      workspaceId: send.workspaceId,
      key: send.key,
      at: now,
      attempt,
      provider: adapter?.provider ?? null,
    };
    if (outcome.kind === 'sent') {
      this.options.onResult(
        {
          ...base,
          status: 'sent',
          providerMessageId: outcome.providerMessageId,
          reason: null,
          nextAttemptAt: null,
        },
        send,
      );
      return;
    }
    if (outcome.retryable && attempt - p.base < this.options.maxAttempts) {
      const random = this.options.random ?? Math.random;
      const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempt - 1));
      const next = now + Math.round(delay * (0.5 + random() / 2));
      this.options.onResult(
        { ...base, status: 'retry', providerMessageId: null, reason: outcome.reason, nextAttemptAt: next },
        send,
      );
      this.later.push(next, { send, attempt, base: p.base });
      return;
    }
    this.options.onResult(
      {
        ...base,
        status: 'dead',
        providerMessageId: null,
        reason: outcome.retryable
          ? `${outcome.reason} (gave up after ${attempt - p.base} attempts)`
          : outcome.reason,
        nextAttemptAt: null,
      },
      send,
    );
  }
}
