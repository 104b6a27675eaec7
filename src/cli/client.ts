import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './index.js';

/** How the CLI reaches a running server: flags, then environment, then the data directory's files. */
export interface ServerTarget {
  url: string;
  apiKey: string;
}

export interface TargetOptions {
  url?: string;
  apiKey?: string;
  data?: string;
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (TESSERA_URL; default: the server running on --data)')
    .option('--api-key <key>', "API key (TESSERA_API_KEY; default: the data directory's admin key)")
    .option('--data <dir>', 'data directory of the running server (TESSERA_DATA_DIR, default ./data)');
}

export function resolveTarget(ctx: CliContext, opts: TargetOptions): ServerTarget {
  const dataDir = resolve(opts.data ?? ctx.env.TESSERA_DATA_DIR ?? './data');
  let url = opts.url ?? ctx.env.TESSERA_URL;
  if (!url) {
    const info = join(dataDir, 'server.json');
    if (!existsSync(info)) throw new Error(ctx.t('noServer', { dir: dataDir }));
    url = (JSON.parse(readFileSync(info, 'utf8')) as { url: string }).url;
  }
  let apiKey = opts.apiKey ?? ctx.env.TESSERA_API_KEY ?? ctx.env.TESSERA_BOOTSTRAP_API_KEY;
  if (!apiKey && existsSync(join(dataDir, 'admin-api-key'))) {
    apiKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  }
  if (!apiKey) throw new Error(ctx.t('noApiKey'));
  return { url: url.replace(/\/$/, ''), apiKey };
}

/** Calls the management API; a non-2xx answer becomes an error with the server's message. */
export async function callApi<T>(
  ctx: CliContext,
  target: ServerTarget,
  method: string,
  path: string,
  body?: unknown,
  init: { headers?: Record<string, string>; rawBody?: RequestInit['body']; duplex?: 'half' } = {},
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.apiKey}`, ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers,
    body: init.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    ...(init.duplex ? { duplex: init.duplex } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  if (!response.ok) {
    const message =
      (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
      (text || response.statusText);
    throw new Error(ctx.t('requestFailed', { status: response.status, message }));
  }
  return parsed as T;
}
