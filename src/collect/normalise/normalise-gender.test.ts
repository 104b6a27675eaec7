import fc from 'fast-check';
import { expect, it } from 'vitest';
import { normaliseGender, type Gender } from './normalise-gender.js';
import { toHalfWidth } from './to-half-width.js';

const cases: [unknown, Gender][] = [
  ['男', 'male'],
  ['男性', 'male'],
  ['男士', 'male'],
  ['先生', 'male'],
  ['M', 'male'],
  ['m', 'male'],
  ['male', 'male'],
  ['Male', 'male'],
  ['MALE', 'male'],
  ['Ｍ', 'male'],
  [' 男 ', 'male'],
  ['1', 'male'],
  [1, 'male'],
  ['女', 'female'],
  ['女性', 'female'],
  ['女士', 'female'],
  ['小姐', 'female'],
  ['F', 'female'],
  ['f', 'female'],
  ['female', 'female'],
  ['Female', 'female'],
  ['2', 'female'],
  [2, 'female'],
  ['0', 'unknown'],
  [0, 'unknown'],
  ['9', 'unknown'],
  [9, 'unknown'],
  ['未知', 'unknown'],
  ['保密', 'unknown'],
  ['unknown', 'unknown'],
  ['Unknown', 'unknown'],
  ['other', 'unknown'],
  ['OTHER', 'unknown'],
];

it.each(cases)('%j → %s', (input, gender) => {
  expect(normaliseGender(input)).toEqual({ ok: true, value: gender });
});

it.each([[''], ['x'], ['3'], [3], [1.5], ['男女'], ['mal'], ['man'], ['不详'], [true], [null], [['男']]])(
  'rejects %j',
  (input) => {
    expect(normaliseGender(input)).toMatchObject({ ok: false, code: 'invalid_gender' });
  },
);

it('ignores case, width and surrounding whitespace', () => {
  const spelled = fc.constantFrom(...cases.filter(([input]) => typeof input === 'string'));
  const fullWidth = (s: string): string =>
    s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  fc.assert(
    fc.property(
      spelled,
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom('', ' ', '\u3000'),
      ([input, gender], upper, wide, pad) => {
        let s = upper ? (input as string).toUpperCase() : (input as string);
        if (wide) s = fullWidth(s);
        expect(normaliseGender(`${pad}${s}${pad}`)).toEqual({ ok: true, value: gender });
      },
    ),
  );
});

it('rejects every other string', () => {
  const known = new Set(cases.map(([input]) => String(input).trim().toLowerCase()));
  fc.assert(
    fc.property(fc.string(), (s) => {
      fc.pre(!known.has(toHalfWidth(s).trim().toLowerCase()));
      expect(normaliseGender(s).ok).toBe(false);
    }),
  );
});
