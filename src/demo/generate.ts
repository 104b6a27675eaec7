import { formatIso } from './calendar.js';
import { createContext, type GenContext } from './context.js';
import { HardCaseCounter } from './hard-cases.js';
import { emptyBatch, PersonWriter, type OutputBatch } from './person-writer.js';
import { createPerson } from './person.js';
import { planHistory } from './plan.js';
import { demoOptionsSchema, resolveProportions, type HardCaseProportions } from './proportions.js';
import { renderSession } from './render-online.js';
import { renderCrmMember, renderPosOrder, renderTicket, renderTmallOrder } from './render-offline.js';
import { DEMO_FILES, type DemoManifest, type DemoProgress, type DemoSink, type DemoSummary } from './types.js';

/** End of the simulated period unless configured: 2026-11-01 00:00 China Standard Time. */
export const DEFAULT_AS_OF = new Date('2026-11-01T00:00:00+08:00');

export interface GenerateDemoOptions {
  seed: number;
  people: number;
  /** End of the simulated period; the period starts two years earlier. */
  asOf?: Date;
  proportions?: Partial<HardCaseProportions>;
  /** Event lines per sink call (default 2,000); other files are flushed at the same time. */
  batchSize?: number;
}

/**
 * Generates the demo brand person by person (each person's whole history is made, written and
 * forgotten, so memory stays constant) and streams it to `sink` in batches, awaiting each call.
 * Same options ⇒ same output, byte for byte.
 */
export async function generateDemo(
  options: GenerateDemoOptions,
  sink: DemoSink,
  onProgress?: (progress: DemoProgress) => void,
): Promise<DemoSummary> {
  const started = performance.now();
  const parsed = demoOptionsSchema.safeParse({
    seed: options.seed,
    people: options.people,
    asOf: options.asOf,
    proportions: options.proportions,
  });
  if (!parsed.success) {
    throw new RangeError(`invalid demo options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const proportions = resolveProportions(options.proportions);
  const asOf = (options.asOf ?? DEFAULT_AS_OF).getTime();
  const ctx = createContext(options.seed >>> 0, options.people, asOf, proportions);
  const counter = new HardCaseCounter(proportions);
  const batchSize = options.batchSize ?? 2_000;

  const counts = {
    events: 0,
    eventLines: 0,
    tickets: 0,
    crmMembers: 0,
    posOrders: 0,
    tmallOrders: 0,
    groundTruth: 0,
    people: 0,
  };
  let batch = emptyBatch();
  const flush = async (): Promise<void> => {
    const b = batch;
    batch = emptyBatch();
    counts.events += b.distinctEvents;
    counts.eventLines += b.events.length;
    counts.tickets += b.tickets.length;
    counts.crmMembers += b.crmMembers.length;
    counts.posOrders += b.posOrders.length;
    counts.tmallOrders += b.tmallOrders.length;
    counts.groundTruth += b.groundTruth.length;
    counts.people += b.people.length;
    if (b.events.length > 0) await sink.events(b.events);
    if (b.tickets.length > 0) await sink.tickets(b.tickets);
    if (b.crmMembers.length > 0) await sink.crmMembers(b.crmMembers);
    if (b.posOrders.length > 0) await sink.posOrders(b.posOrders);
    if (b.tmallOrders.length > 0) await sink.tmallOrders(b.tmallOrders);
    if (b.groundTruth.length > 0) await sink.groundTruth(b.groundTruth);
    if (b.people.length > 0) await sink.people(b.people);
    onProgress?.({ people: counts.people, events: counts.events });
  };

  for (let index = 0; index < options.people; index++) {
    generatePerson(ctx, index, counter, batch);
    if (batch.events.length >= batchSize || batch.groundTruth.length >= 2 * batchSize) await flush();
  }
  await flush();

  const manifest: DemoManifest = {
    generator: 'tessera-demo',
    version: 1,
    seed: ctx.seed,
    people: options.people,
    asOf: formatIso(asOf),
    periodStart: formatIso(ctx.calendar.start),
    files: DEMO_FILES,
    counts,
    proportions: { configured: { ...proportions }, produced: counter.produced() },
  };
  await sink.close(manifest);
  return { manifest, elapsedMs: performance.now() - started };
}

/** Person `index`'s whole history, appended to `batch`. Independent of every other person. */
export function generatePerson(ctx: GenContext, index: number, counter: HardCaseCounter, batch: OutputBatch): void {
  const { person, rng } = createPerson(ctx, index);
  const plan = planHistory(ctx, person, rng);
  const w = new PersonWriter(ctx, person, rng, plan, counter);
  for (const session of plan.sessions) renderSession(w, session);
  for (const order of plan.orders) {
    if (order.channel === 'pos') renderPosOrder(w, order);
    else if (order.channel === 'tmall') renderTmallOrder(w, order);
  }
  for (const ticket of plan.tickets) renderTicket(w, ticket);
  w.finishEvents();
  w.flushTo(batch, renderCrmMember(w));
}
