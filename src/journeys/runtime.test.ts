import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProfileIdentifier } from '../identity/index.js';
import { draw } from './runtime.js';
import { sendKey } from './send-step.js';
import { addressOf } from './send-step.js';

/*
 * The pure parts of the journey runtime: the stable draw behind A/B splits, the idempotency key
 * of a send, and which identifier or trait addresses a person on each channel.
 */

describe('draw', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('a', ':', '\u0000', '中', '😀'), maxLength: 12 }),
  );

  it('is a number in [0, 1), the same every time for the same instance and step', () => {
    fc.assert(
      fc.property(text, fc.string({ maxLength: 20 }), (instanceId, stepId) => {
        const d = draw(instanceId, stepId);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(1);
        expect(draw(instanceId, stepId)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the instance and the step apart', () => {
    expect(draw('jny_a:prof_1:1', 'ab')).not.toBe(draw('jny_a:prof_1:1a', 'b'));
    expect(draw('jny_a:prof_1:1', 'ab')).not.toBe(draw('jny_a:prof_1:1', 'ab2'));
  });

  it('is close to uniform: chi-square over 10 buckets of 20 000 instances', () => {
    const n = 20_000;
    const counts = Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(draw(`jny_winback:prof_${i}:1`, 'ab') * 10)]!++;
    const expected = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // The 0.999 quantile of chi-square with 9 degrees of freedom.
    expect(chi2).toBeLessThan(27.877);
  });
});

describe('sendKey', () => {
  const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
  /** Journey ids are `generateId('jny')`; step ids are checked by the schema; profile ids may be anything. */
  const fieldsArb = fc.record({
    journeyId: fc
      .string({ unit: fc.constantFrom(...ALPHABET.slice(0, 3)), minLength: 1, maxLength: 3 })
      .map((s) => `jny_${s}`),
    version: fc.integer({ min: 1, max: 3 }),
    stepId: fc.oneof(
      fc.constantFrom('a', 'send', 'send_2', 'v1'),
      fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
    ),
    profileId: fc.oneof(
      fc.constantFrom('prof_1', 'prof_1:1', '1', 'a:v1:b', ''),
      fc.string({ unit: fc.constantFrom('a', '1', ':', 'v', '_'), maxLength: 6 }),
    ),
    entryNo: fc.integer({ min: 1, max: 12 }),
  });
  type Fields = typeof fieldsArb extends fc.Arbitrary<infer T> ? T : never;
  const key = (f: Fields): string => sendKey(f, f.stepId);

  /** The key read back: journey and step ids have no colon, the entry number is the last field. */
  function parse(k: string): Fields {
    const m = /^([^:]+):v(\d+):([^:]+):(.*):(\d+)$/.exec(k)!;
    return {
      journeyId: m[1]!,
      version: Number(m[2]),
      stepId: m[3]!,
      profileId: m[4]!,
      entryNo: Number(m[5]),
    };
  }

  it('reads back into its fields, so two sends share a key only when they are the same send', () => {
    fc.assert(
      fc.property(fieldsArb, fieldsArb, (a, b) => {
        expect(parse(key(a))).toEqual(a);
        expect(key(a) === key(b)).toBe(
          a.journeyId === b.journeyId &&
            a.version === b.version &&
            a.stepId === b.stepId &&
            a.profileId === b.profileId &&
            a.entryNo === b.entryNo,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('is journey × version × step × profile × entry', () => {
    expect(
      sendKey({ journeyId: 'jny_a', version: 2, profileId: 'prof_x', entryNo: 3 }, 'welcome_email'),
    ).toBe('jny_a:v2:welcome_email:prof_x:3');
  });
});

describe('addressOf', () => {
  const id = (type: string, value: string): ProfileIdentifier => ({
    type,
    value,
    sourceId: null,
    firstSeen: null,
    lastSeen: null,
    events: 1,
  });
  const ids = [
    id('user_id', 'u1'),
    id('phone', '+8613800000001'),
    id('email', 'chen@example.com'),
    id('phone', '+8613800000002'),
    id('wechat_openid', 'oX1'),
    id('device_id', 'dev-1'),
    id('email', 'chen@work.example'),
  ];

  it('takes the first identifier of the channel’s type, the profile for webhooks, the push token first', () => {
    expect(addressOf('email', 'prof_1', ids, {})).toBe('chen@example.com');
    expect(addressOf('sms', 'prof_1', ids, {})).toBe('+8613800000001');
    expect(addressOf('wechat', 'prof_1', ids, {})).toBe('oX1');
    expect(addressOf('webhook', 'prof_1', [], {})).toBe('prof_1');
    expect(addressOf('push', 'prof_1', ids, { push_token: 'tok-9' })).toBe('tok-9');
    expect(addressOf('push', 'prof_1', ids, { push_token: '' })).toBe('dev-1');
    expect(addressOf('push', 'prof_1', ids, { push_token: 42 })).toBe('dev-1');
    expect(addressOf('push', 'prof_1', ids, {})).toBe('dev-1');
  });

  it('is null without such an identifier, whatever the traits hold', () => {
    const only = [id('user_id', 'u1')];
    expect(addressOf('email', 'prof_1', only, { email: 'chen@example.com' })).toBeNull();
    expect(addressOf('sms', 'prof_1', only, { phone: '+8613800000001' })).toBeNull();
    expect(addressOf('wechat', 'prof_1', only, {})).toBeNull();
    expect(addressOf('push', 'prof_1', only, {})).toBeNull();
    expect(addressOf('fax', 'prof_1', ids, {})).toBeNull();
  });

  it('agrees with a plain lookup over random identifier lists', () => {
    const TYPE: Record<string, string> = {
      email: 'email',
      sms: 'phone',
      wechat: 'wechat_openid',
      push: 'device_id',
    };
    fc.assert(
      fc.property(
        fc.constantFrom('email', 'sms', 'wechat', 'push', 'webhook'),
        fc.array(
          fc.record({
            type: fc.constantFrom('email', 'phone', 'wechat_openid', 'device_id', 'user_id'),
            value: fc.string({ minLength: 1, maxLength: 8 }),
          }),
          { maxLength: 6 },
        ),
        fc.option(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { nil: undefined }),
        (channel, list, token) => {
          const all = list.map((x) => id(x.type, x.value));
          let want: string | null;
          if (channel === 'webhook') want = 'prof_r';
          else if (channel === 'push' && typeof token === 'string' && token !== '') want = token;
          else want = list.filter((x) => x.type === TYPE[channel])[0]?.value ?? null;
          const traits = token === undefined ? {} : { push_token: token };
          expect(addressOf(channel, 'prof_r', all, traits)).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
