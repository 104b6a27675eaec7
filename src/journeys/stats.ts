import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * Did the journey (or variant B) convert better than its control (or variant A)? The
 * two-proportion z-test: the z statistic from the pooled rate (the null hypothesis is "no
 * difference"), a two-sided p-value, and a confidence interval for the difference from the
 * unpooled standard error (the usual Wald interval). The same as R's
 * `prop.test(c(x1, x2), c(n1, n2), correct = FALSE)`, whose X-squared is z².
 */

export interface Group {
  conversions: number;
  size: number;
}

export interface ProportionTest {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  difference: number;
  /** difference / rateA (null when A never converted). */
  relativeLift: number | null;
  z: number | null;
  pValue: number | null;
  confidence: number;
  interval: [number, number] | null;
}

export function twoProportionTest(a: Group, b: Group, confidence = 0.95): ProportionTest {
  for (const g of [a, b]) {
    if (
      !Number.isInteger(g.size) ||
      g.size < 0 ||
      !Number.isInteger(g.conversions) ||
      g.conversions < 0 ||
      g.conversions > g.size
    )
      throw new RangeError(`not a group: ${g.conversions} of ${g.size}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1): ${confidence}`);
  const rateA = a.size === 0 ? 0 : a.conversions / a.size;
  const rateB = b.size === 0 ? 0 : b.conversions / b.size;
  const difference = rateB - rateA;
  const base = {
    rateA,
    rateB,
    difference,
    relativeLift: rateA === 0 ? null : difference / rateA,
    confidence,
  };
  if (a.size === 0 || b.size === 0) return { ...base, z: null, pValue: null, interval: null };
  const pooled = (a.conversions + b.conversions) / (a.size + b.size);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / a.size + 1 / b.size));
  const z = se0 === 0 ? null : difference / se0;
  const pValue = z === null ? null : 2 * (1 - normalCdf(Math.abs(z), 0, 1));
  const se = Math.sqrt((rateA * (1 - rateA)) / a.size + (rateB * (1 - rateB)) / b.size);
  const q = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  return { ...base, z, pValue, interval: [difference - q * se, difference + q * se] };
}
