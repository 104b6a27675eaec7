import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  json,
  rfc3986,
  startDysmsPeer,
  type DysmsPeer,
  type Respond,
} from '../../../test/support/provider-peers.js';
import type { OutboundMessage } from '../channel.js';
import {
  AliyunSmsChannel,
  aliyunSmsConfigSchema,
  aliyunRpcSign,
  aliyunStringToSign,
  classifyAliyunCode,
  dysmsPhoneNumber,
  percentEncode,
  type AliyunSmsConfig,
} from './aliyun-sms.js';

/*
 * Fixed vectors. The first is the worked example of the RPC signature page
 * (https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism, "Example":
 * DescribeRegions, testid / testsecret). The second is the SendSms example of Dysms's older
 * "HTTP 协议及签名" page (testId / testSecret, SMS_71390007, expected zJDF+Lrzhj/ThnlvIToysFRq6t4=),
 * known here from the SDKs that quote it as "data from the Aliyun document demo"; the page itself
 * was not at hand. Both sign GET; the adapter POSTs, which the verifying server below covers.
 */
describe('aliyunRpcSign reproduces the documented examples', () => {
  it('DescribeRegions with testsecret', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(aliyunStringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML' +
        '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf' +
        '%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(aliyunRpcSign('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('SendSms with testSecret, a Chinese SignName and a JSON TemplateParam', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(aliyunRpcSign('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });
});

/* rfc3986 (test/support/provider-peers.ts) is a byte-wise encoder written apart from percentEncode. */
describe('percentEncode', () => {
  it('follows the documented rules', () => {
    expect(percentEncode("a b*c~d!'()+/:")).toBe('a%20b%2Ac~d%21%27%28%29%2B%2F%3A');
  });
  it('agrees with a byte-wise RFC 3986 encoder on any well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => percentEncode(s) === rfc3986(s)));
  });
});

const KEYS = { accessKeyId: 'LTAItest0000', accessKeySecret: 'aliyun-secret-for-tests' };
const NOW = Date.UTC(2026, 11, 1, 13, 45, 7, 250);
const MESSAGE: OutboundMessage = {
  channel: 'sms',
  to: '+8613800138000',
  templateId: 'SMS_153055065',
  params: { code: '1234', product: '天气*预报 (测试)' },
  idempotencyKey: 'snd_02',
};

const code = (Code: string, status = 200) => json({ Code, Message: Code, RequestId: 'req-9' }, status);

const peers: DysmsPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

/** A local Dysms (test/support/provider-peers.ts) answering with `respond`. */
async function dysms(respond: Respond<ReadonlyMap<string, string>>) {
  const peer = await startDysmsPeer({ ...KEYS, signName: '阿里云短信测试', now: () => NOW, respond });
  peers.push(peer);
  return peer;
}

/** Every request carried this message: number as Dysms wants it, template, parameters, OutId. */
function expectSent(peer: DysmsPeer, phone = '13800138000'): void {
  expect(peer.problems).toEqual([]);
  for (const form of peer.received) {
    expect(form.get('PhoneNumbers')).toBe(phone);
    expect(form.get('TemplateCode')).toBe(MESSAGE.templateId);
    expect(form.get('OutId')).toBe(MESSAGE.idempotencyKey);
    expect(form.get('Timestamp')).toBe('2026-12-01T13:45:07Z');
    expect(JSON.parse(form.get('TemplateParam') ?? 'null')).toEqual(MESSAGE.params);
  }
}

function channel(endpoint: string, overrides: Partial<AliyunSmsConfig> = {}) {
  const config = { ...KEYS, signName: '阿里云短信测试', endpoint, timeoutMs: 300 };
  return new AliyunSmsChannel({ ...config, ...overrides }, { now: () => NOW });
}

describe('AliyunSmsChannel against a local Dysms', () => {
  it('sends, signed, with the documented parameters, and returns the BizId', async () => {
    const server = await dysms(
      json({ Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'r' }),
    );
    const sms = channel(server.endpoint);
    expect(await sms.send(MESSAGE)).toEqual({
      kind: 'sent',
      providerMessageId: '900619746936498440^0',
      at: NOW,
    });
    expect(await sms.send(MESSAGE)).toMatchObject({ kind: 'sent' });
    expect(server.received).toHaveLength(2);
    expectSent(server);
  });

  it('sends other countries as country code and number', async () => {
    const server = await dysms(json({ Code: 'OK', BizId: 'b' }));
    expect(await channel(server.endpoint).send({ ...MESSAGE, to: '+85291234567' })).toMatchObject({
      kind: 'sent',
    });
    expectSent(server, '85291234567');
  });

  it.each([
    ['flow control', code('isv.BUSINESS_LIMIT_CONTROL'), true],
    ['Aliyun-side fault', code('isp.SYSTEM_ERROR'), true],
    ['throttling', code('Throttling.User', 400), true],
    ['bad template', code('isv.SMS_TEMPLATE_ILLEGAL'), false],
    ['bad signature name', code('isv.SMS_SIGNATURE_ILLEGAL'), false],
    ['unknown AccessKeyId', code('InvalidAccessKeyId.NotFound', 404), false],
  ])('classifies %s', async (_name, respond, retryable) => {
    const server = await dysms(respond);
    expect(await channel(server.endpoint).send(MESSAGE)).toMatchObject({ kind: 'failed', retryable });
    expectSent(server);
  });

  it('gets SignatureDoesNotMatch from a verifier when signed with the wrong secret, and does not retry it', async () => {
    const server = await dysms(code('OK'));
    const outcome = await channel(server.endpoint, { accessKeySecret: 'wrong' }).send(MESSAGE);
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'SignatureDoesNotMatch' });
  });

  it('retries a 500 with an HTML body, a hang and a refused connection', async () => {
    const broken = await dysms((res) => res.writeHead(500).end('<html>oops</html>'));
    expect(await channel(broken.endpoint).send(MESSAGE)).toMatchObject({ kind: 'failed', retryable: true });
    const hanging = await dysms(() => {});
    const hung = await channel(hanging.endpoint).send(MESSAGE);
    expect(hung).toMatchObject({ kind: 'failed', retryable: true, reason: 'timed out after 300 ms' });
    const closed = await dysms(code('OK'));
    await closed.close();
    expect(await channel(closed.endpoint).send(MESSAGE)).toMatchObject({ kind: 'failed', retryable: true });
  });

  it('refuses without a request what can never be sent', async () => {
    const server = await dysms(code('OK'));
    const sms = channel(server.endpoint);
    for (const bad of [{ to: '13800138000' }, { templateId: '' }, { params: ['1234'] }]) {
      expect(await sms.send({ ...MESSAGE, ...bad })).toMatchObject({ kind: 'failed', retryable: false });
    }
    expect(server.requests()).toBe(0);
  });
});

describe('classifyAliyunCode and dysmsPhoneNumber', () => {
  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', 'retryable'],
    ['isp.SYSTEM_ERROR', 'retryable'],
    ['Throttling', 'retryable'],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'permanent'],
    ['isv.TEMPLATE_MISSING_PARAMETERS', 'permanent'],
    ['InvalidAccessKeyId.Inactive', 'permanent'],
    ['SignatureDoesNotMatch', 'permanent'],
    ['SomethingNew', 'permanent'],
  ])('%s is %s', (c, verdict) => {
    expect(classifyAliyunCode(c)).toBe(verdict);
  });
  it('strips +86 and the plus of other country codes', () => {
    expect(dysmsPhoneNumber('+8613800138000')).toBe('13800138000');
    expect(dysmsPhoneNumber('+14155550100')).toBe('14155550100');
  });
});

describe('aliyunSmsConfigSchema', () => {
  it('fills the production endpoint and a timeout, and lists a missing secret', () => {
    const base = { ...KEYS, signName: '阿里云短信测试' };
    expect(aliyunSmsConfigSchema.parse(base)).toMatchObject({
      endpoint: 'https://dysmsapi.aliyuncs.com',
      timeoutMs: 10_000,
    });
    const missing = aliyunSmsConfigSchema.safeParse({ ...base, accessKeySecret: '' });
    expect(missing.success ? [] : missing.error.issues.map((i) => i.path.join('.'))).toEqual([
      'accessKeySecret',
    ]);
  });
});
