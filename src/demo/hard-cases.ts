import type { HardCaseProportions } from './proportions.js';
import type { Rng } from './prng.js';
import type { ProducedShare } from './types.js';

export type CaseKey = keyof HardCaseProportions;

/** What each proportion is a share of (written into the manifest beside the produced share). */
export const CASE_UNITS: Record<CaseKey, string> = {
  sharedDevice: 'people',
  recycledPhone: 'people',
  secondPhone: 'people',
  typoName: 'valid CRM and Tmall rows',
  typoPhone: 'valid CRM, POS and Tmall rows',
  typoAddress: 'valid Tmall rows',
  fullwidth: 'valid CRM and Tmall rows and service tickets',
  missingField: 'valid CRM, POS and Tmall rows',
  maskedPhone: 'valid Tmall rows',
  giftShipping: 'Tmall rows',
  duplicateDelivery: 'distinct messages in events.jsonl',
  late: 'distinct messages in events.jsonl',
  outOfOrder: 'distinct messages in events.jsonl',
  invalid: 'records of all files without a shared_device, recycled_phone or second_phone tag',
};

/** Rolls the dice for each hard case and counts how often it was eligible and produced. */
export class HardCaseCounter {
  private readonly count: Record<CaseKey, number>;
  private readonly of: Record<CaseKey, number>;

  constructor(readonly proportions: HardCaseProportions) {
    const zero = (): Record<CaseKey, number> =>
      Object.fromEntries(Object.keys(proportions).map((k) => [k, 0])) as Record<CaseKey, number>;
    this.count = zero();
    this.of = zero();
  }

  /** One eligible record: true with the configured probability. */
  roll(rng: Rng, key: CaseKey): boolean {
    this.of[key]++;
    if (rng.float() < this.proportions[key]) {
      this.count[key]++;
      return true;
    }
    return false;
  }

  /** Counts an eligible unit whose outcome was decided elsewhere. */
  record(key: CaseKey, happened: boolean): void {
    this.of[key]++;
    if (happened) this.count[key]++;
  }

  /** Takes back a roll whose case could not be applied after all (counts it as not produced). */
  retract(key: CaseKey): void {
    this.count[key]--;
  }

  /** The raw tallies, to send from a worker thread. */
  tallies(): { count: Record<CaseKey, number>; of: Record<CaseKey, number> } {
    return { count: { ...this.count }, of: { ...this.of } };
  }

  /** Adds a worker's tallies. */
  merge(t: { count: Record<CaseKey, number>; of: Record<CaseKey, number> }): void {
    for (const key of Object.keys(this.count) as CaseKey[]) {
      this.count[key] += t.count[key];
      this.of[key] += t.of[key];
    }
  }

  produced(): Record<CaseKey, ProducedShare> {
    const out = {} as Record<CaseKey, ProducedShare>;
    for (const key of Object.keys(this.count) as CaseKey[]) {
      const of = this.of[key];
      out[key] = {
        count: this.count[key],
        of,
        share: of === 0 ? 0 : this.count[key] / of,
        unit: CASE_UNITS[key],
      };
    }
    return out;
  }
}
