import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { OutboundMessage } from '../channel.js';
import {
  classifySmtpError,
  createSmtpEmailAdapter,
  messageIdFor,
  metadataHeaderName,
  type SmtpEmailAdapter,
  type SmtpEmailConfig,
} from './smtp-email.js';

/**
 * Against a real smtp-server on an ephemeral port. mailparser is not installed, so the received
 * MIME is decoded by the small parser below (headers, encoded words, multipart, QP/base64).
 */

interface Received {
  raw: string;
  rcpt: string[];
  user: string | undefined;
}

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

async function startServer(
  options: SMTPServerOptions,
): Promise<{ port: number; inbox: Received[]; stop: () => Promise<void> }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === 'gone@example.com') return callback(smtpError('Mailbox unavailable', 550));
      if (address.address === 'bad@example.com') return callback(smtpError('Mailbox name not allowed', 553));
      if (address.address === 'busy@example.com') return callback(smtpError('Try again later', 451));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // A server that takes the message and then never replies to the final dot.
        if (session.envelope.rcptTo.some((r) => r.address === 'slow@example.com')) return;
        inbox.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, inbox, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// --- a minimal MIME reader, enough for what nodemailer writes ---

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, ' '); // unfold (RFC 5322 §2.2.3)
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(at + 4) };
}

/** RFC 2047 encoded words, B and Q. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQp(text.replace(/_/g, ' ')),
    );
}

function decodeQp(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`)
    .replace(/%(?![0-9A-F]{2})/gi, '%25');
  return decodeURIComponent(bytes);
}

function decodePart(headers: Map<string, string>, body: string): string {
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQp(body);
  return body;
}

function parseMessage(raw: string): {
  headers: Map<string, string>;
  subject: string;
  text?: string;
  html?: string;
} {
  const { headers, body } = splitHeaders(raw);
  const parts: { text?: string; html?: string } = {};
  const collect = (h: Map<string, string>, b: string): void => {
    const type = h.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
    if (boundary) {
      for (const chunk of b.split(`--${boundary}`).slice(1, -1)) {
        const part = splitHeaders(chunk.replace(/^\r\n/, ''));
        collect(part.headers, part.body.replace(/\r\n$/, ''));
      }
    } else if (type.startsWith('text/html')) parts.html = decodePart(h, b);
    else parts.text = decodePart(h, b);
  };
  collect(headers, body);
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), ...parts };
}

// --- tests ---

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
  let server: Awaited<ReturnType<typeof startServer>>;
  let adapter: SmtpEmailAdapter;
  beforeAll(async () => {
    server = await startServer({ authOptional: true });
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
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true, // no TLS on a loopback test port
      onAuth(auth, _session, callback) {
        if (auth.username === 'tessera' && auth.password === 's3cret')
          return callback(null, { user: 'tessera' });
        callback(smtpError('Invalid username or password', 535));
      },
    });
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
