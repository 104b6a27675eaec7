import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelAdapter, OutboundMessage, SendOutcome } from '../channel.js';
import { failedWith, parseReply, postOnce, permanent, type FailureClass } from './http.js';

/**
 * SMS through Aliyun (Alibaba Cloud) Dysms: `SendSms`, version 2017-05-25
 * (https://help.aliyun.com/document_detail/419273.html), an RPC-style API signed with the V2
 * "RPC signature" (HMAC-SHA1, SignatureVersion 1.0,
 * https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism). One attempt per
 * send; the journey engine owns retries. Dysms has no idempotency of its own (the SendSms page
 * says so), so the idempotency key travels as OutId, which comes back on delivery receipts.
 */
export const aliyunSmsConfigSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  signName: z.string().min(1),
  /** Overridable for tests and private endpoints. */
  endpoint: z.url().default('https://dysmsapi.aliyuncs.com'),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type AliyunSmsConfig = z.output<typeof aliyunSmsConfigSchema>;

const VERSION = '2017-05-25';
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * RFC 3986 percent-encoding of UTF-8 as the RPC signature requires: only A–Z a–z 0–9 - _ . ~
 * stay as they are. encodeURIComponent also spares ! ' ( ) *, so those are encoded here; this is
 * the same result as the doc's recipe (URLEncoder, then + → %20, * → %2A, %7E → ~).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Parameters sorted by name (code-unit order, which for ASCII names is byte order), encoded, joined. */
export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/** HTTPMethod & percentEncode("/") & percentEncode(canonicalized query string). */
export function aliyunStringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/** Base64 HMAC-SHA1 of the string to sign, keyed with the AccessKey secret followed by "&". */
export function aliyunRpcSign(
  method: 'GET' | 'POST',
  params: Record<string, string>,
  accessKeySecret: string,
): string {
  return createHmac('sha1', `${accessKeySecret}&`)
    .update(aliyunStringToSign(method, params), 'utf8')
    .digest('base64');
}

/** Dysms wants mainland numbers without a prefix and others as country code + number, no "+". */
export function dysmsPhoneNumber(e164: string): string {
  return e164.startsWith('+86') ? e164.slice(3) : e164.slice(1);
}

/** ISO 8601 UTC without milliseconds, the only form the Timestamp parameter accepts. */
const timestampOf = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export type { FailureClass };

/**
 * SendSms error codes (Dysms "API 错误码" page) and the common RPC errors. Flow control (per number per minute, hour, day), throttling and Aliyun-side
 * faults pass; a bad number, template, signature or credential fails the same way every time.
 * Unknown codes count as permanent, so an operator looks before more is sent.
 */
export function classifyAliyunCode(code: string): FailureClass {
  const retryable =
    code === 'isv.BUSINESS_LIMIT_CONTROL' ||
    code === 'isp.SYSTEM_ERROR' ||
    code.startsWith('Throttling') ||
    code === 'ServiceUnavailable' ||
    code === 'InternalError';
  return retryable ? 'retryable' : 'permanent';
}

const responseSchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  BizId: z.string().optional(),
  RequestId: z.string().optional(),
});

export interface AliyunSmsDeps {
  now?: () => number;
  /** SignatureNonce; unique per request, which is what stops a replay. */
  nonce?: () => string;
}

export class AliyunSmsChannel implements ChannelAdapter {
  readonly kind = 'sms' as const;
  readonly provider = 'aliyun-sms';
  private readonly now: () => number;
  private readonly nonce: () => string;

  constructor(
    private readonly config: AliyunSmsConfig,
    deps: AliyunSmsDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.nonce = deps.nonce ?? randomUUID;
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (!E164.test(message.to)) return permanent(`"${message.to}" is not an E.164 phone number`);
    if (message.templateId === undefined || message.templateId === '') {
      return permanent('Aliyun SMS needs a templateId (TemplateCode)');
    }
    const templateParams = message.params ?? {};
    if (Array.isArray(templateParams)) {
      return permanent('Aliyun SMS template parameters are named: pass an object');
    }
    const params: Record<string, string> = {
      AccessKeyId: this.config.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: this.nonce(),
      SignatureVersion: '1.0',
      Timestamp: timestampOf(this.now()),
      Version: VERSION,
      PhoneNumbers: dysmsPhoneNumber(message.to),
      SignName: this.config.signName,
      TemplateCode: message.templateId,
      TemplateParam: JSON.stringify(templateParams),
      OutId: message.idempotencyKey,
    };
    // POST with a form body keeps phone numbers and template values out of URLs and access logs;
    // the method is part of the string to sign.
    params.Signature = aliyunRpcSign('POST', params, this.config.accessKeySecret);
    const body = Object.entries(params)
      .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
      .join('&');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const reply = await postOnce(new URL(this.config.endpoint), headers, body, this.config.timeoutMs);
    // A timeout may still have sent; SendSms advises checking the receipt (by OutId) before a
    // retry, which is the engine's call; here it is only "worth retrying".
    if (reply.kind === 'network') return { kind: 'failed', retryable: true, reason: reply.reason };
    return this.interpret(reply.status, reply.text);
  }

  private interpret(status: number, text: string): SendOutcome {
    // Errors such as SignatureDoesNotMatch come with a 4xx and the same JSON shape, so the code in
    // the body decides; the status decides only when there is no code to read.
    const parsed = parseReply(status, text, responseSchema);
    if (!parsed.ok) return parsed.outcome;
    const { Code: code, Message: errorMessage, BizId: bizId, RequestId: requestId } = parsed.data;
    if (code === 'OK') return { kind: 'sent', providerMessageId: bizId ?? null, at: this.now() };
    const reason = `${code}: ${errorMessage ?? ''} (RequestId ${requestId ?? '?'})`;
    return failedWith(classifyAliyunCode(code), reason, code);
  }
}
