import { recordAudit } from '../governance/audit.js';
import type { Database } from '../platform/db/duckdb.js';
import type { ConsentBook, Suppressions } from './guard-state.js';
import type { JourneyEvents } from './journey-events.js';
import { findSend, keyForProviderMessage, type SendResult, type SendRow } from './journey-store.js';
import type { JourneyRuntime } from './runtime.js';
import type { FeedbackKind, FeedbackSink } from './tracking.js';

/**
 * A message after the outbox: its result is recorded and told, and what comes back about it
 * (receipts, the pixel, clicks, unsubscribes, bounces) is recorded, told and acted on: an
 * unsubscribe withdraws consent, a bounce suppresses the address. Suppressions set by hand are
 * kept here too.
 */

export interface FeedbackLoopOptions {
  db: Database;
  now: () => number;
  /** Where results and feedback are buffered until the next write. */
  runtime: Pick<JourneyRuntime, 'recordResult' | 'recordFeedback'>;
  consent: ConsentBook;
  suppressions: Suppressions;
  events: JourneyEvents;
}

export class FeedbackLoop implements FeedbackSink {
  constructor(private readonly options: FeedbackLoopOptions) {}

  /** What the outbox did with a send (journeys' own webhook calls tell nothing). */
  onResult(r: SendResult, send: SendRow): void {
    this.options.runtime.recordResult(r);
    if (send.channel === 'call') return;
    this.options.events.sendResult(r, send);
    // An SMTP server that took the message took responsibility for it: that is delivery here.
    if (r.status === 'sent' && send.channel === 'email')
      void this.feedback(send.workspaceId, send.key, 'delivered', { via: 'smtp' }, send);
  }

  /** What came back about a send (receipts, the pixel, clicks, unsubscribes); false for no such send. */
  async feedback(
    ws: string,
    key: string,
    kind: FeedbackKind,
    detail: Record<string, unknown>,
    known?: SendRow,
  ): Promise<boolean> {
    const { db, consent, suppressions } = this.options;
    const send = known
      ? {
          journey_id: known.journeyId,
          version: known.version,
          step_id: known.stepId,
          profile_id: known.profileId,
          channel: known.channel,
          message: JSON.stringify(known.message),
        }
      : await findSend(db, ws, key);
    if (!send) return false;
    const now = this.options.now();
    this.options.runtime.recordFeedback({ workspaceId: ws, key, kind, at: now, detail });
    const properties = {
      channel: send.channel,
      journey_id: send.journey_id,
      journey_version: send.version,
      step_id: send.step_id,
      message_id: key,
      ...detail,
    };
    this.options.events.feedback(ws, send.profile_id, kind, properties, now);
    if (kind === 'unsubscribed')
      consent.observe(
        ws,
        send.profile_id,
        'Unsubscribed',
        { channel: send.channel },
        null,
        now,
        Number.MAX_SAFE_INTEGER,
      );
    if (kind === 'bounced') {
      const to = (JSON.parse(send.message) as { to?: string }).to;
      if (to) await suppressions.add(db, ws, send.channel, to, 'bounced', null, now);
    }
    return true;
  }

  keyForProviderMessage(ws: string, provider: string, providerMessageId: string): Promise<string | null> {
    return keyForProviderMessage(this.options.db, ws, provider, providerMessageId);
  }

  suppressionList(ws: string): ReturnType<Suppressions['list']> {
    return this.options.suppressions.list(this.options.db, ws);
  }

  /** Suppresses an address on a channel (or on all, `*`), on the audit log. */
  async suppress(
    ws: string,
    channel: string,
    address: string,
    reason: string,
    actor: string | null,
  ): Promise<void> {
    const at = this.options.now();
    await this.options.suppressions.add(this.options.db, ws, channel, address, reason, actor, at);
    await recordAudit(
      this.options.db,
      { workspaceId: ws, actor, action: 'suppression.add', target: channel, detail: { reason } },
      at,
    );
  }

  /** Lifts a suppression; false when there was none. */
  async unsuppress(ws: string, channel: string, address: string, actor: string | null): Promise<boolean> {
    const removed = await this.options.suppressions.remove(this.options.db, ws, channel, address);
    if (removed)
      await recordAudit(
        this.options.db,
        { workspaceId: ws, actor, action: 'suppression.remove', target: channel },
        this.options.now(),
      );
    return removed;
  }
}
