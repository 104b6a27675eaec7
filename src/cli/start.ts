import type { Command } from 'commander';
import type { CliContext } from './index.js';

/** `tessera start`: everything in one process, on the embedded store. */
export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description(
      ctx.lang === 'en' ? 'Start Tessera (API, pipeline, store)' : '启动 Tessera（API、处理管道、存储）',
    )
    .option('--data <dir>', 'data directory (TESSERA_DATA_DIR)')
    .option('--port <n>', 'HTTP port (TESSERA_PORT)')
    .option('--host <host>', 'address to listen on (TESSERA_HOST)')
    .option('--config <file>', 'JSON config file (default: ./tessera.config.json if present)')
    .option('--no-demo', 'start empty, without the demo brand')
    .action(async (opts: { data?: string; port?: string; host?: string; config?: string; demo: boolean }) => {
      const overrides: Record<string, unknown> = {};
      if (opts.data) overrides.dataDir = opts.data;
      if (opts.port) overrides.server = { port: Number(opts.port) };
      if (opts.host) overrides.server = { ...(overrides.server as object), host: opts.host };
      if (!opts.demo) overrides.demo = false;
      const config = ctx.loadConfig({ file: opts.config, env: ctx.env, overrides });
      const tessera = await ctx.startTessera(config);
      ctx.out(ctx.t('started', { url: tessera.url }));
      ctx.out(ctx.t('dataDir', { dir: config.dataDir }));
      if (tessera.adminKeyFile) ctx.out(ctx.t('adminKeyFile', { file: tessera.adminKeyFile }));
      ctx.out(
        tessera.adminPasswordFile
          ? ctx.t('consoleLogin', { url: tessera.url, file: tessera.adminPasswordFile })
          : ctx.t('consoleAt', { url: tessera.url }),
      );
      ctx.out(ctx.t('apiDocs', { url: tessera.url }));
      ctx.out(ctx.t('collectHint', { url: tessera.url }));
      if (tessera.demo) {
        ctx.out(ctx.t('demoLoading', { people: config.demoPeople }));
        void tessera.demo.then((result) => {
          if (result) {
            ctx.out(
              ctx.t('demoLoaded', {
                people: result.manifest.people,
                events: result.manifest.counts.eventLines,
                seconds: result.seconds.toFixed(1),
                url: tessera.url,
              }),
            );
          } else ctx.err(ctx.t('demoFailed'));
        });
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          ctx.out(ctx.t('stopping'));
          tessera.close().then(resolve, (err: unknown) => {
            ctx.err(err instanceof Error ? err.message : String(err));
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
