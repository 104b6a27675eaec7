import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoFiles } from '../src/demo/index.js';
import { record } from './results.js';

const PEOPLE = Number(process.env.BENCH_DEMO_PEOPLE ?? 1_000_000);

/** `tessera demo --people 1000000`: time and size of the generated brand (files with ground truth). */
export async function benchDemo(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-demo-'));
  try {
    const summary = await writeDemoFiles({ seed: 42, people: PEOPLE, workers: 2 }, dir);
    const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    const seconds = summary.elapsedMs / 1000;
    const events = summary.manifest.counts.eventLines;
    console.log(
      `demo: ${PEOPLE} people, ${events} events, ${(bytes / 2 ** 30).toFixed(1)} GiB in ${seconds.toFixed(0)} s (${Math.round(events / seconds)} events/s)`,
    );
    const note = `tessera demo --people ${PEOPLE.toLocaleString('en-US')} (2 worker threads), all files with ground truth`;
    record([
      { name: 'demo.generate_seconds', value: seconds, unit: 's', target: 'finishes', met: true, note },
      {
        name: 'demo.events',
        value: events,
        unit: 'events',
        target: 'tens of millions',
        met: events >= 10_000_000 || PEOPLE < 1_000_000,
        note,
      },
      { name: 'demo.size', value: bytes / 2 ** 30, unit: 'GiB', target: null, note },
      { name: 'demo.events_per_second', value: events / seconds, unit: 'events/s', target: null, note },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
