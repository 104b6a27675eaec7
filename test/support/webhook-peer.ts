import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/channels/webhook/deliver.js';

/**
 * A local webhook receiver that does what a careful one does: checks each request's HMAC
 * signature and freshness, and counts deliveries by idempotency key (a repeat is acknowledged
 * and not applied twice). `raw` counts every request, repeats included.
 */
export interface WebhookPeer {
  url: string;
  received: Array<{ key: string; body: Record<string, unknown>; at: number }>;
  byKey: Map<string, number>;
  raw: number;
  rejected: string[];
  /** Answer this status instead of 200 for the next N requests. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookPeer(
  secret: string,
  options: { port?: number; now?: () => number; delayMs?: number } = {},
): Promise<WebhookPeer> {
  const now = options.now ?? Date.now;
  let failing = 0;
  let failStatus = 503;
  const peer: WebhookPeer = {
    url: '',
    received: [],
    byKey: new Map(),
    raw: 0,
    rejected: [],
    failNext(n, status = 503) {
      failing = n;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      peer.raw++;
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = Number(req.headers['x-tessera-timestamp']);
      const signature = req.headers['x-tessera-signature'];
      const signed =
        typeof signature === 'string' &&
        verifySignature(secret, timestamp, body, signature, {
          nowSeconds: Math.floor(now() / 1000),
          maxAgeSeconds: 300,
        });
      const key = req.headers['idempotency-key'];
      if (!signed || typeof key !== 'string') {
        peer.rejected.push(signed ? 'no idempotency key' : 'bad signature');
        res.writeHead(401).end();
        return;
      }
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end();
        return;
      }
      const apply = (): void => {
        const seen = peer.byKey.get(key) ?? 0;
        peer.byKey.set(key, seen + 1);
        if (seen === 0)
          peer.received.push({ key, body: JSON.parse(body) as Record<string, unknown>, at: Date.now() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (options.delayMs) setTimeout(apply, options.delayMs);
      else apply();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return peer;
}
