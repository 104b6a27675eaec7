import { describe, expect, it } from 'vitest';
import { HOMOPHONE_GROUPS } from '../../demo/data/names.js';
import { defaultReading, fuzzyReading, readingsOf } from './pinyin.js';

describe('pinyin readings', () => {
  it('gives toneless readings, every one for a character with several', () => {
    expect(readingsOf('静')).toEqual(['jing']);
    expect(readingsOf('茜')).toEqual(expect.arrayContaining(['qian', 'xi']));
    expect(readingsOf('吕')).toEqual(['lv']);
    expect(readingsOf('a')).toEqual(['a']);
    expect(defaultReading('茜')).toBe('qian');
  });

  it('folds the southern mergers', () => {
    expect(fuzzyReading('zhou')).toBe(fuzzyReading('zou'));
    expect(fuzzyReading('cheng')).toBe(fuzzyReading('chen'));
    expect(fuzzyReading('ling')).toBe(fuzzyReading('lin'));
    expect(fuzzyReading('huang')).toBe(fuzzyReading('wang'));
    expect(fuzzyReading('li')).not.toBe(fuzzyReading('ni'));
  });

  it('puts every homophone group of the demo under one fuzzy default reading', () => {
    for (const group of HOMOPHONE_GROUPS) {
      const keys = new Set(Array.from(group, (ch) => fuzzyReading(defaultReading(ch))));
      expect(keys.size, group).toBe(1);
    }
  });
});
