import { z } from 'zod';
import type { HardCaseTag } from './types.js';

/**
 * How often each hard case is produced, as a share of its unit. The unit is part of the contract:
 * the manifest reports the produced share over the same unit, and the tests recompute it from the
 * files and the ground truth.
 */
export interface HardCaseProportions {
  /** Share of people who share an app device or a website cookie with a household member. */
  sharedDevice: number;
  /** Share of people involved in a recycled phone number (as its earlier or its later owner). */
  recycledPhone: number;
  /** Share of people who use a second phone number alongside their main one. */
  secondPhone: number;
  /** Share of valid CRM and Tmall rows whose name is misspelt or written differently. */
  typoName: number;
  /** Share of valid CRM, POS and Tmall rows whose phone is reformatted or mistyped. */
  typoPhone: number;
  /** Share of valid Tmall rows whose address is written in a different format. */
  typoAddress: number;
  /** Share of valid CRM and Tmall rows and tickets with full-width digits or letters. */
  fullwidth: number;
  /** Share of valid CRM, POS and Tmall rows with an optional field left blank. */
  missingField: number;
  /** Share of valid Tmall rows whose mobile number is masked (`138****1234`). */
  maskedPhone: number;
  /** Share of Tmall rows shipped to someone else (a gift); still the buyer's order. */
  giftShipping: number;
  /** Share of distinct messages in events.jsonl written twice (same messageId). */
  duplicateDelivery: number;
  /** Share of distinct messages in events.jsonl sent one day or more after they happened. */
  late: number;
  /** Share of distinct messages in events.jsonl written after a later event of the same person. */
  outOfOrder: number;
  /**
   * Share of invalid records among all records of all files, except records that carry a
   * cross-person case (shared device, recycled phone, second phone), which are kept valid so
   * those cases stay checkable.
   */
  invalid: number;
}

export const DEFAULT_PROPORTIONS: Readonly<HardCaseProportions> = Object.freeze({
  sharedDevice: 0.04,
  recycledPhone: 0.01,
  secondPhone: 0.05,
  typoName: 0.05,
  typoPhone: 0.05,
  typoAddress: 0.08,
  fullwidth: 0.02,
  missingField: 0.06,
  maskedPhone: 0.3,
  giftShipping: 0.05,
  duplicateDelivery: 0.01,
  late: 0.02,
  outOfOrder: 0.03,
  invalid: 0.005,
});

/** The tag each proportion produces in `ground_truth.csv`. */
export const PROPORTION_TAGS: Record<keyof HardCaseProportions, HardCaseTag> = {
  sharedDevice: 'shared_device',
  recycledPhone: 'recycled_phone',
  secondPhone: 'second_phone',
  typoName: 'typo_name',
  typoPhone: 'typo_phone',
  typoAddress: 'typo_address',
  fullwidth: 'fullwidth',
  missingField: 'missing_field',
  maskedPhone: 'masked_phone',
  giftShipping: 'gift_shipping',
  duplicateDelivery: 'duplicate_delivery',
  late: 'late',
  outOfOrder: 'out_of_order',
  invalid: 'invalid',
};

const share = z.number().min(0).max(1);

/** Options as a CLI or an API request gives them. */
export const demoOptionsSchema = z.object({
  seed: z.number().int().min(0).max(0xffffffff),
  people: z.number().int().min(1).max(100_000_000),
  asOf: z.date().optional(),
  proportions: z
    .object({
      sharedDevice: share,
      recycledPhone: share,
      secondPhone: share,
      typoName: share,
      typoPhone: share,
      typoAddress: share,
      fullwidth: share,
      missingField: share,
      maskedPhone: share,
      giftShipping: share,
      duplicateDelivery: share,
      late: share,
      outOfOrder: share,
      invalid: share.max(0.2),
    })
    .partial()
    .strict()
    .optional(),
});

export type DemoOptions = z.infer<typeof demoOptionsSchema>;

/** Fills in defaults; throws a RangeError naming every bad share (a caller bug: validate first). */
export function resolveProportions(partial: Partial<HardCaseProportions> = {}): HardCaseProportions {
  const merged: HardCaseProportions = { ...DEFAULT_PROPORTIONS, ...partial };
  const bad = Object.entries(merged).filter(([, v]) => typeof v !== 'number' || !(v >= 0 && v <= 1));
  if (bad.length > 0) {
    throw new RangeError(`hard-case proportions must be within [0, 1]: ${bad.map(([k]) => k).join(', ')}`);
  }
  if (merged.typoPhone + merged.maskedPhone > 1) {
    throw new RangeError('typoPhone + maskedPhone must not exceed 1 (a Tmall phone is either)');
  }
  return merged;
}
