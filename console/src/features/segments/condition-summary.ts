import type { I18n } from '../../i18n';
import {
  parseDuration,
  treeFromCondition,
  type Comparison,
  type EventSpec,
  type TreeNode,
} from './condition-tree';

/**
 * A condition in one line of words ("Order Completed ≥ 1 times in the last 365 days AND (city =
 * 上海市 OR …)"), for lists and version histories where the builder would be too much.
 */

type T = I18n['t'];

const show = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => String(x)).join(', ') : typeof v === 'string' ? v : JSON.stringify(v);

function duration(text: string, t: T): string {
  const d = parseDuration(text);
  return d ? t(`segments.sum.duration.${d.unit}`, { n: d.n }) : text;
}

function comparison(c: Comparison, t: T): string {
  const op = t(`segments.op.${c.op}`);
  if (c.op === 'exists') return c.value === false ? t('segments.b.exists.no') : t('segments.b.exists.yes');
  if (c.op === 'within_last' || c.op === 'birthday_within') return `${op} ${duration(show(c.value), t)}`;
  if (c.op === 'between' && Array.isArray(c.value)) return `${op} ${show(c.value[0])}–${show(c.value[1])}`;
  return `${op} ${show(c.value)}`;
}

function spec(s: EventSpec, t: T): string {
  const names = s.events.join(' / ') || '?';
  const where = (s.where ?? []).map((f) => `${f.property} ${comparison(f, t)}`);
  return where.length > 0 ? `${names} [${where.join(', ')}]` : names;
}

function describe(n: TreeNode, t: T, top: boolean): string {
  let text: string;
  switch (n.type) {
    case 'group': {
      const joiner = ` ${n.op === 'all' ? t('segments.b.and') : t('segments.b.or')} `;
      const parts = n.children.map((c) => describe(c, t, false));
      if (parts.length === 0) text = n.op === 'all' ? t('segments.sum.everyone') : t('segments.sum.nobody');
      else text = parts.length === 1 || top ? parts.join(joiner) : `(${parts.join(joiner)})`;
      break;
    }
    case 'trait':
    case 'tag':
      text = `${n.key} ${comparison(n, t)}`;
      break;
    case 'event': {
      const m = n.measure ?? { fn: 'count' as const, property: '', op: 'gte' as const, value: 1 };
      const value = Array.isArray(m.value) ? `${m.value[0]}–${m.value[1]}` : String(m.value);
      const measure =
        m.fn === 'count'
          ? t('segments.sum.count', { op: t(`segments.op.${m.op}`), value })
          : `${t(`segments.b.measure.${m.fn}`)}(${m.property}) ${t(`segments.op.${m.op}`)} ${value}`;
      const window =
        n.window.kind === 'last'
          ? t('segments.sum.last', { d: duration(n.window.duration, t) })
          : n.window.kind === 'range'
            ? t('segments.sum.range', { from: n.window.from.slice(0, 10), to: n.window.to.slice(0, 10) })
            : '';
      text = [spec(n, t), measure, window].filter(Boolean).join(' ');
      break;
    }
    case 'sequence':
      text = t(n.completed === false ? 'segments.sum.sequenceNot' : 'segments.sum.sequence', {
        steps: n.steps.map((s) => spec(s, t)).join(' → '),
        d: duration(n.within, t),
      });
      break;
    case 'segment':
      text = t('segments.sum.segment', { id: n.segment });
      break;
    case 'raw':
      text = JSON.stringify(n.json);
      break;
  }
  return n.nots % 2 === 1 ? `${t('segments.b.not')} ${top && n.type === 'group' ? `(${text})` : text}` : text;
}

/** The condition JSON in words; segment ids are named through `segmentName` when it knows them. */
export function summarise(
  condition: unknown,
  t: T,
  segmentName?: (id: string) => string | undefined,
): string {
  const text = describe(treeFromCondition(condition), t, true);
  return segmentName ? text.replace(/seg_[a-z0-9]+/g, (id) => segmentName(id) ?? id) : text;
}
