import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zoneOffsetMs } from '../platform/time-zone.js';
import { checkCaps, nextSendTime, type FrequencyCap, type PastSend } from './guards.js';
import { holdoutPoint, inHoldout } from './holdout.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('frequency caps', () => {
  /** Plain: allowed when every applicable cap counts fewer than max; until by trying each moment a send leaves a window. */
  function naive(caps: FrequencyCap[], history: PastSend[], channel: string, at: number) {
    const ok = (t: number) =>
      caps.every(
        (c) =>
          (c.channel !== null && c.channel !== channel) ||
          history.filter(
            (h) => (c.channel === null || h.channel === c.channel) && h.at <= t && h.at > t - c.windowMs,
          ).length < c.max,
      );
    if (ok(at)) return { allowed: true as const };
    const candidates = history
      .flatMap((h) => caps.map((c) => h.at + c.windowMs))
      .filter((t) => t > at)
      .sort((a, b) => a - b);
    return { allowed: false as const, until: candidates.find(ok)! };
  }

  it('agrees with counting by hand, across channels and windows', () => {
    const T = Date.UTC(2026, 11, 1);
    const cap = fc.record({
      channel: fc.constantFrom(null, 'sms', 'email'),
      max: fc.integer({ min: 1, max: 4 }),
      windowMs: fc.constantFrom(HOUR, DAY, 7 * DAY),
    });
    const send = fc.record({
      at: fc.integer({ min: T - 8 * DAY, max: T }),
      channel: fc.constantFrom('sms', 'email', 'push'),
    });
    fc.assert(
      fc.property(
        fc.array(cap, { maxLength: 3 }),
        fc.array(send, { maxLength: 12 }),
        fc.constantFrom('sms', 'email', 'push'),
        (caps, history, channel) => {
          const got = checkCaps(caps, history, channel, T);
          const want = naive(caps, history, channel, T);
          expect(got.allowed).toBe(want.allowed);
          if (!got.allowed && !want.allowed) expect(got.until).toBe(want.until);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('at most 2 a day and 5 a week: the third message today waits for the first to be a day old', () => {
    const T = Date.UTC(2026, 11, 1, 12);
    const caps: FrequencyCap[] = [
      { channel: null, max: 2, windowMs: DAY },
      { channel: null, max: 5, windowMs: 7 * DAY },
    ];
    const r = checkCaps(
      caps,
      [
        { at: T - 3 * HOUR, channel: 'sms' },
        { at: T - HOUR, channel: 'push' },
      ],
      'email',
      T,
    );
    expect(r).toEqual({ allowed: false, cap: caps[0], until: T - 3 * HOUR + DAY });
  });
});

describe('quiet hours in the profile’s time zone', () => {
  const quiet = (start: number, end: number, timeZone: string, t: number): boolean => {
    const m = Math.floor(((((t + zoneOffsetMs(timeZone, t)) % DAY) + DAY) % DAY) / MINUTE);
    return start <= end ? m >= start && m < end : m >= start || m < end;
  };
  function naive(start: number, end: number, timeZone: string, at: number): number {
    if (start === end || !quiet(start, end, timeZone, at)) return at;
    let t = Math.floor(at / MINUTE) * MINUTE + MINUTE;
    while (quiet(start, end, timeZone, t)) t += MINUTE;
    return t;
  }

  it('delays to the end of the quiet hours, across midnight and daylight-saving changes', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'];
    // Around the 2026 DST changes (8 March and 1 November in New York, 29 March and 25 October in London).
    const days = [
      Date.UTC(2026, 2, 7),
      Date.UTC(2026, 2, 28),
      Date.UTC(2026, 9, 24),
      Date.UTC(2026, 9, 31),
      Date.UTC(2026, 5, 1),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...days).chain((d) => fc.integer({ min: d, max: d + 3 * DAY })),
        fc.integer({ min: 0, max: DAY / MINUTE - 1 }),
        fc.integer({ min: 0, max: DAY / MINUTE - 1 }),
        (zone, at, start, end) => {
          expect(nextSendTime({ start, end }, zone, at)).toBe(naive(start, end, zone, at));
        },
      ),
      {
        numRuns: 300,
        // Found by longer runs: a 23-hour day, a repeated hour ending the quiet hours, and one leaving them.
        examples: [
          ['America/New_York', 1772946000000, 0, 1381],
          ['Europe/London', 1792890000000, 0, 61],
          ['Europe/London', 1792886760001, 61, 0],
        ],
      },
    );
  });

  it('21:00–09:00 in Shanghai: a send at 23:30 local goes out at 09:00 the next morning', () => {
    const at = Date.UTC(2026, 11, 1, 15, 30); // 23:30 in Shanghai
    expect(new Date(nextSendTime({ start: 21 * 60, end: 9 * 60 }, 'Asia/Shanghai', at)).toISOString()).toBe(
      '2026-12-02T01:00:00.000Z',
    );
    const noon = Date.UTC(2026, 11, 1, 4);
    expect(nextSendTime({ start: 21 * 60, end: 9 * 60 }, 'Asia/Shanghai', noon)).toBe(noon);
  });
});

describe('global holdout', () => {
  it('holds out about the share asked, stably, and nested', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `prof_${i.toString(36)}`);
    const share = ids.filter((id) => inHoldout(id, 0.1)).length / ids.length;
    expect(Math.abs(share - 0.1)).toBeLessThan(0.01);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (id, a, b) => {
          expect(inHoldout(id, a)).toBe(inHoldout(id, a));
          if (inHoldout(id, Math.min(a, b))) expect(inHoldout(id, Math.max(a, b))).toBe(true);
          const p = holdoutPoint(id, 'x');
          expect(p >= 0 && p < 1).toBe(true);
        },
      ),
    );
    expect(() => inHoldout('prof_1', 1.5)).toThrow(/between 0 and 1/);
  });
});
