import { z } from 'zod';
import type { ChannelAdapter, OutboundMessage, SendOutcome } from '../channel.js';

/**
 * WeChat official-account template messages (模板消息):
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 *
 * Every call needs an access token (cgi-bin/token, valid 7200 s, and fetching it too often is
 * itself rate limited), so one token is kept per adapter and fetched again shortly before it
 * expires, or at once when WeChat says it is invalid or expired (40001, 40014, 42001), in which
 * case the send is tried once more with the new token.
 */

export const wechatConfig = z.strictObject({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  /** Overridable for tests and for a token relay in front of WeChat. */
  baseUrl: z.url().default('https://api.weixin.qq.com'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type WechatConfig = z.input<typeof wechatConfig>;

/** Refetched this long before WeChat's expiry, so no send races the token's end. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** System busy, API call limits: worth trying later. */
const RETRYABLE = new Set([-1, 45009, 45011, 45047]);
/** Wrong app id or secret, or this server's IP not on the account's whitelist: fix the config. */
const BAD_CREDENTIALS = new Set([40013, 40125, 40164, 41002, 41004]);

class TokenError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

interface WechatReply {
  errcode?: number;
  errmsg?: string;
  msgid?: number | string;
  access_token?: string;
  expires_in?: number;
}

export class WechatTemplateAdapter implements ChannelAdapter {
  readonly kind = 'wechat' as const;
  readonly provider = 'wechat-template';
  private readonly config: z.output<typeof wechatConfig>;
  private token: { value: string; until: number } | null = null;
  /** One token fetch at a time (concurrent sends share it). */
  private fetching: Promise<string> | null = null;
  /** How many tokens were fetched (operators watch this: the token API has a daily quota). */
  tokenFetches = 0;

  constructor(
    config: WechatConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.config = wechatConfig.parse(config);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (!message.templateId)
      return { kind: 'failed', retryable: false, reason: 'a template message needs a templateId' };
    const params = message.params ?? {};
    if (Array.isArray(params))
      return { kind: 'failed', retryable: false, reason: 'template data must be named fields' };
    const body = JSON.stringify({
      touser: message.to,
      template_id: message.templateId,
      ...(message.metadata?.url ? { url: message.metadata.url } : {}),
      data: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }])),
      // WeChat drops a repeated client_msg_id, so a retried call is not a second message.
      client_msg_id: message.idempotencyKey.slice(0, 64),
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      let token: string;
      try {
        token = await this.accessToken(attempt > 0);
      } catch (err) {
        const code = err instanceof TokenError ? err.code : null;
        return {
          kind: 'failed',
          retryable: code === null || !BAD_CREDENTIALS.has(code),
          reason: `access token: ${(err as Error).message}`,
          ...(code === null ? {} : { code: String(code) }),
        };
      }
      const reply = await this.call(
        `/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          body,
        },
      );
      if ('error' in reply) return { kind: 'failed', retryable: true, reason: reply.error };
      const code = reply.json.errcode ?? 0;
      if (code === 0)
        return {
          kind: 'sent',
          providerMessageId: reply.json.msgid === undefined ? null : String(reply.json.msgid),
          at: this.now(),
        };
      if (TOKEN_INVALID.has(code) && attempt === 0) {
        this.token = null;
        continue;
      }
      return {
        kind: 'failed',
        retryable: RETRYABLE.has(code),
        reason: `WeChat ${code}: ${reply.json.errmsg ?? ''}`,
        code: String(code),
      };
    }
    return { kind: 'failed', retryable: true, reason: 'the access token was refused twice' };
  }

  private accessToken(fresh: boolean): Promise<string> {
    if (!fresh && this.token && this.token.until > this.now()) return Promise.resolve(this.token.value);
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    this.tokenFetches++;
    const q = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
    });
    const reply = await this.call(`/cgi-bin/token?${q.toString()}`, { method: 'GET' });
    if ('error' in reply) throw new TokenError(reply.error, null);
    const { access_token: value, expires_in: seconds, errcode, errmsg } = reply.json;
    if (!value)
      throw new TokenError(`WeChat ${errcode ?? '?'}: ${errmsg ?? 'no access_token'}`, errcode ?? null);
    this.token = { value, until: this.now() + (seconds ?? 7200) * 1000 - TOKEN_MARGIN_MS };
    return value;
  }

  private async call(
    path: string,
    init: { method: string; body?: string },
  ): Promise<{ json: WechatReply } | { error: string }> {
    try {
      const res = await fetch(`${this.config.baseUrl}${path}`, {
        method: init.method,
        ...(init.body === undefined
          ? {}
          : { body: init.body, headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      if (!res.ok) return { error: `HTTP ${res.status}` };
      return { json: (await res.json()) as WechatReply };
    } catch (err) {
      return { error: (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message };
    }
  }
}
