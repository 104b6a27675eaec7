import { assertNever } from '../platform/errors.js';
import type {
  ConditionNode,
  EventNode,
  PropertyFilter,
  SequenceNode,
  SequenceStep,
  TimeWindow,
} from './ast.js';
import { asNumber, compareNumber, compareValue, propertyAt, type CompareContext } from './values.js';

/**
 * The condition language evaluated in memory for one person: the semantics the SQL compiler must
 * agree with (the two are tested against each other), and the path real-time membership takes.
 */

/** One event of the person, as conditions see it. */
export interface FactEvent {
  /** Commit order: breaks ties between events at the same time. */
  seq: number;
  /** The event name (`track`), or `Page Viewed` / `Screen Viewed` for page and screen calls. */
  event: string | null;
  /** Epoch milliseconds. */
  ts: number;
  properties: Record<string, unknown>;
}

export interface Subject {
  trait(key: string): unknown;
  tag(key: string): unknown;
  events: readonly FactEvent[];
  inSegment?(id: string): boolean;
}

export function evaluate(c: ConditionNode, subject: Subject, ctx: CompareContext): boolean {
  switch (c.kind) {
    case 'all':
      return c.of.every((x) => evaluate(x, subject, ctx));
    case 'any':
      return c.of.some((x) => evaluate(x, subject, ctx));
    case 'not':
      return !evaluate(c.of, subject, ctx);
    case 'const':
      return c.value;
    case 'trait':
      return compareValue(subject.trait(c.key), c, ctx);
    case 'tag':
      return compareValue(subject.tag(c.key), c, ctx);
    case 'event':
      return evaluateEvent(c, subject.events, ctx);
    case 'sequence':
      return evaluateSequence(c, subject.events, ctx);
    case 'segment':
      if (!subject.inSegment) throw new Error(`segment ${c.id} cannot be evaluated here`);
      return subject.inSegment(c.id);
    default:
      return assertNever(c);
  }
}

export function inWindow(ts: number, w: TimeWindow, now: number): boolean {
  switch (w.kind) {
    case 'all_time':
      return true;
    case 'last':
      return ts >= now - w.ms && ts <= now;
    case 'range':
      return ts >= w.from && ts < w.to;
    default:
      return assertNever(w);
  }
}

export function matchesStep(
  e: FactEvent,
  step: { events: readonly string[]; where: readonly PropertyFilter[] },
  ctx: CompareContext,
): boolean {
  return (
    e.event !== null &&
    step.events.includes(e.event) &&
    step.where.every((f) => compareValue(propertyAt(e.properties, f.property), f, ctx))
  );
}

/** The measured number of an event condition (count, or the aggregate of a numeric property). */
export function measureEvents(
  c: EventNode,
  events: readonly FactEvent[],
  ctx: CompareContext,
): number | null {
  let count = 0;
  let sum = 0;
  let n = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (!inWindow(e.ts, c.within, ctx.now) || !matchesStep(e, c, ctx)) continue;
    count++;
    if (c.measure.property === null) continue;
    const v = asNumber(propertyAt(e.properties, c.measure.property));
    if (v === null) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  switch (c.measure.fn) {
    case 'count':
      return count;
    case 'sum':
      return sum;
    case 'avg':
      return n === 0 ? null : sum / n;
    case 'min':
      return n === 0 ? null : min;
    case 'max':
      return n === 0 ? null : max;
    default:
      return assertNever(c.measure.fn);
  }
}

function evaluateEvent(c: EventNode, events: readonly FactEvent[], ctx: CompareContext): boolean {
  return compareNumber(measureEvents(c, events, ctx), c.measure.op, c.measure.value);
}

const before = (a: FactEvent, b: FactEvent): boolean => a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);

/**
 * From each first step, the earliest next step after it, and so on (the greedy chain ends
 * soonest, so a sequence fits the window from that start exactly when the greedy one does).
 * Completed: some start's chain ends within the window. Not completed: some start's window has
 * passed without the rest following in it.
 */
function evaluateSequence(c: SequenceNode, events: readonly FactEvent[], ctx: CompareContext): boolean {
  const byStep = c.steps.map((s: SequenceStep) =>
    events.filter((e) => matchesStep(e, s, ctx)).sort((a, b) => a.ts - b.ts || a.seq - b.seq),
  );
  for (const start of byStep[0]!) {
    let cur: FactEvent | undefined = start;
    for (let i = 1; i < byStep.length && cur; i++) {
      const prev: FactEvent = cur;
      cur = byStep[i]!.find((e) => before(prev, e));
    }
    const done = cur !== undefined && cur.ts - start.ts <= c.withinMs;
    if (c.completed && done) return true;
    if (!c.completed && !done && start.ts + c.withinMs <= ctx.now) return true;
  }
  return false;
}
