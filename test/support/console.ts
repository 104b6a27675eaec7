import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
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

/** Debian's Chromium, headless, as every browser test drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), headless: true, args: ['--no-sandbox'] });
}

/**
 * A fresh browser context and its page: the locale, the console's language (stored as the
 * console stores it, before any script runs), a default timeout for slow CI machines, and every
 * uncaught page error collected into `pageErrors` (the tests assert it stays empty).
 */
export async function openTab(
  browser: Browser,
  pageErrors: string[],
  options: {
    locale: string;
    lang?: 'en' | 'zh-CN';
    viewport?: { width: number; height: number };
    timezoneId?: string;
    timeout?: number;
    storageState?: BrowserContextOptions['storageState'];
    reducedMotion?: 'reduce' | 'no-preference';
  },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: options.locale,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    ...(options.storageState ? { storageState: options.storageState } : {}),
    // The console turns antd's animations off when the system asks for less motion: a click then
    // never lands on a dropdown or a dialog that is still sliding in (a flake on loaded machines).
    reducedMotion: options.reducedMotion ?? 'reduce',
  });
  context.setDefaultTimeout(options.timeout ?? 15_000);
  if (options.lang)
    await context.addInitScript({
      content: `window.localStorage.setItem('tessera.lang', '${options.lang}')`,
    });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  return { context, page };
}

/** A full-page screenshot to test-artifacts/console/<name>.png. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
