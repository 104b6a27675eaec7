import type { ChannelAdapter, ChannelKind, OutboundMessage, SendOutcome } from '../channel.js';
import { deliverWebhook, type WebhookTarget } from './deliver.js';

/**
 * The generic signed webhook as a channel, and app push through a generic HTTP provider (a push
 * relay that takes `{ to, title, body, data }`): one attempt per send, signed, with the
 * idempotency key; the journey engine owns retries and backoff, so the adapter only classifies.
 */
export class WebhookChannel implements ChannelAdapter {
  constructor(
    readonly kind: Extract<ChannelKind, 'webhook' | 'push'>,
    private readonly target: WebhookTarget,
    private readonly now: () => number = Date.now,
    readonly provider = kind === 'push' ? 'http-push' : 'webhook',
  ) {}

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const body = JSON.stringify(
      this.kind === 'push'
        ? {
            to: message.to,
            title: message.subject ?? null,
            body: message.body ?? '',
            data: message.metadata ?? {},
          }
        : {
            to: message.to,
            subject: message.subject ?? null,
            body: message.body ?? null,
            params: message.params ?? null,
            metadata: message.metadata ?? {},
          },
    );
    return sendOnce(this.target, body, message.idempotencyKey, this.now);
  }
}

/** One signed attempt; the journey engine owns retries, so the outcome is only classified. */
async function sendOnce(
  target: WebhookTarget,
  body: string,
  idempotencyKey: string,
  now: () => number,
): Promise<SendOutcome> {
  const outcome = await deliverWebhook(target, body, {
    idempotencyKey,
    policy: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    now,
  });
  return outcome.kind === 'delivered'
    ? { kind: 'sent', providerMessageId: null, at: now() }
    : { kind: 'failed', retryable: outcome.retryable, reason: outcome.reason };
}

/**
 * A journey's own webhook step: its JSON payload (journey, step, profile, triggering event) is
 * posted as it is, signed like every webhook, under the send's idempotency key.
 */
export class WebhookCall implements ChannelAdapter {
  readonly kind = 'webhook' as const;
  readonly provider = 'webhook-call';

  constructor(
    private readonly target: WebhookTarget,
    private readonly now: () => number = Date.now,
  ) {}

  async send(message: OutboundMessage): Promise<SendOutcome> {
    return sendOnce(this.target, message.body ?? '{}', message.idempotencyKey, this.now);
  }
}
