import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.js';
import { CITIES } from './data/places.js';
import { makeAddress } from './person.js';
import { Rng } from './prng.js';
import {
  formatTmallAddress,
  maskPhone,
  misspellName,
  mistypePhone,
  reformatAddress,
  reformatPhone,
  toFullwidth,
} from './variants.js';

const digits = (s: string): string =>
  s
    .normalize('NFKC')
    .replace(/\D/gu, '')
    .replace(/^(0086|86)(?=1\d{10}$)/u, '');

describe('text variants', () => {
  const rng = Rng.for(3);

  it('reformats a phone without changing its digits', () => {
    for (let i = 0; i < 200; i++) expect(digits(reformatPhone(rng, '13812345678'))).toBe('13812345678');
  });

  it('mistypes a phone into another number', () => {
    for (let i = 0; i < 200; i++) expect(mistypePhone(rng, '13812345678')).not.toBe('13812345678');
  });

  it('masks the middle four digits as Tmall does', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('writes full-width forms that NFKC maps back', () => {
    const s = 'vivian.chen88@qq.com 13812345678';
    const wide = toFullwidth(s);
    expect(wide).not.toBe(s);
    expect(wide).toMatch(/^[^\x21-\x7e]+$/u);
    expect(wide.normalize('NFKC').replace(/\u3000/gu, ' ')).toBe(s);
  });

  it('misspells names but never returns them unchanged', () => {
    for (const [name, english] of [
      ['李静', false],
      ['欧阳娜娜', false],
      ['王强', false],
      ['Vivian Chen', true],
    ] as const) {
      for (let i = 0; i < 100; i++) expect(misspellName(rng, name, english, '女')).not.toBe(name);
    }
  });

  it('writes the same address differently', () => {
    for (let i = 0; i < 100; i++) {
      const a = makeAddress(rng, rng.pick(CITIES));
      const canonical = formatTmallAddress(a);
      expect(canonical).toContain(a.city.city);
      expect(reformatAddress(rng, a)).not.toBe(canonical);
    }
  });
});

describe('csvLine', () => {
  it('quotes what RFC 4180 requires and parses back', () => {
    const values = [
      'plain',
      'a,b',
      'say "hi"',
      'two\nlines',
      ' padded ',
      '="3348756123456789012"',
      '',
      '青妍，官方',
    ];
    const parsed = parse(csvLine(values));
    expect(parsed).toEqual([values]);
    expect(csvLine(['a', 'b'])).toBe('a,b\n');
  });
});
