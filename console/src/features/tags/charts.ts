import type { I18n } from '../../i18n';
import type { ChartOption } from '../../ui/echart';
import type { NumericSummary, ValueCount } from './api';

/** ECharts options of the tags pages: value distributions, coverage per tag, distributions over time. */

const LIFECYCLE_ORDER = ['潜客', '新客', '活跃', '沉睡', '流失'];

/** A tag value as people read it: lifecycle stages and RFM classes translated, yes/no, lists as JSON. */
export function valueLabel(i18n: Pick<I18n, 'tryT' | 't'>, value: unknown): string {
  if (typeof value === 'boolean') return value ? i18n.t('common.yes') : i18n.t('common.no');
  if (typeof value === 'string') return i18n.tryT(`lifecycle.${value}`) ?? i18n.tryT(`rfm.${value}`) ?? value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Values in their natural order where they have one (lifecycle stages, RFM scores), else most common first. */
export function orderValues(rows: readonly ValueCount[]): ValueCount[] {
  const rank = (v: unknown) => {
    const i = LIFECYCLE_ORDER.indexOf(String(v));
    return i < 0 ? LIFECYCLE_ORDER.length : i;
  };
  const numeric = rows.length > 0 && rows.every((r) => typeof r.value === 'number');
  return [...rows].sort((a, b) =>
    numeric ? Number(a.value) - Number(b.value) : rank(a.value) - rank(b.value) || b.profiles - a.profiles,
  );
}

/** At most `max` values, the rest summed into one "other" entry. */
export function topValues(rows: readonly ValueCount[], max: number, other: string): ValueCount[] {
  const sorted = [...rows].sort((a, b) => b.profiles - a.profiles);
  if (sorted.length <= max) return orderValues(sorted);
  const rest = sorted.slice(max - 1).reduce((n, r) => n + r.profiles, 0);
  return [...orderValues(sorted.slice(0, max - 1)), { value: other, profiles: rest }];
}

export function distributionOption(
  rows: readonly ValueCount[],
  i18n: I18n,
  kind: 'bar' | 'pie',
): ChartOption {
  const data = topValues(rows, kind === 'pie' ? 8 : 20, i18n.t('tags.otherValues'));
  const name = i18n.t('tags.profiles');
  if (kind === 'pie')
    return {
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          name,
          radius: ['40%', '68%'],
          center: ['50%', '44%'],
          label: { formatter: '{b}: {d}%' },
          data: data.map((r) => ({ name: valueLabel(i18n, r.value), value: r.profiles })),
        },
      ],
    };
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: data.map((r) => valueLabel(i18n, r.value)),
      axisLabel: { interval: 0, rotate: data.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name,
        data: data.map((r) => r.profiles),
        barMaxWidth: 40,
        itemStyle: { color: '#3f51b5' },
      },
    ],
  };
}

const SUMMARY_KEYS = ['min', 'p25', 'median', 'p75', 'max', 'mean'] as const;

export function summaryOption(summary: NumericSummary, i18n: I18n): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: SUMMARY_KEYS.map((k) => i18n.t(`tags.summary.${k}`)) },
    yAxis: { type: 'value' },
    series: [
      {
        type: 'bar',
        name: i18n.t('tags.value'),
        data: SUMMARY_KEYS.map((k) => summary[k] ?? null),
        barMaxWidth: 40,
        itemStyle: { color: '#13a8a8' },
      },
    ],
  };
}

/** Coverage of each tag as a horizontal bar (0–100 %). */
export function coverageOption(
  rows: ReadonlyArray<{ name: string; coverage: number }>,
  i18n: I18n,
): ChartOption {
  const data = [...rows].sort((a, b) => a.coverage - b.coverage);
  return {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) =>
        i18n.formatNumber(Number(v) / 100, { style: 'percent', maximumFractionDigits: 1 }),
    },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: data.map((r) => r.name) },
    series: [
      {
        type: 'bar',
        name: i18n.t('tags.coverage'),
        data: data.map((r) => Math.round(r.coverage * 1000) / 10),
        barMaxWidth: 18,
        itemStyle: { color: '#52c41a' },
      },
    ],
  };
}

/**
 * A tag's distribution day by day: a stacked area per value (the most common ones), or for a
 * numeric tag its quartiles and mean.
 */
export function historyOption(
  days: ReadonlyArray<{ day: string; values: ValueCount[] }>,
  i18n: I18n,
): ChartOption {
  const x = days.map((d) => d.day);
  const numeric = days.some((d) => d.values.some((v) => typeof v.value === 'object' && v.value !== null));
  const few = days.length <= 3;
  if (numeric) {
    const keys = ['p25', 'median', 'p75', 'mean'] as const;
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value' },
      series: keys.map((k) => ({
        type: few ? 'bar' : 'line',
        name: i18n.t(`tags.summary.${k}`),
        data: days.map((d) => {
          const s = d.values[0]?.value as NumericSummary | undefined;
          return s?.[k] ?? null;
        }),
      })),
    };
  }
  const totals = new Map<string, { value: unknown; profiles: number }>();
  for (const d of days)
    for (const v of d.values) {
      const k = JSON.stringify(v.value);
      totals.set(k, { value: v.value, profiles: (totals.get(k)?.profiles ?? 0) + v.profiles });
    }
  const top = orderValues([...totals.values()].sort((a, b) => b.profiles - a.profiles).slice(0, 8));
  const topKeys = new Set(top.map((v) => JSON.stringify(v.value)));
  const series = top.map((v) => ({
    type: few ? ('bar' as const) : ('line' as const),
    name: valueLabel(i18n, v.value),
    stack: 'total',
    areaStyle: few ? undefined : { opacity: 0.5 },
    data: days.map(
      (d) => d.values.find((x) => JSON.stringify(x.value) === JSON.stringify(v.value))?.profiles ?? 0,
    ),
  }));
  if (totals.size > top.length)
    series.push({
      type: few ? 'bar' : 'line',
      name: i18n.t('tags.otherValues'),
      stack: 'total',
      areaStyle: few ? undefined : { opacity: 0.5 },
      data: days.map((d) =>
        d.values.filter((x) => !topKeys.has(JSON.stringify(x.value))).reduce((n, x) => n + x.profiles, 0),
      ),
    });
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
    xAxis: { type: 'category', data: x, boundaryGap: few },
    yAxis: { type: 'value', minInterval: 1 },
    series,
  };
}
