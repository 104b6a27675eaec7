import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

let t: TestTessera;
const out = mkdtempSync(join(tmpdir(), 'tessera-demo-cli-'));

beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t.stop();
  rmSync(out, { recursive: true, force: true });
});

const loadArgs = (): string[] => [
  'demo',
  '--people',
  '40',
  '--seed',
  '3',
  '--out',
  out,
  '--workers',
  '1',
  '--load',
  '--url',
  t.url,
  '--api-key',
  TEST_API_KEY,
  '--lang',
  'en',
];

it('tessera demo writes the files with ground truth and loads them into a running Tessera', async () => {
  const cli = spawnCli(loadArgs());
  expect(await cli.exited).toBe(0);
  expect(readdirSync(out).sort()).toEqual([
    'crm_members.csv',
    'events.jsonl',
    'ground_truth.csv',
    'manifest.json',
    'people.csv',
    'pos_orders.csv',
    'service_tickets.jsonl',
    'tmall_orders.csv',
  ]);
  const output = cli.output();
  expect(output).toMatch(/Demo brand written: 40 people/);
  const accepted = /events\.jsonl: (\d+) accepted/.exec(output);
  expect(Number(accepted?.[1])).toBeGreaterThan(100);
  expect(output).toMatch(/crm_members\.csv: \d+ records, \d+ accepted/);
  const events = await t.api('GET', '/api/v1/events?limit=1000');
  expect(events.body.events.length).toBeGreaterThan(100);
  // Loading the same files again changes nothing (message ids and natural keys).
  const again = spawnCli(loadArgs());
  expect(await again.exited).toBe(0);
  expect(again.output()).toMatch(/events\.jsonl: 0 accepted/);
});
