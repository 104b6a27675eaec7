import type { Command } from 'commander';
import type { RebuildReport } from '../identity/index.js';
import { addTargetOptions, callApi, resolveTarget, type TargetOptions } from './client.js';
import type { CliContext } from './index.js';

/** `tessera rebuild identities` and `tessera profiles lookup`, against the running server. */
export function registerIdentity(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const rebuild = program.command('rebuild').description(en ? 'Recompute derived state' : '重新计算派生数据');
  addTargetOptions(
    rebuild
      .command('identities')
      .description(
        en
          ? 'Recompute the identity graph from every stored event under the current rules, and report what changed'
          : '按当前规则从全部已存事件重新计算身份图谱，并报告变化',
      ),
  ).action(async (opts: TargetOptions) => {
    const target = resolveTarget(ctx, opts);
    const { workspaces } = await callApi<{ workspaces: RebuildReport[] }>(
      ctx,
      target,
      'POST',
      '/api/v1/identity/rebuild',
    );
    for (const w of workspaces) {
      ctx.out(ctx.t('rebuildDone', { ...w, seconds: w.seconds.toFixed(1) }));
    }
  });

  const profiles = program.command('profiles').description(en ? 'Look at profiles' : '查看用户档案');
  addTargetOptions(
    profiles
      .command('lookup')
      .description(en ? 'Find the profile holding an identifier' : '按任一标识查找用户档案')
      .requiredOption('--type <type>', 'identifier type, e.g. phone, email, user_id, wechat_unionid')
      .requiredOption('--value <value>', 'the value as written anywhere (it is normalised)'),
  ).action(async (opts: TargetOptions & { type: string; value: string }) => {
    const target = resolveTarget(ctx, opts);
    const q = new URLSearchParams({ type: opts.type, value: opts.value });
    const { profileId } = await callApi<{ profileId: string }>(
      ctx,
      target,
      'GET',
      `/api/v1/profiles/lookup?${q.toString()}`,
    );
    const profile = await callApi<{
      identifiers: Array<{
        type: string;
        value: string;
        firstSeen: string | null;
        lastSeen: string | null;
        events: number;
      }>;
    }>(ctx, target, 'GET', `/api/v1/profiles/${encodeURIComponent(profileId)}`);
    ctx.out(profileId);
    for (const i of profile.identifiers) {
      ctx.out(
        `  ${i.type.padEnd(16)}${i.value.padEnd(40)}${String(i.events).padStart(7)}  ${i.firstSeen ?? ''} → ${i.lastSeen ?? ''}`,
      );
    }
  });
}
