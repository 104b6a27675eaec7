import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BlockJob, BlockResult } from './block.js';
import { DATA_FILE_KEYS, DemoFileSet, FileSink } from './file-sink.js';
import { generateDemo, type GenerateDemoOptions } from './generate.js';
import { HardCaseCounter } from './hard-cases.js';
import { addCounts, buildManifest, emptyCounts, resolveRun } from './run.js';
import type { DemoProgress, DemoSummary } from './types.js';

export interface WriteDemoFilesOptions extends GenerateDemoOptions {
  /** Worker threads generating in parallel (default: the machine's parallelism; 1 = in-process). */
  workers?: number;
  /** People per block handed to a worker (default 500). */
  blockSize?: number;
}

/**
 * Writes the demo files into `dir` using worker threads: people are cut into blocks, workers
 * generate and encode blocks, and the main thread writes them in block order with
 * backpressure. The files are byte-identical to `generateDemo(options, new FileSink(dir))`.
 */
export async function writeDemoFiles(
  options: WriteDemoFilesOptions,
  dir: string,
  onProgress?: (progress: DemoProgress) => void,
): Promise<DemoSummary> {
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  if (workers === 1) return generateDemo(options, new FileSink(dir), onProgress);
  const started = performance.now();
  const run = resolveRun(options);
  const job: BlockJob = { ...run, blockSize: Math.max(1, Math.floor(options.blockSize ?? 500)) };
  const blocks = Math.ceil(job.people / job.blockSize);
  const files = new DemoFileSet(dir);
  const counter = new HardCaseCounter(run.proportions);
  const counts = emptyCounts();

  const pool = startWorkers(Math.min(workers, blocks), job);
  try {
    const results = new Map<number, BlockResult>();
    // The block the writer waits for. (No Promise.race with a long-lived promise: each race
    // would keep its block's bytes reachable until the end.)
    let waiting: { block: number; resolve: (r: BlockResult) => void; reject: (e: Error) => void } | undefined;
    let failure: Error | undefined;
    const fail = (err: Error): void => {
      failure ??= err;
      const w = waiting;
      waiting = undefined;
      w?.reject(failure);
    };
    let nextBlock = 0;
    let written = 0;
    // Blocks may run ahead of the writer by this much; bounds memory when the disk is slow.
    const window = pool.length * 2;
    const idle: Worker[] = [];
    const dispatch = (): void => {
      while (idle.length > 0 && nextBlock < blocks && nextBlock < written + window) {
        idle.pop()!.postMessage(nextBlock++);
      }
    };
    for (const worker of pool) {
      worker.on('message', (r: BlockResult) => {
        if (waiting?.block === r.block) {
          const w = waiting;
          waiting = undefined;
          w.resolve(r);
        } else results.set(r.block, r);
        idle.push(worker);
        dispatch();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`demo worker exited with code ${code}`));
      });
      idle.push(worker);
    }
    dispatch();
    for (let b = 0; b < blocks; b++) {
      let r = results.get(b);
      if (failure !== undefined) throw failure;
      if (r === undefined) {
        r = await new Promise<BlockResult>((resolve, reject) => {
          waiting = { block: b, resolve, reject };
        });
      }
      results.delete(b);
      for (const key of DATA_FILE_KEYS) {
        for (const c of r.files[key])
          await files.write(key, Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      }
      addCounts(counts, r.counts);
      counter.merge(r.tallies);
      written = b + 1;
      dispatch();
      onProgress?.({ people: counts.people, events: counts.events });
    }
  } catch (err) {
    files.abort();
    throw err;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }

  const manifest = buildManifest(run, counts, counter);
  await files.close(manifest);
  return { manifest, elapsedMs: performance.now() - started };
}

function startWorkers(n: number, job: BlockJob): Worker[] {
  if (!import.meta.url.endsWith('.ts')) {
    const file = new URL('./demo-worker.js', import.meta.url);
    return Array.from({ length: n }, () => new Worker(file, { workerData: job }));
  }
  // Running from TypeScript sources (tests, tsx): the worker registers the tsx loader first.
  const entry = new URL('./demo-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return Array.from({ length: n }, () => new Worker(bootstrap, { eval: true, workerData: job }));
}

/** The ESM build of `tsx/esm/api` (a dev dependency, used only when running from sources). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(manifest), 'dist', 'esm', 'api', 'index.mjs')).href;
}
