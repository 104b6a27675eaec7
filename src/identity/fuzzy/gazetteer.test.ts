import { describe, expect, it } from 'vitest';
import {
  cityCore,
  districtCore,
  knownCity,
  matchKnownCity,
  matchProvince,
  provinceCore,
} from './gazetteer.js';

describe('gazetteer', () => {
  it('strips place suffixes', () => {
    expect(provinceCore('广西壮族自治区')).toBe('广西');
    expect(provinceCore('上海市')).toBe('上海');
    expect(cityCore('深圳市')).toBe('深圳');
    expect(cityCore('喀什地区')).toBe('喀什');
    expect(districtCore('浦东新区')).toBe('浦东');
    expect(districtCore('区')).toBe('区');
  });

  it('recognises provinces with or without suffix, but not cities or streets named after them', () => {
    expect(matchProvince('广东深圳市')).toEqual({
      entry: expect.objectContaining({ full: '广东省' }),
      length: 2,
    });
    expect(matchProvince('广东省深圳市')?.length).toBe(3);
    expect(matchProvince('吉林市船营区')).toBeUndefined();
    expect(matchProvince('北京路1号')).toBeUndefined();
    expect(matchProvince('四川北路1号')).toBeUndefined();
    expect(matchProvince('上海浦东新区')?.entry.municipality).toBe(true);
  });

  it('recognises known cities, preferring the short name before a district that starts with 市', () => {
    expect(matchKnownCity('青岛市南区')).toEqual({
      entry: expect.objectContaining({ full: '青岛市' }),
      length: 2,
    });
    expect(matchKnownCity('青岛市崂山区')?.length).toBe(3);
    expect(matchKnownCity('哈尔滨道里区')?.length).toBe(3);
    expect(matchKnownCity('温州大道1号')).toBeUndefined();
    expect(knownCity('深圳')?.province).toBe('广东省');
  });
});
