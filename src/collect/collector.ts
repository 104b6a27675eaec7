import type { Clock } from '../platform/clock.js';
import type { EventWriter } from './event-writer.js';
import type { GovernanceRules } from './govern.js';
import type { LiveEvents } from './live-events.js';
import type { MessageOutcome, PreparedEvent, RejectedInput } from './message.js';
import { prepareMessage, rejectedPayload, type MessageContext, type PrepareLimits } from './prepare.js';

export interface IngestItem {
  /** The message as received (never modified). */
  message: unknown;
  /** Where it came from, for the rejected record: `batch[3]`, `orders.csv:1042`. */
  ref?: string | (() => string);
  /** The payload to keep if it is rejected, when it differs from the message (an import row). */
  rejectPayload?: () => string;
}

/**
 * The collection pipeline's front door: validate and govern each message, then write the
 * accepted ones and the rejected ones in one durable commit. Shared by the HTTP API, the
 * importer and the replay of rejected records, so every path applies the same rules.
 */
export class Collector {
  constructor(
    private readonly writer: EventWriter,
    private readonly rules: GovernanceRules,
    private readonly limits: PrepareLimits,
    private readonly clock: Clock,
    /** Where the source debugger watches traffic; every outcome is offered to it. */
    private readonly live?: LiveEvents,
  ) {}

  /** Ingests messages; resolves once they are durable, with one outcome per message in order. */
  async ingest(
    items: readonly IngestItem[],
    ctx: Omit<MessageContext, 'receivedAt'> & { receivedAt?: number },
    /** false when replaying rejected records: a record rejected again is updated, not stored twice. */
    storeRejected = true,
  ): Promise<MessageOutcome[]> {
    const full: MessageContext = { ...ctx, receivedAt: ctx.receivedAt ?? this.clock.now() };
    const outcomes: Array<MessageOutcome | null> = [];
    const events: PreparedEvent[] = [];
    const eventPos: number[] = [];
    const rejected: RejectedInput[] = [];
    items.forEach((item, i) => {
      const prepared = prepareMessage(item.message, full, this.rules, this.limits);
      if (prepared.kind === 'accepted') {
        events.push(prepared.event);
        eventPos.push(i);
        outcomes.push(null);
      } else {
        outcomes.push({
          kind: 'rejected',
          messageId: prepared.messageId,
          code: prepared.code,
          reason: prepared.reason,
        });
        if (storeRejected) rejected.push(this.toRejected(item, full, prepared.code, prepared.reason));
      }
    });
    const result = await this.writer.write({ events, rejected });
    result.stored.forEach((stored, k) => {
      const messageId = events[k]!.messageId;
      outcomes[eventPos[k]!] = stored ? { kind: 'accepted', messageId } : { kind: 'duplicate', messageId };
    });
    if (this.live) this.offer(this.live, items, full, outcomes as MessageOutcome[], events, eventPos);
    return outcomes as MessageOutcome[];
  }

  private offer(
    live: LiveEvents,
    items: readonly IngestItem[],
    ctx: MessageContext,
    outcomes: readonly MessageOutcome[],
    events: readonly PreparedEvent[],
    eventPos: readonly number[],
  ): void {
    const byPos = new Map<number, PreparedEvent>();
    eventPos.forEach((pos, k) => byPos.set(pos, events[k]!));
    outcomes.forEach((outcome, i) => {
      const event = byPos.get(i);
      live.record(ctx.workspaceId, {
        receivedAt: ctx.receivedAt,
        sourceId: ctx.sourceId,
        origin: ctx.origin,
        outcome,
        ...(event ? { event } : { raw: withRouteType(items[i]!.message, ctx.routeType) }),
      });
    });
  }

  /**
   * Validates and governs one message as ingest would, storing nothing: an import's mapping
   * preview shows what each row would become and whether it would be refused.
   */
  check(
    message: unknown,
    ctx: Omit<MessageContext, 'receivedAt'>,
  ): { ok: true; event: PreparedEvent } | { ok: false; code: string; reason: string } {
    const prepared = prepareMessage(
      message,
      { ...ctx, receivedAt: this.clock.now() },
      this.rules,
      this.limits,
    );
    return prepared.kind === 'accepted'
      ? { ok: true, event: prepared.event }
      : { ok: false, code: prepared.code, reason: prepared.reason };
  }

  /** Stores records that failed before they became messages (unparseable lines, unmappable rows). */
  async reject(items: ReadonlyArray<RejectedInput>): Promise<void> {
    if (items.length > 0) await this.writer.write({ events: [], rejected: items });
  }

  toRejected(item: IngestItem, ctx: MessageContext, code: string, reason: string): RejectedInput {
    return {
      workspaceId: ctx.workspaceId,
      sourceId: ctx.sourceId,
      origin: ctx.origin,
      originRef: (typeof item.ref === 'function' ? item.ref() : item.ref) ?? null,
      code,
      reason,
      payload: item.rejectPayload?.() ?? rejectedPayload(withRouteType(item.message, ctx.routeType)),
      receivedAt: ctx.receivedAt,
    };
  }
}

/** A message posted to `/v1/track` carries its type in the path; a replay needs it in the payload. */
function withRouteType(message: unknown, routeType: string | undefined): unknown {
  if (!routeType || typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  return 'type' in message ? message : { type: routeType, ...message };
}
