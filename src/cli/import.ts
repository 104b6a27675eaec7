import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { ImportSummary } from '../collect/index.js';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

type Summary = Pick<
  ImportSummary,
  'records' | 'accepted' | 'duplicates' | 'rejected' | 'rejectedByCode' | 'seconds' | 'recordsPerSecond'
>;

/**
 * `tessera import FILE --mapping NAME|FILE`: streams the file to the running server, which maps
 * and ingests it as it arrives (constant memory on both sides); a progress bar follows the bytes.
 */
export function registerImport(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  addTargetOptions(
    program
      .command('import <file>')
      .description(en ? 'Import a CSV or JSONL export through a mapping' : '按映射导入 CSV 或 JSONL 文件')
      .requiredOption(
        '--mapping <preset|file>',
        'crm-members | orders | tmall-orders | events, or a mapping JSON file',
      )
      .option('--source <id>', 'source to attribute the records to (default: the "file import" source)')
      .option('--no-progress', 'no progress bar'),
  ).action(
    async (file: string, opts: TargetOptions & { mapping: string; source?: string; progress: boolean }) => {
      if (!existsSync(file)) throw new Error(en ? `no such file: ${file}` : `文件不存在：${file}`);
      const target = resolveTarget(ctx, opts);
      const query = new URLSearchParams({ fileName: basename(file) });
      const headers: Record<string, string> = {
        'content-type': extname(file).toLowerCase() === '.csv' ? 'text/csv' : 'application/x-ndjson',
      };
      if (existsSync(opts.mapping) && opts.mapping.endsWith('.json')) {
        headers['x-tessera-mapping'] = Buffer.from(readFileSync(opts.mapping)).toString('base64url');
      } else {
        query.set('mapping', opts.mapping);
      }
      if (opts.source) query.set('sourceId', opts.source);

      const size = statSync(file).size;
      ctx.err(ctx.t('importing', { file, mapping: opts.mapping }));
      const bar =
        opts.progress && process.stderr.isTTY
          ? new SingleBar(
              { format: ' {bar} {percentage}% | {value}/{total} MiB | ETA {eta}s', stream: process.stderr },
              Presets.shades_classic,
            )
          : null;
      const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
      bar?.start(mib(size), 0);
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          sent += chunk.length;
          bar?.update(mib(sent));
          done(null, chunk);
        },
      });
      const body = Readable.toWeb(createReadStream(file).pipe(counter)) as ReadableStream;
      try {
        const summary = await callApi<Summary>(
          ctx,
          target,
          'POST',
          `/api/v1/imports?${query.toString()}`,
          undefined,
          {
            headers,
            rawBody: body,
            duplex: 'half',
          },
        );
        bar?.update(mib(size));
        bar?.stop();
        ctx.out(
          ctx.t('importSummary', {
            seconds: summary.seconds.toFixed(1),
            records: summary.records,
            accepted: summary.accepted,
            duplicates: summary.duplicates,
            rejected: summary.rejected,
            rate: summary.recordsPerSecond,
          }),
        );
        const codes = Object.entries(summary.rejectedByCode);
        if (codes.length > 0) {
          ctx.out(ctx.t('rejectedByCode'));
          for (const [code, n] of codes.sort((a, b) => b[1] - a[1])) ctx.out(`  ${code}\t${n}`);
        }
      } finally {
        bar?.stop();
      }
    },
  );
}
