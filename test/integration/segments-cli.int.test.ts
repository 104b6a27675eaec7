import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

/** `tessera segments list|preview|refresh` against a running Tessera, in both languages. */

let t: TestTessera;
let segmentId = '';
const target = (): string[] => ['--url', t.url, '--api-key', TEST_API_KEY];
const condition = { event: 'Product Viewed', count: { op: 'gte', value: 2 } };

beforeAll(async () => {
  t = await startTestTessera();
  const { writeKey } = await t.newSource('web');
  const batch = ['a', 'a', 'b'].map((u, i) => ({
    type: 'track',
    messageId: `cli-seg-${i}`,
    userId: u,
    event: 'Product Viewed',
  }));
  expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
  const r = await t.api('POST', '/api/v1/segments', { name: '浏览两次', condition, realtime: false });
  segmentId = r.body.id as string;
});
afterAll(async () => {
  await t.stop();
});

it('lists segments with their size and mode', async () => {
  const cli = spawnCli(['segments', 'list', ...target(), '--lang', 'en']);
  expect(await cli.exited, cli.output()).toBe(0);
  expect(cli.output()).toMatch(new RegExp(`${segmentId}\\s+batch\\s+active\\s+1\\s+浏览两次`));
  const zh = spawnCli(['segments', 'list', ...target(), '--lang', 'zh-CN']);
  expect(await zh.exited, zh.output()).toBe(0);
  expect(zh.output()).toContain('人数');
});

it('previews a condition from a file and refreshes segments', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-cli-')), 'condition.json');
  writeFileSync(file, JSON.stringify({ event: 'Product Viewed' }));
  const cli = spawnCli(['segments', 'preview', file, ...target(), '--lang', 'en']);
  expect(await cli.exited, cli.output()).toBe(0);
  expect(cli.output()).toMatch(/^2 people match now/m);
  const refresh = spawnCli(['segments', 'refresh', segmentId, ...target(), '--lang', 'zh-CN']);
  expect(await refresh.exited, refresh.output()).toBe(0);
  expect(refresh.output()).toContain(`${segmentId}：1 人，新进入 0 人，退出 0 人`);
});
