import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from './fingerprint-set.js';

describe('FingerprintSet', () => {
  it('behaves as a set of (hi, lo) pairs, through growth', () => {
    const pair = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 7 }));
    fc.assert(
      fc.property(
        fc.array(pair, { maxLength: 2000 }),
        fc.array(pair, { maxLength: 200 }),
        (added, probes) => {
          const set = new FingerprintSet(4);
          const reference = new Set<string>();
          for (const [hi, lo] of added) {
            // (0, 0) is stored as (0, 1): the two are one entry, as documented.
            const k = hi === 0 && lo === 0 ? '0:1' : `${hi}:${lo}`;
            expect(set.add(hi, lo)).toBe(!reference.has(k));
            reference.add(k);
          }
          expect(set.size).toBe(reference.size);
          for (const [hi, lo] of [...added, ...probes]) {
            const k = hi === 0 && lo === 0 ? '0:1' : `${hi}:${lo}`;
            expect(set.has(hi, lo)).toBe(reference.has(k));
          }
        },
      ),
    );
  });
});
