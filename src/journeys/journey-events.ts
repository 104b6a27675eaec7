import type { FactEvent } from '../conditions/index.js';
import type { JourneyEvent } from './engine.js';
import type { Instance, SendResult, SendRow } from './journey-store.js';
import type { FeedbackKind } from './tracking.js';

/**
 * What journeys tell the world, as ordinary events back into the collection pipeline: messages
 * sent and failed, what came back about them, conversions, and trait updates. They are held
 * until the state they follow from is written (the engine's flush), then emitted per workspace,
 * each emit after the one before.
 */

const FEEDBACK_EVENTS: Record<FeedbackKind, string> = {
  delivered: 'Message Delivered',
  undelivered: 'Message Undelivered',
  opened: 'Message Opened',
  clicked: 'Message Clicked',
  unsubscribed: 'Unsubscribed',
  bounced: 'Message Bounced',
};

export interface JourneyEventsOptions {
  emit: (ws: string, events: readonly JourneyEvent[]) => Promise<void>;
  onError: (err: unknown) => void;
}

export class JourneyEvents {
  private events: Array<{ ws: string; e: JourneyEvent }> = [];
  private emitting: Promise<void> = Promise.resolve();

  constructor(private readonly options: JourneyEventsOptions) {}

  /** `Message Sent` or `Message Failed` for what the outbox did with a send (a retry tells nothing). */
  sendResult(r: SendResult, send: SendRow): void {
    const base = {
      channel: send.channel,
      journey_id: send.journeyId,
      journey_version: send.version,
      step_id: send.stepId,
      message_id: send.key,
    };
    if (r.status === 'sent') {
      this.events.push({
        ws: send.workspaceId,
        e: {
          profileId: send.profileId,
          type: 'track',
          event: 'Message Sent',
          properties: { ...base, provider: r.provider },
          timestamp: r.at,
        },
      });
    } else if (r.status === 'dead')
      this.events.push({
        ws: send.workspaceId,
        e: {
          profileId: send.profileId,
          type: 'track',
          event: 'Message Failed',
          properties: { ...base, reason: r.reason },
          timestamp: r.at,
        },
      });
  }

  /** What came back about a send, as the event of its kind (`Message Opened`, `Unsubscribed`, …). */
  feedback(
    ws: string,
    profileId: string,
    kind: FeedbackKind,
    properties: Record<string, unknown>,
    at: number,
  ): void {
    this.events.push({
      ws,
      e: {
        profileId,
        type: 'track',
        event: FEEDBACK_EVENTS[kind],
        properties,
        timestamp: at,
      },
    });
  }

  /** `Journey Converted`: an instance's goal event happened within the window. */
  converted(i: Instance, fact: FactEvent, journeyName: string | null): void {
    this.events.push({
      ws: i.workspaceId,
      e: {
        profileId: i.profileId,
        type: 'track',
        event: 'Journey Converted',
        properties: {
          journey_id: i.journeyId,
          journey_version: i.version,
          journey_name: journeyName,
          variant: i.variant,
          holdout: i.holdout,
          goal_event: fact.event,
          revenue: i.revenue,
          order_id: fact.properties.order_id ?? null,
        },
        timestamp: fact.ts,
      },
    });
  }

  /** An update step set a trait: an `identify` for each profile. */
  traitSet(ws: string, profileIds: readonly string[], key: string, value: unknown, at: number): void {
    for (const profileId of profileIds)
      this.events.push({
        ws,
        e: {
          profileId,
          type: 'identify',
          traits: { [key]: value },
          timestamp: at,
        },
      });
  }

  /** Emits what is held (call after the state it follows from is written). */
  async emit(): Promise<void> {
    const events = this.events;
    this.events = [];
    if (events.length === 0) return;
    const byWs = new Map<string, JourneyEvent[]>();
    for (const { ws, e } of events) byWs.set(ws, [...(byWs.get(ws) ?? []), e]);
    const next = this.emitting.then(async () => {
      for (const [ws, list] of byWs) await this.options.emit(ws, list);
    });
    this.emitting = next.catch((err: unknown) => this.options.onError(err));
    await next;
  }

  /** Until every emit started so far is done. */
  settled(): Promise<void> {
    return this.emitting;
  }
}
