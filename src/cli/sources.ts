import type { Command } from 'commander';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

/** `tessera sources create|list`. */
export function registerSources(program: Command, ctx: CliContext): void {
  const sources = program.command('sources').description(ctx.lang === 'en' ? 'Manage sources' : '管理数据源');
  addTargetOptions(
    sources
      .command('create <name>')
      .description(
        ctx.lang === 'en' ? 'Create a source and print its write key once' : '创建数据源并显示一次写入密钥',
      )
      .option(
        '--kind <kind>',
        'http | web | app | miniprogram | server | pos | ecommerce | crm | service | import',
        'http',
      ),
  ).action(async (name: string, opts: TargetOptions & { kind: string }) => {
    const target = resolveTarget(ctx, opts);
    const created = await callApi<{ id: string; name: string; writeKey: string }>(
      ctx,
      target,
      'POST',
      '/api/v1/sources',
      {
        name,
        kind: opts.kind,
      },
    );
    ctx.out(ctx.t('sourceCreated', created));
  });
  addTargetOptions(
    sources.command('list').description(ctx.lang === 'en' ? 'List sources' : '列出数据源'),
  ).action(async (opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { sources: list } = await callApi<{
      sources: Array<{
        id: string;
        name: string;
        kind: string;
        events: number;
        rejectedOpen: number;
        disabled: boolean;
      }>;
    }>(ctx, target, 'GET', '/api/v1/sources');
    for (const s of list) {
      ctx.out(
        `${s.id}\t${s.name}\t${s.kind}\t${s.events}\t${s.rejectedOpen}${s.disabled ? '\tdisabled' : ''}`,
      );
    }
  });
}
