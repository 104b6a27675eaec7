import type { Command } from 'commander';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

interface TagRow {
  key: string;
  status: string;
  version: number;
  definition: { category: string; spec: { kind: string } };
}

/** `tessera tags list|show|refresh`, against the running server. */
export function registerTags(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const tags = program.command('tags').description(en ? 'Tags and computed traits' : '标签与计算属性');
  addTargetOptions(
    tags
      .command('refresh [keys...]')
      .description(
        en ? 'Recompute active tags now (all, or the given ones)' : '立即重算启用的标签（全部或指定标签）',
      ),
  ).action(async (keys: string[], opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const r = await callApi<{
      workspaceId: string;
      tags: string[];
      traits: string[];
      profiles: number;
      tagValues: number;
      millis: number;
      facts: { appended: number };
    }>(ctx, target, 'POST', '/api/v1/tags/refresh', keys.length > 0 ? { keys } : {});
    ctx.out(
      ctx.t('tagsRefreshed', {
        workspaceId: r.workspaceId,
        tags: r.tags.length,
        traits: r.traits.length,
        profiles: r.profiles,
        seconds: (r.millis / 1000).toFixed(1),
        tagValues: r.tagValues,
        appended: r.facts.appended,
      }),
    );
  });
  addTargetOptions(
    tags.command('list').description(en ? 'Every tag with its coverage' : '列出全部标签及覆盖率'),
  ).action(async (opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { tags: rows } = await callApi<{ tags: TagRow[] }>(ctx, target, 'GET', '/api/v1/tags');
    ctx.out(ctx.t('tagsHeader', {}));
    for (const t of rows) {
      const got = await callApi<{ stats: { coverage: number } | null }>(
        ctx,
        target,
        'GET',
        `/api/v1/tags/${t.key}`,
      );
      const coverage = got.stats ? `${(got.stats.coverage * 100).toFixed(1)}%` : '';
      ctx.out(
        `${t.key.padEnd(29)}${t.definition.category.padEnd(13)}${t.definition.spec.kind.padEnd(11)}${t.status.padEnd(12)}${String(t.version).padEnd(9)}${coverage}`,
      );
    }
  });
  addTargetOptions(
    tags.command('show <key>').description(en ? "A tag's value distribution" : '查看标签值分布'),
  ).action(async (key: string, opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const got = await callApi<{
      stats: {
        values: Array<{ value: unknown; profiles: number }>;
        summary: Record<string, number> | null;
      } | null;
    }>(ctx, target, 'GET', `/api/v1/tags/${encodeURIComponent(key)}`);
    if (got.stats?.summary) {
      for (const [k, v] of Object.entries(got.stats.summary)) ctx.out(`${k.padEnd(8)}${v}`);
      return;
    }
    ctx.out(ctx.t('tagValueHeader', {}));
    for (const v of got.stats?.values ?? []) ctx.out(`${JSON.stringify(v.value).padEnd(47)}${v.profiles}`);
  });
}
