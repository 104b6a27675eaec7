import { describe, expect, it } from 'vitest';
import { scorePairwise } from './score.js';

describe('scorePairwise', () => {
  it('is perfect when profiles equal persons', () => {
    const s = scorePairwise([
      { person: 'a', profile: '1' },
      { person: 'a', profile: '1' },
      { person: 'b', profile: '2' },
    ]);
    expect(s).toMatchObject({
      truePairs: 1,
      predictedPairs: 1,
      correctPairs: 1,
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });

  it('counts an over-merge against precision and a split against recall', () => {
    // Truth: a = {1,2,3}, b = {4}. Resolver: {1,2}, {3,4}.
    const s = scorePairwise([
      { person: 'a', profile: 'x' },
      { person: 'a', profile: 'x' },
      { person: 'a', profile: 'y' },
      { person: 'b', profile: 'y' },
    ]);
    expect(s.truePairs).toBe(3);
    expect(s.predictedPairs).toBe(2);
    expect(s.correctPairs).toBe(1);
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(s.f1).toBeCloseTo(0.4);
  });
});
