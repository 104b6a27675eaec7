import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Signed webhook delivery with retries. The receiver checks `x-tessera-signature` against its copy
 * of the secret and rejects stale `x-tessera-timestamp`s, which makes a captured request useless
 * for replay; `idempotency-key` stays the same across retries so it can drop duplicates, since a
 * request that timed out here may well have been processed there.
 */
export interface WebhookTarget {
  url: string;
  secret: string;
  headers?: Record<string, string>;
  /** Per attempt, covering connection, headers and reading the start of the body. */
  timeoutMs?: number;
}

export interface DeliveryAttempt {
  attempt: number;
  /** Epoch ms when the attempt started. */
  at: number;
  status: number | null;
  error: string | null;
  millis: number;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number; attempts: DeliveryAttempt[] }
  | {
      kind: 'failed';
      retryable: boolean;
      reason: string;
      attempts: DeliveryAttempt[];
      /** Epoch ms the receiver asked us to wait until (Retry-After) when that is beyond maxDelayMs. */
      retryAt?: number;
    };

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DeliveryOptions {
  idempotencyKey: string;
  policy: RetryPolicy;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for the jitter; injected so tests can fix the delays. */
  random?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SIGNATURE_SCHEME = 'v1';
/** Enough of an error body to say what the receiver objected to, without buffering a whole page. */
const REASON_BODY_CHARS = 200;

/** Hex HMAC-SHA256 of `${timestamp}.${body}`; the timestamp is signed so it cannot be refreshed. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Whether `header` (`v1=<hex>`, or several comma-separated while a secret is being rotated)
 * carries the signature of this timestamp and body. With `maxAgeSeconds`, a timestamp further
 * than that from `nowSeconds` fails too, which is what stops replays.
 */
export function verifySignature(
  secret: string,
  timestamp: number,
  body: string,
  header: string,
  freshness?: { nowSeconds: number; maxAgeSeconds: number },
): boolean {
  if (freshness && Math.abs(freshness.nowSeconds - timestamp) > freshness.maxAgeSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  return header.split(',').some((part) => {
    const [scheme, hex] = part.trim().split('=', 2);
    if (scheme !== SIGNATURE_SCHEME || hex === undefined || !/^[0-9a-f]+$/i.test(hex)) return false;
    const given = Buffer.from(hex, 'hex');
    // timingSafeEqual throws on a length mismatch; the length of a signature is no secret.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): uniform between
 * 0 and min(maxDelayMs, baseDelayMs · 2^(attempt−1)), so many senders failing at once do not
 * retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/*
 * The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 and
 * asctime. Matched before Date.parse because V8 reads almost anything as a date ("-5" is 2001).
 */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), as ms from now; null if absent or invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  let at = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC_850_DATE.test(text)) at = Date.parse(text);
  // asctime carries no zone and HTTP dates are UTC; Date.parse would read it as local time.
  else if (ASCTIME_DATE.test(text)) at = Date.parse(`${text} GMT`);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

type AttemptResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'failed'; status: number | null; retryable: boolean; reason: string; retryAfter: string | null };

export async function deliverWebhook(
  target: WebhookTarget,
  body: string,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const { policy, idempotencyKey } = options;
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`RetryPolicy.maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  const attempts: DeliveryAttempt[] = [];

  const problem = targetProblem(target);
  if (problem !== null) return { kind: 'failed', retryable: false, reason: problem, attempts };

  for (let attempt = 1; ; attempt++) {
    const at = now();
    const result = await attemptOnce(target, body, idempotencyKey, Math.floor(at / 1000));
    const millis = now() - at;
    if (result.kind === 'delivered') {
      attempts.push({ attempt, at, status: result.status, error: null, millis });
      return { kind: 'delivered', status: result.status, attempts };
    }
    attempts.push({ attempt, at, status: result.status, error: result.reason, millis });
    if (!result.retryable) return { kind: 'failed', retryable: false, reason: result.reason, attempts };
    if (attempt >= policy.maxAttempts) {
      const reason = `${result.reason} (gave up after ${attempt} attempts)`;
      return { kind: 'failed', retryable: true, reason, attempts };
    }
    const wait = parseRetryAfter(result.retryAfter, now()) ?? backoffDelay(attempt, policy, random);
    if (wait > policy.maxDelayMs) {
      // Retrying sooner than asked would only be refused again; holding this call for longer than
      // the policy allows would stall the caller's queue, which can reschedule at retryAt instead.
      const reason = `${result.reason} (Retry-After ${Math.ceil(wait / 1000)} s exceeds maxDelayMs)`;
      return { kind: 'failed', retryable: true, reason, attempts, retryAt: now() + wait };
    }
    await sleep(wait);
  }
}

function targetProblem(target: WebhookTarget): string | null {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch (err) {
    return `Webhook URL ${JSON.stringify(target.url)} is not a valid URL (${String(err)}).`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `Webhook URL must be http or https, got ${url.protocol}`;
  }
  try {
    new Headers(target.headers);
  } catch (err) {
    return `Webhook headers are not valid HTTP headers (${String(err)}).`;
  }
  return target.secret === '' ? 'Webhook secret is empty, so receivers could not verify requests.' : null;
}

/**
 * Connections are kept open between calls (a journey sends thousands a second to one receiver);
 * node:http rather than fetch, whose streams and abort signals cost more than the call itself.
 */
const AGENTS = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
};

function attemptOnce(
  target: WebhookTarget,
  body: string,
  idempotencyKey: string,
  timestamp: number,
): Promise<AttemptResult> {
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = new URL(target.url);
  // Configured headers first, then ours by lower-cased name, so case cannot duplicate one.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(target.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(body));
  headers['x-tessera-timestamp'] = String(timestamp);
  headers['x-tessera-signature'] = `${SIGNATURE_SCHEME}=${signPayload(target.secret, timestamp, body)}`;
  headers['idempotency-key'] = idempotencyKey;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    const done = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // A moved endpoint (3xx) is for the operator to update: node:http never follows redirects.
    let response: IncomingMessage | null = null;
    const req = send(
      url,
      { method: 'POST', headers, agent: AGENTS[url.protocol as 'http:' | 'https:'] },
      (res) => {
        response = res;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.resume();
          done({ kind: 'delivered', status });
          return;
        }
        // 408 and 429 say "not now"; 5xx is the receiver's fault and may pass. Any other 4xx (and
        // 3xx) is about the request itself and will fail the same way every time.
        const retryable = status === 408 || status === 429 || status >= 500;
        const retryAfter = retryable ? (res.headers['retry-after'] ?? null) : null;
        const head = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
        let text = '';
        const finish = (suffix: string): void =>
          done({ kind: 'failed', status, retryable, reason: `${head}${suffix}`, retryAfter });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length >= REASON_BODY_CHARS) {
            res.destroy();
            finish(excerpt(text));
          }
        });
        res.on('end', () => finish(excerpt(text)));
        res.on('error', (err) => finish(` (body unreadable: ${timedOut ? 'TimeoutError' : err.name})`));
        res.on('close', () => finish(` (body unreadable: ${timedOut ? 'TimeoutError' : 'closed'})`));
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      // Once the status is in, the outcome is the response's (its body is cut short).
      (response ?? req).destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on(
      'error',
      (err) =>
        response === null &&
        done({
          kind: 'failed',
          status: null,
          retryable: true,
          reason: timedOut ? `timed out after ${timeoutMs} ms` : networkReason(err),
          retryAfter: null,
        }),
    );
    req.end(body);
  });
}

function excerpt(raw: string): string {
  const text = raw.trim();
  if (text === '') return '';
  return `: ${text.length > REASON_BODY_CHARS ? `${text.slice(0, REASON_BODY_CHARS)}…` : text}`;
}

/** A socket error names its cause in its code (ECONNREFUSED, ENOTFOUND, ECONNRESET). */
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return `network error: ${String(err)}`;
  const code = (err as NodeJS.ErrnoException).code;
  return `network error: ${code ?? err.message}`;
}
