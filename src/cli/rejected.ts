import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

interface RejectedRecord {
  id: string;
  code: string;
  reason: string;
  origin: string;
  originRef: string | null;
  receivedAt: string;
  status: string;
  payload: unknown;
}

/** `tessera rejected list|summary|replay|discard`: the rejected records, from the running server. */
export function registerRejected(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const group = program
    .command('rejected')
    .description(en ? 'Rejected records: inspect, replay, discard' : '拒收记录：查看、重放、丢弃');

  addTargetOptions(
    group
      .command('list')
      .description(en ? 'List rejected records with their reasons' : '列出拒收记录及原因')
      .option('--code <code>', 'only this reason code')
      .option('--status <status>', 'open | replayed | discarded', 'open')
      .option('--limit <n>', 'how many', '50')
      .option('--json', 'print JSON lines with the payloads'),
  ).action(async (opts: TargetOptions & { code?: string; status: string; limit: string; json?: boolean }) => {
    const target = resolveTarget(ctx, opts);
    const q = new URLSearchParams({ status: opts.status, limit: opts.limit });
    if (opts.code) q.set('code', opts.code);
    const { records } = await callApi<{ records: RejectedRecord[] }>(
      ctx,
      target,
      'GET',
      `/api/v1/rejected?${q.toString()}`,
    );
    if (records.length === 0) ctx.out(ctx.t('rejectedNone'));
    for (const r of records) {
      if (opts.json) ctx.out(JSON.stringify(r));
      else
        ctx.out(
          `${r.id}  ${r.receivedAt}  ${r.origin}${r.originRef ? `:${r.originRef}` : ''}  [${r.code}] ${r.reason}`,
        );
    }
  });

  addTargetOptions(
    group
      .command('summary')
      .description(en ? 'Counts of open rejected records by reason' : '按原因统计未处理的拒收记录'),
  ).action(async (opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { byCode } = await callApi<{ byCode: Array<{ code: string; count: number }> }>(
      ctx,
      target,
      'GET',
      '/api/v1/rejected/summary?status=open',
    );
    ctx.out(ctx.t('rejectedByCode'));
    for (const r of byCode) ctx.out(`  ${r.code}\t${r.count}`);
  });

  addTargetOptions(
    group
      .command('replay [ids...]')
      .description(
        en ? 'Replay open rejected records under the current rules' : '按当前规则重放未处理的拒收记录',
      )
      .option('--code <code>', 'all open records with this reason code')
      .option('--all', 'all open records')
      .option('--payload <file>', 'a corrected payload (JSON file) for the one record named'),
  ).action(
    async (ids: string[], opts: TargetOptions & { code?: string; all?: boolean; payload?: string }) => {
      const target = resolveTarget(ctx, opts);
      const body: Record<string, unknown> = {};
      if (ids.length > 0) body.ids = ids;
      if (opts.code) body.code = opts.code;
      if (opts.all) body.limit = 100_000;
      if (opts.payload) body.payload = JSON.parse(readFileSync(opts.payload, 'utf8'));
      const result = await callApi<{
        attempted: number;
        accepted: number;
        duplicates: number;
        stillRejected: number;
        results: Array<{ id: string; outcome: string; code?: string; reason?: string }>;
      }>(ctx, target, 'POST', '/api/v1/rejected/replay', body);
      ctx.out(
        ctx.t('replaySummary', {
          attempted: result.attempted,
          accepted: result.accepted,
          duplicates: result.duplicates,
          still: result.stillRejected,
        }),
      );
      for (const r of result.results)
        if (r.outcome === 'rejected') ctx.out(`  ${r.id} [${r.code}] ${r.reason}`);
    },
  );

  addTargetOptions(
    group
      .command('discard <ids...>')
      .description(en ? 'Discard open rejected records' : '丢弃未处理的拒收记录'),
  ).action(async (ids: string[], opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { discarded } = await callApi<{ discarded: number }>(
      ctx,
      target,
      'POST',
      '/api/v1/rejected/discard',
      { ids },
    );
    ctx.out(ctx.t('discarded', { n: discarded }));
  });
}
