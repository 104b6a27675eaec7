import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  deliverWebhook,
  parseRetryAfter,
  signPayload,
  verifySignature,
  type RetryPolicy,
  type WebhookTarget,
} from './deliver.js';

const SECRET = 'whsec_test_5f1d';
const BODY = JSON.stringify({ type: 'audience.synced', audience: 'seg_42', added: 3 });
const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 };

/** What the receiver saw and whether it accepted the request as genuinely ours. */
interface Received {
  verified: boolean;
  body: string;
  idempotencyKey: string | undefined;
  custom: string | undefined;
}

type Respond = (res: ServerResponse) => void;
const status =
  (code: number, headers: Record<string, string> = {}): Respond =>
  (res) => {
    res.writeHead(code, headers).end(code >= 400 ? `error ${code}` : 'ok');
  };
const hang: Respond = () => {};

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A receiver that checks the request the way a customer's endpoint would (content type, fresh
 * timestamp, signature over the exact bytes received) and then answers with the next scripted
 * response; a request that fails the checks gets a 401 and counts as unverified.
 */
async function receiver(...script: Respond[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = Number(req.headers['x-tessera-timestamp']);
      const verified =
        req.method === 'POST' &&
        req.headers['content-type'] === 'application/json' &&
        /^\d+$/.test(String(req.headers['x-tessera-timestamp'])) &&
        verifySignature(SECRET, timestamp, body, String(req.headers['x-tessera-signature']), {
          nowSeconds: Date.now() / 1000,
          maxAgeSeconds: 300,
        });
      received.push({
        verified,
        body,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        custom: req.headers['x-custom'] as string | undefined,
      });
      const respond = script[received.length - 1] ?? status(200);
      if (verified) respond(res);
      else res.writeHead(401).end('bad signature');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

/** Delivery with the delays recorded instead of slept, and the jitter fixed at half the ceiling. */
async function deliver(target: WebhookTarget, policy = POLICY) {
  const delays: number[] = [];
  const outcome = await deliverWebhook(target, BODY, {
    idempotencyKey: 'dlv_01J9Z',
    policy,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { outcome, delays };
}

describe('deliverWebhook against a real HTTP receiver', () => {
  it('delivers on 200 with verifiable signature, headers and body', async () => {
    const { url, received } = await receiver(status(200));
    const { outcome, delays } = await deliver({ url, secret: SECRET, headers: { 'x-custom': 'yes' } });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.attempts[0]).toMatchObject({ attempt: 1, status: 200, error: null });
    expect(received).toEqual([{ verified: true, body: BODY, idempotencyKey: 'dlv_01J9Z', custom: 'yes' }]);
    expect(delays).toEqual([]);
  });

  it('does not let configured headers replace the signature', async () => {
    const { url, received } = await receiver(status(200));
    const headers = { 'x-tessera-signature': 'v1=00', 'Content-Type': 'text/plain' };
    const { outcome } = await deliver({ url, secret: SECRET, headers });
    expect(outcome.kind).toBe('delivered');
    expect(received[0]?.verified).toBe(true);
  });

  it('retries 500, 500 and delivers on the third attempt after growing delays', async () => {
    const { url, received } = await receiver(status(500), status(500), status(200));
    const { outcome, delays } = await deliver({ url, secret: SECRET });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(outcome.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(outcome.attempts[0]?.error).toMatch(/^HTTP 500 Internal Server Error: error 500/);
    expect(delays).toEqual([50, 100]); // half of 100·2⁰ and 100·2¹
    expect(received.every((r) => r.verified && r.idempotencyKey === 'dlv_01J9Z')).toBe(true);
  });

  it('treats 400 as permanent after one attempt', async () => {
    const { url, received } = await receiver(status(400));
    const { outcome, delays } = await deliver({ url, secret: SECRET });
    expect(outcome).toMatchObject({
      kind: 'failed',
      retryable: false,
      reason: 'HTTP 400 Bad Request: error 400',
    });
    expect(outcome.attempts).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not follow a redirect, and treats it as permanent', async () => {
    const { url, received } = await receiver(status(302, { location: '/elsewhere' }));
    const { outcome } = await deliver({ url, secret: SECRET });
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const { url } = await receiver(status(429, { 'retry-after': '2' }), status(200));
    const { outcome, delays } = await deliver({ url, secret: SECRET });
    expect(outcome.kind).toBe('delivered');
    expect(outcome.attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(delays).toEqual([2000]);
  });

  it('hands a Retry-After beyond maxDelayMs back to the caller as retryAt', async () => {
    const { url } = await receiver(status(503, { 'retry-after': '3600' }));
    const { outcome, delays } = await deliver({ url, secret: SECRET });
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true });
    if (outcome.kind !== 'failed') throw new Error('expected failure');
    expect(outcome.retryAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(outcome.attempts).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('counts a receiver that hangs as a retryable timeout', async () => {
    const { url, received } = await receiver(hang, status(200));
    const { outcome, delays } = await deliver({ url, secret: SECRET, timeoutMs: 200 });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(outcome.attempts[0]).toMatchObject({ status: null, error: 'timed out after 200 ms' });
    expect(outcome.attempts[0]?.millis).toBeGreaterThanOrEqual(150);
    expect(received).toHaveLength(2);
    expect(delays).toEqual([50]);
  });

  it('keeps the status of an error response whose body never ends', async () => {
    const trickle: Respond = (res) => {
      res.writeHead(503).write('partial');
    };
    const { url } = await receiver(trickle, status(200));
    const { outcome } = await deliver({ url, secret: SECRET, timeoutMs: 200 });
    expect(outcome.kind).toBe('delivered');
    expect(outcome.attempts[0]).toMatchObject({ status: 503 });
    expect(outcome.attempts[0]?.error).toMatch(/^HTTP 503 Service Unavailable \(body unreadable/);
  });

  it('fails retryable with every attempt recorded once maxAttempts is reached', async () => {
    const { url, received } = await receiver(status(502), status(503), status(500));
    const { outcome, delays } = await deliver({ url, secret: SECRET }, { ...POLICY, maxAttempts: 3 });
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true });
    if (outcome.kind !== 'failed') throw new Error('expected failure');
    expect(outcome.reason).toMatch(/^HTTP 500 .*gave up after 3 attempts/);
    expect(outcome.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 502],
      [2, 503],
      [3, 500],
    ]);
    expect(outcome.attempts.every((a) => a.error !== null && a.at > 0 && a.millis >= 0)).toBe(true);
    expect(received).toHaveLength(3);
    expect(delays).toEqual([50, 100]);
  });

  it('retries a refused connection as a network error', async () => {
    const { url } = await receiver();
    await new Promise((resolve) => servers.pop()!.close(resolve)); // nothing listens there now
    const { outcome } = await deliver({ url, secret: SECRET }, { ...POLICY, maxAttempts: 2 });
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true });
    expect(outcome.attempts.map((a) => a.error)).toEqual([
      'network error: ECONNREFUSED',
      'network error: ECONNREFUSED',
    ]);
  });

  it('refuses a target it could never deliver to without trying', async () => {
    for (const target of [
      { url: 'not a url', secret: SECRET },
      { url: 'ftp://example.com/hook', secret: SECRET },
      { url: 'https://example.com/hook', secret: '' },
      { url: 'https://example.com/hook', secret: SECRET, headers: { 'bad header': 'x' } },
    ]) {
      const { outcome } = await deliver(target);
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, attempts: [] });
    }
  });
});

describe('signatures', () => {
  const ts = 1_767_225_600;
  const header = `v1=${signPayload(SECRET, ts, BODY)}`;

  it('is the hex HMAC-SHA256 of "timestamp.body"', () => {
    // printf '%s' "1767225600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    expect(signPayload(SECRET, ts, BODY)).toBe(
      'a8d2fa4f096dc246a8ac3c22037fe9d9fbc6d69d57788b10e7e5b582f225839d',
    );
  });

  it('verifies the genuine header and rejects tampering', () => {
    expect(verifySignature(SECRET, ts, BODY, header)).toBe(true);
    expect(verifySignature(SECRET, ts, BODY.replace('3', '4'), header)).toBe(false);
    expect(verifySignature(SECRET, ts, `${BODY} `, header)).toBe(false);
    expect(verifySignature(SECRET, ts + 1, BODY, header)).toBe(false);
    expect(verifySignature('other-secret', ts, BODY, header)).toBe(false);
    expect(verifySignature(SECRET, ts, BODY, header.slice(0, -2))).toBe(false);
    expect(verifySignature(SECRET, ts, BODY, header.replace('v1=', 'v0='))).toBe(false);
    expect(verifySignature(SECRET, ts, BODY, '')).toBe(false);
  });

  it('accepts any of several signatures while a secret is rotated', () => {
    expect(verifySignature(SECRET, ts, BODY, `v1=${signPayload('old', ts, BODY)}, ${header}`)).toBe(true);
  });

  it('rejects a stale timestamp when asked to check freshness', () => {
    expect(verifySignature(SECRET, ts, BODY, header, { nowSeconds: ts + 299, maxAgeSeconds: 300 })).toBe(
      true,
    );
    expect(verifySignature(SECRET, ts, BODY, header, { nowSeconds: ts + 301, maxAgeSeconds: 300 })).toBe(
      false,
    );
  });
});

describe('delays', () => {
  it('stays within full jitter of the capped exponential', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, r) => {
          const d = backoffDelay(attempt, { maxAttempts: 50, baseDelayMs, maxDelayMs }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
        },
      ),
    );
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu Jan  1 00:00:30 2026', now)).toBe(30_000); // asctime is UTC too
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
