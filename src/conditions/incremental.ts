import { assertNever } from '../platform/errors.js';
import {
  DURATION,
  durationMs,
  type Comparison,
  type ConditionNode,
  type EventNode,
  type SequenceNode,
  type SequenceStep,
} from './ast.js';
import { evaluate, inWindow, type FactEvent } from './evaluate.js';
import {
  asNumber,
  compareNumber,
  compareValue,
  DAY,
  isoToMs,
  propertyAt,
  type CompareContext,
} from './values.js';

/**
 * One condition kept up to date for one profile, event by event, for real-time membership: the
 * answer is always the one `evaluate()` gives over every event fed so far. Events arrive in any
 * order with any timestamp; the clock passed in never goes backwards for one state. Clocks and
 * timestamps are whole epoch milliseconds (a window expires at `ts + ms + 1`).
 *
 * Storage per leaf:
 * - all-time and date-range event leaves: counters (count, n, sum, min, max), since their window
 *   does not move;
 * - rolling ('last') event leaves: a sorted list of times, with the measured value beside each
 *   time when the measure reads a property (events without a number cannot change such a
 *   measure, so they are not kept);
 * - sequences: a sorted list of (ts, seq) per step;
 * - leaves whose property filters move with the clock (`within_last`, `birthday_within`,
 *   `before`/`after` a duration ago): the events themselves, matched again at test time, since
 *   whether an event matches depends on `now`. They are rare; they cannot be seeded from SQL.
 * Floating-point sums are added in time order rather than event-list order, so a sum of
 * non-representable decimals may differ from `evaluate()` in the last bit.
 */

export interface LiveSubject {
  trait(key: string): unknown;
  tag(key: string): unknown;
  inSegment?(id: string): boolean;
}

export interface LiveState {
  /** Five numbers per counter leaf: count, n, sum, min, max (min and max mean something when n > 0). */
  counters: number[];
  /** Flat tuples in ascending order: (ts) or (ts, value) per rolling leaf, (ts, seq) per sequence step. */
  lists: number[][];
  /** The events of leaves whose filters move with the clock. */
  replay: FactEvent[][];
}

export interface SeedCounters {
  count: number;
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
}

type EventPlan =
  | { store: 'counters'; node: EventNode; slot: number }
  | { store: 'list'; node: EventNode; slot: number; ms: number; stride: 1 | 2 }
  | { store: 'replay'; node: EventNode; slot: number };
type SequencePlan =
  { store: 'list'; node: SequenceNode; slot: number } | { store: 'replay'; node: SequenceNode; slot: number };

export class IncrementalCondition {
  readonly eventLeaves: readonly EventNode[];
  readonly sequenceLeaves: readonly SequenceNode[];
  readonly readsEvents: boolean;
  readonly eventNames: ReadonlySet<string>;
  /** False when some leaf keeps whole events (a clock-dependent filter): load it through `add`. */
  readonly seedable: boolean;
  private readonly events = new Map<EventNode, EventPlan>();
  private readonly sequences = new Map<SequenceNode, SequencePlan>();
  private readonly size = { counters: 0, lists: 0, replay: 0 };

  constructor(
    readonly condition: ConditionNode,
    readonly offsetMs: number,
  ) {
    const names = new Set<string>();
    const walk = (n: ConditionNode): void => {
      switch (n.kind) {
        case 'all':
        case 'any':
          n.of.forEach(walk);
          return;
        case 'not':
          walk(n.of);
          return;
        case 'event':
          if (!this.events.has(n)) this.events.set(n, this.planEvent(n));
          n.events.forEach((x) => names.add(x));
          return;
        case 'sequence':
          if (!this.sequences.has(n)) this.sequences.set(n, this.planSequence(n));
          n.steps.forEach((s) => s.events.forEach((x) => names.add(x)));
          return;
        case 'trait':
        case 'tag':
        case 'segment':
        case 'const':
          return;
        default:
          assertNever(n);
      }
    };
    walk(condition);
    this.eventLeaves = [...this.events.keys()];
    this.sequenceLeaves = [...this.sequences.keys()];
    this.readsEvents = this.eventLeaves.length + this.sequenceLeaves.length > 0;
    this.eventNames = names;
    const plans = [...this.events.values(), ...this.sequences.values()];
    this.seedable = plans.every((p) => p.store !== 'replay');
  }

  private planEvent(node: EventNode): EventPlan {
    if (node.where.some(movesWithClock)) return { store: 'replay', node, slot: this.size.replay++ };
    if (node.within.kind !== 'last') {
      const slot = this.size.counters;
      this.size.counters += 5;
      return { store: 'counters', node, slot };
    }
    const stride = node.measure.fn === 'count' ? 1 : 2;
    return { store: 'list', node, slot: this.size.lists++, ms: node.within.ms, stride };
  }

  private planSequence(node: SequenceNode): SequencePlan {
    if (node.steps.some((s) => s.where.some(movesWithClock))) {
      return { store: 'replay', node, slot: this.size.replay++ };
    }
    const slot = this.size.lists;
    this.size.lists += node.steps.length;
    return { store: 'list', node, slot };
  }

  initial(): LiveState {
    return {
      counters: new Array<number>(this.size.counters).fill(0),
      lists: Array.from({ length: this.size.lists }, () => []),
      replay: Array.from({ length: this.size.replay }, () => []),
    };
  }

  add(state: LiveState, e: FactEvent): boolean {
    if (e.event === null || !this.eventNames.has(e.event)) return false;
    let took = false;
    for (const plan of this.events.values()) {
      if (!this.matchesFixed(e, plan.node)) continue;
      if (plan.store === 'replay') {
        state.replay[plan.slot]!.push(e);
        took = true;
      } else {
        const p = plan.node.measure.property;
        took =
          this.take(state, plan, e.ts, p === null ? null : asNumber(propertyAt(e.properties, p))) || took;
      }
    }
    for (const plan of this.sequences.values()) {
      const steps = plan.node.steps.flatMap((s, i) => (this.matchesFixed(e, s) ? [i] : []));
      if (steps.length === 0) continue;
      took = true;
      if (plan.store === 'replay') state.replay[plan.slot]!.push(e);
      else for (const i of steps) insert(state.lists[plan.slot + i]!, [e.ts, e.seq]);
    }
    return took;
  }

  addToLeaf(state: LiveState, leaf: number, ts: number, value: number | null): void {
    const plan = this.events.get(this.eventLeaves[leaf]!)!;
    if (plan.store === 'replay')
      throw new Error(`event leaf ${leaf} moves with the clock; feed it with add()`);
    this.take(state, plan, ts, value);
  }

  seedLeaf(state: LiveState, leaf: number, agg: SeedCounters): void {
    const plan = this.events.get(this.eventLeaves[leaf]!)!;
    if (plan.store !== 'counters') throw new Error(`event leaf ${leaf} keeps times, not counters`);
    addCounters(state.counters, plan.slot, agg.count, agg.n, agg.sum, agg.min ?? 0, agg.max ?? 0);
  }

  addToStep(state: LiveState, leaf: number, step: number, ts: number, seq: number): void {
    const plan = this.sequences.get(this.sequenceLeaves[leaf]!)!;
    if (plan.store === 'replay')
      throw new Error(`sequence leaf ${leaf} moves with the clock; feed it with add()`);
    insert(state.lists[plan.slot + step]!, [ts, seq]);
  }

  test(state: LiveState, subject: LiveSubject, now: number): boolean {
    const ctx: CompareContext = { now, offsetMs: this.offsetMs };
    const value = (n: ConditionNode): boolean => {
      switch (n.kind) {
        case 'all':
          return n.of.every(value);
        case 'any':
          return n.of.some(value);
        case 'not':
          return !value(n.of);
        case 'const':
          return n.value;
        case 'trait':
          return compareValue(subject.trait(n.key), n, ctx);
        case 'tag':
          return compareValue(subject.tag(n.key), n, ctx);
        case 'segment':
          if (!subject.inSegment) throw new Error(`segment ${n.id} cannot be evaluated here`);
          return subject.inSegment(n.id);
        case 'event':
          return this.testEvent(state, this.events.get(n)!, ctx);
        case 'sequence':
          return this.testSequence(state, this.sequences.get(n)!, ctx);
        default:
          return assertNever(n);
      }
    };
    return value(this.condition);
  }

  nextChange(state: LiveState, subject: LiveSubject, now: number): number | null {
    let next = Number.POSITIVE_INFINITY;
    const at = (t: number | null): void => {
      if (t !== null && t > now && t < next) next = t;
    };
    const comparison = (c: Comparison, v: unknown): void => at(comparisonChange(c, v, now, this.offsetMs));
    const walk = (n: ConditionNode): void => {
      switch (n.kind) {
        case 'all':
        case 'any':
          n.of.forEach(walk);
          return;
        case 'not':
          walk(n.of);
          return;
        case 'trait':
          return comparison(n, subject.trait(n.key));
        case 'tag':
          return comparison(n, subject.tag(n.key));
        case 'const':
        case 'segment':
          return;
        case 'event': {
          const plan = this.events.get(n)!;
          const w = n.within;
          if (plan.store === 'counters') return;
          if (plan.store === 'list') {
            const list = state.lists[plan.slot]!;
            // The oldest event in the window leaves it first; the first future event enters next.
            const lo = lowerBound(list, plan.stride, [now - plan.ms]);
            if (lo * plan.stride < list.length && list[lo * plan.stride]! <= now)
              at(list[lo * plan.stride]! + plan.ms + 1);
            const hi = upperBound(list, plan.stride, [now]);
            if (hi * plan.stride < list.length) at(list[hi * plan.stride]!);
            return;
          }
          for (const e of state.replay[plan.slot]!) {
            for (const f of n.where) comparison(f, propertyAt(e.properties, f.property));
            if (w.kind === 'last') [e.ts, e.ts + w.ms + 1].forEach(at);
          }
          return;
        }
        case 'sequence': {
          const plan = this.sequences.get(n)!;
          if (plan.store === 'list') {
            if (n.completed) return;
            const lists = state.lists.slice(plan.slot, plan.slot + n.steps.length);
            for (let i = 0; i * 2 < lists[0]!.length; i++) {
              if (!chainDone(lists, i, n.withinMs)) at(lists[0]![i * 2]! + n.withinMs);
            }
            return;
          }
          // Early is allowed: every stored event's window end, whether or not it starts a chain.
          for (const e of state.replay[plan.slot]!) {
            for (const s of n.steps)
              for (const f of s.where) comparison(f, propertyAt(e.properties, f.property));
            if (!n.completed) at(e.ts + n.withinMs);
          }
          return;
        }
        default:
          assertNever(n);
      }
    };
    walk(this.condition);
    return next === Number.POSITIVE_INFINITY ? null : next;
  }

  prune(state: LiveState, now: number): void {
    for (const plan of this.events.values()) {
      const w = plan.node.within;
      if (w.kind !== 'last' || plan.store === 'counters') continue;
      // The clock never goes back, so an event older than the window never counts again.
      if (plan.store === 'list') {
        const list = state.lists[plan.slot]!;
        list.splice(0, lowerBound(list, plan.stride, [now - w.ms]) * plan.stride);
      } else state.replay[plan.slot] = state.replay[plan.slot]!.filter((e) => e.ts >= now - w.ms);
    }
    for (const plan of this.sequences.values()) {
      // A completed sequence stays completed whatever arrives later (a new event can only make a
      // greedy chain end sooner), so one finished chain is all it needs. Nothing of an uncompleted
      // one can go: any start may still be completed by a late event with an old timestamp.
      if (plan.store !== 'list' || !plan.node.completed) continue;
      const n = plan.node.steps.length;
      const lists = state.lists.slice(plan.slot, plan.slot + n);
      for (let i = 0; i * 2 < lists[0]!.length; i++) {
        const chain = chainOf(lists, i);
        if (chain === null || lists[n - 1]![chain[n - 1]! * 2]! - lists[0]![i * 2]! > plan.node.withinMs)
          continue;
        for (let s = 0; s < n; s++)
          state.lists[plan.slot + s] = lists[s]!.slice(chain[s]! * 2, chain[s]! * 2 + 2);
        break;
      }
    }
  }

  merge(into: LiveState, from: LiveState): void {
    for (const plan of this.events.values()) {
      if (plan.store !== 'counters') continue;
      const [count, n, sum, min, max] = from.counters.slice(plan.slot, plan.slot + 5) as Counters;
      addCounters(into.counters, plan.slot, count, n, sum, min, max);
    }
    const strides = this.strides();
    into.lists = into.lists.map((list, i) => mergeTuples(list, from.lists[i]!, strides[i]!));
    into.replay = into.replay.map((list, i) => [...list, ...from.replay[i]!]);
  }

  isEmpty(state: LiveState): boolean {
    for (let at = 0; at < state.counters.length; at += 5) {
      if (state.counters[at] !== 0 || state.counters[at + 1] !== 0) return false;
    }
    return state.lists.every((l) => l.length === 0) && state.replay.every((l) => l.length === 0);
  }

  /** The name and the filters that do not read the clock (all of them, unless the leaf replays). */
  private matchesFixed(e: FactEvent, step: SequenceStep): boolean {
    // The context is never read: filters that would read it are left to test time.
    const ctx: CompareContext = { now: 0, offsetMs: this.offsetMs };
    return (
      step.events.includes(e.event!) &&
      step.where.every((f) => movesWithClock(f) || compareValue(propertyAt(e.properties, f.property), f, ctx))
    );
  }

  /** One matching event into a counter or list leaf; false when it cannot change the measure. */
  private take(
    state: LiveState,
    plan: EventPlan & { store: 'counters' | 'list' },
    ts: number,
    value: number | null,
  ): boolean {
    if (plan.store === 'list') {
      if (plan.stride === 1) insert(state.lists[plan.slot]!, [ts]);
      else if (value !== null) insert(state.lists[plan.slot]!, [ts, value]);
      return plan.stride === 1 || value !== null;
    }
    // All-time and range windows do not read the clock: the event counts now or never.
    if (!inWindow(ts, plan.node.within, ts)) return false;
    if (value === null) addCounters(state.counters, plan.slot, 1, 0, 0, 0, 0);
    else addCounters(state.counters, plan.slot, 1, 1, value, value, value);
    return true;
  }

  private testEvent(state: LiveState, plan: EventPlan, ctx: CompareContext): boolean {
    const { fn, op, value } = plan.node.measure;
    if (plan.store === 'replay') return evaluate(plan.node, replaying(state.replay[plan.slot]!), ctx);
    let count: number, n: number, sum: number, min: number, max: number;
    if (plan.store === 'counters') {
      [count, n, sum, min, max] = state.counters.slice(plan.slot, plan.slot + 5) as Counters;
    } else {
      const list = state.lists[plan.slot]!;
      const lo = lowerBound(list, plan.stride, [ctx.now - plan.ms]);
      const hi = upperBound(list, plan.stride, [ctx.now]);
      count = n = hi - lo;
      sum = 0;
      min = Number.POSITIVE_INFINITY;
      max = Number.NEGATIVE_INFINITY;
      for (let i = lo; plan.stride === 2 && i < hi; i++) {
        const v = list[i * 2 + 1]!;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    switch (fn) {
      case 'count':
        return compareNumber(count, op, value);
      case 'sum':
        return compareNumber(sum, op, value);
      case 'avg':
        return compareNumber(n === 0 ? null : sum / n, op, value);
      case 'min':
        return compareNumber(n === 0 ? null : min, op, value);
      case 'max':
        return compareNumber(n === 0 ? null : max, op, value);
      default:
        return assertNever(fn);
    }
  }

  private testSequence(state: LiveState, plan: SequencePlan, ctx: CompareContext): boolean {
    const c = plan.node;
    if (plan.store === 'replay') return evaluate(c, replaying(state.replay[plan.slot]!), ctx);
    const lists = state.lists.slice(plan.slot, plan.slot + c.steps.length);
    for (let i = 0; i * 2 < lists[0]!.length; i++) {
      const done = chainDone(lists, i, c.withinMs);
      if (c.completed && done) return true;
      if (!c.completed && !done && lists[0]![i * 2]! + c.withinMs <= ctx.now) return true;
    }
    return false;
  }

  private strides(): number[] {
    const out = new Array<number>(this.size.lists).fill(2);
    for (const plan of this.events.values()) if (plan.store === 'list') out[plan.slot] = plan.stride;
    return out;
  }
}

type Counters = [count: number, n: number, sum: number, min: number, max: number];

function addCounters(
  c: number[],
  at: number,
  count: number,
  n: number,
  sum: number,
  min: number,
  max: number,
): void {
  if (n > 0) {
    c[at + 3] = c[at + 1] === 0 ? min : Math.min(c[at + 3]!, min);
    c[at + 4] = c[at + 1] === 0 ? max : Math.max(c[at + 4]!, max);
  }
  c[at] = c[at]! + count;
  c[at + 1] = c[at + 1]! + n;
  c[at + 2] = c[at + 2]! + sum;
}

/** A leaf that replays its events reads nothing but them. */
const replaying = (events: FactEvent[]) => ({ trait: () => undefined, tag: () => undefined, events });

/** Whether a comparison reads `now` (the others give the same answer at every time). */
function movesWithClock(c: Comparison): boolean {
  const ago = (c.op === 'before' || c.op === 'after') && DURATION.test(c.value as string);
  return ago || c.op === 'within_last' || c.op === 'birthday_within';
}

/** The first time after `now` at which comparing a fixed value may turn (see compareValue). */
function comparisonChange(c: Comparison, v: unknown, now: number, offsetMs: number): number | null {
  const t = typeof v === 'string' && movesWithClock(c) ? isoToMs(v) : null;
  if (t === null) return null;
  const d = durationMs(c.value as string);
  switch (c.op) {
    case 'within_last': // true while t <= now <= t + d
      return now < t ? t : now <= t + d ? t + d + 1 : null;
    case 'before': // t < now - d: turns true at t + d + 1
      return now <= t + d ? t + d + 1 : null;
    case 'after': // t > now - d: turns false at t + d
      return now < t + d ? t + d : null;
    case 'birthday_within': // the window moves at the workspace's local midnight
      return (Math.floor((now + offsetMs) / DAY) + 1) * DAY - offsetMs;
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'in':
    case 'nin':
    case 'exists':
    case 'contains':
    case 'between':
      return null;
    default:
      return assertNever(c.op);
  }
}

// ------------------------------------------------------------------ sorted flat tuple lists

/** Lexicographic order of the tuple at index `i` against the first `key.length` fields of it. */
function order(list: readonly number[], stride: number, i: number, key: readonly number[]): number {
  for (let k = 0; k < key.length; k++) {
    const d = list[i * stride + k]! - key[k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The first tuple not below `key`. */
function lowerBound(list: readonly number[], stride: number, key: readonly number[]): number {
  let lo = 0;
  let hi = list.length / stride;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list, stride, mid, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first tuple above `key`. */
function upperBound(list: readonly number[], stride: number, key: readonly number[]): number {
  let lo = 0;
  let hi = list.length / stride;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list, stride, mid, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(list: number[], tuple: readonly number[]): void {
  list.splice(upperBound(list, tuple.length, tuple) * tuple.length, 0, ...tuple);
}

function mergeTuples(a: readonly number[], b: readonly number[], stride: number): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // `i` counts numbers, not tuples, hence stride 1 here.
    const fromA = j >= b.length || (i < a.length && order(a, 1, i, b.slice(j, j + stride)) <= 0);
    out.push(...(fromA ? a.slice(i, (i += stride)) : b.slice(j, (j += stride))));
  }
  return out;
}

/** The greedy chain from start `i` of step 0: per step, the earliest (ts, seq) after the previous. */
function chainOf(lists: readonly number[][], i: number): number[] | null {
  const chain = [i];
  for (let s = 1; s < lists.length; s++) {
    const prev = lists[s - 1]!;
    const k = chain[s - 1]!;
    const next = upperBound(lists[s]!, 2, [prev[k * 2]!, prev[k * 2 + 1]!]);
    if (next * 2 >= lists[s]!.length) return null;
    chain.push(next);
  }
  return chain;
}

function chainDone(lists: readonly number[][], i: number, withinMs: number): boolean {
  const chain = chainOf(lists, i);
  const last = lists.length - 1;
  return chain !== null && lists[last]![chain[last]! * 2]! - lists[0]![i * 2]! <= withinMs;
}
