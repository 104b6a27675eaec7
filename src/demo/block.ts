import { createContext, type GenContext } from './context.js';
import { BatchEncoder } from './encode.js';
import type { DataFileKey } from './file-sink.js';
import { generatePerson } from './generate.js';
import { HardCaseCounter, type CaseKey } from './hard-cases.js';
import { emptyBatch } from './person-writer.js';
import { countBatch, emptyCounts, type DemoCounts, type DemoRun } from './run.js';

/** What a worker needs to generate any block: plain data, so it can cross threads. */
export interface BlockJob extends DemoRun {
  blockSize: number;
}

/** Encode after this many event lines: small batches keep garbage collection cheap. */
const ENCODE_EVERY = 64;

export interface BlockResult {
  block: number;
  /** Each file's bytes as chunks (each chunk owns its ArrayBuffer, so it can be transferred). */
  files: Record<DataFileKey, Uint8Array[]>;
  counts: DemoCounts;
  tallies: { count: Record<CaseKey, number>; of: Record<CaseKey, number> };
}

export function jobContext(job: BlockJob): GenContext {
  return createContext(job.seed, job.people, job.asOf, job.proportions);
}

/** People [block·size, (block+1)·size) generated and encoded as each file's bytes. */
export function generateBlock(ctx: GenContext, job: BlockJob, block: number): BlockResult {
  const counter = new HardCaseCounter(job.proportions);
  const encoder = new BatchEncoder();
  const batch = emptyBatch();
  const counts = emptyCounts();
  const encode = (): void => {
    countBatch(counts, batch);
    batch.distinctEvents = 0;
    encoder.add(batch);
  };
  const from = block * job.blockSize;
  const to = Math.min(job.people, from + job.blockSize);
  for (let i = from; i < to; i++) {
    generatePerson(ctx, i, counter, batch);
    if (batch.events.length >= ENCODE_EVERY) encode();
  }
  encode();
  return { block, files: encoder.take(), counts, tallies: counter.tallies() };
}
