import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../channel.js';
import {
  classifyTencentCode,
  tc3Sign,
  TencentSmsChannel,
  tencentSmsConfigSchema,
  type TencentSmsConfig,
} from './tencent-sms.js';

const KEYS = { secretId: 'AKIDtest0000', secretKey: 'tencent-secret-for-tests' };
const CONTENT_TYPE = 'application/json; charset=utf-8';

/*
 * Fixed vectors from Tencent Cloud's "签名方法 v3" page, published identically under every product
 * (e.g. https://cloud.tencent.com/document/api/1427/56189). The current page masks the keys with
 * asterisks and computes its example with those masked strings literally; the earlier edition
 * (GET, "EXAMPLE" keys, still served in translations) is the second vector.
 */
describe('tc3Sign reproduces the documented examples', () => {
  it('current edition: POST DescribeInstances, content-type;host;x-tc-action, 1551113065', () => {
    const payload =
      '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
    const signed = tc3Sign({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      timestamp: 1551113065,
      method: 'POST',
      query: '',
      signedHeaders: {
        'Content-Type': 'application/json; charset=utf-8',
        Host: 'cvm.tencentcloudapi.com',
        'X-TC-Action': 'DescribeInstances',
      },
      payload,
    });
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/',
        '',
        'content-type:application/json; charset=utf-8',
        'host:cvm.tencentcloudapi.com',
        'x-tc-action:describeinstances',
        '',
        'content-type;host;x-tc-action',
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n' +
        '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84',
    );
    expect(signed.signature).toBe('be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host;x-tc-action, ' +
        'Signature=be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3',
    );
  });

  it('earlier edition: GET Limit=10&Offset=0, content-type;host, 1539084154', () => {
    const signed = tc3Sign({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      timestamp: 1539084154,
      method: 'GET',
      query: 'Limit=10&Offset=0',
      signedHeaders: { 'content-type': 'application/x-www-form-urlencoded', host: 'cvm.tencentcloudapi.com' },
      payload: '',
    });
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1539084154\n2018-10-09/cvm/tc3_request\n' +
        '91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7',
    );
    expect(signed.signature).toBe('5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474');
  });
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const mac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s).digest();
const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** The receiving side, written apart from tc3Sign: re-derives the signature from what arrived. */
function verifyTc3(req: IncomingMessage, body: string, secretId: string, secretKey: string): string | null {
  const m = AUTH.exec(req.headers.authorization ?? '');
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

describe('tc3Sign agrees with an independent verifier', () => {
  it('for any payload and header values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (payload, ts) => {
          const headers = {
            'content-type': CONTENT_TYPE,
            host: 'sms.tencentcloudapi.com',
            'x-tc-action': 'SendSms',
          };
          const { authorization } = tc3Sign({
            ...KEYS,
            service: 'sms',
            timestamp: ts,
            method: 'POST',
            query: '',
            signedHeaders: headers,
            payload,
          });
          const req = {
            method: 'POST',
            headers: { ...headers, authorization, 'x-tc-timestamp': String(ts) },
          };
          expect(
            verifyTc3(req as unknown as IncomingMessage, payload, KEYS.secretId, KEYS.secretKey),
          ).toBeNull();
        },
      ),
    );
  });
});

const NOW = Date.UTC(2026, 11, 1, 16, 30, 5); // 00:30 in Beijing: the credential date must still be UTC's
const MESSAGE: OutboundMessage = {
  channel: 'sms',
  to: '+8613711112222',
  templateId: '449739',
  params: ['1234', '5'],
  idempotencyKey: 'snd_01',
};

type Respond = (res: ServerResponse) => void;
const json =
  (body: unknown, status = 200): Respond =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
const sendStatus = (Code: string) =>
  json({
    Response: {
      RequestId: 'req-1',
      SendStatusSet: [{ SerialNo: '2640:1', PhoneNumber: MESSAGE.to, Code, Message: Code }],
    },
  });
const apiError = (Code: string) => json({ Response: { RequestId: 'req-2', Error: { Code, Message: Code } } });

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local SendSms that checks the signature and request shape, then answers with `respond`. */
async function tencent(respond: Respond) {
  const problems: string[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests++;
      const wrong = verifyTc3(req, body, KEYS.secretId, KEYS.secretKey);
      if (wrong !== null) return apiError('AuthFailure.SignatureFailure')(res);
      const check = (ok: boolean, what: string) => ok || problems.push(what);
      check(req.method === 'POST' && req.url === '/', 'POST /');
      check(req.headers['content-type'] === CONTENT_TYPE, 'content-type');
      check(req.headers['x-tc-action'] === 'SendSms', 'X-TC-Action');
      check(req.headers['x-tc-version'] === '2021-01-11', 'X-TC-Version');
      check(req.headers['x-tc-region'] === 'ap-guangzhou', 'X-TC-Region');
      check(req.headers['x-tc-timestamp'] === String(Math.floor(NOW / 1000)), 'X-TC-Timestamp');
      const sent = JSON.parse(body);
      check(JSON.stringify(sent.PhoneNumberSet) === JSON.stringify([MESSAGE.to]), 'PhoneNumberSet');
      check(sent.SmsSdkAppId === '1400006666' && sent.SignName === '腾讯云', 'SmsSdkAppId/SignName');
      check(sent.TemplateId === MESSAGE.templateId, 'TemplateId');
      check(JSON.stringify(sent.TemplateParamSet) === JSON.stringify(MESSAGE.params), 'TemplateParamSet');
      check(sent.SessionContext === MESSAGE.idempotencyKey, 'SessionContext');
      respond(res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, problems, requests: () => requests };
}

function channel(endpoint: string, overrides: Partial<TencentSmsConfig> = {}) {
  const config = {
    ...KEYS,
    region: 'ap-guangzhou',
    sdkAppId: '1400006666',
    signName: '腾讯云',
    endpoint,
    timeoutMs: 300,
  };
  return new TencentSmsChannel({ ...config, ...overrides }, () => NOW);
}

describe('TencentSmsChannel against a local SendSms', () => {
  it('sends, signed, with the documented shape, and returns the SerialNo', async () => {
    const server = await tencent(sendStatus('Ok'));
    const outcome = await channel(server.endpoint).send(MESSAGE);
    expect(server.problems).toEqual([]);
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: '2640:1', at: NOW });
  });

  it.each([
    ['per-number limit in SendStatusSet', sendStatus('LimitExceeded.PhoneNumberDailyLimit'), true],
    ['request rate limit', apiError('RequestLimitExceeded'), true],
    ['Tencent-side fault', apiError('InternalError.Timeout'), true],
    ['unapproved signature', apiError('FailedOperation.SignatureIncorrectOrUnapproved'), false],
    ['bad number in SendStatusSet', sendStatus('InvalidParameterValue.IncorrectPhoneNumber'), false],
  ])('classifies %s', async (_name, respond, retryable) => {
    const server = await tencent(respond);
    const outcome = await channel(server.endpoint).send(MESSAGE);
    expect(server.problems).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'failed', retryable });
  });

  it('gets AuthFailure from a verifier when signed with the wrong key, and does not retry it', async () => {
    const server = await tencent(sendStatus('Ok'));
    const outcome = await channel(server.endpoint, { secretKey: 'not-the-key' }).send(MESSAGE);
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'AuthFailure.SignatureFailure' });
  });

  it('retries a 500 with an HTML body, a hang and a refused connection', async () => {
    const broken = await tencent((res) => res.writeHead(500).end('<html>bad gateway</html>'));
    expect(await channel(broken.endpoint).send(MESSAGE)).toMatchObject({ kind: 'failed', retryable: true });
    const hanging = await tencent(() => {});
    const hung = await channel(hanging.endpoint).send(MESSAGE);
    expect(hung).toMatchObject({ kind: 'failed', retryable: true, reason: 'timed out after 300 ms' });
    const closed = await tencent(sendStatus('Ok'));
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(await channel(closed.endpoint).send(MESSAGE)).toMatchObject({ kind: 'failed', retryable: true });
  });

  it('refuses without a request what can never be sent', async () => {
    const server = await tencent(sendStatus('Ok'));
    const sms = channel(server.endpoint);
    for (const bad of [{ to: '13711112222' }, { templateId: undefined }, { params: { code: '1234' } }]) {
      expect(await sms.send({ ...MESSAGE, ...bad })).toMatchObject({ kind: 'failed', retryable: false });
    }
    expect(server.requests()).toBe(0);
  });
});

describe('classifyTencentCode', () => {
  it.each([
    ['LimitExceeded.PhoneNumberOneHourLimit', 'retryable'],
    ['InternalError.RequestTimeException', 'retryable'],
    ['RequestLimitExceeded', 'retryable'],
    ['InvalidParameter.InvalidParameters', 'permanent'],
    ['InvalidParameterValue.TemplateParameterFormatError', 'permanent'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'permanent'],
    ['AuthFailure.SecretIdNotFound', 'permanent'],
    ['SomethingNew', 'permanent'],
  ])('%s is %s', (code, verdict) => {
    expect(classifyTencentCode(code)).toBe(verdict);
  });
});

describe('tencentSmsConfigSchema', () => {
  it('fills the production endpoint and a timeout, and lists a missing secret', () => {
    const base = { ...KEYS, region: 'ap-guangzhou', sdkAppId: '1400006666', signName: '腾讯云' };
    expect(tencentSmsConfigSchema.parse(base)).toMatchObject({
      endpoint: 'https://sms.tencentcloudapi.com',
      timeoutMs: 10_000,
    });
    const missing = tencentSmsConfigSchema.safeParse({ ...base, secretKey: '' });
    expect(missing.success ? [] : missing.error.issues.map((i) => i.path.join('.'))).toEqual(['secretKey']);
  });
});
