import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSOLE = join(ROOT, 'console');

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds console/dist when it is missing or older than the console's sources (`npm test` has
 * built it already; a lone `vitest run` of a browser test may not have).
 */
export function ensureConsoleBuilt(): void {
  const index = join(CONSOLE, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(CONSOLE, 'src')),
    newestMtime(join(CONSOLE, 'index.html')),
    newestMtime(join(CONSOLE, 'vite.config.ts')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', 'console', '--logLevel', 'warn'], {
    cwd: ROOT,
    // Vite keeps a NODE_ENV it finds (vitest sets `test`), which would build React and antd for development.
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0)
    throw new Error(`vite build console failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/** Fails with a clear message instead of a launch error deep inside playwright. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the console's browser tests need Debian's Chromium (apt-get install chromium)`,
    );
  return CHROMIUM;
}

export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
