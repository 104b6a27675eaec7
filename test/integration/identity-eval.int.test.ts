import { expect, it } from 'vitest';
import type { IdentityEvalReport } from '../../src/eval/identity-eval.js';
import { spawnCli } from '../support/process.js';

/**
 * `tessera eval identity`: the demo brand through the real pipeline into a temporary store, OneID
 * scored against its ground truth. The targets are asserted on a smaller demo than the
 * default one (same generator and proportions, another seed) so the suite stays quick.
 */

it('scores OneID on the demo ground truth within the targets, and no two people merged', async () => {
  const cli = spawnCli(['eval', 'identity', '--people', '600', '--seed', '11', '--json']);
  expect(await cli.exited, cli.output()).toBe(0);
  const r = JSON.parse(cli.output()) as IdentityEvalReport;
  expect(r.people).toBe(600);
  expect(r.scoredRecords).toBeGreaterThan(20_000);
  expect(r.scoredRecords + r.notStored).toBe(r.groundTruthRecords);

  expect(r.deterministic.precision).toBeGreaterThanOrEqual(0.999);
  expect(r.all.f1).toBeGreaterThanOrEqual(0.95);
  // Some of a person's fragments share no identifier at all (a cookie that never logged in):
  // the data caps recall. Of what it connects, OneID links all but the events that carry only a
  // family tablet's ids, which it will not give to either member of the household (about 1 %).
  expect(r.recallCeiling).toBeLessThan(1);
  expect(r.deterministic.recall).toBeLessThanOrEqual(r.recallCeiling + 1e-9);
  expect(r.attainable.deterministic.recall).toBeGreaterThanOrEqual(0.985);
  expect(r.attainable.all.truePairs).toBeCloseTo(r.all.truePairs * r.recallCeiling, 0);

  expect(r.mergedPeople).toBe(0);
  const hard = new Map(r.hardCases.map((h) => [h.tag, h]));
  for (const tag of ['shared_device', 'recycled_phone']) {
    expect(hard.get(tag)?.people, tag).toBeGreaterThan(0);
    expect(hard.get(tag)?.mergedPeople, tag).toBe(0);
  }
  // Fuzzy matching joins records that share no exact identifier, and costs no precision here.
  expect(r.fuzzyMerges).toBeGreaterThan(0);
  expect(r.all.recall).toBeGreaterThan(r.deterministic.recall);
});

it('prints the report as a table in the chosen language', async () => {
  const cli = spawnCli(['eval', 'identity', '--people', '60', '--seed', '5', '--lang', 'zh-CN']);
  expect(await cli.exited, cli.output()).toBe(0);
  const text = cli.output();
  expect(text).toContain('确定性关联');
  expect(text).toContain('含模糊匹配');
  expect(text).toContain('召回率上限');
  expect(text).toMatch(/疑难情形/);
});

it('names a bad --people value', async () => {
  const cli = spawnCli(['eval', 'identity', '--people', 'many', '--lang', 'en']);
  expect(await cli.exited).not.toBe(0);
  expect(cli.output()).toContain('--people must be a whole number');
});
