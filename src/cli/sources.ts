import type { Command } from 'commander';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

/** `tessera sources create|list|rotate-key`. */
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
    sources
      .command('rotate-key <id>')
      .description(
        ctx.lang === 'en'
          ? 'Give a source a new write key, printed once; the old one stops now or after --grace-hours'
          : '为数据源更换写入密钥（只显示一次）；旧密钥立即失效，或在 --grace-hours 小时后失效',
      )
      .option(
        '--grace-hours <hours>',
        ctx.lang === 'en' ? 'keep the old key this long (0–168)' : '旧密钥保留的小时数（0–168）',
        '0',
      ),
  ).action(async (id: string, opts: TargetOptions & { graceHours: string }) => {
    const target = resolveTarget(ctx, opts);
    // Not a number is sent as such: the server's answer names graceHours.
    const graceHours = Number(opts.graceHours);
    const rotated = await callApi<{
      id: string;
      name: string;
      writeKey: string;
      retiredKeys: Array<{ hint: string; expiresAt: string }>;
    }>(ctx, target, 'POST', `/api/v1/sources/${encodeURIComponent(id)}/rotate-key`, { graceHours });
    ctx.out(ctx.t('sourceRotated', { id: rotated.id, name: rotated.name, writeKey: rotated.writeKey }));
    for (const k of rotated.retiredKeys) ctx.out(ctx.t('sourceRetiredKey', k));
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
