import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENGLISH_FEMALE,
  FEMALE_GIVEN_CHARS,
  MALE_GIVEN_CHARS,
  SURNAMES,
  WESTERN_SURNAMES,
} from '../../demo/data/names.js';
import { CITIES, MOBILE_PREFIXES } from '../../demo/data/places.js';
import { makeAddress } from '../../demo/person.js';
import { Rng } from '../../demo/prng.js';
import {
  digitsToFullwidth,
  formatTmallAddress,
  maskPhone,
  misspellName,
  mistypePhone,
  reformatAddress,
  reformatPhone,
  toFullwidth,
} from '../../demo/variants.js';
import {
  DEFAULT_THRESHOLDS,
  matchFeatures,
  prepareFeatures,
  scoreMatch,
  type FieldOutcome,
  type MatchFeatures,
  type MatchField,
} from './score.js';

const { autoMerge, review } = DEFAULT_THRESHOLDS;

const features = matchFeatures;

const ADDRESS = '广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1201室(518043)';
const OTHER_ADDRESS = '浙江省 杭州市 西湖区 文三路88号绿城花园2幢1单元301室(310012)';
const PHONE = '+8613612346302';

/** A CRM member: name, phone, e-mail, city; no address. */
const crm = features({
  names: ['王静'],
  phones: [PHONE],
  emails: ['wangjing_7731@163.com'],
  cities: ['深圳市'],
});

describe('scoreMatch calibration', () => {
  it.each<[string, MatchFeatures, MatchFeatures, number, number]>([
    [
      'same name + same phone',
      features({ names: ['王静'], phones: [PHONE] }),
      features({ names: ['王静'], phones: ['136-1234-6302'] }),
      0.95,
      1,
    ],
    [
      'same name + phone typo + same city',
      crm,
      features({ names: ['王静'], phones: ['13612343602'], cities: ['深圳'] }),
      autoMerge,
      1,
    ],
    [
      'same name + dropped digit + same city',
      crm,
      features({ names: ['王静'], phones: ['1361234602'], cities: ['深圳'] }),
      autoMerge,
      1,
    ],
    [
      'same name + masked phone + same city',
      crm,
      features({ names: ['王静'], maskedPhones: ['136****6302'], cities: ['深圳'] }),
      autoMerge,
      1,
    ],
    [
      'homophone + masked phone + same city',
      crm,
      features({ names: ['王婧'], maskedPhones: ['136****6302'], cities: ['深圳市'] }),
      autoMerge,
      1,
    ],
    [
      'southern homophone + masked phone + city',
      crm,
      features({ names: ['黄静'], maskedPhones: ['136****6302'], cities: ['深圳'] }),
      autoMerge,
      1,
    ],
    [
      'Tmall row: name + masked phone + address',
      crm,
      features({ names: ['王静女士'], maskedPhones: ['136****6302'], addresses: [ADDRESS] }),
      autoMerge,
      1,
    ],
    [
      'two Tmall rows: name + masked + same flat written differently',
      features({ names: ['王静'], maskedPhones: ['136****6302'], addresses: [ADDRESS] }),
      features({
        names: ['王 静'],
        maskedPhones: ['136****6302'],
        addresses: ['深圳罗湖区 科技园南路 327号招商府30-4-1201'],
      }),
      autoMerge,
      1,
    ],
    [
      'same name + same email',
      features({ names: ['王静'], emails: ['wangjing_7731@163.com'] }),
      crm,
      autoMerge,
      1,
    ],
    [
      'same name + same address, another phone',
      features({ names: ['王静'], phones: ['13800001111'], addresses: [ADDRESS] }),
      features({ names: ['王静'], phones: [PHONE], addresses: [ADDRESS] }),
      review,
      autoMerge,
    ],
    [
      'homophone + same address, another phone',
      features({ names: ['王婧'], phones: ['13800001111'], addresses: [ADDRESS] }),
      features({ names: ['王静'], phones: [PHONE], addresses: [ADDRESS] }),
      review,
      autoMerge,
    ],
    [
      'same name + masked phone only',
      features({ names: ['王静'], phones: [PHONE] }),
      features({ names: ['王静'], maskedPhones: ['136****6302'] }),
      review,
      autoMerge,
    ],
    [
      'same phone only (no names)',
      features({ phones: [PHONE] }),
      features({ phones: [PHONE] }),
      review,
      autoMerge,
    ],
    [
      'other name + same phone + same address (family phone?)',
      features({ names: ['李强'], phones: [PHONE], addresses: [ADDRESS] }),
      features({ names: ['王静'], phones: [PHONE], addresses: [ADDRESS] }),
      review,
      autoMerge,
    ],
    ['same name only', features({ names: ['王静'] }), features({ names: ['王静'] }), 0, 0.5],
    ['same name + same city only', crm, features({ names: ['王静'], cities: ['深圳'] }), 0, 0.5],
    [
      'same name + city, another phone (second phone)',
      crm,
      features({ names: ['王静'], phones: ['13800001111'], cities: ['深圳'] }),
      0,
      0.5,
    ],
    [
      'other name + same address (family member)',
      features({ names: ['李强'], addresses: [ADDRESS] }),
      features({ names: ['王静'], addresses: [ADDRESS] }),
      0,
      0.5,
    ],
    [
      'other name + same address + other phone (gift recipient)',
      features({ names: ['李婷'], phones: ['13900002222'], addresses: [ADDRESS] }),
      features({ names: ['王静'], phones: [PHONE], addresses: [ADDRESS] }),
      0,
      0.5,
    ],
    [
      'other name + same phone (recycled number)',
      crm,
      features({ names: ['刘洋'], phones: [PHONE], cities: ['深圳'] }),
      0,
      0.5,
    ],
    [
      'sister: one character + same address',
      features({ names: ['王静怡'], addresses: [ADDRESS] }),
      features({ names: ['王静雯'], addresses: [ADDRESS] }),
      0,
      review,
    ],
    [
      'same name, other phone, other city',
      crm,
      features({ names: ['王静'], phones: ['13800001111'], cities: ['杭州'] }),
      0,
      0.3,
    ],
    [
      'same name, other phone, other address',
      features({ names: ['王静'], phones: [PHONE], addresses: [ADDRESS] }),
      features({ names: ['王静'], phones: ['13800001111'], addresses: [OTHER_ADDRESS] }),
      0,
      0.3,
    ],
    [
      'nothing in common',
      crm,
      features({ names: ['张伟'], phones: ['13800001111'], cities: ['杭州'] }),
      0,
      0.01,
    ],
  ])('%s', (_label, a, b, min, max) => {
    const { score } = scoreMatch(a, b);
    expect(score).toBeGreaterThanOrEqual(min);
    expect(score).toBeLessThan(max === 1 ? 1.000001 : max);
  });

  it('explains which fields agreed and how', () => {
    const r = scoreMatch(
      crm,
      features({ names: ['王婧'], maskedPhones: ['136****6302'], addresses: [ADDRESS] }),
    );
    const outcomes = Object.fromEntries(r.fields.map((f) => [f.field, f.outcome]));
    expect(outcomes).toEqual<Record<MatchField, FieldOutcome>>({
      name: 'homophone',
      phone: 'masked',
      email: 'missing',
      address: 'missing',
      city: 'exact',
    });
    for (const f of r.fields) {
      if (f.outcome === 'missing') expect(f.weight).toBe(0);
      else expect(f.weight).toBeGreaterThan(0);
    }
    const different = scoreMatch(
      crm,
      features({ names: ['张伟'], phones: ['13800001111'], cities: ['杭州'] }),
    );
    for (const f of different.fields) {
      if (f.outcome === 'missing') expect(f.weight).toBe(0);
      else {
        expect(f.outcome).toBe('different');
        expect(f.weight).toBeLessThan(0);
      }
    }
  });

  it('rates an address at the same house number but another flat as similar', () => {
    const r = scoreMatch(
      features({ names: ['王静'], addresses: [ADDRESS] }),
      features({ names: ['王静'], addresses: [ADDRESS.replace('1201室', '1202室')] }),
    );
    expect(r.fields.find((f) => f.field === 'address')?.outcome).toBe('similar');
  });

  it('compares the best pair when profiles carry several values', () => {
    const profile = features({
      names: ['Vivian', '王静'],
      phones: ['13800001111', PHONE],
      cities: ['杭州', '深圳'],
    });
    const r = scoreMatch(profile, features({ names: ['王静'], phones: [PHONE], cities: ['深圳'] }));
    expect(r.fields.filter((f) => f.outcome === 'exact').map((f) => f.field)).toEqual([
      'name',
      'phone',
      'city',
    ]);
  });

  it('treats unusable values as missing', () => {
    const r = scoreMatch(
      features({ names: [' '], phones: ['12345'], emails: ['n/a'], addresses: [''], cities: [''] }),
      crm,
    );
    expect(r.fields.every((f) => f.outcome === 'missing')).toBe(true);
  });
});

/** A demo person: what the CRM knows, and the parts a Tmall row is made from. */
function demoPerson(rng: Rng) {
  const gender = rng.chance(0.8) ? '女' : '男';
  const english = rng.chance(0.15);
  let name: string;
  if (english) {
    const last = rng.chance(0.7) ? rng.pick(SURNAMES).pinyin : rng.pick(WESTERN_SURNAMES);
    name = `${rng.pick(ENGLISH_FEMALE)} ${last.charAt(0).toUpperCase()}${last.slice(1)}`;
  } else {
    const chars = gender === '女' ? FEMALE_GIVEN_CHARS : MALE_GIVEN_CHARS;
    name = rng.pick(SURNAMES).text + rng.pick(chars).text + (rng.chance(0.7) ? rng.pick(chars).text : '');
  }
  const phone = rng.pick(MOBILE_PREFIXES) + String(rng.int(100_000_000)).padStart(8, '0');
  const address = makeAddress(rng, rng.pick(CITIES));
  return { name, english, gender, phone, address } as const;
}

type DemoPerson = ReturnType<typeof demoPerson>;

const crmOf = (p: DemoPerson): MatchFeatures =>
  features({ names: [p.name], phones: [`+86${p.phone}`], cities: [p.address.city.city] });

/** A Tmall row of `p` with every demo variant applied at random (a phone typo unless `typo` is false). */
function tmallVariantOf(rng: Rng, p: DemoPerson, typo = true): MatchFeatures {
  const name = rng.chance(0.5) ? misspellName(rng, p.name, p.english, p.gender) : p.name;
  let how = rng.int(4);
  if (how === 1 && !typo) how = 0;
  const phone =
    how === 0
      ? reformatPhone(rng, p.phone)
      : how === 1
        ? mistypePhone(rng, p.phone)
        : how === 2
          ? toFullwidth(p.phone)
          : maskPhone(p.phone);
  let address = rng.chance(0.5) ? reformatAddress(rng, p.address) : formatTmallAddress(p.address);
  if (rng.chance(0.2)) address = digitsToFullwidth(address);
  return how === 3
    ? features({ names: [name], maskedPhones: [phone], addresses: [address] })
    : features({ names: [name], phones: [phone], addresses: [address] });
}

describe('scoreMatch on the demo variants', () => {
  it('auto-merges a CRM member with any variant of their Tmall row when the name is Chinese', () => {
    const rng = Rng.for(41);
    for (let i = 0; i < 3000; i++) {
      const p = demoPerson(rng);
      if (p.english) continue;
      const t = tmallVariantOf(rng, p);
      expect(scoreMatch(crmOf(p), t).score, JSON.stringify([p.name, t])).toBeGreaterThanOrEqual(autoMerge);
    }
  });

  it('reviews at least, and mostly auto-merges, English-named members (a dropped letter is only similar)', () => {
    const rng = Rng.for(42);
    let auto = 0;
    let total = 0;
    for (let i = 0; i < 5000; i++) {
      const p = demoPerson(rng);
      if (!p.english) continue;
      const s = scoreMatch(crmOf(p), tmallVariantOf(rng, p)).score;
      expect(s).toBeGreaterThanOrEqual(review);
      total++;
      if (s >= autoMerge) auto++;
    }
    expect(auto / total).toBeGreaterThan(0.85);
  });

  it('auto-merges two Tmall rows of one person (formats, masks, names and addresses varied)', () => {
    const rng = Rng.for(43);
    for (let i = 0; i < 2000; i++) {
      const p = demoPerson(rng);
      if (p.english) continue;
      const s = scoreMatch(tmallVariantOf(rng, p, false), tmallVariantOf(rng, p, false)).score;
      expect(s).toBeGreaterThanOrEqual(autoMerge);
    }
  });

  it('still reviews two Tmall rows whose phones are two typos apart (or a typo and a mask)', () => {
    // Same name and flat, phone `different`: the known cost of not chaining typo evidence.
    const rng = Rng.for(45);
    const p = { ...demoPerson(rng), name: '王静' };
    const address = formatTmallAddress(p.address);
    const typo = features({ names: [p.name], phones: [mistypePhone(rng, p.phone)], addresses: [address] });
    const masked = features({ names: [p.name], maskedPhones: [maskPhone(p.phone)], addresses: [address] });
    const s = scoreMatch(typo, masked).score;
    expect(s).toBeGreaterThanOrEqual(review);
    expect(s).toBeLessThan(autoMerge);
  });

  it('keeps two demo people apart even in one city with the same name', () => {
    const rng = Rng.for(44);
    for (let i = 0; i < 2000; i++) {
      const p = demoPerson(rng);
      const q = { ...demoPerson(rng), name: p.name, address: makeAddress(rng, p.address.city) };
      expect(scoreMatch(crmOf(p), tmallVariantOf(rng, q)).score).toBeLessThan(review);
    }
  });
});

/** Features of demo people, their variants, and arbitrary junk, for the properties. */
const featuresArb: fc.Arbitrary<MatchFeatures> = fc.oneof(
  fc.integer().map((seed) => crmOf(demoPerson(Rng.for(seed)))),
  fc.integer().map((seed) => {
    const rng = Rng.for(seed);
    return tmallVariantOf(rng, demoPerson(rng));
  }),
  fc.record({
    names: fc.array(fc.oneof(fc.constantFrom('王静', '王婧', '李强', 'Bella Wang'), fc.string()), {
      maxLength: 2,
    }),
    phones: fc.array(fc.oneof(fc.constant(PHONE), fc.stringMatching(/^1[3-9]\d{9}$/u)), { maxLength: 2 }),
    maskedPhones: fc.array(fc.constantFrom('136****6302', '138****5678'), { maxLength: 1 }),
    emails: fc.array(fc.oneof(fc.constant('wangjing_7731@163.com'), fc.emailAddress()), { maxLength: 2 }),
    addresses: fc.array(fc.oneof(fc.constantFrom(ADDRESS, OTHER_ADDRESS), fc.string()), { maxLength: 2 }),
    cities: fc.array(fc.constantFrom('深圳', '深圳市', '杭州', ''), { maxLength: 2 }),
  }),
);

describe('scoreMatch properties', () => {
  it('is symmetric, in [0, 1], and the same on prepared features', () => {
    fc.assert(
      fc.property(featuresArb, featuresArb, (a, b) => {
        const ab = scoreMatch(a, b);
        expect(scoreMatch(b, a)).toEqual(ab);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        expect(scoreMatch(prepareFeatures(a), prepareFeatures(b))).toEqual(ab);
      }),
      { numRuns: 1000 },
    );
  });

  it('scores a record against itself at least as high as against anything else', () => {
    fc.assert(
      fc.property(featuresArb, featuresArb, (a, b) => {
        expect(scoreMatch(a, a).score).toBeGreaterThanOrEqual(scoreMatch(a, b).score);
      }),
      { numRuns: 1000 },
    );
  });
});
