import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

/**
 * Rotating a source's write key through the API against a real Tessera: the new key works at
 * once, the old one stops now or at the end of its grace period (kept across a restart), and
 * every rotation is audited. The clock is a manual one, so "two hours later" is exact.
 */

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'tessera-keys-'));
const clock = new ManualClock(Date.parse('2026-12-01T08:00:00Z'));
let t: TestTessera;
let n = 0;

const track = async (writeKey: string): Promise<number> =>
  (
    await t.collect(
      '/v1/track',
      {
        userId: 'u-keys',
        event: 'Key Checked',
        messageId: `keys-${++n}`,
        timestamp: new Date(clock.now()).toISOString(),
      },
      writeKey,
    )
  ).status;

afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('write key rotation', () => {
  let id: string;
  let first: string;
  let second: string;

  it('gives a new key that works at once; without a grace the old one stops now', async () => {
    t = await startTestTessera({}, dir, { clock });
    ({ id, writeKey: first } = await t.newSource('app-ios'));
    expect(await track(first)).toBe(200);
    const rotated = await t.api('POST', `/api/v1/sources/${id}/rotate-key`, {});
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    second = rotated.body.writeKey as string;
    expect(second).not.toBe(first);
    expect(rotated.body.retiredKeys).toEqual([]);
    expect(await track(second)).toBe(200);
    expect(await track(first)).toBe(401);
    // The list shows the new key's hint, never a key.
    const listed = (await t.api('GET', '/api/v1/sources')).body.sources.find(
      (s: { id: string }) => s.id === id,
    );
    expect(listed.writeKeyHint).toBe(rotated.body.writeKeyHint);
    expect(JSON.stringify(listed)).not.toContain(second);
  });

  it('keeps the old key for its grace period, across a restart, then refuses it', async () => {
    clock.advance(60_000);
    const rotated = await t.api('POST', `/api/v1/sources/${id}/rotate-key`, { graceHours: 2 });
    expect(rotated.status).toBe(200);
    const third = rotated.body.writeKey as string;
    expect(rotated.body.retiredKeys).toEqual([
      { hint: expect.any(String), expiresAt: new Date(clock.now() + 2 * HOUR).toISOString() },
    ]);
    expect(await track(third)).toBe(200);
    expect(await track(second)).toBe(200);
    expect(await track(first)).toBe(401);

    clock.advance(HOUR);
    await t.stop({ keepData: true });
    t = await startTestTessera({}, dir, { clock });
    expect(await track(second)).toBe(200);
    expect(await track(third)).toBe(200);

    clock.advance(HOUR);
    expect(await track(second)).toBe(401);
    expect(await track(third)).toBe(200);
    const listed = (await t.api('GET', '/api/v1/sources')).body.sources.find(
      (s: { id: string }) => s.id === id,
    );
    expect(listed.retiredKeys).toEqual([]);
  });

  it('rotates from the CLI too, printing the new key once and how long the old one lasts', async () => {
    clock.advance(60_000);
    const run = spawnCli([
      'sources',
      'rotate-key',
      id,
      '--grace-hours',
      '24',
      '--url',
      t.url,
      '--api-key',
      TEST_API_KEY,
      '--lang',
      'en',
    ]);
    expect(await run.exited, run.output()).toBe(0);
    const key = /\(shown only now\): (\S+)/.exec(run.output())?.[1];
    expect(key).toBeDefined();
    expect(await track(key!)).toBe(200);
    expect(run.output()).toContain(`keeps working until ${new Date(clock.now() + 24 * HOUR).toISOString()}`);
    const bad = spawnCli([
      'sources',
      'rotate-key',
      id,
      '--grace-hours',
      'soon',
      '--url',
      t.url,
      '--api-key',
      TEST_API_KEY,
      '--lang',
      'en',
    ]);
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('graceHours');
  });

  it('audits each rotation, and refuses a bad grace, an unknown source and a lesser role', async () => {
    const audit = (await t.api('GET', '/api/v1/audit?action=source.rotate_key')).body.entries as Array<{
      target: string;
      detail: { graceHours: number };
    }>;
    expect(audit.map((e) => [e.target, e.detail.graceHours])).toEqual([
      [id, 24],
      [id, 2],
      [id, 0],
    ]);
    const tooLong = await t.api('POST', `/api/v1/sources/${id}/rotate-key`, { graceHours: 169 });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toContain('graceHours');
    expect((await t.api('POST', '/api/v1/sources/src_nosuch/rotate-key', {})).status).toBe(404);
    const marketer = (await t.api('POST', '/api/v1/api-keys', { name: 'm', role: 'marketer' })).body
      .key as string;
    expect((await t.api('POST', `/api/v1/sources/${id}/rotate-key`, {}, marketer)).status).toBe(403);
  });
});
