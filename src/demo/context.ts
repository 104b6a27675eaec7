import { Calendar } from './calendar.js';
import { IdFactory } from './ids.js';
import { hash32, labelHash } from './prng.js';
import type { HardCaseProportions } from './proportions.js';

/** Everything a person's generation depends on besides its own index. Immutable. */
export interface GenContext {
  readonly seed: number;
  readonly people: number;
  readonly calendar: Calendar;
  readonly proportions: HardCaseProportions;
  readonly ids: IdFactory;
  /** Offsets of the low-discrepancy flags, derived from the seed. */
  readonly offsets: { readonly household: number; readonly recycle: number; readonly secondPhone: number };
}

/** Named PRNG streams, so adding draws to one concern never shifts another's. */
export const STREAM = {
  person: labelHash('person'),
  household: labelHash('household'),
  recycle: labelHash('recycle'),
} as const;

export function createContext(
  seed: number,
  people: number,
  asOf: number,
  proportions: HardCaseProportions,
): GenContext {
  const unit = (label: string): number => hash32(seed, labelHash(label)) / 4294967296;
  return {
    seed,
    people,
    calendar: new Calendar(asOf),
    proportions,
    ids: new IdFactory(seed),
    offsets: { household: unit('household'), recycle: unit('recycle'), secondPhone: unit('second-phone') },
  };
}
