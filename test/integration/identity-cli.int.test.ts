import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

/** `tessera profiles lookup` and `tessera rebuild identities` against a running Tessera. */

let t: TestTessera;

beforeAll(async () => {
  t = await startTestTessera();
  const { writeKey } = await t.newSource('web');
  const res = await t.collect(
    '/v1/batch',
    {
      batch: [
        {
          type: 'identify',
          messageId: 'cli-1',
          userId: 'u-cli',
          anonymousId: 'a-cli',
          traits: { phone: '13900139011' },
        },
        { type: 'track', messageId: 'cli-2', anonymousId: 'a-cli', event: 'Product Viewed' },
        { type: 'track', messageId: 'cli-3', anonymousId: 'someone-else', event: 'Product Viewed' },
      ],
    },
    writeKey,
  );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.stop();
});

const target = (): string[] => ['--url', t.url, '--api-key', TEST_API_KEY];

it('looks a profile up by any identifier, normalised, and lists its identifiers', async () => {
  const cli = spawnCli([
    'profiles',
    'lookup',
    '--type',
    'phone',
    '--value',
    '+86 139-0013-9011',
    ...target(),
  ]);
  expect(await cli.exited, cli.output()).toBe(0);
  const [id, ...rows] = cli.output().trim().split('\n');
  expect(id).toMatch(/^prof_/);
  expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 3))).toEqual(
    expect.arrayContaining([
      ['user_id', 'u-cli', '1'],
      ['anonymous_id', 'a-cli', '2'],
      ['phone', '+8613900139011', '1'],
    ]),
  );
});

it('names an identifier nobody has', async () => {
  const cli = spawnCli([
    'profiles',
    'lookup',
    '--type',
    'user_id',
    '--value',
    'nobody',
    ...target(),
    '--lang',
    'en',
  ]);
  expect(await cli.exited).not.toBe(0);
  expect(cli.output()).toMatch(/nobody|not found|no profile/i);
});

it('rebuilds the identity graph and reports that nothing changed under the same rules', async () => {
  const cli = spawnCli(['rebuild', 'identities', ...target(), '--lang', 'en']);
  expect(await cli.exited, cli.output()).toBe(0);
  expect(cli.output()).toMatch(
    /ws_default: 3 events re-resolved in [\d.]+s; profiles 2 → 2, identifiers 4 → 4/,
  );
  expect(cli.output()).toContain('0 profiles merged, 0 split, 0 identifiers moved');
  const zh = spawnCli(['rebuild', 'identities', ...target(), '--lang', 'zh-CN']);
  expect(await zh.exited, zh.output()).toBe(0);
  expect(zh.output()).toContain('条事件已重新识别');
});
