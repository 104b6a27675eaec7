import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startTessera, type Tessera } from '../../src/app.js';
import type { Clock } from '../../src/platform/clock.js';
import { loadConfig, type ConfigInput } from '../../src/platform/config.js';

export const TEST_API_KEY = 'tsk_test_bootstrap_key_0123456789';
/** The password of the console user `admin` every test Tessera starts with. */
export const TEST_ADMIN_PASSWORD = 'test-console-password-0123';

export interface TestTessera extends Tessera {
  dataDir: string;
  /** Creates a source and returns its write key. */
  newSource(name?: string): Promise<{ id: string; writeKey: string }>;
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    apiKey?: string,
  ): Promise<{ status: number; body: T }>;
  collect(path: string, body: unknown, writeKey: string): Promise<{ status: number; body: any }>;
  /** Closes and removes the data directory (unless keepData). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A real Tessera on a temporary data directory and a free port, with a known admin key and admin password. */
export async function startTestTessera(
  overrides: ConfigInput = {},
  dataDir?: string,
  options: { clock?: Clock } = {},
): Promise<TestTessera> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      demo: false,
      bootstrapApiKey: TEST_API_KEY,
      bootstrapAdminPassword: TEST_ADMIN_PASSWORD,
      ...overrides,
      // Scheduled tag refreshes off unless a test asks: refreshes here are explicit.
      tags: { scheduleCheckMs: 0, ...(overrides.tags ?? {}) },
      segments: { scheduleCheckMs: 0, ...(overrides.segments ?? {}) },
      // Journey timers run when a test ticks them, with no quiet hours unless it asks.
      journeys: { tickMs: 0, quietHours: null, ...(overrides.journeys ?? {}) },
      server: { port: 0, ...(overrides.server ?? {}) },
      log: { level: 'silent' },
    },
  });
  const tessera = await startTessera(config, { logger: pino({ level: 'silent' }), ...options });
  const api = async (method: string, path: string, body?: unknown, apiKey = TEST_API_KEY) => {
    const res = await fetch(`${tessera.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...tessera,
    dataDir: dir,
    api,
    async newSource(name = 'test source') {
      const res = await api('POST', '/api/v1/sources', { name });
      if (res.status !== 201)
        throw new Error(`source creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; writeKey: string };
    },
    async collect(path, body, writeKey) {
      const res = await fetch(`${tessera.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop(options = {}) {
      await tessera.close();
      if (!options.keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
