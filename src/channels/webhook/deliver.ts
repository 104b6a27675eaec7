import { createHmac, timingSafeEqual } from 'node:crypto';
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

async function attemptOnce(
  target: WebhookTarget,
  body: string,
  idempotencyKey: string,
  timestamp: number,
): Promise<AttemptResult> {
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // Set after the configured ones, and through Headers so that case does not matter: an object
  // with both 'Content-Type' and 'content-type' would send the two values joined.
  const headers = new Headers(target.headers);
  headers.set('content-type', 'application/json');
  headers.set('x-tessera-timestamp', String(timestamp));
  headers.set('x-tessera-signature', `${SIGNATURE_SCHEME}=${signPayload(target.secret, timestamp, body)}`);
  headers.set('idempotency-key', idempotencyKey);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      // After a 301, 302 or 303 fetch re-sends a POST as a GET without its body (Fetch spec,
      // HTTP-redirect fetch); a moved endpoint is for the operator to update, not for us to follow.
      redirect: 'manual',
      signal: controller.signal,
    });
    const { status } = response;
    const excerpt = await bodyExcerpt(response);
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    const reason = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt}`;
    // 408 and 429 say "not now"; 5xx is the receiver's fault and may pass. Any other 4xx (and 3xx)
    // is about the request itself and will fail the same way every time.
    const retryable = status === 408 || status === 429 || status >= 500;
    const retryAfter = retryable ? response.headers.get('retry-after') : null;
    return { kind: 'failed', status, retryable, reason, retryAfter };
  } catch (err) {
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : networkReason(err);
    return { kind: 'failed', status: null, retryable: true, reason, retryAfter: null };
  } finally {
    clearTimeout(timer);
  }
}

/** The start of the response body for the failure reason; the rest is discarded to free the socket. */
async function bodyExcerpt(response: Response): Promise<string> {
  if (response.body === null || response.ok) {
    await response.body?.cancel();
    return '';
  }
  // @types/node types a fetch body's chunks as any; they are bytes (Fetch spec, "body").
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < REASON_BODY_CHARS) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
  } catch (err) {
    // The status already says what happened; a body cut off by the timeout must not hide it.
    return ` (body unreadable: ${err instanceof Error ? err.name : String(err)})`;
  }
  text = text.trim();
  if (text === '') return '';
  return `: ${text.length > REASON_BODY_CHARS ? `${text.slice(0, REASON_BODY_CHARS)}…` : text}`;
}

/** undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND) in the cause. */
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return `network error: ${String(err)}`;
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `network error: ${code ?? cause.message}`;
  }
  return `network error: ${err.message}`;
}
