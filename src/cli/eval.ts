import type { Command } from 'commander';
import type { IdentityEvalReport } from '../eval/identity-eval.js';
import type { CliContext } from './index.js';

const pct = (x: number): string => x.toFixed(4);

/** `tessera eval identity`: OneID scored against the demo brand's ground truth. */
export function registerEval(program: Command, ctx: CliContext): void {
  const en = ctx.lang === 'en';
  const evalCommand = program
    .command('eval')
    .description(en ? 'Measure Tessera against a ground truth' : '对照真实标注评估 Tessera');
  evalCommand
    .command('identity')
    .description(
      en
        ? 'Load the demo brand into a temporary store, resolve identities, print pairwise precision, recall and F1'
        : '将演示品牌载入临时存储并进行身份识别，输出成对精确率、召回率与 F1',
    )
    .option('--people <n>', 'people in the demo', '2000')
    .option('--seed <n>', 'demo seed', '42')
    .option('--config <file>', 'JSON config file with the identity rules to evaluate')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { people: string; seed: string; config?: string; json?: boolean }) => {
      const people = Number(opts.people);
      const seed = Number(opts.seed);
      if (!Number.isInteger(people) || people < 2 || people > 100_000) {
        throw new Error(
          en ? '--people must be a whole number from 2 to 100000' : '--people 必须是 2 到 100000 的整数',
        );
      }
      if (!Number.isInteger(seed) || seed < 0)
        throw new Error(en ? '--seed must be a whole number' : '--seed 必须是整数');
      const config = ctx.loadConfig({ file: opts.config, env: ctx.env });
      if (!opts.json) ctx.out(ctx.t('evalLoading', { people }));
      const report = await ctx.evalIdentity(config, { people, seed });
      if (opts.json) {
        ctx.out(JSON.stringify(report, null, 2));
        return;
      }
      printReport(ctx, report);
    });
}

function printReport(ctx: CliContext, r: IdentityEvalReport): void {
  ctx.out(
    ctx.t('evalSummary', {
      records: r.scoredRecords,
      notStored: r.notStored,
      profiles: r.profiles,
      people: r.people,
      seconds: r.loadSeconds.toFixed(1),
    }),
  );
  ctx.out('');
  ctx.out(ctx.t('evalHeader'));
  const line = (
    label: string,
    s: { precision: number; recall: number; f1: number; truePairs: number },
  ): void =>
    ctx.out(
      `${label.padEnd(22)}${pct(s.precision).padStart(10)}${pct(s.recall).padStart(10)}${pct(s.f1).padStart(10)}${String(s.truePairs).padStart(12)}`,
    );
  line(ctx.t('evalDeterministic'), r.deterministic);
  line(ctx.t('evalWithFuzzy'), r.all);
  ctx.out('');
  ctx.out(ctx.t('evalAttainableHeader', { ceiling: pct(r.recallCeiling) }));
  const recallLine = (label: string, s: { recall: number; truePairs: number }): void =>
    ctx.out(
      `${label.padEnd(22)}${''.padStart(10)}${pct(s.recall).padStart(10)}${''.padStart(10)}${String(s.truePairs).padStart(12)}`,
    );
  recallLine(ctx.t('evalDeterministic'), r.attainable.deterministic);
  recallLine(ctx.t('evalWithFuzzy'), r.attainable.all);
  ctx.out('');
  ctx.out(ctx.t('evalHardHeader'));
  for (const h of r.hardCases) {
    ctx.out(
      `${h.tag.padEnd(22)}${String(h.people).padStart(8)}${pct(h.all.precision).padStart(10)}${pct(h.all.recall).padStart(10)}${pct(h.all.f1).padStart(10)}${String(h.mergedPeople).padStart(10)}${String(h.misattributed).padStart(10)}`,
    );
  }
  ctx.out('');
  ctx.out(ctx.t('evalMerged', { merged: r.mergedPeople, fuzzy: r.fuzzyMerges }));
}
