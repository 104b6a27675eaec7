import { assertNever } from '../platform/errors.js';
import {
  DURATION,
  durationMs,
  type Comparison,
  type ConditionNode,
  type EventNode,
  type Measure,
  type PropertyFilter,
  type SequenceNode,
  type SequenceStep,
  type TagNode,
  type TraitNode,
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
 * What a leaf keeps:
 * - all-time and date-range event leaves: counters (count, n, sum, min, max), since their
 *   window does not move;
 * - rolling ('last') event leaves: the times of their events in order, each with its measured
 *   value when the measure reads a property (an event without a number cannot change such a
 *   measure, so it is not kept);
 * - sequences: the (ts, seq) of each step's events, in order;
 * - leaves with a property filter that reads the clock (`within_last`, `birthday_within`,
 *   `before`/`after` a duration ago): the events themselves, since whether one matches depends
 *   on `now`; they are matched again at test time and cannot be seeded from SQL (`seedable`).
 * Sums are added in time order, not event-list order, so a sum of decimals that binary floating
 * point cannot hold exactly may differ from `evaluate()` in the last bit.
 */

export interface LiveSubject {
  trait(key: string): unknown;
  tag(key: string): unknown;
  inSegment?(id: string): boolean;
}

export interface LiveState {
  /** Five numbers per counter leaf: count, n, sum, min, max (min and max mean something once n > 0). */
  counters: number[];
  /** Flat tuples in ascending order: (ts) or (ts, value) per rolling leaf, (ts, seq) per sequence step. */
  lists: number[][];
  /** The events of leaves whose filters read the clock. */
  replay: FactEvent[][];
}

export interface SeedCounters {
  count: number;
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
}

type EventPlan = { node: EventNode; slot: number } & (
  { store: 'counters' } | { store: 'list'; ms: number; stride: 1 | 2 } | { store: 'replay' }
);
type SequencePlan = { node: SequenceNode; slot: number; store: 'list' | 'replay' };
type Counters = [count: number, n: number, sum: number, min: number, max: number];

export class IncrementalCondition {
  readonly eventLeaves: readonly EventNode[];
  readonly sequenceLeaves: readonly SequenceNode[];
  readonly readsEvents: boolean;
  readonly eventNames: ReadonlySet<string>;
  /** False when some leaf keeps whole events (a filter reads the clock): feed those through `add`. */
  readonly seedable: boolean;
  private readonly eventPlans = new Map<EventNode, EventPlan>();
  private readonly sequencePlans = new Map<SequenceNode, SequencePlan>();
  /** Trait and tag comparisons that read the clock. */
  private readonly clockComparisons: Array<TraitNode | TagNode> = [];
  private readonly size = { counters: 0, lists: 0, replay: 0 };
  /** Numbers per tuple, for each list. */
  private readonly strides: number[] = [];
  /** Never read: the filters that would read it are left to test time. */
  private readonly fixedContext: CompareContext;

  constructor(
    readonly condition: ConditionNode,
    readonly offsetMs: number,
  ) {
    this.fixedContext = { now: 0, offsetMs };
    const names = new Set<string>();
    const walk = (n: ConditionNode): void => {
      switch (n.kind) {
        case 'all':
        case 'any':
          return n.of.forEach(walk);
        case 'not':
          return walk(n.of);
        case 'event':
          if (!this.eventPlans.has(n)) this.eventPlans.set(n, this.planEvent(n));
          return n.events.forEach((x) => names.add(x));
        case 'sequence':
          if (!this.sequencePlans.has(n)) this.sequencePlans.set(n, this.planSequence(n));
          return n.steps.forEach((s) => s.events.forEach((x) => names.add(x)));
        case 'trait':
        case 'tag':
          if (movesWithClock(n)) this.clockComparisons.push(n);
          return;
        case 'segment':
        case 'const':
          return;
        default:
          assertNever(n);
      }
    };
    walk(condition);
    // Maps keep insertion order: a leaf's index is its place in the condition.
    this.eventLeaves = [...this.eventPlans.keys()];
    this.sequenceLeaves = [...this.sequencePlans.keys()];
    this.eventNames = names;
    this.readsEvents = this.eventPlans.size + this.sequencePlans.size > 0;
    this.seedable = [...this.eventPlans.values(), ...this.sequencePlans.values()].every(
      (p) => p.store !== 'replay',
    );
  }

  private planEvent(node: EventNode): EventPlan {
    if (node.where.some(movesWithClock)) return { node, store: 'replay', slot: this.size.replay++ };
    if (node.within.kind !== 'last') {
      this.size.counters += 5;
      return { node, store: 'counters', slot: this.size.counters - 5 };
    }
    const stride = node.measure.fn === 'count' ? 1 : 2;
    this.strides.push(stride);
    return { node, store: 'list', slot: this.size.lists++, ms: node.within.ms, stride };
  }

  private planSequence(node: SequenceNode): SequencePlan {
    if (node.steps.some((s) => s.where.some(movesWithClock))) {
      return { node, store: 'replay', slot: this.size.replay++ };
    }
    node.steps.forEach(() => this.strides.push(2));
    this.size.lists += node.steps.length;
    return { node, store: 'list', slot: this.size.lists - node.steps.length };
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
    for (const plan of this.eventPlans.values()) {
      if (!this.matchesFixed(e, plan.node)) continue;
      if (plan.store === 'replay') {
        state.replay[plan.slot]!.push(e);
        took = true;
        continue;
      }
      const p = plan.node.measure.property;
      took = this.take(state, plan, e.ts, p === null ? null : asNumber(propertyAt(e.properties, p))) || took;
    }
    for (const plan of this.sequencePlans.values()) {
      const steps = plan.node.steps.flatMap((s, i) => (this.matchesFixed(e, s) ? [i] : []));
      if (steps.length === 0) continue;
      took = true;
      if (plan.store === 'replay') state.replay[plan.slot]!.push(e);
      else for (const i of steps) insert(state.lists[plan.slot + i]!, [e.ts, e.seq]);
    }
    return took;
  }

  addToLeaf(state: LiveState, leaf: number, ts: number, value: number | null): void {
    const plan = this.eventPlans.get(this.eventLeaves[leaf]!)!;
    if (plan.store === 'replay') throw new Error(`event leaf ${leaf} reads the clock; feed it through add()`);
    this.take(state, plan, ts, value);
  }

  seedLeaf(state: LiveState, leaf: number, agg: SeedCounters): void {
    const plan = this.eventPlans.get(this.eventLeaves[leaf]!)!;
    if (plan.store !== 'counters') throw new Error(`event leaf ${leaf} keeps times, not counters`);
    addCounters(state.counters, plan.slot, [agg.count, agg.n, agg.sum, agg.min ?? 0, agg.max ?? 0]);
  }

  addToStep(state: LiveState, leaf: number, step: number, ts: number, seq: number): void {
    const plan = this.sequencePlans.get(this.sequenceLeaves[leaf]!)!;
    if (plan.store === 'replay')
      throw new Error(`sequence leaf ${leaf} reads the clock; feed it through add()`);
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
          return this.testEvent(state, this.eventPlans.get(n)!, ctx);
        case 'sequence':
          return this.testSequence(state, this.sequencePlans.get(n)!, ctx);
        default:
          return assertNever(n);
      }
    };
    return value(this.condition);
  }

  nextChange(state: LiveState, subject: LiveSubject, now: number): number | null {
    let times = this.clockComparisons.map((c) =>
      comparisonChange(c, c.kind === 'trait' ? subject.trait(c.key) : subject.tag(c.key), now, this.offsetMs),
    );
    for (const plan of this.eventPlans.values()) times = times.concat(this.eventChanges(state, plan, now));
    for (const plan of this.sequencePlans.values())
      times = times.concat(this.sequenceChanges(state, plan, now));
    return times.reduce<number | null>(
      (a, t) => (t !== null && t > now && (a === null || t < a) ? t : a),
      null,
    );
  }

  prune(state: LiveState, now: number): void {
    for (const plan of this.eventPlans.values()) {
      const w = plan.node.within;
      if (w.kind !== 'last') continue;
      // The clock never goes back, so an event older than the window never counts again.
      if (plan.store === 'list') {
        const list = state.lists[plan.slot]!;
        list.splice(0, bound(list, plan.stride, [now - w.ms], false) * plan.stride);
      } else if (plan.store === 'replay') {
        state.replay[plan.slot] = state.replay[plan.slot]!.filter((e) => e.ts >= now - w.ms);
      }
    }
    for (const plan of this.sequencePlans.values()) {
      // A completed sequence stays completed whatever arrives (a new event can only make a greedy
      // chain end sooner), so one finished chain is all it needs. An uncompleted one keeps all:
      // a late event with an old timestamp may still complete any start.
      if (plan.store !== 'list' || !plan.node.completed) continue;
      const lists = stepLists(state, plan);
      const done = starts(lists).find((i) => chainDone(lists, i, plan.node.withinMs));
      if (done === undefined) continue;
      chainOf(lists, done)!.forEach((k, s) => {
        state.lists[plan.slot + s] = lists[s]!.slice(k * 2, k * 2 + 2);
      });
    }
  }

  merge(into: LiveState, from: LiveState): void {
    for (const plan of this.eventPlans.values()) {
      if (plan.store !== 'counters') continue;
      addCounters(into.counters, plan.slot, from.counters.slice(plan.slot, plan.slot + 5) as Counters);
    }
    // Profile merges are rare: inserting one tuple at a time keeps this simple.
    into.lists.forEach((list, i) => {
      const k = this.strides[i]!;
      for (let j = 0; j < from.lists[i]!.length; j += k) insert(list, from.lists[i]!.slice(j, j + k));
    });
    into.replay = into.replay.map((list, i) => list.concat(from.replay[i]!));
  }

  isEmpty(state: LiveState): boolean {
    for (let at = 0; at < state.counters.length; at += 5) {
      if (state.counters[at] !== 0 || state.counters[at + 1] !== 0) return false;
    }
    return state.lists.every((l) => l.length === 0) && state.replay.every((l) => l.length === 0);
  }

  /** The name and the filters that do not read the clock (all of them, unless the leaf replays). */
  private matchesFixed(e: FactEvent, step: SequenceStep): boolean {
    return (
      step.events.includes(e.event!) &&
      step.where.every(
        (f) => movesWithClock(f) || compareValue(propertyAt(e.properties, f.property), f, this.fixedContext),
      )
    );
  }

  /** One matching event into a counter or list leaf; false when it cannot change the measure. */
  private take(
    state: LiveState,
    plan: Exclude<EventPlan, { store: 'replay' }>,
    ts: number,
    v: number | null,
  ): boolean {
    if (plan.store === 'list') {
      if (plan.stride === 2 && v === null) return false;
      insert(state.lists[plan.slot]!, plan.stride === 1 ? [ts] : [ts, v!]);
      return true;
    }
    // All-time and range windows do not read the clock: the event counts now or never.
    if (!inWindow(ts, plan.node.within, ts)) return false;
    addCounters(state.counters, plan.slot, v === null ? [1, 0, 0, 0, 0] : [1, 1, v, v, v]);
    return true;
  }

  private testEvent(state: LiveState, plan: EventPlan, ctx: CompareContext): boolean {
    const { op, value } = plan.node.measure;
    if (plan.store === 'replay') return evaluate(plan.node, replaying(state.replay[plan.slot]!), ctx);
    const counters =
      plan.store === 'counters'
        ? (state.counters.slice(plan.slot, plan.slot + 5) as Counters)
        : windowCounters(state.lists[plan.slot]!, plan.stride, ctx.now - plan.ms, ctx.now);
    return compareNumber(measured(plan.node.measure.fn, counters), op, value);
  }

  private testSequence(state: LiveState, plan: SequencePlan, ctx: CompareContext): boolean {
    const c = plan.node;
    if (plan.store === 'replay') return evaluate(c, replaying(state.replay[plan.slot]!), ctx);
    const lists = stepLists(state, plan);
    return starts(lists).some((i) => {
      const done = chainDone(lists, i, c.withinMs);
      return c.completed ? done : !done && lists[0]![i * 2]! + c.withinMs <= ctx.now;
    });
  }

  private eventChanges(state: LiveState, plan: EventPlan, now: number): Array<number | null> {
    switch (plan.store) {
      case 'counters':
        return [];
      case 'list': {
        // The oldest event in the window leaves it first; the first future event enters it.
        const list = state.lists[plan.slot]!;
        const oldest = bound(list, plan.stride, [now - plan.ms], false) * plan.stride;
        const future = bound(list, plan.stride, [now], true) * plan.stride;
        return [oldest < future ? list[oldest]! + plan.ms + 1 : null, list[future] ?? null];
      }
      case 'replay': {
        const w = plan.node.within;
        return state.replay[plan.slot]!.flatMap((e) => [
          ...this.filterChanges(e, plan.node.where, now),
          ...(w.kind === 'last' ? [e.ts, e.ts + w.ms + 1] : []),
        ]);
      }
      default:
        return assertNever(plan);
    }
  }

  private sequenceChanges(state: LiveState, plan: SequencePlan, now: number): Array<number | null> {
    const c = plan.node;
    if (plan.store === 'replay') {
      // Early is allowed: every kept event's window end, whether or not it starts a chain.
      return state.replay[plan.slot]!.flatMap((e) => [
        ...c.steps.flatMap((s) => this.filterChanges(e, s.where, now)),
        c.completed ? null : e.ts + c.withinMs,
      ]);
    }
    if (c.completed) return [];
    // An uncompleted sequence turns true when the window of a start whose chain did not finish passes.
    const lists = stepLists(state, plan);
    return starts(lists)
      .filter((i) => !chainDone(lists, i, c.withinMs))
      .map((i) => lists[0]![i * 2]! + c.withinMs);
  }

  private filterChanges(e: FactEvent, where: readonly PropertyFilter[], now: number): Array<number | null> {
    return where.map((f) => comparisonChange(f, propertyAt(e.properties, f.property), now, this.offsetMs));
  }
}

/** Adds counters into the five at `at`; min and max count only when they come with n > 0. */
function addCounters(c: number[], at: number, [count, n, sum, min, max]: Counters): void {
  if (n > 0) {
    c[at + 3] = c[at + 1] === 0 ? min : Math.min(c[at + 3]!, min);
    c[at + 4] = c[at + 1] === 0 ? max : Math.max(c[at + 4]!, max);
  }
  c[at] = c[at]! + count;
  c[at + 1] = c[at + 1]! + n;
  c[at + 2] = c[at + 2]! + sum;
}

/** The counters of a rolling leaf's tuples with from <= ts <= to. */
function windowCounters(list: readonly number[], stride: number, from: number, to: number): Counters {
  const lo = bound(list, stride, [from], false);
  const hi = bound(list, stride, [to], true);
  const out: Counters = [hi - lo, 0, 0, 0, 0];
  for (let i = lo; stride === 2 && i < hi; i++) {
    const v = list[i * 2 + 1]!;
    addCounters(out, 0, [0, 1, v, v, v]);
  }
  return out;
}

function measured(fn: Measure['fn'], [count, n, sum, min, max]: Counters): number | null {
  // A record over every fn: a new measure fails to compile here, as a switch would.
  const by: Record<Measure['fn'], number | null> = {
    count,
    sum,
    avg: n === 0 ? null : sum / n,
    min: n === 0 ? null : min,
    max: n === 0 ? null : max,
  };
  return by[fn];
}

/** A leaf that replays its events reads nothing but them. */
const replaying = (events: FactEvent[]) => ({ trait: () => undefined, tag: () => undefined, events });

type ClockComparison = Comparison & {
  op: 'before' | 'after' | 'within_last' | 'birthday_within';
  value: string;
};

/** Whether a comparison reads `now` (the others give the same answer at every time). */
function movesWithClock(c: Comparison): c is ClockComparison {
  const ago = (c.op === 'before' || c.op === 'after') && DURATION.test(c.value as string);
  return ago || c.op === 'within_last' || c.op === 'birthday_within';
}

/** The first time after `now` at which comparing a fixed value may turn (see compareValue). */
function comparisonChange(c: Comparison, v: unknown, now: number, offsetMs: number): number | null {
  if (!movesWithClock(c) || typeof v !== 'string') return null;
  const t = isoToMs(v);
  if (t === null) return null;
  const d = durationMs(c.value);
  switch (c.op) {
    case 'within_last': // true while t <= now <= t + d
      return now < t ? t : now <= t + d ? t + d + 1 : null;
    case 'before': // t < now - d: turns true at t + d + 1
      return now <= t + d ? t + d + 1 : null;
    case 'after': // t > now - d: turns false at t + d
      return now < t + d ? t + d : null;
    case 'birthday_within': // the window moves at the workspace's local midnight
      return (Math.floor((now + offsetMs) / DAY) + 1) * DAY - offsetMs;
    default:
      return assertNever(c.op);
  }
}

// ----------------------------------------------------------- sorted lists of flat tuples

/** Lexicographic order of the tuple at index `i` against the first `key.length` fields of it. */
function order(list: readonly number[], stride: number, i: number, key: readonly number[]): number {
  for (let k = 0; k < key.length; k++) {
    const d = list[i * stride + k]! - key[k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The index of the first tuple above `key` (`strict`) or not below it. */
function bound(list: readonly number[], stride: number, key: readonly number[], strict: boolean): number {
  let lo = 0;
  let hi = list.length / stride;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = order(list, stride, mid, key);
    if (d < 0 || (strict && d === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(list: number[], tuple: readonly number[]): void {
  list.splice(bound(list, tuple.length, tuple, true) * tuple.length, 0, ...tuple);
}

const stepLists = (state: LiveState, plan: SequencePlan): number[][] =>
  state.lists.slice(plan.slot, plan.slot + plan.node.steps.length);

const starts = (lists: readonly number[][]): number[] =>
  Array.from({ length: lists[0]!.length / 2 }, (_, i) => i);

/** The greedy chain from start `i` of step 0: per step, the earliest (ts, seq) after the previous. */
function chainOf(lists: readonly number[][], i: number): number[] | null {
  const chain = [i];
  for (let s = 1; s < lists.length; s++) {
    const prev = lists[s - 1]!;
    const k = chain[s - 1]!;
    const next = bound(lists[s]!, 2, [prev[k * 2]!, prev[k * 2 + 1]!], true);
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
