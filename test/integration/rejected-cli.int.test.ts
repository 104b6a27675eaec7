import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

let t: TestTessera;
const dir = mkdtempSync(join(tmpdir(), 'tessera-rejected-cli-'));

beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<string> {
  const run = spawnCli(['rejected', ...args, '--url', t.url, '--api-key', TEST_API_KEY, '--lang', 'en']);
  expect(await run.exited, run.output()).toBe(0);
  return run.output();
}

it('rejected records are viewable and replayable from the CLI', async () => {
  const { writeKey } = await t.newSource('web');
  await t.collect(
    '/v1/batch',
    {
      batch: [
        { type: 'identify', messageId: 'cli-1', userId: 'u1', traits: { email: 'not-an-email' } },
        { type: 'track', messageId: 'cli-2', userId: 'u1' },
      ],
    },
    writeKey,
  );
  expect(await cli('summary')).toMatch(
    /invalid_email\t1[\s\S]*missing_event\t1|missing_event\t1[\s\S]*invalid_email\t1/,
  );
  const listed = await cli('list', '--json');
  const records = listed
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const bad = records.find((r) => r.payload.messageId === 'cli-2');
  expect(bad.reason).toMatch(/"event"/);

  const fixed = join(dir, 'fixed.json');
  writeFileSync(fixed, JSON.stringify({ ...bad.payload, event: 'Signed In' }));
  expect(await cli('replay', bad.id, '--payload', fixed)).toMatch(/Replayed 1: 1 accepted/);
  const stored = await t.api('GET', '/api/v1/events?messageId=cli-2');
  expect(stored.body.events[0].event).toBe('Signed In');

  // Still invalid under the current rules: stays open with its reason.
  expect(await cli('replay', '--code', 'invalid_email')).toMatch(
    /Replayed 1: 0 accepted, 0 already present, 1 still rejected/,
  );
  expect(await cli('list', '--code', 'invalid_email')).toMatch(/\[invalid_email\]/);
});
