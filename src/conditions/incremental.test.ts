import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionArbitraries, type Person, type Scale } from '../../test/support/condition-arbitraries.js';
import {
  refDate,
  refDuration,
  refEvaluate,
  refInWindow,
  refMatches,
  refMeasured,
  type RefEvent,
} from '../../test/support/condition-reference.js';
import { parseCondition, type Comparison, type ConditionNode } from './ast.js';
import { assertNever } from '../platform/errors.js';
import { IncrementalCondition, type LiveState, type LiveSubject } from './incremental.js';

/*
 * The incremental evaluator against the plain reference: random conditions and people, events
 * fed one at a time in a random arrival order while the clock moves forward in random steps (and
 * to the edges where windows open and close), states pruned at random moments and merged. At
 * every step the state must answer what the reference says about the events given so far, and
 * nextChange must never be later than the reference's next change.
 */

const T0 = Date.UTC(2026, 10, 1, 4, 0, 0);
const SECOND = 1000;
const edgeSeconds = [
  -86400, -3601, -3600, -901, -900, -60, -46, -45, -44, -30, -1, 0, 1, 30, 45, 899, 900, 3600,
];
const DATES = [
  '2026-11-01T03:59:15Z',
  '2026-11-01T04:00:00Z',
  '2026-11-01T12:15:00+08:00',
  '2026-11-01T04:30:00.250Z',
  '2026-10-31T04:00:00Z',
  '2026-11-01',
  '1990-11-01',
  '1992-11-02',
  '2000-02-29',
  '2026-13-01',
  'not a date',
];
/** Seconds and minutes around T0 (12:00 local), so windows expire and open on exact milliseconds. */
const CLOCK_SCALE: Scale = {
  now: T0,
  offsetMs: 8 * 3_600_000,
  ts: fc.oneof(
    fc.constantFrom(...edgeSeconds).map((s) => T0 + s * SECOND),
    fc.integer({ min: -7200, max: 7200 }).map((s) => T0 + s * SECOND),
    fc.integer({ min: -3_600_000, max: 3_600_000 }).map((ms) => T0 + ms),
  ),
  windows: ['45s', '15m', '1h', '1d'],
  range: { from: '2026-11-01T03:30:00Z', to: '2026-11-01T12:30:00+08:00' },
  sequenceWithin: ['30s', '15m', '1h'],
  dates: DATES,
  comparedDates: DATES.slice(0, 7),
  ago: ['45s', '15m', '1h'],
  spans: ['0d', '1d', '7d', '45s', '15m', '1h'],
  stepFilters: true,
  datedEvents: true,
  favourClock: true,
};
const OFFSET = CLOCK_SCALE.offsetMs;

const { person, condition, leaf } = conditionArbitraries(CLOCK_SCALE);
// Single leaves often, so that each leaf's edges decide the answer in many runs.
const parsed = fc
  .oneof(condition, leaf)
  .map((json) => ({ json, parsed: parseCondition(json) }))
  .filter((x) => x.parsed.ok)
  .map(({ json, parsed: p }) => ({ json, node: (p as { condition: ConditionNode }).condition }));

/** Every node below the combinators, and the whole: each gets its own state, fed alike. */
function parts(c: ConditionNode): ConditionNode[] {
  switch (c.kind) {
    case 'all':
    case 'any':
      return [c, ...c.of.flatMap(parts)];
    case 'not':
      return [c, ...parts(c.of)];
    case 'trait':
    case 'tag':
    case 'event':
    case 'sequence':
    case 'segment':
    case 'const':
      return [c];
    default:
      return assertNever(c);
  }
}

/** The durations a condition's answers turn at, after a time an event or a value names. */
function durations(c: ConditionNode): number[] {
  const of = (x: Comparison): number[] =>
    typeof x.value === 'string' && /^\d+[smhd]$/.test(x.value) ? [refDuration(x.value)] : [];
  return parts(c).flatMap((n) => {
    if (n.kind === 'trait' || n.kind === 'tag') return of(n);
    if (n.kind === 'event')
      return [...(n.within.kind === 'last' ? [n.within.ms] : []), ...n.where.flatMap(of)];
    if (n.kind === 'sequence') return [n.withinMs, ...n.steps.flatMap((s) => s.where.flatMap(of))];
    return [];
  });
}

type Action =
  | { kind: 'feed' }
  | { kind: 'tick'; ms: number; prune: boolean }
  | { kind: 'edge'; pick: number; prune: boolean }
  | { kind: 'next'; which: number; early: boolean; prune: boolean }
  | { kind: 'prune' };
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'feed' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      ms: fc.oneof(
        fc.constantFrom(0, 1, 999, 1000),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.constant(43_200_000),
      ),
      prune: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('edge' as const), pick: fc.nat(), prune: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('next' as const),
      which: fc.nat(),
      // 1 ms before the next change: the last moment of the old answer.
      early: fc.boolean(),
      prune: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'prune' as const }) },
);

/** Numbered by commit order, and put in a random arrival order. */
function arrive(events: RefEvent[], keys: number[]): RefEvent[] {
  const numbered = events.map((e, i) => ({ ...e, seq: i + 1 }));
  return numbered
    .map((e, i) => ({ e, k: keys[i] ?? 0 }))
    .sort((a, b) => a.k - b.k)
    .map(({ e }) => e);
}

/** Times near which some answer may turn: an event's or a date's time plus a duration, ±1 ms. */
function edges(p: Person, events: readonly RefEvent[], spans: readonly number[]): number[] {
  const dates = [...Object.values(p.traits), ...Object.values(p.tags), ...events.map((e) => e.properties.at)]
    .map((v) => (typeof v === 'string' ? refDate(v) : null))
    .filter((t): t is number => t !== null);
  const points = [...events.map((e) => e.ts), ...dates];
  return [
    ...new Set(points.flatMap((t) => [t - 1, t, ...spans.flatMap((d) => [t + d - 1, t + d, t + d + 1])])),
  ].sort((a, b) => a - b);
}

const subjectOf = (p: Person): LiveSubject => ({ trait: (k) => p.traits[k], tag: (k) => p.tags[k] });

/**
 * The state's answer at `now`; that the reference does not change before nextChange; and a copy
 * of the state walked on through the moments around the next change and the condition's next
 * edges, pruned at each, answering as the reference does there.
 */
function check(
  inc: IncrementalCondition,
  state: LiveState,
  p: Person,
  events: readonly RefEvent[],
  now: number,
  json: unknown,
): void {
  const subject = subjectOf(p);
  const ref = (at: number): boolean =>
    refEvaluate(inc.condition, { ...p, events }, { now: at, offsetMs: OFFSET });
  const same = (at: number, got: boolean, want: boolean, what: string): void => {
    if (got !== want)
      expect({ json, events, now, at, [what]: got }).toEqual({ json, events, now, at, [what]: want });
  };
  const expected = ref(now);
  same(now, inc.test(state, subject, now), expected, 'test');
  if (inc.isEmpty(state)) same(now, inc.test(inc.initial(), subject, now), expected, 'empty');
  const next = inc.nextChange(state, subject, now);
  if (next !== null) expect(next).toBeGreaterThan(now);
  const until = next ?? now + 400 * 86_400_000;
  const ahead = edges(p, events, durations(inc.condition)).filter((t) => t > now);
  const probes = [now + 1, Math.floor((now + until) / 2), until - 1, until, until + 1, ...ahead.slice(0, 4)];
  const copy = structuredClone(state);
  for (const t of [...new Set(probes)].filter((t) => t > now).sort((a, b) => a - b)) {
    const want = ref(t);
    if (next === null || t < next) same(t, want, expected, 'reference before next change');
    inc.prune(copy, t);
    same(t, inc.test(copy, subject, t), want, 'later test');
  }
}

describe('the incremental evaluator agrees with the reference', () => {
  it('event by event, in any arrival order, as the clock moves and states are pruned', () => {
    fc.assert(
      fc.property(
        parsed,
        person,
        fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        fc.array(action, { maxLength: 30 }),
        fc.integer({ min: -9000, max: 0 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
        ({ json, node }, p, keys, actions, start, ties) => {
          const incs = parts(node).map((n) => new IncrementalCondition(n, OFFSET));
          const states = incs.map((inc) => inc.initial());
          // Some events share a time, so that commit order decides which step came first.
          const events = p.events.map((e) => ({ ...e }));
          for (const [i, j] of ties)
            if (events.length) events[i % events.length]!.ts = events[j % events.length]!.ts;
          const arrival = arrive(events, keys);
          const person = { ...p, events: arrival };
          const subject = subjectOf(p);
          const spans = [...new Set(durations(node))];
          const fed: RefEvent[] = [];
          let now = T0 + start * SECOND;
          const prune = (): void => incs.forEach((inc, i) => inc.prune(states[i]!, now));
          const step = (a: Action): void => {
            switch (a.kind) {
              case 'feed': {
                const e = arrival[fed.length];
                if (!e) return;
                incs.forEach((inc, i) => {
                  const before = JSON.stringify(states[i]);
                  const took = inc.add(states[i]!, e);
                  if (!took) expect(JSON.stringify(states[i])).toBe(before);
                  if (took) expect(inc.eventNames.has(e.event!)).toBe(true);
                });
                fed.push(e);
                return;
              }
              case 'tick':
                now += a.ms;
                if (a.prune) prune();
                return;
              case 'edge': {
                const later = edges(person, arrival, spans).filter((t) => t > now);
                if (later.length) now = later[a.pick % later.length]!;
                if (a.prune) prune();
                return;
              }
              case 'next': {
                const i = a.which % incs.length;
                const next = incs[i]!.nextChange(states[i]!, subject, now);
                if (next !== null) now = a.early && next - 1 > now ? next - 1 : next;
                if (a.prune) prune();
                return;
              }
              case 'prune':
                prune();
                return;
              default:
                assertNever(a);
            }
          };
          const last: Action[] = [
            ...arrival.map(() => ({ kind: 'feed' as const })),
            ...[0, 1, 2].map((which) => ({ kind: 'next' as const, which, early: false, prune: true })),
          ];
          for (const a of [...actions, ...last]) {
            step(a);
            incs.forEach((inc, i) => check(inc, states[i]!, person, fed, now, json));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('after a merge, as if one state had been fed both streams', () => {
    fc.assert(
      fc.property(
        parsed,
        person,
        fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.integer({ min: -7200, max: 7200 }), { minLength: 3, maxLength: 3 }),
        ({ json, node }, p, keys, sides, cuts, clocks) => {
          const events = arrive(p.events, keys);
          const [ta, tb, tm] = [...clocks].sort((a, b) => a - b).map((s) => T0 + s * SECOND) as [
            number,
            number,
            number,
          ];
          for (const inc of parts(node).map((n) => new IncrementalCondition(n, OFFSET))) {
            // Each side fed in two parts with a prune between and after, at clocks up to the merge.
            const side = (list: RefEvent[], cut: number, prunedAt: number): LiveState => {
              const s = inc.initial();
              list.slice(0, cut).forEach((e) => inc.add(s, e));
              inc.prune(s, prunedAt);
              list.slice(cut).forEach((e) => inc.add(s, e));
              inc.prune(s, tm);
              return s;
            };
            const a = side(
              events.filter((_, i) => sides[i]),
              cuts[0]!,
              ta,
            );
            const b = side(
              events.filter((_, i) => !sides[i]),
              cuts[1]!,
              tb,
            );
            inc.merge(a, b);
            let now = tm;
            for (let i = 0; i < 4; i++) {
              check(inc, a, p, events, now, json);
              now = inc.nextChange(a, subjectOf(p), now) ?? now + 3_600_000;
            }
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('seeded through addToLeaf, seedLeaf and addToStep as when fed through add', () => {
    fc.assert(
      fc.property(
        parsed.filter(({ node }) => new IncrementalCondition(node, OFFSET).seedable),
        person,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.integer({ min: -7200, max: 90000 }), { minLength: 4, maxLength: 4 }),
        ({ json, node }, p, aggregate, clocks) => {
          const inc = new IncrementalCondition(node, OFFSET);
          const events = p.events.map((e, i) => ({ ...e, seq: i + 1 }));
          const fed = inc.initial();
          events.forEach((e) => inc.add(fed, e));
          const times = [...clocks].sort((a, b) => a - b).map((s) => T0 + s * SECOND);
          const seeded = inc.initial();
          // Seeded as the loader does at the first clock: a rolling leaf gets the events not yet
          // out of its window; seedable leaves have no filter that reads the clock.
          const clock = { now: times[0]!, offsetMs: OFFSET };
          inc.eventLeaves.forEach((leaf, i) => {
            const w = leaf.within;
            const hits = events.filter(
              (e) => refMatches(e, leaf, clock) && (w.kind !== 'last' || e.ts >= clock.now - w.ms),
            );
            const counters = leaf.within.kind !== 'last' && aggregate[i % aggregate.length]!;
            if (!counters) {
              hits.forEach((e) => inc.addToLeaf(seeded, i, e.ts, refMeasured(e, leaf)));
              return;
            }
            const inWindow = hits.filter((e) => refInWindow(e.ts, leaf, clock.now));
            const values = inWindow.map((e) => refMeasured(e, leaf)).filter((v): v is number => v !== null);
            inc.seedLeaf(seeded, i, {
              count: inWindow.length,
              n: values.length,
              sum: values.reduce((s, v) => s + v, 0),
              min: values.length ? Math.min(...values) : null,
              max: values.length ? Math.max(...values) : null,
            });
          });
          inc.sequenceLeaves.forEach((leaf, i) =>
            leaf.steps.forEach((step, s) =>
              events
                .filter((e) => refMatches(e, step, clock))
                .forEach((e) => inc.addToStep(seeded, i, s, e.ts, e.seq)),
            ),
          );
          for (const now of times) {
            expect(inc.test(seeded, subjectOf(p), now)).toBe(inc.test(fed, subjectOf(p), now));
            check(inc, seeded, p, events, now, json);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the incremental evaluator, scenario by scenario', () => {
  const MIN = 60_000;
  const nobody: LiveSubject = { trait: () => undefined, tag: () => undefined };
  const build = (json: unknown, offsetMs = OFFSET): IncrementalCondition => {
    const p = parseCondition(json);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    return new IncrementalCondition(p.condition, offsetMs);
  };
  const at = (event: string, ts: number, seq: number, properties: Record<string, unknown> = {}) => ({
    event,
    ts,
    seq,
    properties,
  });
  /** [now, test(now), nextChange(now)] at each of the given times, in order. */
  const walk = (inc: IncrementalCondition, state: LiveState, times: number[], subject = nobody) =>
    times.map((t) => [t - T0, inc.test(state, subject, t), (inc.nextChange(state, subject, t) ?? T0) - T0]);

  it('a rolling window takes a future event at its time and lets it go 1 ms after ts + window', () => {
    const inc = build({ event: 'Order Completed', within: '45s' });
    const s = inc.initial();
    expect(inc.add(s, at('Order Completed', T0, 1))).toBe(true);
    expect(inc.add(s, at('Product Viewed', T0, 2))).toBe(false);
    expect(walk(inc, s, [T0 - 1, T0, T0 + 45_000, T0 + 45_001])).toEqual([
      [-1, false, 0],
      [0, true, 45_001],
      [45_000, true, 45_001],
      [45_001, false, 0],
    ]);
    inc.prune(s, T0 + 45_000);
    expect(inc.isEmpty(s)).toBe(false);
    inc.prune(s, T0 + 45_001);
    expect(inc.isEmpty(s)).toBe(true);
  });

  it('an abandoned checkout holds once its window passes, until a late order fills it in', () => {
    const inc = build({
      sequence: [{ event: 'Checkout Started' }, { event: 'Order Completed' }],
      within: '15m',
      completed: false,
    });
    const s = inc.initial();
    inc.add(s, at('Checkout Started', T0, 1));
    expect(walk(inc, s, [T0, T0 + 15 * MIN - 1, T0 + 15 * MIN])).toEqual([
      [0, false, 15 * MIN],
      [15 * MIN - 1, false, 15 * MIN],
      [15 * MIN, true, 0],
    ]);
    inc.add(s, at('Order Completed', T0 + 10 * MIN, 2));
    expect(inc.test(s, nobody, T0 + 20 * MIN)).toBe(false);
  });

  it('steps at the same time follow commit order', () => {
    const inc = build({
      sequence: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
      within: '30s',
    });
    const inOrder = inc.initial();
    [at('Product Viewed', T0, 1), at('Order Completed', T0, 2)].forEach((e) => inc.add(inOrder, e));
    const reversed = inc.initial();
    [at('Product Viewed', T0, 2), at('Order Completed', T0, 1)].forEach((e) => inc.add(reversed, e));
    expect([inc.test(inOrder, nobody, T0), inc.test(reversed, nobody, T0)]).toEqual([true, false]);
  });

  it('a completed sequence keeps one finished chain after a prune, and stays completed', () => {
    const inc = build({
      sequence: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
      within: '1h',
    });
    const s = inc.initial();
    for (let i = 0; i < 5; i++)
      inc.add(s, at(i % 2 ? 'Order Completed' : 'Product Viewed', T0 + i * MIN, i + 1));
    inc.prune(s, T0);
    expect(s.lists).toEqual([
      [T0, 1],
      [T0 + MIN, 2],
    ]);
    inc.add(s, at('Order Completed', T0 - 5 * MIN, 9));
    expect(inc.test(s, nobody, T0 + 400 * 86_400_000)).toBe(true);
  });

  it('a birthday window moves at local midnight', () => {
    const inc = build({ trait: 'birthday', op: 'birthday_within', value: '0d' });
    const person: LiveSubject = { trait: () => '1990-11-02', tag: () => undefined };
    const s = inc.initial();
    const midnight = Date.UTC(2026, 10, 1, 16, 0, 0); // 00:00 on 2 November at UTC+8
    expect(walk(inc, s, [T0, midnight - 1, midnight], person)).toEqual([
      [0, false, midnight - T0],
      [midnight - 1 - T0, false, midnight - T0],
      [midnight - T0, true, midnight - T0 + 86_400_000],
    ]);
    expect(inc.readsEvents).toBe(false);
  });

  it('a filter that reads the clock is matched again at each test, and is not seedable', () => {
    const inc = build({
      event: 'Order Completed',
      where: [{ property: 'at', op: 'within_last', value: '1h' }],
    });
    expect(inc.seedable).toBe(false);
    const s = inc.initial();
    inc.add(s, at('Order Completed', T0 - 86_400_000, 1, { at: '2026-11-01T04:00:00Z' }));
    expect(walk(inc, s, [T0 - 1, T0, T0 + 3_600_000, T0 + 3_600_001])).toEqual([
      [-1, false, 0],
      [0, true, 3_600_001],
      [3_600_000, true, 3_600_001],
      [3_600_001, false, 0],
    ]);
    expect(() => inc.addToLeaf(s, 0, T0, null)).toThrow(/reads the clock/);
  });

  it('seeds counters only into leaves that keep counters', () => {
    const inc = build({
      all: [
        { event: 'Order Completed', min: { property: 'revenue', op: 'lt', value: 5 } },
        { event: 'Order Completed', within: '1d' },
      ],
    });
    const s = inc.initial();
    inc.seedLeaf(s, 0, { count: 2, n: 2, sum: 13, min: 3, max: 10 });
    inc.addToLeaf(s, 1, T0, null);
    expect(inc.test(s, nobody, T0)).toBe(true);
    expect(() => inc.seedLeaf(s, 1, { count: 1, n: 0, sum: 0, min: null, max: null })).toThrow(/keeps times/);
    expect([...inc.eventNames]).toEqual(['Order Completed']);
  });
});
