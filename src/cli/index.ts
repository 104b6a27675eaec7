import { Command, CommanderError } from 'commander';
import type { Logger } from 'pino';
import type { Config, LoadConfigOptions } from '../platform/config.js';
import { ConfigError } from '../platform/config.js';
import { pickLang, translator, type Lang } from './i18n.js';
import { registerStart } from './start.js';
import { registerDemo } from './demo.js';
import { registerImport } from './import.js';
import { registerRejected } from './rejected.js';
import { registerSources } from './sources.js';
import { registerEval } from './eval.js';
import { registerIdentity } from './identity.js';
import { registerSegments } from './segments.js';
import { registerTags } from './tags.js';
import { registerJourneys } from './journeys.js';
import type { IdentityEvalReport } from '../eval/identity-eval.js';

/** What the CLI needs from the composition root (app.ts), injected so nothing here reads process.env. */
export interface CliDeps {
  env: Record<string, string | undefined>;
  loadConfig: (options: LoadConfigOptions) => Readonly<Config>;
  startTessera: (
    config: Readonly<Config>,
    options?: { logger?: Logger },
  ) => Promise<{
    url: string;
    adminKeyFile?: string;
    adminPasswordFile?: string;
    demo: Promise<{
      manifest: { people: number; counts: { eventLines: number } };
      seconds: number;
    } | null> | null;
    close(): Promise<void>;
  }>;
  /** Loads the demo into a temporary store under `config`'s rules and scores OneID. */
  evalIdentity: (
    config: Readonly<Config>,
    options: { people: number; seed: number },
  ) => Promise<IdentityEvalReport>;
}

export interface CliContext extends CliDeps {
  lang: Lang;
  t: ReturnType<typeof translator>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Parses argv and runs the command; resolves with the exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const langFlag = argv
    .find((a, i) => argv[i - 1] === '--lang' || a.startsWith('--lang='))
    ?.replace('--lang=', '');
  const lang = pickLang(langFlag, deps.env);
  const ctx: CliContext = {
    ...deps,
    lang,
    t: translator(lang),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const program = new Command('tessera')
    .description(lang === 'en' ? 'Tessera customer data platform' : 'Tessera 客户数据平台')
    .option('--lang <lang>', 'zh-CN | en')
    .exitOverride()
    .showHelpAfterError();
  registerStart(program, ctx);
  registerImport(program, ctx);
  registerDemo(program, ctx);
  registerRejected(program, ctx);
  registerSources(program, ctx);
  registerEval(program, ctx);
  registerIdentity(program, ctx);
  registerTags(program, ctx);
  registerSegments(program, ctx);
  registerJourneys(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) {
      ctx.err(ctx.t('configInvalid'));
      for (const p of err.problems) ctx.err(`  - ${p}`);
      return 2;
    }
    ctx.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
