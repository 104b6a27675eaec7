import type { OutputBatch } from './person-writer.js';
import { Calendar, formatIso } from './calendar.js';
import type { HardCaseCounter } from './hard-cases.js';
import { demoOptionsSchema, resolveProportions, type HardCaseProportions } from './proportions.js';
import { DEMO_FILES, type DemoManifest } from './types.js';

/** End of the simulated period unless configured: 2026-11-01 00:00 China Standard Time. */
export const DEFAULT_AS_OF = new Date('2026-11-01T00:00:00+08:00');

/** Validated options of one generation run: plain data, so it can cross to worker threads. */
export interface DemoRun {
  seed: number;
  people: number;
  asOf: number;
  proportions: HardCaseProportions;
}

/** Checks options (throws a RangeError listing every problem: a caller bug) and fills defaults. */
export function resolveRun(options: {
  seed: number;
  people: number;
  asOf?: Date;
  proportions?: Partial<HardCaseProportions>;
}): DemoRun {
  const parsed = demoOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new RangeError(`invalid demo options: ${problems.join('; ')}`);
  }
  return {
    seed: options.seed >>> 0,
    people: options.people,
    asOf: (options.asOf ?? DEFAULT_AS_OF).getTime(),
    proportions: resolveProportions(options.proportions),
  };
}

export type DemoCounts = DemoManifest['counts'];

export function emptyCounts(): DemoCounts {
  return {
    events: 0,
    eventLines: 0,
    tickets: 0,
    crmMembers: 0,
    posOrders: 0,
    tmallOrders: 0,
    groundTruth: 0,
    people: 0,
  };
}

/** Adds what one output batch holds to the running counts. */
export function countBatch(into: DemoCounts, b: OutputBatch): void {
  into.events += b.distinctEvents;
  into.eventLines += b.events.length;
  into.tickets += b.tickets.length;
  into.crmMembers += b.crmMembers.length;
  into.posOrders += b.posOrders.length;
  into.tmallOrders += b.tmallOrders.length;
  into.groundTruth += b.groundTruth.length;
  into.people += b.people.length;
}

export function addCounts(into: DemoCounts, more: DemoCounts): void {
  for (const key of Object.keys(into) as (keyof DemoCounts)[]) into[key] += more[key];
}

export function buildManifest(run: DemoRun, counts: DemoCounts, counter: HardCaseCounter): DemoManifest {
  return {
    generator: 'tessera-demo',
    version: 1,
    seed: run.seed,
    people: run.people,
    asOf: formatIso(run.asOf),
    periodStart: formatIso(new Calendar(run.asOf).start),
    files: DEMO_FILES,
    counts,
    proportions: { configured: { ...run.proportions }, produced: counter.produced() },
  };
}
