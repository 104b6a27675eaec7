import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENGLISH_FEMALE,
  ENGLISH_MALE,
  FEMALE_GIVEN_CHARS,
  MALE_GIVEN_CHARS,
  SURNAMES,
  WESTERN_SURNAMES,
} from '../../demo/data/names.js';
import { Rng } from '../../demo/prng.js';
import { misspellName, toFullwidth } from '../../demo/variants.js';
import { nameSimilarity, normaliseName } from './name.js';

/** A name as the demo generator makes them: Chinese (2–3 characters) or `First Last`. */
function demoName(rng: Rng): { name: string; english: boolean; gender: '女' | '男' } {
  const gender = rng.chance(0.8) ? '女' : '男';
  if (rng.chance(0.2)) {
    const first = rng.pick(gender === '女' ? ENGLISH_FEMALE : ENGLISH_MALE);
    const last = rng.chance(0.7) ? capitalise(rng.pick(SURNAMES).pinyin) : rng.pick(WESTERN_SURNAMES);
    return { name: `${first} ${last}`, english: true, gender };
  }
  const chars = gender === '女' ? FEMALE_GIVEN_CHARS : MALE_GIVEN_CHARS;
  const given = rng.chance(0.3) ? rng.pick(chars).text : rng.pick(chars).text + rng.pick(chars).text;
  return { name: rng.pick(SURNAMES).text + given, english: false, gender };
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const demoNameArb = fc.integer().map((seed) => demoName(Rng.for(seed)).name);
/** Demo names, their demo misspellings, and arbitrary Unicode. */
const nameArb = fc.oneof(
  demoNameArb,
  fc.integer().map((seed) => {
    const rng = Rng.for(seed, 1);
    const n = demoName(rng);
    return misspellName(rng, n.name, n.english, n.gender);
  }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

describe('normaliseName', () => {
  it.each([
    ['王静', '王静'],
    [' 王 静  ', '王静'],
    ['王静女士', '王静'],
    ['王静 小姐', '王静'],
    ['张伟先生', '张伟'],
    ['李老师', '李'],
    ['欧阳娜娜', '欧阳娜娜'],
    ['买买提・艾力', '买买提·艾力'],
    ['王静。', '王静'],
    ['Bella Wang', 'bella wang'],
    ['Wang Bella', 'bella wang'],
    ['WANG  BELLA ', 'bella wang'],
    ['Ｂｅｌｌａ　Ｗａｎｇ', 'bella wang'],
    ['Mr. Frank Müller', 'frank muller'],
    ['Ms Vivian Chen', 'chen vivian'],
    ['Miss', 'miss'],
    ['女士', '女士'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(nameArb, (raw) => {
        const once = normaliseName(raw);
        expect(normaliseName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('nameSimilarity', () => {
  it.each([
    ['王静', '王静女士', 'exact', 1],
    ['Bella Wang', 'WANG bella', 'exact', 1],
    ['李静', '李婧', 'homophone', 0.9],
    ['王丽', '王莉', 'homophone', 0.9],
    ['张倩', '张茜', 'homophone', 0.9], // 茜 also reads xi; one shared reading is enough
    ['陈静', '程静', 'homophone', 0.85], // chen/cheng: a southern merger
    ['黄丽', '王丽', 'homophone', 0.85], // both "Wong" in Cantonese
    ['王静', 'Jing Wang', 'homophone', 0.85],
    ['王静怡', '王静雯', 'similar', 0.55],
    ['陈小姐', '陈静', 'similar', 0.6],
    ['王静', '王丽', 'different', undefined],
    ['王静怡', '李静怡', 'different', undefined],
    ['王静', '张伟', 'different', undefined],
    ['Amy Chen', 'Cindy Zhang', 'different', undefined],
    ['王静', '', 'different', 0],
  ] as const)('%s / %s → %s', (a, b, kind, score) => {
    const s = nameSimilarity(a, b);
    expect(s.kind).toBe(kind);
    if (score !== undefined) expect(s.score).toBeCloseTo(score, 10);
    if (kind === 'different') expect(s.score).toBeLessThan(0.5);
  });

  it('rates a Latin name with a dropped letter similar, and a different first name different', () => {
    const dropped = nameSimilarity('Vivian Chen', 'Vivan Chen');
    expect(dropped.kind).toBe('similar');
    expect(dropped.score).toBeGreaterThan(0.8);
    expect(nameSimilarity('Vivian Chen', 'Vicky Chen').kind).toBe('different');
  });

  it('matches every Chinese misspelling the demo makes as exact or homophone', () => {
    const rng = Rng.for(11);
    const kinds = { exact: 0, homophone: 0, similar: 0, different: 0 };
    for (let i = 0; i < 3000; i++) {
      const n = demoName(rng);
      if (n.english) continue;
      const s = nameSimilarity(n.name, misspellName(rng, n.name, false, n.gender));
      kinds[s.kind]++;
      expect(s.score).toBeGreaterThanOrEqual(0.85);
    }
    expect(kinds.similar + kinds.different).toBe(0);
    expect(kinds.homophone).toBeGreaterThan(500);
  });

  it('matches English misspellings as exact (case, order, spaces) or similar (a dropped letter)', () => {
    const rng = Rng.for(12);
    let similar = 0;
    let total = 0;
    for (let i = 0; i < 3000; i++) {
      const first = rng.pick(ENGLISH_FEMALE);
      const name = `${first} ${rng.chance(0.5) ? capitalise(rng.pick(SURNAMES).pinyin) : rng.pick(WESTERN_SURNAMES)}`;
      const s = nameSimilarity(name, misspellName(rng, name, true, '女'));
      total++;
      expect(['exact', 'similar']).toContain(s.kind);
      expect(s.score).toBeGreaterThanOrEqual(0.6);
      if (s.kind === 'similar') similar++;
    }
    // Only the dropped letter (30 % of misspellings) is not exact.
    expect(similar / total).toBeGreaterThan(0.2);
    expect(similar / total).toBeLessThan(0.4);
  });

  it('sees through full-width forms', () => {
    expect(nameSimilarity('Vivian Chen', toFullwidth('Vivian Chen')).kind).toBe('exact');
    expect(nameSimilarity('王静', toFullwidth(' 王静 ')).kind).toBe('exact');
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => {
        const ab = nameSimilarity(a, b);
        expect(nameSimilarity(b, a)).toEqual(ab);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is symmetric on near misses (a name and its misspelling)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = Rng.for(seed);
        const n = demoName(rng);
        const v = misspellName(rng, n.name, n.english, n.gender);
        expect(nameSimilarity(v, n.name)).toEqual(nameSimilarity(n.name, v));
      }),
      { numRuns: 1000 },
    );
  });

  it('scores a name against itself highest', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => {
        const self = nameSimilarity(a, a);
        if (normaliseName(a) !== '') expect(self).toEqual({ score: 1, kind: 'exact' });
        expect(self.score).toBeGreaterThanOrEqual(nameSimilarity(a, b).score);
      }),
      { numRuns: 1000 },
    );
  });
});
