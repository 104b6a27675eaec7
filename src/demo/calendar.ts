import { cumulative, type Rng } from './prng.js';

/**
 * Time in the simulated period. All times are epoch milliseconds; the brand lives in China
 * Standard Time (UTC+08:00, no daylight saving), so local fields are read from `ms + 8 h` in UTC.
 */

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
const OFFSET = 8 * HOUR;

export interface Promotion {
  /** Campaign name as UTM `campaign.name` and coupon prefix carry it, e.g. `double11_2025`. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Coupon code used in the promotion, e.g. `D11-80`. */
  readonly coupon: string;
  readonly discount: number;
  readonly threshold: number;
}

const dayPrefixes = new Map<number, readonly number[]>();
/** Scratch char codes of `YYYY-MM-DDTHH:mm:ss.SSS+08:00`. */
const ISO_CODES: number[] = Array.from('0000-00-00T00:00:00.000+08:00', (c) => c.charCodeAt(0));

/**
 * `2025-05-07T16:49:30.123+08:00`. Hot (twice per event), so it makes one flat string from char
 * codes rather than a rope of pieces, and never goes through `Date`.
 */
export function formatIso(ms: number): string {
  const local = Math.floor(ms) + OFFSET;
  const day = Math.floor(local / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = Array.from(new Date(day * DAY).toISOString().slice(0, 11), (c) => c.charCodeAt(0));
    if (dayPrefixes.size > 10_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const out = ISO_CODES;
  for (let i = 0; i < 11; i++) out[i] = prefix[i]!;
  let r = local - day * DAY;
  const h = Math.floor(r / HOUR);
  r -= h * HOUR;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  r -= s * 1000;
  out[11] = 48 + Math.floor(h / 10);
  out[12] = 48 + (h % 10);
  out[14] = 48 + Math.floor(m / 10);
  out[15] = 48 + (m % 10);
  out[17] = 48 + Math.floor(s / 10);
  out[18] = 48 + (s % 10);
  out[20] = 48 + Math.floor(r / 100);
  out[21] = 48 + (Math.floor(r / 10) % 10);
  out[22] = 48 + (r % 10);
  return String.fromCharCode.apply(null, out);
}

/** `2025-05-07 16:49:30` (Tmall report, POS export). */
export function formatDateTime(ms: number): string {
  const s = new Date(ms + OFFSET).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

/** `2025-05-07` */
export function formatDate(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}

/** `2023/05/07 16:49` (CRM export written by the store system). */
export function formatSlashMinutes(ms: number): string {
  const s = new Date(ms + OFFSET).toISOString();
  return `${s.slice(0, 4)}/${s.slice(5, 7)}/${s.slice(8, 10)} ${s.slice(11, 16)}`;
}

/** `2023/5/7` (Excel-style dates in older CRM rows). */
export function formatSlashShort(ms: number): string {
  const d = new Date(ms + OFFSET);
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
}

/** `20230507` */
export function formatCompactDate(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10).replace(/-/gu, '');
}

/** `250507` — used inside order numbers. */
export function formatYyMmDd(ms: number): string {
  return formatCompactDate(ms).slice(2);
}

/** Epoch ms of a local (UTC+8) calendar date and time. */
export function localTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) - OFFSET;
}

/** Local calendar fields of an instant. */
export function localFields(ms: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(ms + OFFSET);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

/** Epoch ms at local midnight starting the day of `ms`. */
export function startOfLocalDay(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY) * DAY - OFFSET;
}

/** Activity per local hour of day (evening peak, as e-commerce traffic in China has it). */
const HOUR_WEIGHTS = [
  2, 1, 0.5, 0.3, 0.2, 0.3, 0.8, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4, 4, 4, 4, 4.5, 6, 8, 9, 8, 5,
];
const HOUR_CUMULATIVE = cumulative(HOUR_WEIGHTS);
const HOURS = HOUR_WEIGHTS.map((_, i) => i);

/** Relative demand per month (January … December): gifting seasons and the shopping festivals. */
const MONTH_FACTOR = [0.9, 0.75, 1.05, 0.95, 1.05, 1.3, 0.9, 0.9, 0.95, 1.1, 1.5, 1.2];

/**
 * The simulated period and its seasonality: per-day weights for when things happen, with the
 * 618 and Double 11 festivals, Women's Day, 520 and Double 12 as peaks.
 */
export class Calendar {
  readonly start: number;
  readonly end: number;
  readonly days: number;
  readonly promotions: readonly Promotion[];
  private readonly dayCumulative: Float64Array;
  private readonly promoDayCumulative: Float64Array;

  constructor(asOf: number) {
    const f = localFields(asOf);
    this.end = asOf;
    this.start = localTime(f.year - 2, f.month, f.day) + (asOf - startOfLocalDay(asOf));
    this.days = Math.ceil((this.end - this.start) / DAY);
    this.promotions = buildPromotions(this.start, this.end);
    this.dayCumulative = new Float64Array(this.days + 1);
    this.promoDayCumulative = new Float64Array(this.days + 1);
    for (let d = 0; d < this.days; d++) {
      const ms = this.start + d * DAY + 12 * HOUR;
      const fields = localFields(ms);
      let w = MONTH_FACTOR[fields.month - 1] ?? 1;
      if (fields.weekday === 0 || fields.weekday === 6) w *= 1.15;
      const promo = this.promotionAt(ms);
      let pw = 0;
      if (promo !== undefined) {
        const peak = promo.end - ms < 2 * DAY;
        w *= peak ? 4 : 1.8;
        pw = peak ? 5 : 1;
      }
      this.dayCumulative[d + 1] = (this.dayCumulative[d] ?? 0) + w;
      this.promoDayCumulative[d + 1] = (this.promoDayCumulative[d] ?? 0) + pw;
    }
  }

  promotionAt(ms: number): Promotion | undefined {
    for (const p of this.promotions) if (ms >= p.start && ms < p.end) return p;
    return undefined;
  }

  /**
   * A time in [from, to) following the seasonality (or only promotion days when `promoOnly`),
   * with a realistic hour of day. Falls back to uniform days when the range has no weight.
   */
  sample(rng: Rng, from: number, to: number, promoOnly = false): number {
    const cum = promoOnly ? this.promoDayCumulative : this.dayCumulative;
    const d0 = clamp(Math.floor((from - this.start) / DAY), 0, this.days - 1);
    const d1 = clamp(Math.ceil((to - this.start) / DAY), d0 + 1, this.days);
    const lo = cum[d0] ?? 0;
    const hi = cum[d1] ?? 0;
    let day: number;
    if (hi <= lo) {
      day = d0 + rng.int(d1 - d0);
    } else {
      const x = lo + rng.float() * (hi - lo);
      let a = d0;
      let b = d1 - 1;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if ((cum[mid + 1] ?? 0) > x) b = mid;
        else a = mid + 1;
      }
      day = a;
    }
    const hour = rng.pickWeighted(HOURS, HOUR_CUMULATIVE);
    const t = startOfLocalDay(this.start + day * DAY + 12 * HOUR) + hour * HOUR + rng.int(HOUR);
    return clamp(t, from, to - 1);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function buildPromotions(start: number, end: number): Promotion[] {
  const out: Promotion[] = [];
  const first = localFields(start).year;
  const last = localFields(end).year;
  for (let y = first; y <= last; y++) {
    const yy = String(y);
    out.push(
      {
        name: `womens_day_${yy}`,
        start: localTime(y, 3, 1),
        end: localTime(y, 3, 9),
        coupon: `W38-30`,
        discount: 30,
        threshold: 199,
      },
      {
        name: `520_${yy}`,
        start: localTime(y, 5, 18),
        end: localTime(y, 5, 21),
        coupon: 'LOVE520-52',
        discount: 52,
        threshold: 399,
      },
      {
        name: `618_${yy}`,
        start: localTime(y, 5, 28),
        end: localTime(y, 6, 19),
        coupon: '618-60',
        discount: 60,
        threshold: 399,
      },
      {
        name: `double11_${yy}`,
        start: localTime(y, 10, 20),
        end: localTime(y, 11, 12),
        coupon: 'D11-80',
        discount: 80,
        threshold: 499,
      },
      {
        name: `double12_${yy}`,
        start: localTime(y, 12, 10),
        end: localTime(y, 12, 13),
        coupon: 'D12-40',
        discount: 40,
        threshold: 299,
      },
    );
  }
  return out.filter((p) => p.end > start && p.start < end).sort((a, b) => a.start - b.start);
}
