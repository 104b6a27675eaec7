import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli, type RunningCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

/**
 * `tessera journeys …` against a running Tessera, in both languages. No channel is configured,
 * so the welcome email of each person who signs up is dead-lettered at once: that gives the
 * metrics a failed send and `dead-letters` something to list and requeue.
 */

let t: TestTessera;
let writeKey = '';
let journeyId = '';
const target = (): string[] => ['--url', t.url, '--api-key', TEST_API_KEY];

/** Runs the CLI and resolves with its exit code and everything it printed. */
async function run(...args: string[]): Promise<{ code: number | null; out: string }> {
  const cli: RunningCli = spawnCli([...args, ...target()]);
  const code = await cli.exited;
  return { code, out: cli.output() };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    await t.writer.settle();
    await t.identity.settle();
    await t.segments.flush();
    await t.journeys.idle();
  }
};

beforeAll(async () => {
  // No holdout: who is held out hangs on random profile ids, and the counts below are exact.
  t = await startTestTessera({ journeys: { holdoutShare: 0 } });
  writeKey = (await t.newSource('web')).writeKey;
});
afterAll(async () => {
  await t.stop();
});

it('creates a draft from a template, activates it and lists it', async () => {
  const created = await run(
    'journeys',
    'create',
    '--template',
    'welcome',
    '--name',
    '命令行欢迎',
    '--lang',
    'en',
  );
  expect(created.code, created.out).toBe(0);
  journeyId = /Draft journey (jny_[a-z0-9]+) created: 命令行欢迎/.exec(created.out)?.[1] ?? '';
  expect(journeyId, created.out).not.toBe('');

  const activated = await run('journeys', 'activate', journeyId, '--lang', 'zh-CN');
  expect(activated.code, activated.out).toBe(0);
  expect(activated.out).toContain(`${journeyId} 已启用（版本 2）`);

  const batch = ['c1', 'c2'].flatMap((u) => [
    { type: 'identify', messageId: `${u}-id`, userId: u, traits: { email: `${u}@mail.qingyan.cn` } },
    { type: 'track', messageId: `${u}-up`, userId: u, event: 'Signed Up' },
  ]);
  expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
  await settle();
  const listed = await run('journeys', 'list', '--lang', 'en');
  expect(listed.code, listed.out).toBe(0);
  expect(listed.out).toMatch(/^id\s+name\s+status\s+version\s+in it now$/m);
  expect(listed.out).toMatch(new RegExp(`^${journeyId}\\s+命令行欢迎\\s+active\\s+2\\s+2$`, 'm'));
});

it('prints the metrics for a terminal in zh-CN and en, and raw with --json', async () => {
  const [en, zh, json] = await Promise.all([
    run('journeys', 'metrics', journeyId, '--lang', 'en'),
    run('journeys', 'metrics', journeyId, '--lang', 'zh-CN'),
    run('journeys', 'metrics', journeyId, '--json'),
  ]);
  expect(en.code, en.out).toBe(0);
  for (const heading of ['Totals', 'Steps', 'A/B tests', 'Holdout', 'conversion rate', 'revenue per profile'])
    expect(en.out).toContain(heading);
  expect(en.out).toContain(`命令行欢迎 (${journeyId}): active, version 2`);
  expect(en.out).toMatch(/^ {2}entered\s+2$/m);
  expect(en.out).toMatch(
    /^ {2}step\s+kind\s+reached\s+waiting\s+sent\s+delivered\s+opened\s+clicked\s+failed$/m,
  );
  // Both welcome emails were dead-lettered (no email channel); both people wait 3 days.
  expect(en.out).toMatch(/^ {2}welcome_email\s+send\s+2\s+0\s+0\s+0\s+0\s+0\s+2$/m);
  expect(en.out).toMatch(/^ {2}wait_3d\s+wait\s+2\s+2\s+0\s+0\s+0\s+0\s+0$/m);
  expect(en.out).toContain('Nobody who entered is in the global holdout.');

  expect(zh.code, zh.out).toBe(0);
  for (const heading of ['总体', '各步骤', 'A/B 测试', '全局对照组', '转化率', '人均收入', '退出（按原因）'])
    expect(zh.out).toContain(heading);
  expect(zh.out).toMatch(/^ {2}步骤\s+类型\s+到达\s+等待中\s+已发送\s+已送达\s+已打开\s+已点击\s+失败$/m);

  expect(json.code, json.out).toBe(0);
  const metrics = JSON.parse(json.out) as {
    entered: number;
    waiting: number;
    steps: Array<{ failed: number }>;
  };
  expect(metrics).toMatchObject({ entered: 2, waiting: 2, holdout: null });
  expect(metrics.steps[0]?.failed).toBe(2);
});

it('lists the dead letters and requeues them', async () => {
  const retried = await run('journeys', 'dead-letters', '--retry', '--lang', 'en');
  expect(retried.code, retried.out).toBe(0);
  expect(retried.out.match(/the email channel is not configured for this workspace/g)).toHaveLength(2);
  expect(retried.out).toContain('Requeued 2 of the 2 dead letters listed.');
});

it('prints every issue of a bad definition file with its path, and fails on an unknown id', async () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'tessera-journeys-cli-')), 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({
      name: '坏的旅程',
      trigger: { kind: 'event', event: 'Signed Up' },
      start: 'nowhere',
      steps: { a: { kind: 'wait', next: 'b' } },
    }),
  );
  const [invalid, unknown] = await Promise.all([
    run('journeys', 'create', bad, '--lang', 'zh-CN'),
    run('journeys', 'metrics', 'jny_doesnotexist', '--lang', 'en'),
  ]);
  expect(invalid.code).toBe(1);
  expect(invalid.out).toContain('旅程未创建（422）');
  expect(invalid.out).toMatch(/^ {2}journey\.start: no step nowhere$/m);
  expect(invalid.out).toMatch(/^ {2}journey\.steps\.a: goes to b, which is no step$/m);
  expect(unknown.code).toBe(1);
  expect(unknown.out).toContain('Request failed (404): no journey jny_doesnotexist');
});
