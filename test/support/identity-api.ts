import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ConfigInput } from '../../src/platform/config.js';
import { startTestTessera, type TestTessera } from './tessera.js';

/** Helpers of the OneID API suites: Tesseras on their own data directories, sending, lookups. */
const running: TestTessera[] = [];
const dirs: string[] = [];

/** Stops every Tessera a test booted and removes their data (call from afterEach). */
export async function stopAll(): Promise<void> {
  for (const t of running.splice(0)) await t.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A Tessera on a data directory this file owns (so a restart can reuse it). */
export async function boot(overrides: ConfigInput = {}, dataDir?: string): Promise<TestTessera> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-identity-'));
  if (!dataDir) dirs.push(dir);
  const t = await startTestTessera(overrides, dir);
  running.push(t);
  return t;
}

/** Closes a Tessera and starts another on the same data directory (optionally with other rules). */
export async function restart(t: TestTessera, overrides: ConfigInput = {}): Promise<TestTessera> {
  await t.stop();
  return boot(overrides, t.dataDir);
}

/** Minutes after a fixed instant, as the ISO string the API answers with. */
export const at = (minutes: number): string =>
  new Date(Date.UTC(2025, 2, 1, 8, 0) + minutes * 60_000).toISOString();

let messageNo = 0;

/** Sends messages through `POST /v1/batch`; every one must be accepted. */
export async function send(
  t: TestTessera,
  writeKey: string,
  messages: Array<Record<string, unknown>>,
): Promise<void> {
  const batch = messages.map((m) => ({ messageId: `idm-${++messageNo}`, ...m }));
  const res = await t.collect('/v1/batch', { batch }, writeKey);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ accepted: batch.length, duplicates: 0, rejected: [] });
}

export function lookup(t: TestTessera, type: string, value: string, apiKey?: string) {
  return t.api(
    'GET',
    `/api/v1/profiles/lookup?${new URLSearchParams({ type, value }).toString()}`,
    undefined,
    apiKey,
  );
}

/** The profile id holding an identifier (the lookup must find it). */
export async function profileOf(t: TestTessera, type: string, value: string): Promise<string> {
  const res = await lookup(t, type, value);
  expect(res.status, `${type} ${value}: ${JSON.stringify(res.body)}`).toBe(200);
  expect(res.body.profileId).toMatch(/^prof_/);
  return res.body.profileId as string;
}

export async function newKey(
  t: TestTessera,
  role: 'viewer' | 'analyst' | 'marketer' | 'admin',
): Promise<string> {
  const res = await t.api('POST', '/api/v1/api-keys', { name: `${role} key`, role });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

export async function stats(t: TestTessera): Promise<any> {
  const res = await t.api('GET', '/api/v1/identity/stats');
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * A CRM member and a Tmall buyer with no identifier in common: same name, same flat, another
 * phone (the Tmall one masked). Likely one person, not sure (≈ 0.73, score.ts calibration).
 */
export async function sendUnsurePair(t: TestTessera): Promise<{ crm: Source; tmall: Source }> {
  const crm = await t.newSource('crm');
  const tmall = await t.newSource('tmall');
  const address = '广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1201室';
  await send(t, crm.writeKey, [
    {
      type: 'identify',
      context: ctxIds('member_no', 'M-0001'),
      traits: { name: '王静', phone: '13800001111', address },
    },
  ]);
  await send(t, tmall.writeKey, [
    {
      type: 'track',
      event: 'Order Completed',
      context: ctxIds('taobao_id', 'tb_wangjing88'),
      traits: { name: '王 静', address, phone_masked: '136****6302' },
      properties: { order_id: 'TM-1', revenue: 199 },
    },
  ]);
  return { crm, tmall };
}

export type Source = { id: string; writeKey: string };

export function ctxIds(type: string, id: string): { externalIds: Array<{ type: string; id: string }> } {
  return { externalIds: [{ type, id }] };
}
