import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tgiValues } from './tgi.js';

interface Person {
  member: boolean;
  values: string[];
}

/** The plain reading of TGI over a list of people: shares counted person by person. */
function reference(people: readonly Person[]): Map<string, number | null> {
  const members = people.filter((p) => p.member);
  const out = new Map<string, number | null>();
  const all = new Set(people.flatMap((p) => p.values));
  for (const v of all) {
    const inSegment = members.filter((p) => p.values.includes(v)).length / members.length;
    const overall = people.filter((p) => p.values.includes(v)).length / people.length;
    out.set(v, members.length === 0 ? null : (100 * inSegment) / overall);
  }
  return out;
}

const person = fc.record({
  member: fc.boolean(),
  values: fc.uniqueArray(fc.constantFrom('上海', '北京', '杭州', 'skincare', 'makeup'), { maxLength: 3 }),
});

describe('tgiValues', () => {
  it('agrees with counting person by person, and sorts by TGI, then members', () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 40 }), (people) => {
        const values = [...new Set(people.flatMap((p) => p.values))];
        const counts = values.map((value) => ({
          value,
          members: people.filter((p) => p.member && p.values.includes(value)).length,
          population: people.filter((p) => p.values.includes(value)).length,
        }));
        const size = people.filter((p) => p.member).length;
        const got = tgiValues(counts, size, people.length);
        const want = reference(people);
        expect(got.map((r) => r.value).sort()).toEqual([...want.keys()].sort());
        for (const r of got) {
          const w = want.get(r.value as string)!;
          if (w === null) expect(r.tgi).toBeNull();
          else expect(r.tgi).toBeCloseTo(w, 9);
          expect(r.memberShare).toBeCloseTo(size === 0 ? 0 : r.members / size, 12);
          expect(r.populationShare).toBeCloseTo(r.population / people.length, 12);
        }
        for (let i = 1; i < got.length; i++) {
          const [a, b] = [got[i - 1]!, got[i]!];
          expect(
            (a.tgi ?? -1) > (b.tgi ?? -1) || ((a.tgi ?? -1) === (b.tgi ?? -1) && a.members >= b.members),
          ).toBe(true);
        }
      }),
    );
  });

  it('gives 100 for a segment that is everybody, and 200 for a value twice as common among members', () => {
    expect(tgiValues([{ value: 'a', members: 3, population: 3 }], 10, 10)[0]!.tgi).toBeCloseTo(100);
    // 5 of 10 members (50 %) against 25 of 100 people (25 %).
    expect(tgiValues([{ value: 'vip', members: 5, population: 25 }], 10, 100)[0]!.tgi).toBeCloseTo(200);
  });
});
