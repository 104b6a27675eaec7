import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWechatPeer, type WechatPeer } from '../../../test/support/provider-peers.js';
import { WechatTemplateAdapter } from './wechat-template.js';

/*
 * A local stand-in for api.weixin.qq.com (test/support/provider-peers.ts) that checks the
 * documented request shapes: the token call's query, the send call's token and JSON body; it can
 * expire tokens and answer with WeChat's error codes.
 */

describe('WeChat template messages', () => {
  let peer: WechatPeer;
  let baseUrl = '';

  beforeAll(async () => {
    peer = await startWechatPeer({ appId: 'wx123', appSecret: 's3cret' });
    baseUrl = peer.baseUrl;
  });
  afterAll(() => peer.close());
  beforeEach(() => {
    peer.sends = [];
    peer.nextCode = [];
    peer.hang = false;
  });

  const message = {
    channel: 'wechat' as const,
    to: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    templateId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
    params: { first: '亲爱的会员，您的生日券已到账', keyword1: '满 200 减 50', remark: '7 天内有效' },
    idempotencyKey: 'jrn_1:v1:step_send:prof_1',
    metadata: { url: 'https://brand.example/coupon' },
  };

  it('sends in the documented shape with one token for many sends', async () => {
    let t = 1_000_000;
    const wx = new WechatTemplateAdapter({ appId: 'wx123', appSecret: 's3cret', baseUrl }, () => t);
    expect(await wx.send(message)).toMatchObject({ kind: 'sent', providerMessageId: '200228332' });
    t += 60_000;
    expect((await wx.send(message)).kind).toBe('sent');
    expect(wx.tokenFetches).toBe(1);
    expect(peer.sends[0]!.body).toEqual({
      touser: message.to,
      template_id: message.templateId,
      url: 'https://brand.example/coupon',
      data: {
        first: { value: '亲爱的会员，您的生日券已到账' },
        keyword1: { value: '满 200 减 50' },
        remark: { value: '7 天内有效' },
      },
      client_msg_id: message.idempotencyKey,
    });
    // Near the end of its 7200 s the token is fetched again before sending.
    t += 7200_000;
    expect((await wx.send(message)).kind).toBe('sent');
    expect(wx.tokenFetches).toBe(2);
  });

  it('fetches a new token once when WeChat says the old one expired', async () => {
    const wx = new WechatTemplateAdapter({ appId: 'wx123', appSecret: 's3cret', baseUrl });
    expect((await wx.send(message)).kind).toBe('sent');
    peer.expired.add(peer.issued[peer.issued.length - 1]!);
    expect((await wx.send(message)).kind).toBe('sent');
    expect(wx.tokenFetches).toBe(2);
  });

  it('says which failures are worth retrying', async () => {
    const wx = new WechatTemplateAdapter({ appId: 'wx123', appSecret: 's3cret', baseUrl, timeoutMs: 300 });
    peer.nextCode = [43004];
    expect(await wx.send(message)).toMatchObject({ kind: 'failed', retryable: false, code: '43004' });
    peer.nextCode = [45009];
    expect(await wx.send(message)).toMatchObject({ kind: 'failed', retryable: true, code: '45009' });
    peer.nextCode = [-1];
    expect(await wx.send(message)).toMatchObject({ kind: 'failed', retryable: true });
    expect(await wx.send({ ...message, templateId: undefined })).toMatchObject({
      kind: 'failed',
      retryable: false,
    });
    peer.hang = true;
    expect(await wx.send(message)).toMatchObject({ kind: 'failed', retryable: true, reason: 'timed out' });
    const wrong = new WechatTemplateAdapter({ appId: 'wx123', appSecret: 'wrong', baseUrl });
    expect(await wrong.send(message)).toMatchObject({ kind: 'failed', retryable: false, code: '40013' });
  });
});
