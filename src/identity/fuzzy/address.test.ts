import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CITIES, COMPOUND_PREFIXES, COMPOUND_SUFFIXES } from '../../demo/data/places.js';
import { makeAddress } from '../../demo/person.js';
import { Rng } from '../../demo/prng.js';
import { digitsToFullwidth, formatTmallAddress, reformatAddress } from '../../demo/variants.js';
import { addressSimilarity, formatAddress, parseAddress, type ParsedAddress } from './address.js';

describe('parseAddress', () => {
  it.each<[string, ParsedAddress]>([
    [
      '广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1201室(518043)',
      {
        province: '广东省',
        city: '深圳市',
        district: '罗湖区',
        street: '科技园南路327号',
        building: { no: '30', unit: '4', room: '1201' },
        postcode: '518043',
        rest: '招商府',
      },
    ],
    [
      '广东广州市越秀区体育西路435号阳光花园2栋一单元301',
      {
        province: '广东省',
        city: '广州市',
        district: '越秀区',
        street: '体育西路435号',
        building: { no: '2', unit: '1', room: '301' },
        rest: '阳光花园',
      },
    ],
    [
      '深圳罗湖区 科技园南路 327号招商府30-4-1201',
      {
        city: '深圳市',
        district: '罗湖区',
        street: '科技园南路327号',
        building: { no: '30', unit: '4', room: '1201' },
        rest: '招商府',
      },
    ],
    [
      '上海 上海市 浦东新区 世纪大道１２号万科花园３号楼四单元５０１室（２０００１２）',
      {
        province: '上海市',
        city: '上海市',
        district: '浦东新区',
        street: '世纪大道12号',
        building: { no: '3', unit: '4', room: '501' },
        postcode: '200012',
        rest: '万科花园',
      },
    ],
    [
      '北京朝阳区建国路88号',
      { province: '北京市', city: '北京市', district: '朝阳区', street: '建国路88号', rest: '' },
    ],
    ['青岛市南区 香港中路 9号', { city: '青岛市', district: '市南区', street: '香港中路9号', rest: '' }],
    [
      '哈尔滨道里区 中央大街 12号',
      { city: '哈尔滨市', district: '道里区', street: '中央大街12号', rest: '' },
    ],
    [
      // Unknown to the gazetteer: suffix rules.
      '河北省保定市竞秀区朝阳北大街88号阳光小区二十三幢3单元602',
      {
        province: '河北省',
        city: '保定市',
        district: '竞秀区',
        street: '朝阳北大街88号',
        building: { no: '23', unit: '3', room: '602' },
        rest: '阳光小区',
      },
    ],
    [
      '新疆维吾尔自治区 喀什地区 喀什市 解放北路5号',
      { province: '新疆维吾尔自治区', city: '喀什地区', district: '喀什市', street: '解放北路5号', rest: '' },
    ],
    ['东莞市南城街道鸿福路88号', { city: '东莞市', district: '南城街道', street: '鸿福路88号', rest: '' }],
    ['昆明市五华区北京路1号', { city: '昆明市', district: '五华区', street: '北京路1号', rest: '' }],
    ['深圳罗湖科技园南路327号', { city: '深圳市', district: '罗湖区', street: '科技园南路327号', rest: '' }],
    [
      '上海浦东世纪大道1号',
      { province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道1号', rest: '' },
    ],
    ['招商府3幢2单元一二零一室', { building: { no: '3', unit: '2', room: '1201' }, rest: '招商府' }],
    ['阳光小区3号楼501室', { building: { no: '3', room: '501' }, rest: '阳光小区' }],
    ['科技园南路327号', { street: '科技园南路327号', rest: '' }],
    ['送到前台', { rest: '送到前台' }],
    ['', { rest: '' }],
  ])('%s', (raw, expected) => {
    expect(parseAddress(raw)).toEqual(expected);
  });

  it('reads every way of writing a building, unit and room the same', () => {
    const want = { no: '30', unit: '4', room: '1201' };
    for (const tail of [
      '30幢4单元1201室',
      '30栋4单元1201室',
      '30号楼4单元1201室',
      '30幢四单元1201室',
      '三十幢4单元1201室',
      '30幢4单元1201',
      '30-4-1201',
      '30－4－1201室',
    ]) {
      expect(parseAddress(`深圳市罗湖区科技园南路327号招商府${tail}`).building, tail).toEqual(want);
    }
  });

  it('reads back every address the demo writes, however it is written', () => {
    const rng = Rng.for(21);
    for (let i = 0; i < 2000; i++) {
      const a = makeAddress(rng, rng.pick(CITIES));
      const variant = digitsToFullwidth(reformatAddress(rng, a));
      const p = parseAddress(variant);
      expect(p.city, variant).toBe(a.city.city);
      expect(p.district, variant).toBe(a.district);
      expect(p.street?.startsWith(a.street), variant).toBe(true);
      const m = /^(\d+)号(.+?)(\d+)幢(\d+)单元(\d+)室$/u.exec(a.detail);
      expect(p.building, variant).toEqual({ no: m?.[3], unit: m?.[4], room: m?.[5] });
      expect(p.rest, variant).toBe(m?.[2]);
    }
  });

  it('round-trips a formatted ParsedAddress', () => {
    fc.assert(
      fc.property(parsedAddressArb, (p) => {
        expect(parseAddress(formatAddress(p))).toEqual(p);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws and keeps what it does not understand', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const p = parseAddress(s);
        expect(typeof p.rest).toBe('string');
      }),
    );
  });
});

describe('addressSimilarity', () => {
  const full = '广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1201室(518043)';

  it.each([
    ['广东深圳市罗湖区科技园南路327号招商府30栋4单元1201', 1, undefined],
    ['深圳罗湖区 科技园南路 327号招商府30-4-1201', 1, undefined],
    ['广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1202室', 0.88, 'room'],
    ['广东省 深圳市 罗湖区 科技园南路327号招商府31幢4单元1201室', 0.65, 'building'],
    ['广东省 深圳市 罗湖区 科技园南路327号万科花园30幢4单元1201室', 0.65, 'complex'],
    ['广东省 深圳市 罗湖区 科技园南路12号招商府30幢4单元1201室', 0.45, 'number'],
    ['广东省 深圳市 福田区 深南大道1号', 0.15, 'district'],
    ['广东省 广州市 天河区 天河路1号', 0.05, 'city'],
    ['浙江省 杭州市 西湖区 文三路1号', 0, 'province'],
    // Only as deep as the vaguer side: agreement, but no evidence of the same flat.
    ['深圳市罗湖区', 0.3, undefined],
    // Same flat numbers in another estate of the district are not the same flat.
    ['深圳市罗湖区万科花园30幢4单元1201室', 0.3, 'complex'],
  ] as const)('%s → %f', (other, score, disagreement) => {
    const s = addressSimilarity(full, other);
    expect(s.score).toBe(score);
    expect(s.disagreement).toBe(disagreement);
  });

  it('lists the parts that agree', () => {
    expect(addressSimilarity(full, '深圳罗湖区 科技园南路 327号招商府30-4-1201').agreements).toEqual([
      'province',
      'city',
      'district',
      'road',
      'number',
      'complex',
      'building',
      'unit',
      'room',
    ]);
  });

  it('rates every demo rewriting of an address as the same flat (score 1)', () => {
    const rng = Rng.for(22);
    for (let i = 0; i < 3000; i++) {
      const a = makeAddress(rng, rng.pick(CITIES));
      let variant = reformatAddress(rng, a);
      if (rng.chance(0.3)) variant = digitsToFullwidth(variant);
      if (rng.chance(0.3)) variant = variant.replace(/ ?\(\d+\)$/u, '');
      const s = addressSimilarity(formatTmallAddress(a), variant);
      expect(s.score, `${formatTmallAddress(a)} | ${variant}`).toBe(1);
    }
  });

  it('rates two demo addresses of different people below the same building', () => {
    const rng = Rng.for(23);
    let sameBuilding = 0;
    for (let i = 0; i < 3000; i++) {
      const city = rng.pick(CITIES);
      const s = addressSimilarity(
        formatTmallAddress(makeAddress(rng, city)),
        formatTmallAddress(makeAddress(rng, city)),
      );
      if (s.score >= 0.6) sameBuilding++;
    }
    // Same city, random road, number (1–999) and estate: a same-building pair is a rare accident.
    expect(sameBuilding).toBeLessThanOrEqual(3);
  });

  it('is symmetric, in [0, 1], and highest against itself', () => {
    fc.assert(
      fc.property(addressTextArb, addressTextArb, (a, b) => {
        const ab = addressSimilarity(a, b);
        expect(addressSimilarity(b, a)).toEqual(ab);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        expect(addressSimilarity(a, a).score).toBeGreaterThanOrEqual(ab.score);
        expect(addressSimilarity(a, a).disagreement).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('scores a complete address against itself 1', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = Rng.for(seed);
        const a = formatTmallAddress(makeAddress(rng, rng.pick(CITIES)));
        expect(addressSimilarity(a, a).score).toBe(1);
      }),
    );
  });
});

/** Places the parser does not know, to exercise the suffix rules. */
const UNKNOWN_PLACES = [
  {
    province: '河北省',
    city: '保定市',
    districts: ['竞秀区', '莲池区'],
    streets: ['朝阳北大街', '东风中路'],
  },
  { province: '湖北省', city: '襄阳市', districts: ['樊城区', '襄州区'], streets: ['人民路', '长虹北路'] },
  { province: '新疆维吾尔自治区', city: '喀什地区', districts: ['喀什市', '疏附县'], streets: ['解放北路'] },
] as const;

const PLACES = [
  ...CITIES.map((c) => ({ province: c.province, city: c.city, districts: c.districts, streets: c.streets })),
  ...UNKNOWN_PLACES,
];

/**
 * Parsed addresses that a format–parse round trip must preserve. What the parser cannot tell
 * apart from text is left out: a street without a house number needs its known city before it.
 */
const parsedAddressArb: fc.Arbitrary<ParsedAddress> = fc
  .record({
    place: fc.constantFrom(...PLACES),
    province: fc.boolean(),
    city: fc.boolean(),
    district: fc.option(fc.nat(), { nil: undefined }),
    street: fc.option(fc.nat(), { nil: undefined }),
    number: fc.option(fc.integer({ min: 1, max: 9999 }), { nil: undefined }),
    complex: fc.option(
      fc
        .tuple(fc.constantFrom(...COMPOUND_PREFIXES), fc.constantFrom(...COMPOUND_SUFFIXES))
        .map(([a, b]) => a + b),
      { nil: undefined },
    ),
    no: fc.option(fc.oneof(fc.integer({ min: 1, max: 99 }).map(String), fc.constantFrom('A', 'B')), {
      nil: undefined,
    }),
    unit: fc.option(fc.integer({ min: 1, max: 9 }).map(String), { nil: undefined }),
    room: fc.option(fc.integer({ min: 101, max: 3204 }).map(String), { nil: undefined }),
    postcode: fc.option(fc.integer({ min: 100000, max: 999999 }).map(String), { nil: undefined }),
  })
  .map((r) => {
    const municipality = r.place.province === r.place.city;
    const known = CITIES.some((c) => c.city === r.place.city);
    const p: ParsedAddress = { rest: r.complex ?? '' };
    if (municipality ? r.city : r.province) p.province = r.place.province;
    if (r.city) p.city = r.place.city;
    const cityWritten = p.city !== undefined;
    if (r.district !== undefined) {
      const d = r.place.districts[r.district % r.place.districts.length] ?? '';
      // 喀什市 alone reads as a city: a county-level city needs its prefecture before it.
      if (cityWritten || !d.endsWith('市')) p.district = d;
    }
    if (r.street !== undefined) {
      const road = r.place.streets[r.street % r.place.streets.length] ?? '';
      if (r.number !== undefined) p.street = `${road}${r.number}号`;
      else if (cityWritten && known) p.street = road;
    }
    if (r.no !== undefined || r.unit !== undefined || r.room !== undefined) {
      p.building = {};
      if (r.no !== undefined) p.building.no = r.no;
      if (r.unit !== undefined) p.building.unit = r.unit;
      if (r.room !== undefined) p.building.room = r.room;
    }
    if (r.postcode !== undefined) p.postcode = r.postcode;
    return p;
  });

/** Demo addresses, their rewritings, formatted arbitrary parses, and arbitrary text. */
const addressTextArb = fc.oneof(
  fc.integer().map((seed) => {
    const rng = Rng.for(seed);
    const a = makeAddress(rng, rng.pick(CITIES));
    return rng.chance(0.5) ? formatTmallAddress(a) : reformatAddress(rng, a);
  }),
  parsedAddressArb.map(formatAddress),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
