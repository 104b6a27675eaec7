import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeWords,
  parseMessage,
  smtpPasswordAuth,
  startSmtpPeer,
  type SmtpPeer,
} from '../../../test/support/provider-peers.js';
import type { OutboundMessage } from '../channel.js';
import {
  classifySmtpError,
  createSmtpEmailAdapter,
  messageIdFor,
  metadataHeaderName,
  type SmtpEmailAdapter,
  type SmtpEmailConfig,
} from './smtp-email.js';

/*
 * Against a real smtp-server on an ephemeral port, with scripted mailboxes and a small MIME
 * reader (test/support/provider-peers.ts).
 */

const baseConfig = (port: number): SmtpEmailConfig => ({
  host: '127.0.0.1',
  port,
  secure: false,
  from: { address: 'news@shop.example.cn', name: '茶叶商城' },
  replyTo: 'care@shop.example.cn',
  timeoutMs: 2_000,
  maxConnections: 2,
  headers: { 'X-Campaign-Source': 'tessera' },
});

const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  channel: 'email',
  to: 'lin@example.com',
  subject: '王小明，您的订单已发货 🚚',
  body: '您好，订单 o_42 已发货。\n谢谢！',
  html: '<p>您好，订单 <b>o_42</b> 已发货。</p>',
  idempotencyKey: 'jrn_1:step_2:prof_3',
  metadata: { journey: 'jrn_1', step: 'step_2', profile: 'prof_3' },
  ...over,
});

describe('smtp email adapter, no AUTH', () => {
  let server: SmtpPeer;
  let adapter: SmtpEmailAdapter;
  beforeAll(async () => {
    server = await startSmtpPeer({ authOptional: true });
    adapter = createSmtpEmailAdapter(baseConfig(server.port), { now: () => 1_700_000_000_000 });
  });
  afterAll(async () => {
    adapter.close();
    await server.stop();
  });

  it('delivers subject, text, html and the Tessera headers', async () => {
    const unsubscribeUrl = 'https://t.example/u/abc?x=1';
    const outcome = await adapter.send(message({ metadata: { ...message().metadata, unsubscribeUrl } }));
    const expectedId = messageIdFor('jrn_1:step_2:prof_3', 'shop.example.cn');
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: expectedId, at: 1_700_000_000_000 });

    const got = server.inbox.at(-1)!;
    expect(got.rcpt).toEqual(['lin@example.com']);
    const mail = parseMessage(got.raw);
    expect(mail.subject).toBe('王小明，您的订单已发货 🚚');
    expect(mail.text?.replace(/\r\n/g, '\n')).toBe('您好，订单 o_42 已发货。\n谢谢！');
    expect(got.raw.match(/^Message-ID:/gim)).toHaveLength(1);
    expect(mail.html).toBe('<p>您好，订单 <b>o_42</b> 已发货。</p>');
    expect(mail.headers.get('message-id')).toBe(expectedId);
    expect(mail.headers.get('x-tessera-journey')).toBe('jrn_1');
    expect(mail.headers.get('x-tessera-step')).toBe('step_2');
    expect(mail.headers.get('x-tessera-profile')).toBe('prof_3');
    expect(mail.headers.has('x-tessera-unsubscribe-url')).toBe(false);
    expect(mail.headers.get('list-unsubscribe')).toBe(`<${unsubscribeUrl}>`);
    expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.headers.get('x-campaign-source')).toBe('tessera');
    expect(decodeWords(mail.headers.get('from')!)).toBe('茶叶商城 <news@shop.example.cn>');
    expect(mail.headers.get('reply-to')).toBe('care@shop.example.cn');
  });

  it('gives a retried send the same Message-ID, and a different key another', async () => {
    await adapter.send(message({ idempotencyKey: 'k-retry' }));
    await adapter.send(message({ idempotencyKey: 'k-retry' }));
    await adapter.send(message({ idempotencyKey: 'k-other', html: undefined, metadata: undefined }));
    const ids = server.inbox.slice(-3).map((m) => parseMessage(m.raw).headers.get('message-id'));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    const textOnly = parseMessage(server.inbox.at(-1)!.raw);
    expect(textOnly.html).toBeUndefined();
    expect(textOnly.headers.has('list-unsubscribe')).toBe(false);
  });

  it.each([
    ['gone@example.com', false, '550'],
    ['bad@example.com', false, '553'],
    ['busy@example.com', true, '451'],
  ])('classifies the reply to %s (retryable=%s)', async (to, retryable, code) => {
    const before = server.inbox.length;
    const outcome = await adapter.send(message({ to }));
    expect(outcome).toMatchObject({ kind: 'failed', retryable, code });
    expect(server.inbox.length).toBe(before);
  });

  it('treats a server that stalls after DATA as a retryable timeout', async () => {
    const impatient = createSmtpEmailAdapter({ ...baseConfig(server.port), timeoutMs: 300 });
    try {
      const outcome = await impatient.send(message({ to: 'slow@example.com' }));
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'ETIMEDOUT' });
    } finally {
      impatient.close({ force: true });
    }
  });

  it('refuses an invalid recipient before connecting', async () => {
    const before = server.inbox.length;
    const outcome = await adapter.send(message({ to: 'not an address' }));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'invalid_recipient' });
    expect(server.inbox.length).toBe(before);
  });

  it('refuses an unusable unsubscribe URL and a message without content', async () => {
    const badUrl = await adapter.send(message({ metadata: { unsubscribeUrl: 'javascript:alert(1)' } }));
    expect(badUrl).toMatchObject({ kind: 'failed', retryable: false, code: 'invalid_unsubscribe_url' });
    const empty = await adapter.send(message({ body: undefined, html: undefined }));
    expect(empty).toMatchObject({ kind: 'failed', retryable: false, code: 'empty_message' });
  });
});

describe('smtp email adapter, with AUTH', () => {
  let server: SmtpPeer;
  beforeAll(async () => {
    server = await startSmtpPeer(smtpPasswordAuth('tessera', 's3cret'));
  });
  afterAll(() => server.stop());

  it('authenticates and delivers', async () => {
    const adapter = createSmtpEmailAdapter({
      ...baseConfig(server.port),
      auth: { user: 'tessera', pass: 's3cret' },
    });
    try {
      expect(await adapter.send(message())).toMatchObject({ kind: 'sent' });
      expect(server.inbox.at(-1)!.user).toBe('tessera');
    } finally {
      adapter.close();
    }
  });

  it('reports bad credentials as permanent, and no credentials as a refused send', async () => {
    const wrong = createSmtpEmailAdapter({
      ...baseConfig(server.port),
      auth: { user: 'tessera', pass: 'nope' },
    });
    const none = createSmtpEmailAdapter(baseConfig(server.port));
    try {
      expect(await wrong.send(message())).toMatchObject({ kind: 'failed', retryable: false, code: '535' });
      // smtp-server answers MAIL FROM without AUTH with 530 (authentication required).
      expect(await none.send(message())).toMatchObject({ kind: 'failed', retryable: false, code: '530' });
    } finally {
      wrong.close();
      none.close();
    }
  });
});

describe('smtp email adapter, unreachable servers', () => {
  it('treats a server that never answers as a retryable timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)); // accepts, never greets
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const adapter = createSmtpEmailAdapter({ ...baseConfig(port), timeoutMs: 300 });
    try {
      const started = Date.now();
      const outcome = await adapter.send(message());
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'ETIMEDOUT' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      adapter.close({ force: true });
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('treats a refused connection as retryable', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const adapter = createSmtpEmailAdapter(baseConfig(port));
    try {
      expect(await adapter.send(message())).toMatchObject({
        kind: 'failed',
        retryable: true,
        code: 'ECONNREFUSED',
      });
    } finally {
      adapter.close();
    }
  });
});

describe('helpers', () => {
  it('names metadata headers', () => {
    expect(metadataHeaderName('journey')).toBe('X-Tessera-Journey');
    expect(metadataHeaderName('profileId')).toBe('X-Tessera-Profile-Id');
    expect(metadataHeaderName('step_id')).toBe('X-Tessera-Step-Id');
  });

  it('classifies replies by RFC 5321 class, 503 being transient', () => {
    expect(classifySmtpError({ responseCode: 421, message: 'closing' })).toMatchObject({ retryable: true });
    expect(classifySmtpError({ responseCode: 503, message: 'bad sequence' })).toMatchObject({
      retryable: true,
    });
    expect(classifySmtpError({ responseCode: 552, message: 'too big' })).toMatchObject({ retryable: false });
    expect(classifySmtpError({ code: 'ECONFIG', message: 'bad config' })).toMatchObject({ retryable: false });
    expect(classifySmtpError(new Error('who knows'))).toMatchObject({ retryable: true, code: 'unknown' });
  });
});
