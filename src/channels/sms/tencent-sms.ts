import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelAdapter, OutboundMessage, SendOutcome } from '../channel.js';
import { failedWith, parseReply, postOnce, retryableStatus, permanent, type FailureClass } from './http.js';

/**
 * SMS through Tencent Cloud: `SendSms` of API 3.0 (service `sms`, version 2021-01-11,
 * https://www.tencentcloud.com/document/product/382/40536), signed with TC3-HMAC-SHA256
 * ("签名方法 v3", the same page under every product, e.g.
 * https://cloud.tencent.com/document/api/1427/56189). One attempt per send: the journey engine
 * owns retries, the adapter only says whether a failure is worth one.
 */
export const tencentSmsConfigSchema = z.object({
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  region: z.string().min(1),
  sdkAppId: z.string().min(1),
  signName: z.string().min(1),
  /** Overridable so tests (and private endpoints) can point elsewhere; the host is signed. */
  endpoint: z.url().default('https://sms.tencentcloudapi.com'),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type TencentSmsConfig = z.output<typeof tencentSmsConfigSchema>;

const SERVICE = 'sms';
const ACTION = 'SendSms';
const VERSION = '2021-01-11';
const ALGORITHM = 'TC3-HMAC-SHA256';
/** The charset is part of the signed content-type, so what is signed must be what is sent. */
const CONTENT_TYPE = 'application/json; charset=utf-8';
const E164 = /^\+[1-9]\d{6,14}$/;

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  /** Epoch seconds, the X-TC-Timestamp; the credential date is its UTC day. */
  timestamp: number;
  method: 'GET' | 'POST';
  /** URL-encoded query for GET; always '' for POST. */
  query: string;
  /** The headers to sign (at least content-type and host), by name; values as sent. */
  signedHeaders: Record<string, string>;
  payload: string;
}

export interface Tc3Signature {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** TC3-HMAC-SHA256 exactly as the signature v3 page spells it out, steps 1–4. */
export function tc3Sign(input: Tc3Input): Tc3Signature {
  // Step 1: header names and values lower-cased and trimmed, sorted by name, each `k:v\n`.
  const headers = Object.entries(input.signedHeaders)
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalRequest = [
    input.method,
    '/',
    input.query,
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.payload),
  ].join('\n');
  // Step 2: the date is the UTC day of the timestamp, not local time (the page warns about UTC+8).
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  // Step 3: a key derived per day and service, so a leaked signing key is worth one day of one API.
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  // Step 4.
  const authorization =
    `${ALGORITHM} Credential=${input.secretId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

export type { FailureClass };

/**
 * Error codes of SendSms (the "Error Codes" section of its page) and the API 3.0 common errors
 * (AuthFailure.*, RequestLimitExceeded, InternalError, …). Limits and Tencent-side faults pass; a bad
 * parameter, an unapproved signature or template, or bad credentials fail the same way every
 * time. Unknown codes count as permanent: an operator should look before we send more.
 */
export function classifyTencentCode(code: string): FailureClass {
  const retryable =
    code.startsWith('LimitExceeded.') ||
    code.startsWith('InternalError') ||
    code.startsWith('RequestLimitExceeded') ||
    code === 'ResourceUnavailable' ||
    code === 'ServiceUnavailable';
  return retryable ? 'retryable' : 'permanent';
}

const responseSchema = z.object({
  Response: z.object({
    Error: z.object({ Code: z.string(), Message: z.string().optional() }).optional(),
    RequestId: z.string().optional(),
    SendStatusSet: z
      .array(z.object({ Code: z.string(), Message: z.string().optional(), SerialNo: z.string().optional() }))
      .optional(),
  }),
});

export class TencentSmsChannel implements ChannelAdapter {
  readonly kind = 'sms' as const;
  readonly provider = 'tencent-sms';

  constructor(
    private readonly config: TencentSmsConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (!E164.test(message.to)) return permanent(`"${message.to}" is not an E.164 phone number`);
    if (message.templateId === undefined || message.templateId === '') {
      return permanent('Tencent SMS needs a templateId');
    }
    const params = message.params ?? [];
    if (!Array.isArray(params))
      return permanent('Tencent SMS template parameters are positional: pass an array');

    const payload = JSON.stringify({
      PhoneNumberSet: [message.to],
      SmsSdkAppId: this.config.sdkAppId,
      SignName: this.config.signName,
      TemplateId: message.templateId,
      TemplateParamSet: params,
      // Echoed back in the response and delivery receipts; Tencent has no idempotency key of its own.
      SessionContext: message.idempotencyKey,
    });
    const url = new URL(this.config.endpoint);
    const timestamp = Math.floor(this.now() / 1000);
    const { authorization } = tc3Sign({
      secretId: this.config.secretId,
      secretKey: this.config.secretKey,
      service: SERVICE,
      timestamp,
      method: 'POST',
      query: '',
      signedHeaders: { 'content-type': CONTENT_TYPE, host: url.host, 'x-tc-action': ACTION },
      payload,
    });
    const headers = {
      authorization,
      'content-type': CONTENT_TYPE,
      'x-tc-action': ACTION,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': VERSION,
      'x-tc-region': this.config.region,
    };
    const reply = await postOnce(url, headers, payload, this.config.timeoutMs);
    if (reply.kind === 'network') return { kind: 'failed', retryable: true, reason: reply.reason };
    return this.interpret(reply.status, reply.text);
  }

  private interpret(status: number, text: string): SendOutcome {
    // Tencent answers 200 with Response.Error for API errors; other statuses come from in between.
    const parsed = parseReply(status, text, responseSchema);
    if (!parsed.ok) return parsed.outcome;
    const { Error: error, SendStatusSet: statuses, RequestId: requestId } = parsed.data.Response;
    const first = statuses?.[0];
    const code = error?.Code ?? first?.Code;
    if (error === undefined && first?.Code === 'Ok') {
      return { kind: 'sent', providerMessageId: first.SerialNo ?? requestId ?? null, at: this.now() };
    }
    if (code === undefined) {
      return {
        kind: 'failed',
        retryable: retryableStatus(status),
        reason: `HTTP ${status}, no send status: ${text}`,
      };
    }
    const reason = `${code}: ${error?.Message ?? first?.Message ?? ''} (RequestId ${requestId ?? '?'})`;
    return failedWith(classifyTencentCode(code), reason, code);
  }
}
