import { describe, expect, it } from 'vitest';
import { hash32, Permutation, Rng, weylFlag } from './prng.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = Rng.for(1, 2, 3);
    const b = Rng.for(1, 2, 3);
    const c = Rng.for(1, 2, 4);
    const sa = Array.from({ length: 50 }, () => a.u32());
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(sa);
  });

  it('stays in range and is roughly uniform', () => {
    const rng = Rng.for(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.float();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const v = rng.between(3, 5);
      expect(v >= 3 && v <= 5).toBe(true);
    }
  });

  it('makes version 4 UUIDs', () => {
    const rng = Rng.for(9);
    for (let i = 0; i < 100; i++) {
      expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    }
  });

  it('hashes word lists, not their sum', () => {
    expect(hash32(1, 2)).not.toBe(hash32(2, 1));
    expect(hash32(1, 2)).toBe(hash32(1, 2));
  });
});

describe('Permutation', () => {
  it('is a bijection of [0, m)', () => {
    for (const m of [1, 2, 97, 1000, 4096]) {
      const p = new Permutation(m, 12345);
      const seen = new Set<number>();
      for (let x = 0; x < m; x++) seen.add(p.apply(x));
      expect(seen.size).toBe(m);
      expect(Math.max(...seen)).toBe(m - 1);
    }
  });

  it('stays exact for large moduli', () => {
    const m = 4_000_000_000;
    const p = new Permutation(m, 99);
    const ys = new Set<number>();
    for (let x = m - 1000; x < m; x++) {
      const y = p.apply(x);
      expect(Number.isInteger(y) && y >= 0 && y < m).toBe(true);
      ys.add(y);
    }
    expect(ys.size).toBe(1000);
  });
});

describe('weylFlag', () => {
  it('flags the configured share of any run of keys', () => {
    for (const share of [0.01, 0.04, 0.3]) {
      let n = 0;
      for (let k = 5000; k < 15_000; k++) if (weylFlag(k, share, 0.6180339887498949, 0.25)) n++;
      expect(Math.abs(n / 10_000 - share)).toBeLessThan(0.002);
    }
  });
});
