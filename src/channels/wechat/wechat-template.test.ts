import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatTemplateAdapter } from './wechat-template.js';

/*
 * A local stand-in for api.weixin.qq.com that checks the documented request shapes: the token
 * call's query, the send call's token and JSON body; it can expire tokens and answer with
 * WeChat's error codes.
 */

interface Peer {
  tokens: number;
  issued: string[];
  sends: Array<{ token: string; body: Record<string, unknown> }>;
  /** Token values WeChat no longer accepts. */
  expired: Set<string>;
  /** The errcode the next send answers with (0: ok). */
  nextCode: number[];
  hang: boolean;
}

describe('WeChat template messages', () => {
  let server: Server;
  let baseUrl = '';
  const peer: Peer = { tokens: 0, issued: [], sends: [], expired: new Set(), nextCode: [], hang: false };
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const json = (o: unknown) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
        if (url.pathname === '/cgi-bin/token') {
          const ok =
            req.method === 'GET' &&
            url.searchParams.get('grant_type') === 'client_credential' &&
            url.searchParams.get('appid') === 'wx123' &&
            url.searchParams.get('secret') === 's3cret';
          if (!ok) return json({ errcode: 40013, errmsg: 'invalid appid' });
          const token = `tok${++peer.tokens}`;
          peer.issued.push(token);
          return json({ access_token: token, expires_in: 7200 });
        }
        if (url.pathname === '/cgi-bin/message/template/send' && req.method === 'POST') {
          if (peer.hang) return; // never answers
          const token = url.searchParams.get('access_token') ?? '';
          const body = JSON.parse(await read(req)) as Record<string, unknown>;
          if (!peer.issued.includes(token) || peer.expired.has(token))
            return json({ errcode: 42001, errmsg: 'access_token expired' });
          if (
            typeof body.touser !== 'string' ||
            typeof body.template_id !== 'string' ||
            typeof body.data !== 'object'
          )
            return json({ errcode: 47001, errmsg: 'data format error' });
          peer.sends.push({ token, body });
          const code = peer.nextCode.shift() ?? 0;
          return json(
            code === 0 ? { errcode: 0, errmsg: 'ok', msgid: 200228332 } : { errcode: code, errmsg: 'err' },
          );
        }
        res.writeHead(404).end();
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
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
