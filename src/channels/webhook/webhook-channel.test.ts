import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from './deliver.js';
import { WebhookChannel } from './webhook-channel.js';

/* A real local receiver that checks the signature and the body shape of each kind. */

describe('webhook and HTTP push channels', () => {
  let server: Server;
  let url = '';
  const got: Array<{ body: Record<string, unknown>; key: string; signed: boolean }> = [];
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => {
        const signed = verifySignature(
          'whsec_test_secret_123',
          Number(req.headers['x-tessera-timestamp']),
          s,
          String(req.headers['x-tessera-signature']),
        );
        got.push({
          body: JSON.parse(s) as Record<string, unknown>,
          key: String(req.headers['idempotency-key']),
          signed,
        });
        res.writeHead(status).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => {
    server.close();
  });

  it('sends push and webhook bodies signed, once per call, and classifies failures', async () => {
    const push = new WebhookChannel('push', { url, secret: 'whsec_test_secret_123' });
    const r = await push.send({
      channel: 'push',
      to: 'device-token-1',
      subject: '想你了',
      body: '回来看看新品',
      idempotencyKey: 'k1',
      metadata: { journey: 'jrn_1' },
    });
    expect(r.kind).toBe('sent');
    expect(got[0]).toEqual({
      body: { to: 'device-token-1', title: '想你了', body: '回来看看新品', data: { journey: 'jrn_1' } },
      key: 'k1',
      signed: true,
    });
    const hook = new WebhookChannel('webhook', { url, secret: 'whsec_test_secret_123' });
    status = 503;
    expect(await hook.send({ channel: 'webhook', to: 'crm', body: 'x', idempotencyKey: 'k2' })).toMatchObject(
      { kind: 'failed', retryable: true },
    );
    status = 400;
    expect(await hook.send({ channel: 'webhook', to: 'crm', body: 'x', idempotencyKey: 'k3' })).toMatchObject(
      { kind: 'failed', retryable: false },
    );
    expect(got.map((g) => g.key)).toEqual(['k1', 'k2', 'k3']);
    expect(provider(push, hook)).toEqual(['http-push', 'webhook']);
  });
});

const provider = (...xs: WebhookChannel[]) => xs.map((x) => x.provider);
