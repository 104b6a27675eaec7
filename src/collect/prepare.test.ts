import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GovernanceRules } from './govern.js';
import { prepareMessage, type MessageContext } from './prepare.js';

const rules: GovernanceRules = { defaultRegion: 'CN', timeZone: 'Asia/Shanghai', invalidField: 'reject' };
const limits = { maxEventBytes: 32 * 1024 };
const ctx = (over: Partial<MessageContext> = {}): MessageContext => ({
  workspaceId: 'ws',
  sourceId: 'src',
  origin: 'api',
  receivedAt: Date.UTC(2026, 10, 1, 12),
  correctClockSkew: true,
  ...over,
});

const accepted = (r: ReturnType<typeof prepareMessage>) => {
  if (r.kind !== 'accepted') throw new Error(`rejected: ${r.code} ${r.reason}`);
  return r.event;
};

describe('prepareMessage', () => {
  it('corrects clock skew for live messages: timestamp = receivedAt − (sentAt − originalTimestamp)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        (skew, age) => {
          const receivedAt = Date.UTC(2026, 10, 1, 12);
          const clientNow = receivedAt + skew;
          const e = accepted(
            prepareMessage(
              {
                type: 'track',
                event: 'E',
                userId: 'u',
                timestamp: new Date(clientNow - age).toISOString(),
                sentAt: new Date(clientNow).toISOString(),
              },
              ctx({ receivedAt }),
              rules,
              limits,
            ),
          );
          expect(e.timestamp).toBe(receivedAt - age);
          expect(e.originalTimestamp).toBe(clientNow - age);
        },
      ),
    );
  });

  it('keeps imported history as it is (no skew correction) and reads Chinese dates in the default zone', () => {
    const e = accepted(
      prepareMessage(
        {
          type: 'track',
          event: 'Order Completed',
          userId: 'u',
          timestamp: '2025年5月7日 16:49',
          sentAt: '2026-11-01',
        },
        ctx({ origin: 'import', correctClockSkew: false }),
        rules,
        limits,
      ),
    );
    expect(new Date(e.timestamp).toISOString()).toBe('2025-05-07T08:49:00.000Z');
  });

  it('normalises identifying traits and leaves the input untouched', () => {
    const input = {
      type: 'identify',
      userId: 'u',
      traits: { phone: '+86 138-0013-8000', email: 'A@B.CN ', gender: '女', name: '  张 三 ' },
      context: { traits: { phone: '１３８００１３８０００' } },
    };
    const copy = structuredClone(input);
    const e = accepted(prepareMessage(input, ctx(), rules, limits));
    expect(JSON.parse(e.traits!)).toEqual({
      phone: '+8613800138000',
      email: 'a@b.cn',
      gender: 'female',
      name: '张三',
    });
    expect(JSON.parse(e.context!).traits.phone).toBe('+8613800138000');
    expect(input).toEqual(copy);
  });

  it('with invalidField=drop keeps the record without the bad field and notes why', () => {
    const e = accepted(
      prepareMessage(
        { type: 'identify', userId: 'u', traits: { phone: '12345', city: '上海' } },
        ctx(),
        { ...rules, invalidField: 'drop' },
        limits,
      ),
    );
    expect(JSON.parse(e.traits!)).toEqual({ city: '上海' });
    expect(JSON.parse(e.context!).tessera.issues).toEqual([
      expect.objectContaining({ field: 'traits.phone', code: 'invalid_phone' }),
    ]);
  });

  it('accepts a message whose only identifiers are external ids, phone, email or device id', () => {
    for (const m of [
      { type: 'track', event: 'E', context: { externalIds: [{ type: 'wechat_openid', id: 'o1' }] } },
      { type: 'identify', traits: { phone: '13800138000' } },
      { type: 'track', event: 'E', context: { device: { id: 'd1' } } },
    ]) {
      expect(prepareMessage(m, ctx(), rules, limits).kind).toBe('accepted');
    }
  });

  it('rejects with a code naming the problem', () => {
    const cases: Array<[unknown, string]> = [
      ['x', 'invalid_message'],
      [{ type: 'nope', userId: 'u' }, 'invalid_type'],
      [{ type: 'track', userId: 'u' }, 'missing_event'],
      [{ type: 'track', event: 'E' }, 'missing_identity'],
      [{ type: 'track', event: 'E', userId: { id: 1 } }, 'invalid_field_type'],
      [{ type: 'group', userId: 'u' }, 'missing_group_id'],
      [{ type: 'alias', userId: 'u' }, 'missing_previous_id'],
      [{ type: 'track', event: 'E', userId: 'u', timestamp: 'soon' }, 'invalid_timestamp'],
      [
        { type: 'track', event: 'E', userId: 'u', context: { externalIds: [{ type: 'member_no' }] } },
        'invalid_external_id',
      ],
      [
        { type: 'track', event: 'E', userId: 'u', properties: { pad: 'x'.repeat(40_000) } },
        'event_too_large',
      ],
      [
        { type: 'track', event: 'E', userId: 'u', properties: { pad: '汉'.repeat(12_000) } },
        'event_too_large',
      ],
    ];
    for (const [message, code] of cases) {
      const r = prepareMessage(message, ctx(), rules, limits);
      expect(r.kind === 'rejected' && r.code, JSON.stringify(message).slice(0, 80)).toBe(code);
    }
  });

  it('never stores the write key', () => {
    const e = accepted(
      prepareMessage(
        { type: 'track', event: 'E', userId: 'u', writeKey: 'wk_secret', channel: 'server' },
        ctx(),
        rules,
        limits,
      ),
    );
    expect(JSON.stringify(e)).not.toContain('wk_secret');
    expect(JSON.parse(e.extra!)).toEqual({ channel: 'server' });
  });
});
