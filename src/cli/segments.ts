import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

interface SegmentRow {
  id: string;
  name: string;
  kind: string;
  live: boolean;
  size: number | null;
  status: string;
}

/** `tessera segments list|preview|refresh`, against the running server. */
export function registerSegments(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const segments = program.command('segments').description(en ? 'Segments (audiences)' : '人群（分群）');
  addTargetOptions(
    segments.command('list').description(en ? 'Every segment with its size' : '列出全部人群及人数'),
  ).action(async (opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { segments: rows } = await callApi<{ segments: SegmentRow[] }>(
      ctx,
      target,
      'GET',
      '/api/v1/segments',
    );
    ctx.out(ctx.t('segmentsHeader', {}));
    for (const s of rows) {
      const mode = s.kind === 'static' ? 'static' : s.live ? 'realtime' : 'batch';
      ctx.out(
        `${s.id.padEnd(34)}${mode.padEnd(10)}${s.status.padEnd(10)}${String(s.size ?? '').padEnd(10)}${s.name}`,
      );
    }
  });
  addTargetOptions(
    segments
      .command('preview <file>')
      .description(
        en
          ? 'Count the people a condition (a JSON file, - for stdin) holds for now'
          : '预估条件（JSON 文件，- 为标准输入）当前覆盖人数',
      ),
  ).action(async (file: string, opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const condition: unknown = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
    const r = await callApi<{ count: number; millis: number; sample: Array<{ profileId: string }> }>(
      ctx,
      target,
      'POST',
      '/api/v1/segments/preview',
      { condition },
    );
    ctx.out(ctx.t('segmentPreview', { count: r.count, seconds: (r.millis / 1000).toFixed(2) }));
    for (const s of r.sample) ctx.out(`  ${s.profileId}`);
  });
  addTargetOptions(
    segments
      .command('refresh [ids...]')
      .description(
        en ? 'Recompute dynamic segments now (all, or the given ones)' : '立即重算动态人群（全部或指定人群）',
      ),
  ).action(async (ids: string[], opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const r = await callApi<{
      segments: Array<{ id: string; size: number; entered: number; exited: number; millis: number }>;
    }>(ctx, target, 'POST', '/api/v1/segments/refresh', ids.length > 0 ? { ids } : {});
    for (const s of r.segments)
      ctx.out(ctx.t('segmentRefreshed', { ...s, seconds: (s.millis / 1000).toFixed(1) }));
  });
}
