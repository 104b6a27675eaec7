/**
 * One interface for every channel a journey sends through (DESIGN.md "Channels"): email over
 * SMTP, SMS through Tencent Cloud or Aliyun, WeChat template messages, app push, signed webhooks.
 * An adapter sends one message and says what happened; whether a failure is worth retrying is
 * the adapter's call (it knows the provider's error codes), the engine decides when.
 */

export const CHANNEL_KINDS = ['email', 'sms', 'wechat', 'push', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface OutboundMessage {
  channel: ChannelKind;
  /** The address on the channel: an e-mail, an E.164 phone, a WeChat openid, a device token, a URL. */
  to: string;
  /** Rendered text (email subject and body, push title and body); templates are rendered before. */
  subject?: string;
  body?: string;
  html?: string;
  /** Provider-side template (SMS template id, WeChat template id) and its parameters, in order or by name. */
  templateId?: string;
  params?: Record<string, string> | string[];
  /** The same key for the same send, so a retried call is not a second message. */
  idempotencyKey: string;
  /** Carried through to delivery receipts (journey, step, profile). */
  metadata?: Record<string, string>;
}

export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; at: number }
  | { kind: 'failed'; retryable: boolean; reason: string; code?: string };

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  /** The provider this adapter speaks to (`smtp`, `tencent-sms`, `aliyun-sms`, …). */
  readonly provider: string;
  send(message: OutboundMessage): Promise<SendOutcome>;
}
