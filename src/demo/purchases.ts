import { DAY, formatIso } from './calendar.js';
import { CATEGORIES, type Category } from './data/products.js';
import type { LifecycleStage } from './types.js';

/**
 * A person's purchases as the CDP sees them: only orders that count (an `Order Completed` event
 * that is valid and not refunded by a valid `Order Refunded`, a valid `completed` POS row, a valid
 * Tmall row that was paid and not closed). `people.csv` is written from this, so tags and
 * segments can be checked against it.
 */
export class Purchases {
  count = 0;
  revenue = 0;
  first = Number.POSITIVE_INFINITY;
  last = Number.NEGATIVE_INFINITY;
  /** Order lines per category (a product in an order counts once, whatever the quantity). */
  readonly lines: number[] = CATEGORIES.map(() => 0);

  add(at: number, total: number, categories: readonly Category[]): void {
    this.count++;
    this.revenue += total;
    if (at < this.first) this.first = at;
    if (at > this.last) this.last = at;
    for (const c of categories) {
      const i = CATEGORIES.indexOf(c);
      this.lines[i] = (this.lines[i] ?? 0) + 1;
    }
  }

  /** The category with the most order lines; ties go to the earlier category in `CATEGORIES`. */
  favouriteCategory(): Category | undefined {
    let best = -1;
    let bestLines = 0;
    for (let i = 0; i < this.lines.length; i++) {
      const n = this.lines[i] ?? 0;
      if (n > bestLines) {
        best = i;
        bestLines = n;
      }
    }
    return best < 0 ? undefined : CATEGORIES[best];
  }

  firstIso(): string {
    return this.count === 0 ? '' : formatIso(this.first);
  }

  lastIso(): string {
    return this.count === 0 ? '' : formatIso(this.last);
  }
}

/** Default thresholds of the built-in `lifecycle_stage` tag (DESIGN.md "Fixed contract"). */
export const LIFECYCLE_THRESHOLDS = { newDays: 30, activeDays: 90, dormantDays: 180 } as const;

/**
 * The lifecycle stage at `asOf` with the built-in tag's definition: never bought → 潜客; exactly
 * one purchase at most 30 days ago → 新客; last purchase at most 90 days ago → 活跃; at most 180
 * → 沉睡; else 流失. Days are elapsed milliseconds / 86,400,000, not rounded.
 */
export function lifecycleStage(count: number, first: number, last: number, asOf: number): LifecycleStage {
  if (count === 0) return '潜客';
  const sinceFirst = (asOf - first) / DAY;
  const sinceLast = (asOf - last) / DAY;
  if (count === 1 && sinceFirst <= LIFECYCLE_THRESHOLDS.newDays) return '新客';
  if (sinceLast <= LIFECYCLE_THRESHOLDS.activeDays) return '活跃';
  if (sinceLast <= LIFECYCLE_THRESHOLDS.dormantDays) return '沉睡';
  return '流失';
}
