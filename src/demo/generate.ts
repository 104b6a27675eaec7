import { createContext, type GenContext } from './context.js';
import { HardCaseCounter } from './hard-cases.js';
import { emptyBatch, PersonWriter, type OutputBatch } from './person-writer.js';
import { createPerson } from './person.js';
import { planHistory } from './plan.js';
import type { HardCaseProportions } from './proportions.js';
import { renderSession } from './render-online.js';
import { renderCrmMember, renderPosOrder, renderTicket, renderTmallOrder } from './render-offline.js';
import { buildManifest, countBatch, emptyCounts, resolveRun } from './run.js';
import type { DemoProgress, DemoSink, DemoSummary } from './types.js';

export { DEFAULT_AS_OF } from './run.js';

export interface GenerateDemoOptions {
  seed: number;
  people: number;
  /** End of the simulated period; the period starts two years earlier. */
  asOf?: Date;
  proportions?: Partial<HardCaseProportions>;
  /** Event lines per sink call (default 1,000); other files are flushed at the same time. */
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
  const run = resolveRun(options);
  const ctx = createContext(run.seed, run.people, run.asOf, run.proportions);
  const counter = new HardCaseCounter(run.proportions);
  const batchSize = options.batchSize ?? 1_000;
  const counts = emptyCounts();
  let batch = emptyBatch();
  const flush = async (): Promise<void> => {
    const b = batch;
    batch = emptyBatch();
    countBatch(counts, b);
    if (b.events.length > 0) await sink.events(b.events);
    if (b.tickets.length > 0) await sink.tickets(b.tickets);
    if (b.crmMembers.length > 0) await sink.crmMembers(b.crmMembers);
    if (b.posOrders.length > 0) await sink.posOrders(b.posOrders);
    if (b.tmallOrders.length > 0) await sink.tmallOrders(b.tmallOrders);
    if (b.groundTruth.length > 0) await sink.groundTruth(b.groundTruth);
    if (b.people.length > 0) await sink.people(b.people);
    onProgress?.({ people: counts.people, events: counts.events });
  };

  for (let index = 0; index < run.people; index++) {
    generatePerson(ctx, index, counter, batch);
    if (batch.events.length >= batchSize || batch.groundTruth.length >= 2 * batchSize) await flush();
  }
  await flush();

  const manifest = buildManifest(run, counts, counter);
  await sink.close(manifest);
  return { manifest, elapsedMs: performance.now() - started };
}

/** Person `index`'s whole history, appended to `batch`. Independent of every other person. */
export function generatePerson(
  ctx: GenContext,
  index: number,
  counter: HardCaseCounter,
  batch: OutputBatch,
): void {
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
