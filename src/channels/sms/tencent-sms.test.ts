import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  json,
  startTencentSmsPeer,
  TENCENT_CONTENT_TYPE as CONTENT_TYPE,
  verifyTc3,
  type Respond,
  type TencentSmsPeer,
} from '../../../test/support/provider-peers.js';
import type { OutboundMessage } from '../channel.js';
import {
  classifyTencentCode,
  tc3Sign,
  TencentSmsChannel,
  tencentSmsConfigSchema,
  type TencentSmsConfig,
} from './tencent-sms.js';

const KEYS = { secretId: 'AKIDtest0000', secretKey: 'tencent-secret-for-tests' };

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

/* The verifier (test/support/provider-peers.ts) is written apart from tc3Sign. */
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

const sendStatus = (Code: string) =>
  json({
    Response: {
      RequestId: 'req-1',
      SendStatusSet: [{ SerialNo: '2640:1', PhoneNumber: MESSAGE.to, Code, Message: Code }],
    },
  });
const apiError = (Code: string) => json({ Response: { RequestId: 'req-2', Error: { Code, Message: Code } } });

const peers: TencentSmsPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

/** A local SendSms (test/support/provider-peers.ts) answering with `respond`. */
async function tencent(respond: Respond<Record<string, unknown>>) {
  const peer = await startTencentSmsPeer({
    ...KEYS,
    region: 'ap-guangzhou',
    sdkAppId: '1400006666',
    signName: '腾讯云',
    now: () => NOW,
    respond,
  });
  peers.push(peer);
  return peer;
}

/** The request carried this message: number, template, parameters and the key as SessionContext. */
function expectSent(peer: TencentSmsPeer): void {
  expect(peer.problems).toEqual([]);
  expect(peer.received.at(-1)).toMatchObject({
    PhoneNumberSet: [MESSAGE.to],
    SmsSdkAppId: '1400006666',
    SignName: '腾讯云',
    TemplateId: MESSAGE.templateId,
    TemplateParamSet: MESSAGE.params,
    SessionContext: MESSAGE.idempotencyKey,
  });
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
    expectSent(server);
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
    expectSent(server);
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
    await closed.close();
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
