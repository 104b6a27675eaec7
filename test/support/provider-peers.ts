import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * Local stand-ins for the providers the channel adapters talk to, each checking what the
 * provider's documentation says a request must be: an SMTP server (smtp-server) with AUTH,
 * Tencent Cloud SendSms verifying TC3-HMAC-SHA256, Aliyun Dysms verifying the RPC signature, and
 * api.weixin.qq.com's token and template-send calls. The verifiers are written apart from the
 * adapters' signing code, so a peer accepting a request means two readings of the spec agree.
 * Shared by the adapters' unit tests and the end-to-end journey suites.
 */

/** Answers a request; `sent` is what the peer parsed from it (JSON body or form). */
export type Respond<T = unknown> = (res: ServerResponse, sent: T) => void;

export const json =
  (body: unknown, status = 200): Respond<unknown> =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

async function listen(server: Server): Promise<{ origin: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  return { origin, close };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const E164 = /^\+[1-9]\d{6,14}$/;

// ------------------------------------------------------------------------------------- SMTP

export interface ReceivedMail {
  raw: string;
  rcpt: string[];
  /** The authenticated user, when the session authenticated. */
  user: string | undefined;
}

export interface SmtpPeer {
  port: number;
  inbox: ReceivedMail[];
  stop(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * A real smtp-server on an ephemeral port, no STARTTLS (loopback). Some mailboxes are scripted,
 * to exercise an adapter's classification of replies (RFC 5321 §4.2): `gone@example.com` 550,
 * `bad@example.com` 553, `busy@example.com` 451, and `slow@example.com` takes the message and
 * never answers the final dot. Everything else is delivered to `inbox`.
 */
export async function startSmtpPeer(options: SMTPServerOptions = {}): Promise<SmtpPeer> {
  const inbox: ReceivedMail[] = [];
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
  const port = (server.server.address() as AddressInfo).port;
  return { port, inbox, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** AUTH PLAIN/LOGIN with one user (RFC 4954); a wrong password gets 535. */
export function smtpPasswordAuth(
  user: string,
  pass: string,
): Pick<SMTPServerOptions, 'authMethods' | 'allowInsecureAuth' | 'onAuth'> {
  return {
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true, // no TLS on a loopback test port
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      callback(smtpError('Invalid username or password', 535));
    },
  };
}

// A minimal MIME reader, enough for what nodemailer writes (mailparser is not installed).

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
export function decodeWords(value: string): string {
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

export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text?: string;
  html?: string;
}

export function parseMessage(raw: string): ParsedMail {
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

// ------------------------------------------------------------------------- Tencent Cloud SMS

export const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const mac = (key: string | Buffer, s: string): Buffer => createHmac('sha256', key).update(s).digest();
const TC3_AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/**
 * The receiving side of TC3-HMAC-SHA256 ("签名方法 v3",
 * https://cloud.tencent.com/document/api/1427/56189): re-derives the signature from what
 * arrived; null when it matches, else what is wrong.
 */
export function verifyTc3(
  req: Pick<IncomingMessage, 'method' | 'headers'>,
  body: string,
  secretId: string,
  secretKey: string,
): string | null {
  const m = TC3_AUTH.exec(req.headers.authorization ?? '');
  if (m === null) return 'malformed Authorization';
  const [, id, date, signedHeaders, signature] = m as unknown as [string, string, string, string, string];
  const timestamp = Number(req.headers['x-tc-timestamp']);
  if (id !== secretId) return 'wrong SecretId';
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date)
    return 'date is not the UTC day of the timestamp';
  const names = signedHeaders.split(';');
  for (const required of ['content-type', 'host', 'x-tc-action']) {
    if (!names.includes(required)) return `${required} not signed`;
  }
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim().toLowerCase()}\n`).join('');
  const canonical = `${req.method}\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256(body)}`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${sha256(canonical)}`;
  const key = mac(mac(mac('TC3' + secretKey, date), 'sms'), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? null : 'signature mismatch';
}

export interface TencentPeerOptions {
  secretId: string;
  secretKey: string;
  region: string;
  sdkAppId: string;
  signName: string;
  /** When given, X-TC-Timestamp must be this clock's second. */
  now?: () => number;
  /** The answer to a request that passed the signature check; by default Ok with a SerialNo. */
  respond?: Respond<Record<string, unknown>>;
}

export interface TencentSmsPeer {
  endpoint: string;
  /** Documented-shape violations of signed requests (empty when every request was right). */
  problems: string[];
  /** The bodies of signed requests, in order. */
  received: Array<Record<string, unknown>>;
  /** The SerialNo the default answer gave each signed request, in order. */
  serials: string[];
  requests(): number;
  close(): Promise<void>;
}

/**
 * SendSms of Tencent Cloud SMS API 3.0 (https://www.tencentcloud.com/document/product/382/40536):
 * an unsigned or mis-signed request gets AuthFailure.SignatureFailure; a signed one is checked
 * against the documented headers and body (PhoneNumberSet in E.164, SmsSdkAppId, SignName,
 * TemplateId, TemplateParamSet as strings) and answered with `respond`.
 */
export async function startTencentSmsPeer(options: TencentPeerOptions): Promise<TencentSmsPeer> {
  const problems: string[] = [];
  const received: Array<Record<string, unknown>> = [];
  const serials: string[] = [];
  let requests = 0;
  const ok: Respond<Record<string, unknown>> = (res, sent) => {
    const serial = `2640:${1000 + serials.length}`;
    serials.push(serial);
    const phones = Array.isArray(sent.PhoneNumberSet) ? (sent.PhoneNumberSet as string[]) : [];
    json({
      Response: {
        RequestId: `req-${requests}`,
        SendStatusSet: phones.map((PhoneNumber) => ({
          SerialNo: serial,
          PhoneNumber,
          Fee: 1,
          SessionContext: sent.SessionContext ?? '',
          Code: 'Ok',
          Message: 'send success',
          IsoCode: 'CN',
        })),
      },
    })(res, sent);
  };
  const respond = options.respond ?? ok;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      requests++;
      const wrong = verifyTc3(req, body, options.secretId, options.secretKey);
      if (wrong !== null) {
        const error = { Code: 'AuthFailure.SignatureFailure', Message: wrong };
        return json({ Response: { RequestId: `req-${requests}`, Error: error } })(res, null);
      }
      const check = (good: boolean, what: string): void => {
        if (!good) problems.push(what);
      };
      check(req.method === 'POST' && req.url === '/', 'POST /');
      check(req.headers['content-type'] === TENCENT_CONTENT_TYPE, 'content-type');
      check(req.headers['x-tc-action'] === 'SendSms', 'X-TC-Action');
      check(req.headers['x-tc-version'] === '2021-01-11', 'X-TC-Version');
      check(req.headers['x-tc-region'] === options.region, 'X-TC-Region');
      if (options.now) {
        const expected = String(Math.floor(options.now() / 1000));
        check(req.headers['x-tc-timestamp'] === expected, 'X-TC-Timestamp');
      }
      let sent: unknown = null;
      try {
        sent = JSON.parse(body);
      } catch {
        problems.push('body is not JSON');
      }
      const s = isRecord(sent) ? sent : {};
      const phones = s.PhoneNumberSet;
      check(
        Array.isArray(phones) &&
          phones.length > 0 &&
          phones.every((p) => typeof p === 'string' && E164.test(p)),
        'PhoneNumberSet: E.164 numbers',
      );
      check(s.SmsSdkAppId === options.sdkAppId, 'SmsSdkAppId');
      check(s.SignName === options.signName, 'SignName');
      check(typeof s.TemplateId === 'string' && s.TemplateId !== '', 'TemplateId');
      const params = s.TemplateParamSet;
      check(
        params === undefined || (Array.isArray(params) && params.every((p) => typeof p === 'string')),
        'TemplateParamSet: strings',
      );
      check(s.SessionContext === undefined || typeof s.SessionContext === 'string', 'SessionContext');
      received.push(s);
      respond(res, s);
    });
  });
  const { origin, close } = await listen(server);
  return { endpoint: origin, problems, received, serials, requests: () => requests, close };
}

// ------------------------------------------------------------------------------- Aliyun SMS

/** Byte-wise RFC 3986 encoder, written apart from the adapter's percentEncode. */
export function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The RPC signature (https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism):
 * base64 HMAC-SHA1, keyed `secret&`, of `METHOD&%2F&` + the encoded, sorted, encoded query.
 */
export function aliyunRpcSignatureOf(
  method: string,
  params: ReadonlyMap<string, string>,
  secret: string,
): string {
  const query = [...params.keys()]
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params.get(k)!)}`)
    .join('&');
  return createHmac('sha1', `${secret}&`)
    .update(`${method}&%2F&${rfc3986(query)}`)
    .digest('base64');
}

export interface DysmsPeerOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** When given, Timestamp must be this clock's second. */
  now?: () => number;
  /** The answer to a request whose signature matched; by default OK with a BizId. */
  respond?: Respond<ReadonlyMap<string, string>>;
}

export interface DysmsPeer {
  endpoint: string;
  problems: string[];
  /** The form parameters of signed requests, in order. */
  received: Array<ReadonlyMap<string, string>>;
  /** The BizId the default answer gave each signed request, in order. */
  bizIds: string[];
  requests(): number;
  close(): Promise<void>;
}

/**
 * Dysms SendSms, version 2017-05-25 (https://help.aliyun.com/document_detail/419273.html): a
 * mis-signed request gets SignatureDoesNotMatch (400); a signed one is checked for the common
 * parameters and the SendSms ones (PhoneNumbers, SignName, TemplateCode, TemplateParam as a JSON
 * object of strings, OutId) and a fresh SignatureNonce, then answered with `respond`.
 */
export async function startDysmsPeer(options: DysmsPeerOptions): Promise<DysmsPeer> {
  const problems: string[] = [];
  const received: Array<ReadonlyMap<string, string>> = [];
  const bizIds: string[] = [];
  const nonces = new Set<string>();
  let requests = 0;
  const ok: Respond<ReadonlyMap<string, string>> = (res) => {
    const bizId = `90061974693649${8440 + bizIds.length}^0`;
    bizIds.push(bizId);
    json({ Code: 'OK', Message: 'OK', BizId: bizId, RequestId: `req-${requests}` })(res, null);
  };
  const respond = options.respond ?? ok;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      requests++;
      const form = new Map(
        body.split('&').map((pair) => {
          const [k = '', v = ''] = pair.split('=');
          return [decodeURIComponent(k), decodeURIComponent(v.replace(/\+/g, ' '))] as const;
        }),
      );
      if (form.get('Signature') !== aliyunRpcSignatureOf('POST', form, options.accessKeySecret)) {
        const answer = { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched' };
        return json({ ...answer, RequestId: `req-${requests}` }, 400)(res, null);
      }
      const check = (good: boolean, what: string): void => {
        if (!good) problems.push(what);
      };
      check(req.method === 'POST' && req.url === '/', 'POST /');
      check(req.headers['content-type'] === 'application/x-www-form-urlencoded', 'content-type');
      const want: Record<string, string> = {
        AccessKeyId: options.accessKeyId,
        Action: 'SendSms',
        Version: '2017-05-25',
        Format: 'JSON',
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignName: options.signName,
      };
      for (const [k, v] of Object.entries(want)) check(form.get(k) === v, `${k}=${form.get(k)}`);
      const timestamp = form.get('Timestamp') ?? '';
      check(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(timestamp), `Timestamp=${timestamp}`);
      if (options.now) {
        const expected = `${new Date(options.now()).toISOString().slice(0, 19)}Z`;
        check(timestamp === expected, `Timestamp=${timestamp}, not ${expected}`);
      }
      check(/^\d{5,20}(,\d{5,20})*$/.test(form.get('PhoneNumbers') ?? ''), 'PhoneNumbers');
      check((form.get('TemplateCode') ?? '') !== '', 'TemplateCode');
      let param: unknown = null;
      try {
        param = JSON.parse(form.get('TemplateParam') ?? '{}');
      } catch {
        problems.push('TemplateParam is not JSON');
      }
      check(
        isRecord(param) && Object.values(param).every((v) => typeof v === 'string'),
        'TemplateParam: a JSON object of strings',
      );
      const outId = form.get('OutId');
      check(outId === undefined || (outId !== '' && outId.length <= 256), 'OutId');
      const nonce = form.get('SignatureNonce') ?? '';
      check(nonce !== '' && !nonces.has(nonce), 'SignatureNonce unique');
      nonces.add(nonce);
      received.push(form);
      respond(res, form);
    });
  });
  const { origin, close } = await listen(server);
  return { endpoint: origin, problems, received, bizIds, requests: () => requests, close };
}

// ---------------------------------------------------------------------------------- WeChat

export interface WechatPeer {
  baseUrl: string;
  /** Tokens issued (calls of cgi-bin/token with the right credentials). */
  tokens: number;
  issued: string[];
  sends: Array<{ token: string; body: Record<string, unknown> }>;
  /** Token values WeChat no longer accepts. */
  expired: Set<string>;
  /** The errcode the next sends answer with (0: ok). */
  nextCode: number[];
  /** Sends never answer. */
  hang: boolean;
  close(): Promise<void>;
}

/**
 * api.weixin.qq.com for official-account template messages
 * (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html):
 * `GET /cgi-bin/token` checks grant_type, appid and secret (40013 otherwise); `POST
 * /cgi-bin/message/template/send` checks the access_token (42001 for an unknown or expired
 * one) and the body (touser, template_id, data as `{ key: { value } }`; 47001 otherwise).
 */
export async function startWechatPeer(credentials: {
  appId: string;
  appSecret: string;
}): Promise<WechatPeer> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const answer = (o: unknown): void => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      };
      if (url.pathname === '/cgi-bin/token') {
        const ok =
          req.method === 'GET' &&
          url.searchParams.get('grant_type') === 'client_credential' &&
          url.searchParams.get('appid') === credentials.appId &&
          url.searchParams.get('secret') === credentials.appSecret;
        if (!ok) return answer({ errcode: 40013, errmsg: 'invalid appid' });
        const token = `tok${++peer.tokens}`;
        peer.issued.push(token);
        return answer({ access_token: token, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/template/send' && req.method === 'POST') {
        if (peer.hang) return; // never answers
        const token = url.searchParams.get('access_token') ?? '';
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return answer({ errcode: 47001, errmsg: 'data format error: not JSON' });
        }
        if (!peer.issued.includes(token) || peer.expired.has(token))
          return answer({ errcode: 42001, errmsg: 'access_token expired' });
        if (!isRecord(body)) return answer({ errcode: 47001, errmsg: 'data format error' });
        const data = body.data;
        const wellFormed =
          typeof body.touser === 'string' &&
          body.touser !== '' &&
          typeof body.template_id === 'string' &&
          body.template_id !== '' &&
          isRecord(data) &&
          Object.values(data).every((v) => isRecord(v) && typeof v.value === 'string');
        if (!wellFormed) return answer({ errcode: 47001, errmsg: 'data format error' });
        peer.sends.push({ token, body });
        const code = peer.nextCode.shift() ?? 0;
        return answer(
          code === 0 ? { errcode: 0, errmsg: 'ok', msgid: 200228332 } : { errcode: code, errmsg: 'err' },
        );
      }
      res.writeHead(404).end();
    })();
  });
  const { origin, close } = await listen(server);
  const peer: WechatPeer = {
    baseUrl: origin,
    tokens: 0,
    issued: [],
    sends: [],
    expired: new Set(),
    nextCode: [],
    hang: false,
    close,
  };
  return peer;
}
