import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOBILE_PREFIXES } from '../../demo/data/places.js';
import { Rng } from '../../demo/prng.js';
import { maskPhone, mistypePhone, reformatPhone, toFullwidth } from '../../demo/variants.js';
import { comparePhones, parsePhone, prefixAndLastFour } from './phone.js';

/** A mobile number as the demo makes them: a real prefix and eight random digits. */
function demoMobile(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(100_000_000)).padStart(8, '0');
}

const mobileArb = fc.integer().map((seed) => demoMobile(Rng.for(seed)));
/** Numbers in every demo shape (reformatted, mistyped, masked, full-width) and arbitrary text. */
const phoneArb = fc.oneof(
  mobileArb,
  fc.tuple(fc.integer(), fc.nat(4)).map(([seed, how]) => {
    const rng = Rng.for(seed, 1);
    const n = demoMobile(rng);
    if (how === 0) return reformatPhone(rng, n);
    if (how === 1) return mistypePhone(rng, n);
    if (how === 2) return maskPhone(n);
    if (how === 3) return toFullwidth(reformatPhone(rng, n));
    return `+86${n}`;
  }),
  fc.stringMatching(/^[0-9*+\- ]{0,16}$/u),
);

describe('parsePhone', () => {
  it.each([
    ['+8613812345678', { kind: 'full', digits: '13812345678' }],
    ['13812345678', { kind: 'full', digits: '13812345678' }],
    ['(+86) 138 1234 5678', { kind: 'full', digits: '13812345678' }],
    ['0086-138-1234-5678', { kind: 'full', digits: '13812345678' }],
    ['86-13812345678', { kind: 'full', digits: '13812345678' }],
    ['＋８６　１３８１２３４５６７８', { kind: 'full', digits: '13812345678' }],
    ['0755-66661234', { kind: 'full', digits: '075566661234' }],
    ['138****5678', { kind: 'masked', prefix: '138', suffix: '5678', length: 11 }],
    ['+86 138****5678', { kind: 'masked', prefix: '138', suffix: '5678', length: 11 }],
    ['１３８＊＊＊＊５６７８', { kind: 'masked', prefix: '138', suffix: '5678', length: 11 }],
    ['12345', undefined],
    ['', undefined],
    ['n/a', undefined],
    ['*******5678', { kind: 'masked', prefix: '', suffix: '5678', length: 11 }],
    ['1********78', undefined],
  ] as const)('%j', (raw, expected) => {
    expect(parsePhone(raw)).toEqual(expected);
  });
});

describe('comparePhones', () => {
  it.each([
    ['+8613812345678', '138-1234-5678', 'exact', 1],
    ['+8613812345678', '138****5678', 'masked', 0.6],
    ['138****5678', '+86 138****5678', 'masked', 0.6],
    ['138****5678', '*******5678', 'masked', 0.6],
    ['+8613812345678', '13812345679', 'typo', 0.7], // substitution
    ['+8613812345678', '13812354678', 'typo', 0.7], // adjacent transposition
    ['+8613812345678', '1381234578', 'typo', 0.7], // dropped digit
    ['+8613812345678', '13812346578', 'typo', 0.7],
    ['+8613812345678', '139****5678', 'different', 0],
    ['+8613812345678', '138****5679', 'different', 0],
    ['+8613812345678', '13812347856', 'different', 0],
    ['+8613812345678', '13987654321', 'different', 0],
    ['138****5678', '139****5678', 'different', 0],
    ['+8613812345678', '12345', 'different', 0],
  ] as const)('%s / %s → %s', (a, b, kind, score) => {
    expect(comparePhones(a, b)).toEqual({ kind, score });
  });

  it('rates the demo variants of a number: formats exact, typos typo, masks masked', () => {
    const rng = Rng.for(31);
    for (let i = 0; i < 3000; i++) {
      const n = demoMobile(rng);
      const e164 = `+86${n}`;
      expect(comparePhones(e164, reformatPhone(rng, n)).kind).toBe('exact');
      expect(comparePhones(e164, toFullwidth(reformatPhone(rng, n))).kind).toBe('exact');
      expect(comparePhones(e164, mistypePhone(rng, n)).kind).toBe('typo');
      expect(comparePhones(e164, maskPhone(n)).kind).toBe('masked');
      expect(comparePhones(maskPhone(n), toFullwidth(n)).kind).toBe('masked');
    }
  });

  it('rarely confuses two random demo numbers', () => {
    const rng = Rng.for(32);
    let notDifferent = 0;
    for (let i = 0; i < 20_000; i++) {
      if (comparePhones(demoMobile(rng), demoMobile(rng)).kind !== 'different') notDifferent++;
      if (comparePhones(demoMobile(rng), maskPhone(demoMobile(rng))).kind !== 'different') notDifferent++;
    }
    expect(notDifferent).toBeLessThanOrEqual(2);
  });

  it('is symmetric, in [0, 1], and exact against itself', () => {
    fc.assert(
      fc.property(phoneArb, phoneArb, (a, b) => {
        const ab = comparePhones(a, b);
        expect(comparePhones(b, a)).toEqual(ab);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        const self = comparePhones(a, a);
        expect(self.score).toBeGreaterThanOrEqual(ab.score);
        if (parsePhone(a)?.kind === 'full') expect(self.kind).toBe('exact');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('prefixAndLastFour', () => {
  it('is what a mask leaves visible, for full and masked numbers alike', () => {
    fc.assert(
      fc.property(mobileArb, (n) => {
        const full = parsePhone(n);
        const masked = parsePhone(maskPhone(n));
        expect(full && prefixAndLastFour(full)).toBe(n.slice(0, 3) + n.slice(7));
        expect(masked && prefixAndLastFour(masked)).toBe(n.slice(0, 3) + n.slice(7));
      }),
    );
  });

  it('makes no key for landlines', () => {
    const p = parsePhone('0755-66661234');
    expect(p && prefixAndLastFour(p)).toBeUndefined();
  });
});
