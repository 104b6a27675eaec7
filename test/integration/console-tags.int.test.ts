import { mkdirSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  ensureConsoleBuilt,
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
} from '../support/console.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';

/**
 * The console's tags pages in Chromium against a Tessera with the demo brand: the catalogue by
 * category with each tag's coverage as the API computes it, the templates, and a template tag
 * tuned in the editor — its preview equal to the API's preview of the same definition, saved as
 * a new version that the version history then shows and compares; a rule tag's condition built
 * in the visual editor, its live count against the preview API, the guard on leaving it unsaved.
 */

let t: TestTessera;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

interface ValueCount {
  value: unknown;
  profiles: number;
}

const shot = (name: string) => screenshot(page, name);
const percent = (n: number) =>
  new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(n);
const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));
/** Value counts as a comparable list, whatever order they come in. */
const sorted = (rows: ValueCount[]) => rows.map((r) => `${JSON.stringify(r.value)}=${r.profiles}`).sort();

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, {
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
    timeout: 15_000,
  }));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('console: tags', () => {
  it('shows the catalogue by category with the coverage the API computes', async () => {
    await page.goto(t.url);
    await page.getByLabel(/用户名/).fill('admin');
    await page.getByLabel(/密码/).fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    // What the catalogue asks the server: the list with its figures, not one read per tag.
    const asked: string[] = [];
    const onRequest = (r: { url: () => string }) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/v1/tags')) asked.push(path + new URL(r.url()).search);
    };
    page.on('request', onRequest);
    await page.getByRole('menuitem', { name: '标签' }).click();
    await page.waitForURL(/\/tags$/);
    await page.getByRole('heading', { name: '标签' }).waitFor();
    await page.getByTestId('tags-table').waitFor();

    const categories = (await t.api('GET', '/api/v1/tag-categories')).body.categories as Array<{
      key: string;
      name: { 'zh-CN': string };
    }>;
    const tags = (await t.api('GET', '/api/v1/tags')).body.tags as Array<{
      key: string;
      definition: { category: string };
    }>;
    const filter = page.getByTestId('tag-category-filter');
    for (const c of categories) {
      const n = tags.filter((x) => x.definition.category === c.key).length;
      await filter.getByText(`${c.name['zh-CN']} (${n})`).waitFor();
    }

    // Every tag's coverage on the page is the API's figure.
    for (const tag of tags) {
      const stats = (await t.api('GET', `/api/v1/tags/${tag.key}`)).body.stats;
      await expect
        .poll(() => page.getByTestId(`tag-coverage-${tag.key}`).textContent())
        .toBe(percent(stats.coverage));
    }
    await page.getByRole('img', { name: '各标签覆盖率' }).waitFor();
    await page.getByRole('img', { name: /^取值分布：/ }).waitFor();
    await shot('tags-catalogue');
    page.off('request', onRequest);
    expect(asked).toEqual(['/api/v1/tags?stats=true']);

    // One category: exactly the API's tags of that category.
    const value = categories.find((c) => c.key === 'value')!;
    await filter.getByText(new RegExp(`^${value.name['zh-CN']} \\(`)).click();
    const expected = (
      (await t.api('GET', '/api/v1/tags?category=value')).body.tags as Array<{ key: string }>
    ).map((x) => x.key);
    await expect
      .poll(async () =>
        (
          await page
            .getByTestId('tags-table')
            .locator('tbody tr[data-row-key]')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')))
        ).sort(),
      )
      .toEqual([...expected].sort());
  });

  it('lists the built-in templates with their state and parameters', async () => {
    await page.getByRole('tab', { name: '模板' }).click();
    await page.waitForURL(/\/tags\?tab=templates$/);
    const row = page.getByTestId('templates-table').locator('tr[data-row-key="lifecycle_stage"]');
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('新客天数');
    expect(text).toContain('启用');
    await page.getByTestId('tune-lifecycle_stage').click();
    const modal = page.getByTestId('tune-modal');
    await modal.getByText('默认：30').waitFor();
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();
  });

  it('tunes a template tag, previews it as the API does, and saves a new version', async () => {
    await page.getByRole('tab', { name: '标签目录' }).click();
    await page
      .getByTestId('tag-category-filter')
      .getByText(/^全部 \(/)
      .click();
    await page.getByTestId('tag-link-lifecycle_stage').click();
    await page.waitForURL(/\/tags\/lifecycle_stage$/);
    const tag = (await t.api('GET', '/api/v1/tags/lifecycle_stage')).body;
    await page.getByTestId('tag-title').filter({ hasText: '生命周期阶段' }).waitFor();
    await expect.poll(() => page.getByTestId('tag-coverage').textContent()).toBe(percent(tag.stats.coverage));
    const before = (await t.api('GET', '/api/v1/tags/lifecycle_stage/versions')).body.versions.length;

    // The parameter form comes from the spec; 60 days for a new customer instead of 30.
    const newDays = page.getByRole('spinbutton', { name: /新客天数/ });
    await expect.poll(() => newDays.inputValue()).toBe(String(tag.definition.spec.newDays));
    await newDays.fill('60');
    await page.getByTestId('tag-preview-button').click();
    const preview = page.getByTestId('tag-preview');
    await preview.locator('tr[data-value]').first().waitFor();

    const definition = { ...tag.definition, spec: { ...tag.definition.spec, newDays: 60 } };
    const api = await t.api('POST', '/api/v1/tags/preview', { definition });
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    const shown = await preview.locator('tr[data-value]').evaluateAll((rows) =>
      rows.map((r) => ({
        value: JSON.parse(r.getAttribute('data-value') ?? 'null') as unknown,
        text: r.querySelector('td.preview-profiles')?.textContent ?? '',
      })),
    );
    expect(sorted(shown.map((r) => ({ value: r.value, profiles: digits(r.text) })))).toEqual(
      sorted(api.body.values),
    );
    expect(await page.getByTestId('preview-coverage').textContent()).toContain(percent(api.body.coverage));
    await shot('tag-editor');

    await page.getByTestId('tag-save-button').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /保\s*存/ })
      .click();
    await page.getByTestId('tag-saved').waitFor();
    const versions = (await t.api('GET', '/api/v1/tags/lifecycle_stage/versions')).body.versions as Array<{
      version: number;
      definition: { spec: { newDays: number } };
    }>;
    expect(versions.length).toBe(before + 1);
    expect(versions[0]!.definition.spec.newDays).toBe(60);

    // The version history shows the new version and what changed.
    await page.getByRole('tab', { name: '版本历史' }).click();
    const table = page.getByTestId('tag-versions');
    await table.locator(`tr[data-row-key="${versions[0]!.version}"]`).waitFor();
    expect(await table.locator('tbody tr[data-row-key]').count()).toBe(versions.length);
    const diff = page.getByTestId('version-diff');
    await diff.locator('[data-diff="add"]').filter({ hasText: '"newDays": 60' }).waitFor();
    await diff.locator('[data-diff="del"]').filter({ hasText: '"newDays": 30' }).waitFor();
    await shot('tag-versions');
  });

  it('builds a rule tag’s condition in the visual editor, asks before leaving it, and saves it', async () => {
    const stats = (await t.api('GET', '/api/v1/tags/lifecycle_stage')).body.stats as {
      values: ValueCount[];
    };
    const stage = stats.values.find((v) => v.value !== '潜客' && v.profiles > 0)!.value as string;
    const created = await t.api('POST', '/api/v1/tags', {
      key: 'console_rule',
      name: { 'zh-CN': '控制台规则', en: 'Console rule' },
      category: 'behaviour',
      spec: { kind: 'rule', condition: { trait: 'city', op: 'exists' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${t.url}/tags/console_rule`);
    await page.getByTestId('tag-title').filter({ hasText: '控制台规则' }).waitFor();
    const editor = page.getByTestId('condition-0');
    const node = (path: string) => editor.getByTestId(`builder-node-${path}`);
    expect(await node('root').getAttribute('data-kind')).toBe('trait');

    // city exists AND lifecycle_stage = stage
    await editor.getByTestId('builder-wrap-root').click();
    expect(await node('root').getAttribute('data-kind')).toBe('group');
    await editor.getByTestId('builder-add-root').click();
    await page.getByRole('menuitem', { name: '标签', exact: true }).click();
    await node('root.1').getByRole('combobox', { name: '标签' }).fill('lifecycle_stage');
    await node('root.1').getByRole('combobox', { name: '标签' }).press('Enter');
    await node('root.1').getByRole('combobox', { name: '值', exact: true }).fill(stage);
    await node('root.1').getByRole('combobox', { name: '值', exact: true }).press('Escape');
    const condition = {
      all: [
        { trait: 'city', op: 'exists' },
        { tag: 'lifecycle_stage', op: 'eq', value: stage },
      ],
    };
    await editor.getByTestId('segment-json-toggle').click();
    expect(JSON.parse((await editor.getByTestId('segment-condition-json').textContent()) ?? 'null')).toEqual(
      condition,
    );
    // How many get "yes" now: the preview API's count of the same condition.
    const api = await t.api('POST', '/api/v1/segments/preview', { condition });
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    expect(api.body.count).toBeGreaterThan(0);
    const count = editor.locator(
      `[data-testid="condition-count"][data-state="ready"][data-for='${JSON.stringify(condition)}']`,
    );
    await count.waitFor({ timeout: 30_000 });
    expect(Number(await count.getAttribute('data-count'))).toBe(api.body.count);
    // The JSON mode shows the same condition as text.
    await editor.getByTestId('condition-mode').getByText('JSON').click();
    expect(JSON.parse(await editor.getByTestId('condition-json-text').inputValue())).toEqual(condition);
    await editor.getByTestId('condition-mode').getByText('可视化').click();
    await node('root.1').waitFor();
    await shot('tag-rule-builder');

    // Unsaved: the Segments menu asks, and staying keeps the edit.
    await page.getByRole('menuitem', { name: '人群' }).click();
    const dialog = page.locator('.ant-modal-confirm');
    await dialog.locator('.ant-modal-confirm-title', { hasText: '放弃未保存的修改？' }).waitFor();
    await dialog.getByRole('button', { name: '留下继续编辑' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/\/tags\/console_rule$/);

    await page.getByTestId('tag-save-button').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /保\s*存/ })
      .click();
    await page.getByTestId('tag-saved').waitFor();
    const versions = (await t.api('GET', '/api/v1/tags/console_rule/versions')).body.versions as Array<{
      version: number;
      definition: { spec: { kind: string; condition: unknown } };
    }>;
    expect(versions[0]!.version).toBe(2);
    expect(versions[0]!.definition.spec).toEqual({ kind: 'rule', condition });
    // Saved, leaving no longer asks.
    await page.getByRole('menuitem', { name: '人群' }).click();
    await page.waitForURL(/\/segments$/);
  });

  it('lists who holds a manual tag, gives it to a list, and takes it from one person and from a list', async () => {
    const created = await t.api('POST', '/api/v1/tags', {
      key: 'console_manual',
      name: { 'zh-CN': '活动名单', en: 'Event list' },
      category: 'value',
      spec: { kind: 'manual' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sample = (await t.api('POST', '/api/v1/segments/preview', { condition: { all: [] }, sample: 3 }))
      .body.sample as Array<{ profileId: string }>;
    const [p1, p2, p3] = sample.map((s) => s.profileId);
    expect(p3).toBeDefined();
    const holders = async () =>
      (
        (await t.api('GET', '/api/v1/tags/console_manual/assignments')).body.assignments as Array<{
          profileId: string;
          value: unknown;
        }>
      )
        .map((a) => `${a.profileId}=${JSON.stringify(a.value)}`)
        .sort();

    await page.goto(`${t.url}/tags/console_manual?tab=assignments`);
    const card = page.getByTestId('tag-assignments');
    await card.getByText('还没有人被打上这个标签').waitFor();
    // Give it to three people with a value.
    await card.getByRole('textbox', { name: '用户（每行一个）' }).fill(`${p1}\n${p2}\n${p3}`);
    await card.getByRole('textbox', { name: '标签值' }).fill('双12');
    await card.getByRole('button', { name: /user-add 打\s*标$/ }).click();
    await card.getByText('已打标 3 人，0 行未找到').waitFor();
    const table = page.getByTestId('tag-holders');
    for (const id of [p1, p2, p3]) await table.getByRole('cell', { name: id!, exact: true }).waitFor();
    expect(await holders()).toEqual([p1, p2, p3].map((id) => `${id}="双12"`).sort());

    // One person, from the table.
    await table
      .locator('tr')
      .filter({ hasText: p1! })
      .getByRole('button', { name: /移\s*除/ })
      .click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /移\s*除/ })
      .click();
    await table.getByRole('cell', { name: p1!, exact: true }).waitFor({ state: 'detached' });
    expect(await holders()).toEqual([p2, p3].map((id) => `${id}="双12"`).sort());
    await page.getByTestId('tag-holders-total').getByText('2 人通过手动打标拥有此标签').waitFor();

    // Another, from a list; a line nobody matches is reported.
    await card.getByText('移除标签', { exact: true }).click();
    await card.getByRole('textbox', { name: '用户（每行一个）' }).fill(`${p2}\nphone:13900000000`);
    await card.getByRole('button', { name: '移除这些用户' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '移除这些用户' }).click();
    await card.getByText('已移除 1 人，1 行未找到').waitFor();
    await card.getByRole('cell', { name: '2', exact: true }).waitFor();
    await table.getByRole('cell', { name: p2!, exact: true }).waitFor({ state: 'detached' });
    expect(await holders()).toEqual([`${p3}="双12"`]);
    await shot('tag-assignments');

    // After a refresh the profiles carry what the list says.
    await t.api('POST', '/api/v1/tags/refresh', { keys: ['console_manual'] });
    const tagOf = async (id: string) =>
      ((await t.api('GET', `/api/v1/profiles/${id}`)).body.tags as Record<string, unknown>).console_manual;
    expect(await tagOf(p1!)).toBeUndefined();
    expect(await tagOf(p2!)).toBeUndefined();
    expect(await tagOf(p3!)).toBe('双12');
  });

  it('raised no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
