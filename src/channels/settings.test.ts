import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../platform/db/duckdb.js';
import { migrate } from '../platform/db/migrations.js';
import { SecretBox } from '../platform/secret-box.js';
import type { ChannelKind } from './channel.js';
import { ChannelSettings, redactSecret } from './settings.js';
import { verifySignature } from './webhook/deliver.js';

/*
 * Against the real DuckDB file and SecretBox key, and real peers: an smtp-server that demands
 * AUTH, and a node:http receiver that checks each webhook's HMAC signature.
 */

const WS = 'ws_test';
const NOW = Date.UTC(2026, 10, 1, 4, 0, 0);
const now = (): number => NOW;
const SMTP_PASS = 'smtp-pass-0123456789';
const TENCENT_KEY = 'tencent-secret-key-abcdef';
const WECHAT_SECRET = 'wechat-app-secret-xyz';
const HOOK_SECRET = 'whsec_first_secret_0001';

let dir: string;
let db: Database;
let box: SecretBox;
let settings: ChannelSettings;

const smtp = {
  port: 0,
  inbox: [] as { raw: string; rcpt: string[]; user: unknown }[],
  /** Resolves when each connection to the server has ended: how a closed pool shows from outside. */
  closed: [] as Promise<void>[],
};
let smtpServer: SMTPServer;
const hook = { url: '', got: [] as { headers: IncomingHttpHeaders; body: string; valid: boolean }[] };
let http: Server;
/** The secret the receiver checks against, as a real receiver keeps its copy. */
let receiverSecret = HOOK_SECRET;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-channels-'));
  db = await Database.open(join(dir, 'db.duckdb'));
  await migrate(db);
  box = SecretBox.open(join(dir, 'secret.key'));
  settings = await ChannelSettings.load(db, box, now);

  smtpServer = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'tessera' && auth.password === SMTP_PASS)
        return callback(null, { user: 'tessera' });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const rcpt = session.envelope.rcptTo.map((r) => r.address);
        smtp.inbox.push({ raw: Buffer.concat(chunks).toString('utf8'), rcpt, user: session.user });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtpServer.listen(0, '127.0.0.1', resolve));
  smtp.port = (smtpServer.server.address() as AddressInfo).port;
  smtpServer.server.on('connection', (socket: Socket) => {
    smtp.closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });

  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = Number(req.headers['x-tessera-timestamp']);
      const signature = String(req.headers['x-tessera-signature'] ?? '');
      const freshness = { nowSeconds: Math.floor(NOW / 1000), maxAgeSeconds: 300 };
      const valid = verifySignature(receiverSecret, timestamp, body, signature, freshness);
      hook.got.push({ headers: req.headers, body, valid });
      res.writeHead(valid ? 200 : 401).end(valid ? 'ok' : 'bad signature');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`;
});

// Each step guarded, so a failed beforeAll reports its own error rather than one from here.
afterAll(async () => {
  if (settings) settings.close();
  if (smtpServer) await new Promise<void>((resolve) => smtpServer.close(() => resolve()));
  if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  if (db) await db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rawRow = async (channel: string) =>
  (
    await db.query<{ config: string; secrets: string; provider: string }>(
      'SELECT provider, config, secrets FROM channel_settings WHERE workspace_id = ? AND channel = ?',
      [WS, channel],
    )
  )[0];

const tencent = {
  provider: 'tencent-sms',
  config: {
    secretId: 'AKIDtest',
    secretKey: TENCENT_KEY,
    region: 'ap-guangzhou',
    sdkAppId: '1400',
    signName: 'Tessera',
  },
};

describe('channel settings', () => {
  it('stores, redacts and reads back settings, also after a reload', async () => {
    const put = await settings.put(WS, 'sms', tencent, 'key_admin');
    expect(put).toMatchObject({ ok: true });
    const view = settings.get(WS, 'sms');
    expect(view).toEqual({
      channel: 'sms',
      provider: 'tencent-sms',
      config: {
        ...tencent.config,
        secretKey: redactSecret(TENCENT_KEY),
        endpoint: 'https://sms.tencentcloudapi.com',
        timeoutMs: 10_000,
      },
      updatedAt: new Date(NOW).toISOString(),
      updatedBy: 'key_admin',
      problem: null,
    });
    expect(redactSecret(TENCENT_KEY)).toBe('••••ef');
    const reloaded = await ChannelSettings.load(db, box, now);
    expect(reloaded.get(WS, 'sms')).toEqual(view);
    expect(reloaded.adapter(WS, 'sms')).toMatchObject({ kind: 'sms', provider: 'tencent-sms' });
    expect(settings.list('ws_other')).toEqual([]);
    expect(settings.adapter('ws_other', 'sms')).toBeNull();
  });

  it('never shows or stores a secret in the clear', async () => {
    await settings.put(
      WS,
      'wechat',
      { provider: 'wechat-template', config: { appId: 'wx1', appSecret: WECHAT_SECRET } },
      null,
    );
    const shown = JSON.stringify([settings.list(WS), settings.get(WS, 'wechat')]);
    for (const secret of [TENCENT_KEY, WECHAT_SECRET]) expect(shown).not.toContain(secret);
    expect(settings.get(WS, 'wechat')!.config.appSecret).toBe('••••yz');
    const row = (await rawRow('wechat'))!;
    expect(row.config).not.toContain(WECHAT_SECRET);
    expect(JSON.parse(row.config)).toEqual({
      appId: 'wx1',
      baseUrl: 'https://api.weixin.qq.com',
      timeoutMs: 10_000,
    });
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain(WECHAT_SECRET);
    expect(() => JSON.parse(row.secrets) as unknown).toThrow();
    const audit = await db.query<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'channel.put'",
    );
    expect(JSON.stringify(audit)).not.toContain(WECHAT_SECRET);
  });

  it('keeps a stored secret that an update leaves out or sends back redacted, and replaces a new one', async () => {
    const config = { appId: 'wx2', appSecret: redactSecret(WECHAT_SECRET) };
    expect(await settings.put(WS, 'wechat', { provider: 'wechat-template', config }, null)).toMatchObject({
      ok: true,
    });
    const opened = async () =>
      JSON.parse(box.open((await rawRow('wechat'))!.secrets)) as Record<string, string>;
    expect(await opened()).toEqual({ appSecret: WECHAT_SECRET });
    await settings.put(WS, 'wechat', { provider: 'wechat-template', config: { appId: 'wx3' } }, null);
    expect(await opened()).toEqual({ appSecret: WECHAT_SECRET });
    expect(settings.get(WS, 'wechat')!.config.appId).toBe('wx3');

    const wrongMask = { provider: 'wechat-template', config: { appId: 'wx3', appSecret: '••••no' } };
    expect(await settings.put(WS, 'wechat', wrongMask, null)).toMatchObject({
      ok: false,
      issues: [{ path: 'config.appSecret', message: expect.stringMatching(/redacted placeholder/) }],
    });
    await settings.put(
      WS,
      'wechat',
      { provider: 'wechat-template', config: { appId: 'wx3', appSecret: 'new-secret-42' } },
      null,
    );
    expect(await opened()).toEqual({ appSecret: 'new-secret-42' });
    // Secrets do not carry over to another provider: its fields must be given.
    const aliyun = await settings.put(
      WS,
      'sms',
      { provider: 'aliyun-sms', config: { accessKeyId: 'LTAI', signName: 'T' } },
      null,
    );
    expect(aliyun).toMatchObject({ ok: false, issues: [{ path: 'config.accessKeySecret' }] });
  });

  it('refuses a provider on the wrong channel, naming both', async () => {
    const r = await settings.put(WS, 'email', tencent, null);
    expect(r).toMatchObject({ ok: false, code: 'validation_failed', issues: [{ path: 'provider' }] });
    expect(!r.ok && r.message).toBe('provider tencent-sms sends on the sms channel, not on email');
    expect(settings.get(WS, 'email')).toBeNull();
  });

  it('names the field of an invalid config', async () => {
    const from = { address: 'a@example.com' };
    const cases: [ChannelKind, unknown, string][] = [
      ['email', { provider: 'smtp', config: { host: 'x', port: 70_000, from } }, 'config.port'],
      [
        'email',
        { provider: 'smtp', config: { host: 'x', port: 25, from: { address: 'nope' } } },
        'config.from.address',
      ],
      ['email', { provider: 'smtp', config: { host: 'x', port: 25, from, pasword: 'p' } }, 'config'],
      [
        'sms',
        { provider: 'tencent-sms', config: { ...tencent.config, secretKey: undefined } },
        'config.secretKey',
      ],
      ['sms', { provider: 'carrier-pigeon', config: {} }, 'provider'],
      [
        'webhook',
        { provider: 'webhook', config: { url: 'ftp://example.com', secret: HOOK_SECRET } },
        'config.url',
      ],
      [
        'webhook',
        {
          provider: 'webhook',
          config: { url: hook.url, secret: HOOK_SECRET, headers: { Authorization: 'Bearer t' } },
        },
        'config.headers.Authorization',
      ],
    ];
    for (const [channel, input, path] of cases) {
      const r = await settings.put('ws_invalid', channel, input, null);
      expect(r.ok, path).toBe(false);
      if (r.ok) continue;
      expect(r.issues.map((i) => i.path)).toContain(path);
      expect(r.message).toContain(path);
    }
    expect(settings.list('ws_invalid')).toEqual([]);
  });
});

describe('adapters built from the settings', () => {
  it('sends an email through the configured SMTP server, with the sealed password', async () => {
    const config = {
      host: '127.0.0.1',
      port: smtp.port,
      auth: { user: 'tessera', pass: SMTP_PASS },
      from: { address: 'news@tessera.test' },
    };
    expect(await settings.put(WS, 'email', { provider: 'smtp', config }, null)).toMatchObject({ ok: true });
    expect(settings.get(WS, 'email')!.config.auth).toEqual({ user: 'tessera', pass: '••••89' });
    // A fresh instance has only the sealed row to go by.
    const reloaded = await ChannelSettings.load(db, box, now);
    const adapter = reloaded.adapter(WS, 'email')!;
    expect(reloaded.adapter(WS, 'email')).toBe(adapter);
    const outcome = await adapter.send({
      channel: 'email',
      to: 'ada@example.com',
      subject: 'Hello',
      body: 'Hi Ada',
      idempotencyKey: 'test:1',
    });
    reloaded.close();
    expect(outcome).toMatchObject({ kind: 'sent', at: NOW });
    expect(smtp.inbox).toHaveLength(1);
    expect(smtp.inbox[0]).toMatchObject({ rcpt: ['ada@example.com'], user: 'tessera' });
    expect(smtp.inbox[0]!.raw).toContain('Subject: Hello');
    expect(smtp.inbox[0]!.raw).toContain('Hi Ada');
  });

  it('rebuilds the adapter after an update, closing the old pool, and drops it after a removal', async () => {
    const first = settings.adapter(WS, 'email')!;
    const message = { channel: 'email' as const, to: 'ada@example.com', subject: 'x', body: 'x' };
    const opened = smtp.closed.length;
    expect(await first.send({ ...message, idempotencyKey: 'test:pool' })).toMatchObject({ kind: 'sent' });
    // The pool keeps its connection for the next message; replacing the settings must end it.
    expect(smtp.closed.length).toBe(opened + 1);
    const view = settings.get(WS, 'email')!;
    const config = { ...view.config, auth: { user: 'tessera', pass: 'wrong-password' } };
    await settings.put(WS, 'email', { provider: 'smtp', config }, null);
    await smtp.closed[opened];
    const second = settings.adapter(WS, 'email')!;
    expect(second).not.toBe(first);
    const refused = await second.send({
      channel: 'email',
      to: 'ada@example.com',
      subject: 'x',
      body: 'x',
      idempotencyKey: 'test:2',
    });
    expect(refused).toMatchObject({ kind: 'failed', retryable: false, code: '535' });
    expect(await settings.remove(WS, 'email', 'key_admin')).toBe(true);
    expect(settings.adapter(WS, 'email')).toBeNull();
    expect(settings.get(WS, 'email')).toBeNull();
    expect(await rawRow('email')).toBeUndefined();
    expect(await settings.remove(WS, 'email')).toBe(false);
  }, 10_000);

  it('signs webhooks with the sealed secret, kept across an update that sends it back redacted', async () => {
    const put = await settings.put(
      WS,
      'webhook',
      { provider: 'webhook', config: { url: hook.url, secret: HOOK_SECRET } },
      null,
    );
    expect(put.ok && put.value.config).toEqual({
      url: hook.url,
      secret: '••••01',
      apiToken: null,
      timeoutMs: 10_000,
    });
    const send = (key: string) =>
      settings
        .adapter(WS, 'webhook')!
        .send({ channel: 'webhook', to: 'crm', body: 'hello', idempotencyKey: key });
    expect(await send('test:w1')).toMatchObject({ kind: 'sent' });
    const edited = { ...settings.get(WS, 'webhook')!.config, headers: { 'x-team': 'growth' } };
    await settings.put(WS, 'webhook', { provider: 'webhook', config: edited }, null);
    expect(await send('test:w2')).toMatchObject({ kind: 'sent' });
    expect(hook.got.map((g) => [g.valid, g.headers['idempotency-key']])).toEqual([
      [true, 'test:w1'],
      [true, 'test:w2'],
    ]);
    expect(hook.got[1]!.headers['x-team']).toBe('growth');
    expect(JSON.parse(hook.got[1]!.body)).toMatchObject({ to: 'crm', body: 'hello' });
    // The receiver rotated its secret but ours was not updated: the signature fails, permanently.
    receiverSecret = 'whsec_rotated_secret_02';
    expect(await send('test:w3')).toMatchObject({ kind: 'failed', retryable: false });
    receiverSecret = HOOK_SECRET;
  });

  it('sends app push with its API token as a bearer header', async () => {
    const config = { url: hook.url, secret: HOOK_SECRET, apiToken: 'push-token-123456' };
    await settings.put(WS, 'push', { provider: 'http-push', config }, null);
    expect(settings.get(WS, 'push')!.config.apiToken).toBe('••••56');
    const outcome = await settings
      .adapter(WS, 'push')!
      .send({ channel: 'push', to: 'device-1', subject: 'Sale', body: 'Now', idempotencyKey: 'test:p1' });
    expect(outcome).toMatchObject({ kind: 'sent' });
    const got = hook.got.at(-1)!;
    expect(got).toMatchObject({ valid: true, headers: { authorization: 'Bearer push-token-123456' } });
    expect(JSON.parse(got.body)).toEqual({ to: 'device-1', title: 'Sale', body: 'Now', data: {} });
    // null clears an optional secret.
    await settings.put(WS, 'push', { provider: 'http-push', config: { ...config, apiToken: null } }, null);
    expect(settings.get(WS, 'push')!.config.apiToken).toBeNull();
  });

  it('keeps settings whose secrets another key cannot open visible, but unusable', async () => {
    const otherBox = SecretBox.open(join(dir, 'other.key'));
    const other = await ChannelSettings.load(db, otherBox, now);
    expect(other.get(WS, 'webhook')).toMatchObject({
      provider: 'webhook',
      config: { url: hook.url, secret: null },
    });
    expect(other.get(WS, 'webhook')!.problem).toMatch(/cannot be opened with this secret key/);
    expect(other.adapter(WS, 'webhook')).toBeNull();
  });
});
