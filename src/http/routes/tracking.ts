import { parse as parseForm } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  RECEIPT_FORMATS,
  receiptUrls,
  type FeedbackKind,
  type FeedbackSink,
  type ReceiptFormat,
  type TrackedSend,
  type TrackingSigner,
} from '../../journeys/tracking.js';
import { AppError, assertNever } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

type Lang = 'zh-CN' | 'en';

export interface TrackingRouteDeps {
  signer: TrackingSigner;
  sink: FeedbackSink;
  now: () => number;
  lang: Lang;
  /** The base URL providers and recipients reach Tessera at (journeys.publicUrl, else the server's). */
  publicUrl: () => string;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * The unsubscribe form and RFC 8058 one-click posts are form-encoded, which the server does not
 * parse by default. Call on the instance `buildServer` returns, before `listen`/`ready`: the
 * route scope is created at boot and inherits the parser then.
 */
export function registerTrackingForms(app: FastifyInstance): void {
  if (app.hasContentTypeParser(FORM)) return;
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, { ...parseForm(body.toString()) });
  });
}

// The classic 1×1 transparent GIF89a.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

// Tokens go in a wildcard, not `:token`: Fastify refuses parameters over 100 characters
// (maxParamLength) and a token for a 200-character send key is about 290.
const tokenParams = z.object({ '*': z.string().describe('the signed tracking token') });

const TEXT = {
  title: { 'zh-CN': '退订', en: 'Unsubscribe' },
  ask: { 'zh-CN': '确认不再接收这些消息？', en: 'Stop receiving these messages?' },
  button: { 'zh-CN': '确认退订', en: 'Unsubscribe' },
  done: {
    'zh-CN': '您已退订，今后不会再收到这些消息。',
    en: 'You have been unsubscribed and will not receive these messages again.',
  },
  invalid: { 'zh-CN': '链接无效或已损坏。', en: 'This link is not valid.' },
  gone: {
    'zh-CN': '此链接对应的消息已不存在，无法退订。请直接联系发件方。',
    en: 'The message this link belongs to no longer exists. Please contact the sender.',
  },
} as const;

/** The first language in `Accept-Language` (RFC 9110 §12.5.4, by q) that we speak. */
export function pickLang(header: string | undefined, fallback: Lang): Lang {
  const ranked = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return fallback;
}

function page(reply: FastifyReply, status: number, lang: Lang, body: string): FastifyReply {
  const html =
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${TEXT.title[lang]}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;` +
    'margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1.25rem}</style></head>' +
    `<body>${body}</body></html>`;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )
    .send(html);
}

const client = (request: FastifyRequest) => ({
  userAgent: request.headers['user-agent'] ?? null,
  ip: request.ip,
});

/** A Location header holds only visible ASCII: other URLs go in their URL-standard form, or not at all. */
function locationOf(url: string): string | null {
  if (/^[\x21-\x7e]+$/.test(url)) return url;
  return URL.canParse(url) ? new URL(url).href : null;
}

// ---- delivery receipts ----------------------------------------------------------------------

type ReceiptProvider = ReceiptFormat;
const isReceiptProvider = (p: string): p is ReceiptProvider =>
  (RECEIPT_FORMATS as readonly string[]).includes(p);

/** One receipt, normalised: our key if it names it, else the provider's id to look the key up by. */
interface Receipt {
  key?: string;
  provider: string;
  providerMessageId?: string;
  kind: FeedbackKind;
  code?: string;
  reason?: string;
  reportedAt?: string;
}

const optionalText = z.string().optional();

const genericItem = z
  .object({
    key: z.string().min(1).optional(),
    messageId: z.string().min(1).optional(),
    provider: z.string().min(1).optional().describe('whose message id messageId is; default generic'),
    status: z.enum(['delivered', 'failed', 'bounced']),
    reason: optionalText,
  })
  .refine((r) => r.key !== undefined || r.messageId !== undefined, {
    message: 'key or messageId is required',
    path: ['key'],
  });

// Tencent Cloud SMS "短信下发状态回调" (status callback): a JSON array; sid is the SerialNo SendSms returned.
const tencentItem = z.object({
  sid: z.string().min(1),
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: optionalText,
  description: optionalText,
  user_receive_time: optionalText,
});

// Aliyun SMS SmsReport over HTTP: a JSON array; biz_id is the BizId SendSms returned, out_id our OutId.
const aliyunItem = z.object({
  success: z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]),
  biz_id: z.string().min(1),
  out_id: optionalText,
  err_code: optionalText,
  err_msg: optionalText,
  report_time: optionalText,
});

/** A single receipt or an array of them, validated; a 400 names each field that is wrong. */
function itemsOf<T>(schema: z.ZodType<T>, body: unknown, provider: string): T[] {
  const result = z.array(schema).safeParse(Array.isArray(body) ? body : [body]);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
    message: i.message,
  }));
  throw new AppError(
    'bad_request',
    `invalid ${provider} receipt: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  );
}

function receiptsOf(provider: ReceiptProvider, body: unknown): Receipt[] {
  switch (provider) {
    case 'generic':
      return itemsOf(genericItem, body, provider).map((r) => ({
        key: r.key,
        provider: r.provider ?? provider,
        providerMessageId: r.messageId,
        kind: r.status === 'delivered' ? 'delivered' : r.status === 'failed' ? 'undelivered' : 'bounced',
        reason: r.reason,
      }));
    case 'tencent-sms':
      return itemsOf(tencentItem, body, provider).map((r) => ({
        provider,
        providerMessageId: r.sid,
        ...(r.report_status === 'SUCCESS'
          ? { kind: 'delivered' }
          : { kind: 'undelivered', reason: r.description ?? r.errmsg }),
        code: r.errmsg,
        reportedAt: r.user_receive_time,
      }));
    case 'aliyun-sms':
      return itemsOf(aliyunItem, body, provider).map((r) => ({
        key: r.out_id || undefined,
        provider,
        providerMessageId: r.biz_id,
        ...(r.success ? { kind: 'delivered' } : { kind: 'undelivered', reason: r.err_msg ?? r.err_code }),
        code: r.err_code,
        reportedAt: r.report_time,
      }));
    default:
      return assertNever(provider);
  }
}

/** Records each receipt; one naming no send we know is ignored, not an error (it may be another system's). */
async function recordReceipts(sink: FeedbackSink, workspaceId: string, receipts: Receipt[], at: number) {
  let accepted = 0;
  for (const r of receipts) {
    const { key, kind, provider, providerMessageId: id } = r;
    const detail = {
      provider,
      providerMessageId: id ?? null,
      code: r.code ?? null,
      reason: r.reason ?? null,
      reportedAt: r.reportedAt ?? null,
      at,
    };
    let recorded = key !== undefined && (await sink.feedback(workspaceId, key, kind, detail));
    if (!recorded && id !== undefined) {
      const found = await sink.keyForProviderMessage(workspaceId, provider, id);
      recorded = found !== null && (await sink.feedback(workspaceId, found, kind, detail));
    }
    if (recorded) accepted += 1;
  }
  return { accepted, ignored: receipts.length - accepted };
}

// ---- routes ---------------------------------------------------------------------------------

/** The public feedback endpoints, where a signed token in the URL is the authority; and the admin's receipt URLs. */
export function trackingRoutes(deps: TrackingRouteDeps): RouteDef[] {
  const { signer, sink, now } = deps;
  const unsubscribe = (token: string) => signer.verify(token, 'u');
  const language = (request: FastifyRequest) => {
    const lang = pickLang(request.headers['accept-language'], deps.lang);
    return { lang, t: (what: keyof typeof TEXT): string => TEXT[what][lang] };
  };

  /** Opens and clicks are best effort: a failure to record goes to the log, never to the recipient. */
  const note = async (request: FastifyRequest, send: TrackedSend, kind: FeedbackKind, extra = {}) => {
    // HEAD comes from link checkers, not from the recipient's mail client.
    if (request.method !== 'GET') return;
    try {
      await sink.feedback(send.workspaceId, send.key, kind, { ...extra, ...client(request), at: now() });
    } catch (err) {
      request.log.error({ err, kind }, 'could not record feedback');
    }
  };

  return [
    defineRoute({
      method: 'GET',
      url: '/t/o/*',
      role: 'public',
      tag: 'tracking',
      summary: 'Open pixel: records an open and answers a 1×1 GIF, whatever the token',
      params: tokenParams,
      handler: async ({ params, request, reply }) => {
        const send = signer.verify(params['*'].replace(/\.gif$/i, ''), 'o');
        // The answer is the same either way: the pixel tells nothing about the token.
        if (send) await note(request, send, 'opened');
        return reply.code(200).type('image/gif').header('Cache-Control', 'no-store').send(PIXEL);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/t/c/*',
      role: 'public',
      tag: 'tracking',
      summary: 'Click redirect: records a click and answers 302 to the signed url',
      params: tokenParams,
      query: z.object({ u: z.string().optional().catch(undefined).describe('the target url, as signed') }),
      success: { status: 302, description: 'Redirect to the target url' },
      handler: async ({ params, query, request, reply }) => {
        const url = query.u;
        const send = url && /^https?:\/\//i.test(url) ? signer.verify(params['*'], 'c', url) : null;
        const location = send && url ? locationOf(url) : null;
        if (!url || !send || !location) {
          return reply
            .code(400)
            .type('text/plain; charset=utf-8')
            .header('Cache-Control', 'no-store')
            .send('This link is not valid. 链接无效。\n');
        }
        await note(request, send, 'clicked', { url });
        return reply
          .code(302)
          .header('Location', location)
          .header('Cache-Control', 'no-store')
          .header('Referrer-Policy', 'no-referrer')
          .send();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/t/u/*',
      role: 'public',
      tag: 'tracking',
      summary: 'Unsubscribe page: asks to confirm (a GET changes nothing; mail scanners follow links)',
      params: tokenParams,
      handler: async ({ params, request, reply }) => {
        const { lang, t } = language(request);
        if (!unsubscribe(params['*'])) return page(reply, 400, lang, `<p>${t('invalid')}</p>`);
        const form = `<form method="post"><button type="submit">${t('button')}</button></form>`;
        return page(reply, 200, lang, `<h1>${t('title')}</h1><p>${t('ask')}</p>${form}`);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/t/u/*',
      role: 'public',
      tag: 'tracking',
      summary: 'Unsubscribe: the confirmed form, or an RFC 8058 one-click post (List-Unsubscribe=One-Click)',
      params: tokenParams,
      body: z.unknown(),
      handler: async ({ params, body, request, reply }) => {
        const { lang, t } = language(request);
        const send = unsubscribe(params['*']);
        if (!send) return page(reply, 400, lang, `<p>${t('invalid')}</p>`);
        const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
        const recorded = await sink.feedback(send.workspaceId, send.key, 'unsubscribed', {
          oneClick: form['List-Unsubscribe'] === 'One-Click',
          ...client(request),
          at: now(),
        });
        // Saying "unsubscribed" when nothing was recorded would be a lie the recipient relies on.
        if (!recorded) return page(reply, 404, lang, `<p>${t('gone')}</p>`);
        return page(reply, 200, lang, `<h1>${t('title')}</h1><p>${t('done')}</p>`);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/receipts/urls',
      role: 'admin',
      tag: 'channels',
      summary:
        "The workspace's delivery-receipt URLs, one per format, to give the SMS provider (signed: the URL is the secret)",
      handler: ({ caller }) =>
        Promise.resolve({ urls: receiptUrls(signer, deps.publicUrl(), caller.workspaceId) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/t/r/:provider/:token',
      role: 'public',
      tag: 'tracking',
      summary:
        'Delivery receipts: generic JSON, Tencent Cloud SMS status callback, Aliyun SMS SmsReport; the token comes from GET /api/v1/receipts/urls',
      params: z.object({
        provider: z.string().describe(RECEIPT_FORMATS.join(' | ')),
        token: z.string().max(1024),
      }),
      body: z.unknown(),
      handler: async ({ params, body }) => {
        const { provider } = params;
        if (!isReceiptProvider(provider)) {
          throw new AppError(
            'not_found',
            `no receipt format "${provider}"; formats: ${RECEIPT_FORMATS.join(', ')}`,
          );
        }
        // The token names the workspace and the format it was issued for; the body is read only then.
        const signed = signer.verify(params.token, 'r');
        if (!signed || signed.key !== provider) {
          throw new AppError(
            'unauthorized',
            `this is not a signed ${provider} receipt URL: take it from GET /api/v1/receipts/urls`,
          );
        }
        const workspace = signed.workspaceId;
        const counts = await recordReceipts(sink, workspace, receiptsOf(provider, body), now());
        // Each provider's documented acknowledgement; anything else makes it retry.
        switch (provider) {
          case 'generic':
            return counts;
          case 'tencent-sms':
            return { result: 0, errmsg: 'OK' };
          case 'aliyun-sms':
            return { code: 0, msg: '接收成功' };
          default:
            return assertNever(provider);
        }
      },
    }),
  ];
}
