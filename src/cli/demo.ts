import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DEMO_FILES, writeDemoFiles } from '../demo/index.js';
import { addTargetOptions, callApi, resolveTarget, type ServerTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

const BATCH_BYTES = 400 * 1024;
const BATCH_MESSAGES = 500;

/** Posts a JSONL file of Segment messages to /v1/import (history: no clock-skew correction), in batches. */
async function postEvents(
  target: ServerTarget,
  file: string,
  writeKey: string,
): Promise<{ accepted: number; duplicates: number; rejected: number }> {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const inFlight = new Set<Promise<void>>();
  let lines: string[] = [];
  let bytes = 0;
  const send = async (batch: string[]): Promise<void> => {
    const res = await fetch(`${target.url}/v1/import`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: `{"batch":[${batch.join(',')}]}`,
    });
    const body = (await res.json()) as {
      accepted?: number;
      duplicates?: number;
      rejected?: unknown[];
      error?: { message: string };
    };
    if (res.status >= 500 || (res.status >= 400 && !Array.isArray(body.rejected))) {
      throw new Error(`POST /v1/import: ${res.status} ${body.error?.message ?? ''}`);
    }
    totals.accepted += body.accepted ?? 0;
    totals.duplicates += body.duplicates ?? 0;
    totals.rejected += body.rejected?.length ?? 0;
  };
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    const p = send(lines).finally(() => inFlight.delete(p));
    inFlight.add(p);
    lines = [];
    bytes = 0;
    if (inFlight.size >= 8) await Promise.race(inFlight);
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    if (bytes + line.length > BATCH_BYTES || lines.length >= BATCH_MESSAGES) await flush();
    lines.push(line);
    bytes += line.length;
  }
  await flush();
  await Promise.all(inFlight);
  return totals;
}

/**
 * `tessera demo`: writes the demo brand's files (with ground truth) and, with --load, sends them
 * to a running Tessera: events through the collection API, exports through the importer.
 */
export function registerDemo(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  addTargetOptions(
    program
      .command('demo')
      .description(
        en
          ? 'Generate the demo brand (files with ground truth), optionally load it'
          : '生成演示品牌数据（含真值），可选载入',
      )
      .option('--people <n>', 'how many people', '10000')
      .option('--seed <n>', 'random seed (same seed, same data)', '42')
      .option('--out <dir>', 'where to write the files', './demo-data')
      .option('--workers <n>', 'worker threads generating in parallel', '2')
      .option('--load', 'send the files to the running Tessera (collection API and importer)'),
  ).action(
    async (
      opts: TargetOptions & { people: string; seed: string; out: string; workers: string; load?: boolean },
    ) => {
      const people = Number(opts.people);
      const seed = Number(opts.seed);
      if (!Number.isInteger(people) || people < 1)
        throw new Error(`--people must be a whole number ≥ 1, got ${opts.people}`);
      if (!Number.isInteger(seed) || seed < 0)
        throw new Error(`--seed must be a whole number ≥ 0, got ${opts.seed}`);
      const out = resolve(opts.out);
      const bar = process.stderr.isTTY
        ? new SingleBar(
            {
              format: ' {bar} {percentage}% | {value}/{total} people | {events} events',
              stream: process.stderr,
            },
            Presets.shades_classic,
          )
        : null;
      bar?.start(people, 0, { events: 0 });
      const summary = await writeDemoFiles({ seed, people, workers: Number(opts.workers) }, out, (p) =>
        bar?.update(p.people, { events: p.events }),
      );
      bar?.stop();
      const size = readdirSync(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
      ctx.out(
        ctx.t('demoWritten', {
          people,
          events: summary.manifest.counts.eventLines,
          seconds: (summary.elapsedMs / 1000).toFixed(1),
          mib: (size / 2 ** 20).toFixed(0),
          dir: out,
        }),
      );
      if (!opts.load) return;

      const target = resolveTarget(ctx, opts);
      const source = await callApi<{ writeKey: string }>(ctx, target, 'POST', '/api/v1/sources', {
        name: `demo events (seed ${seed})`,
        kind: 'web',
      });
      for (const file of [DEMO_FILES.events, DEMO_FILES.tickets]) {
        const totals = await postEvents(target, join(out, file), source.writeKey);
        ctx.out(
          `${file}: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.rejected} rejected`,
        );
      }
      for (const [file, mapping] of [
        [DEMO_FILES.crmMembers, 'crm-members'],
        [DEMO_FILES.posOrders, 'orders'],
        [DEMO_FILES.tmallOrders, 'tmall-orders'],
      ] as const) {
        const summary = await callApi<{
          records: number;
          accepted: number;
          duplicates: number;
          rejected: number;
        }>(
          ctx,
          target,
          'POST',
          `/api/v1/imports?mapping=${mapping}&fileName=${encodeURIComponent(file)}`,
          undefined,
          {
            headers: { 'content-type': 'text/csv' },
            rawBody: Readable.toWeb(createReadStream(join(out, file))) as ReadableStream,
            duplex: 'half',
          },
        );
        ctx.out(
          `${file}: ${summary.records} records, ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected`,
        );
      }
    },
  );
}
