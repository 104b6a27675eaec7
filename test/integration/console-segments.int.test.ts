import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionFromTree,
  newGroup,
  newLeaf,
  treeFromCondition,
  updateNode,
} from '../../console/src/features/segments/condition-tree.js';
import { treeIssues } from '../../console/src/features/segments/condition-check.js';
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
 * The console's segments in a real browser against a Tessera with the demo brand: a nested
 * condition built in the visual builder (a behavioural condition with a count and a window, AND
 * an OR group of a trait and a tag), its live count against the preview API, saving it, a new
 * version with a NOT, and the members, size history, overlap, export and versions views; a
 * viewer's pickers offer the stored event names with their counts (GET /api/v1/schema).
 * Screenshots go to test-artifacts/console/segment-*.png.
 */

const VIEWER_PASSWORD = 'read-only-secret-0123';

let t: TestTessera;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const zh = new Intl.NumberFormat('zh-CN');

/** The values the condition uses, checked against the demo data through the API first. */
let city: string;
let stage: string;
let created: string;

const shot = (name: string) => screenshot(page, name);

const preview = async (condition: unknown): Promise<number> => {
  const r = await t.api('POST', '/api/v1/segments/preview', { condition });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.count as number;
};

async function login(p: Page, username: string, password: string): Promise<void> {
  await p.getByLabel(/用户名|Username/).fill(username);
  await p.getByLabel(/密码|Password/).fill(password);
  await p.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

const node = (path: string): Locator => page.getByTestId(`builder-node-${path}`);

async function addLeaf(group: string, kind: string): Promise<void> {
  await page.getByTestId(`builder-add-${group}`).click();
  await page.getByRole('menuitem', { name: kind, exact: true }).click();
}

/** The JSON the page shows under the builder. */
async function shownCondition(): Promise<unknown> {
  const pre = page.getByTestId('segment-condition-json');
  if (!(await pre.isVisible())) await page.getByTestId('segment-json-toggle').click();
  return JSON.parse((await pre.textContent()) ?? 'null');
}

/** The live count once it is the answer for `condition`. */
async function liveCount(condition: unknown): Promise<string> {
  const count = page.locator(
    `[data-testid="segment-preview-count"][data-state="ready"][data-for='${JSON.stringify(condition).replace(/'/g, "\\'")}']`,
  );
  await count.waitFor({ timeout: 30_000 });
  return (await count.textContent()) ?? '';
}

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  const viewer = await t.api('POST', '/api/v1/users', {
    username: 'viewer',
    displayName: '只读用户',
    role: 'viewer',
    password: VIEWER_PASSWORD,
  });
  expect(viewer.status, JSON.stringify(viewer.body)).toBe(201);

  // A city and a lifecycle stage the demo people have (names come as 上海市 or 上海 by source).
  const shanghai = ['上海市', '上海'];
  const counts = await Promise.all(shanghai.map((c) => preview({ trait: 'city', op: 'eq', value: c })));
  city = shanghai[counts.findIndex((n) => n > 0)]!;
  expect(city).toBeDefined();
  const tag = await t.api('GET', '/api/v1/tags/lifecycle_stage');
  const values = (tag.body.stats.values as Array<{ value: string; profiles: number }>).filter(
    (v) => v.value !== '潜客',
  );
  stage = values[0]!.value;
  expect(values[0]!.profiles).toBeGreaterThan(0);

  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, {
    locale: 'zh-CN',
    viewport: { width: 1440, height: 1000 },
    timeout: 20_000,
  }));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the builder model', () => {
  it('reads every condition into a tree and writes back exactly the same JSON, which the server accepts', async () => {
    const demo = (await t.api('GET', '/api/v1/segments')).body.segments as Array<{ condition: unknown }>;
    const conditions: unknown[] = [
      ...demo.map((s) => s.condition),
      { all: [] },
      { any: [] },
      { not: { not: { trait: 'city', op: 'exists' } } },
      { trait: 'birthday', op: 'birthday_within', value: '7d' },
      { trait: 'orders', op: 'between', value: [2, 5] },
      { trait: 'registered_at', op: 'before', value: '2025-06-18' },
      { trait: 'registered_at', op: 'after', value: '90d' },
      { tag: 'lifecycle_stage', op: 'nin', value: ['流失', '沉睡'] },
      {
        event: ['Order Completed'],
        within: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00+08:00' },
      },
      {
        event: ['Product Viewed', 'Product Added'],
        where: [
          { property: 'category', op: 'in', value: ['skincare', 'makeup'] },
          { property: 'price', op: 'gte', value: 100 },
        ],
        avg: { property: 'price', op: 'between', value: [50, 500] },
        within: '90d',
      },
      { event: 'Order Completed', where: [], sum: { property: 'revenue', op: 'gt', value: 1000 } },
      { sequence: [{ event: 'Checkout Started' }, { event: 'Order Completed' }], within: '3h' },
      {
        any: [
          {
            not: {
              all: [
                { trait: 'gender', op: 'eq', value: 'female' },
                { tag: 'rfm_r', op: 'gte', value: 4 },
              ],
            },
          },
          { event: 'Signed Up', count: { op: 'eq', value: 0 }, within: '30d' },
        ],
      },
    ];
    for (const c of conditions) {
      const tree = treeFromCondition(c);
      expect(conditionFromTree(tree)).toEqual(c);
      expect(treeIssues(tree), JSON.stringify(c)).toEqual([]);
      const r = await t.api('POST', '/api/v1/segments/preview', { condition: conditionFromTree(tree) });
      expect(r.status, `${JSON.stringify(c)}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    // What the builder cannot show stays as it is.
    const odd = { all: [{ trait: 'city', op: 'eq', value: 'x', extra: 1 }, 42] };
    expect(conditionFromTree(treeFromCondition(odd))).toEqual(odd);
    // Edits: a fresh leaf is flagged until it is complete.
    const root = newGroup('all', [newLeaf('trait')]);
    const leaf = root.children[0]!;
    expect(treeIssues(root).map((i) => i.code)).toEqual(['keyRequired', 'valueRequired']);
    const done = updateNode(root, leaf.id, (n) => ({ ...n, key: 'city', value: city }));
    expect(treeIssues(done)).toEqual([]);
    expect(conditionFromTree(done)).toEqual({ all: [{ trait: 'city', op: 'eq', value: city }] });
  });
});

describe('segments in the console', () => {
  it('builds a nested behavioural condition whose live count is the preview API count', async () => {
    await page.goto(`${t.url}/segments`);
    await login(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('heading', { name: '人群' }).waitFor();
    await page.locator('.ant-table').first().waitFor();
    await page.getByRole('link', { name: '重要价值客户' }).waitFor();
    await shot('segment-list');
    await page.getByTestId('segment-new').click();
    await page.waitForURL(/\/segments\/new$/);
    await page.getByLabel('名称').fill('上海或活跃的买家');

    // (Order Completed at least once in the last 365 days) AND (city = 上海市 OR lifecycle_stage = stage)
    await addLeaf('root', '行为事件');
    const event = node('root.0');
    await event.getByRole('combobox', { name: '事件' }).fill('Order Completed');
    await event.getByRole('combobox', { name: '事件' }).press('Enter');
    await event.getByRole('combobox', { name: '事件' }).press('Escape');
    await event.getByRole('spinbutton', { name: '窗口长度' }).fill('365');
    await event.getByRole('spinbutton', { name: '次数或数值' }).fill('1');

    await page.getByTestId('builder-add-group-root').click();
    expect(await node('root.1').getAttribute('data-kind')).toBe('group');
    await addLeaf('root.1', '用户属性');
    const trait = node('root.1.0');
    await trait.getByRole('combobox', { name: '属性', exact: true }).fill('city');
    await trait.getByRole('combobox', { name: '属性', exact: true }).press('Escape');
    await trait.getByRole('combobox', { name: '值', exact: true }).fill(city);
    await trait.getByRole('combobox', { name: '值', exact: true }).press('Escape');

    await addLeaf('root.1', '标签');
    const tag = node('root.1.1');
    await tag.getByRole('combobox', { name: '标签' }).fill('lifecycle_stage');
    await tag.getByRole('combobox', { name: '标签' }).press('Enter');
    await tag.getByRole('combobox', { name: '值', exact: true }).fill(stage);
    await tag.getByRole('combobox', { name: '值', exact: true }).press('Escape');

    const condition = await shownCondition();
    expect(condition).toEqual({
      all: [
        { event: 'Order Completed', within: '365d', count: { op: 'gte', value: 1 } },
        {
          any: [
            { trait: 'city', op: 'eq', value: city },
            { tag: 'lifecycle_stage', op: 'eq', value: stage },
          ],
        },
      ],
    });
    const count = await preview(condition);
    expect(count).toBeGreaterThan(0);
    expect(await liveCount(condition)).toBe(zh.format(count));
    await page.getByTestId('segment-preview-sample').waitFor();
    expect(await page.getByTestId('builder-issues').count()).toBe(0);
    await shot('segment-builder');

    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/segments\/seg_[a-z0-9]+$/);
    created = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByTestId('segment-title').filter({ hasText: '上海或活跃的买家' }).waitFor();
    const saved = (await t.api('GET', `/api/v1/segments/${created}`)).body;
    expect(saved.condition).toEqual(condition);
    expect(saved.size).toBe(count);
    expect(saved.version).toBe(1);
  });

  it('shows the members, the size history and the overlap', async () => {
    const s = (await t.api('GET', `/api/v1/segments/${created}`)).body;
    const first = (await t.api('GET', `/api/v1/segments/${created}/members?limit=100`)).body
      .members as Array<{
      profileId: string;
    }>;
    await page.getByRole('tab', { name: '成员' }).click();
    const rows = page.getByTestId('segment-members').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(first.length);
    expect(await rows.first().locator('td').first().textContent()).toBe(first[0]!.profileId);
    // The city column holds the trait; the page asks for it by default.
    await page.getByRole('columnheader', { name: 'city' }).waitFor();
    await shot('segment-members');

    await page.getByRole('tab', { name: '规模变化' }).click();
    await page.getByRole('img', { name: '人群规模变化图' }).waitFor();
    const sizes = (await t.api('GET', `/api/v1/segments/${created}/sizes`)).body.sizes;
    expect(sizes.at(-1).size).toBe(s.size);
    await page
      .getByRole('cell', { name: zh.format(s.size), exact: true })
      .first()
      .waitFor();
    await shot('segment-sizes');

    const other = (await t.api('GET', '/api/v1/segments')).body.segments.find(
      (x: { name: string }) => x.name === '重要价值客户',
    );
    const o = (await t.api('GET', `/api/v1/segments/${created}/overlap/${other.id}`)).body;
    await page.getByRole('tab', { name: '重合度' }).click();
    const pick = page.getByRole('combobox', { name: '对比人群' });
    await pick.fill('重要价值客户');
    await pick.press('Enter');
    const overlap = page.getByTestId('segment-overlap');
    await overlap.waitFor();
    expect(await overlap.locator('.ant-statistic').first().textContent()).toBe(
      `两者都在${zh.format(o.both)}`,
    );
    expect(await overlap.textContent()).toContain(
      new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(o.jaccard),
    );
    await shot('segment-overlap');
  });

  it('shows the TGI of each value of a tag as the API computes it', async () => {
    const api = (await t.api('GET', `/api/v1/segments/${created}/tgi?tag=lifecycle_stage`)).body as {
      size: number;
      values: Array<{ value: string; members: number; tgi: number | null }>;
    };
    expect(api.values.length).toBeGreaterThan(1);
    await page.getByRole('tab', { name: 'TGI 洞察' }).click();
    const table = page.getByTestId('segment-tgi');
    await table.waitFor();
    await page.getByRole('img', { name: '各取值的 TGI' }).waitFor();
    // Highest TGI first, each value's figure rounded as the page shows it.
    const shown = await table
      .locator('tbody tr.ant-table-row')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.querySelector('td')?.textContent,
          r.querySelector('[data-tgi]')?.getAttribute('data-tgi') ?? null,
        ]),
      );
    expect(shown).toEqual(
      api.values.map((v) => [v.value, v.tgi === null ? null : String(Math.round(v.tgi))]),
    );
    await shot('segment-tgi');
  });

  it('exports the members as CSV', async () => {
    await page.getByRole('tab', { name: '导出' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('segment-export').click(),
    ]);
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(['profile_id', 'phone']);
    const members = (await t.api('GET', `/api/v1/segments/${created}/members?limit=1000`)).body
      .members as Array<{
      profileId: string;
    }>;
    expect(parsed.data.map((r) => r.profile_id).sort()).toEqual(members.map((m) => m.profileId).sort());
    await page
      .getByText(`已导出 ${zh.format(members.length)} 行`)
      .first()
      .waitFor();
    await shot('segment-export');
  });

  it('saves a NOT on the OR group as a new version', async () => {
    await page.getByRole('tab', { name: '定义' }).click();
    await node('root.1').getByRole('checkbox', { name: '不满足' }).first().check();
    const condition = await shownCondition();
    expect(condition).toEqual({
      all: [
        { event: 'Order Completed', within: '365d', count: { op: 'gte', value: 1 } },
        {
          not: {
            any: [
              { trait: 'city', op: 'eq', value: city },
              { tag: 'lifecycle_stage', op: 'eq', value: stage },
            ],
          },
        },
      ],
    });
    const count = await preview(condition);
    expect(await liveCount(condition)).toBe(zh.format(count));
    await page.getByTestId('segment-save').click();
    await page.getByText('已保存为版本 2').waitFor();
    const saved = (await t.api('GET', `/api/v1/segments/${created}`)).body;
    expect(saved.version).toBe(2);
    expect(saved.condition).toEqual(condition);
    expect(saved.size).toBe(count);
    await page.getByRole('tab', { name: '版本' }).click();
    await page.getByRole('cell', { name: /^v1/ }).waitFor();
    await page.getByRole('cell', { name: /^v2/ }).waitFor();
    await shot('segment-versions');
  });

  it('opens a segment from the list, and a viewer cannot change it', async () => {
    await page.goto(`${t.url}/segments`);
    await page.getByRole('link', { name: '上海或活跃的买家' }).click();
    await page.waitForURL(new RegExp(`/segments/${created}$`));
    await page.getByTestId('segment-preview-count').waitFor();

    const { context: ctx, page: p } = await openTab(browser, pageErrors, {
      locale: 'zh-CN',
      viewport: { width: 1440, height: 1000 },
      timeout: 20_000,
    });
    try {
      await p.goto(`${t.url}/segments`);
      await login(p, 'viewer', VIEWER_PASSWORD);
      await p.getByRole('link', { name: '上海或活跃的买家' }).waitFor();
      expect(await p.getByTestId('segment-new').count()).toBe(0);
      await p.getByRole('link', { name: '上海或活跃的买家' }).click();
      await p.getByTestId('segment-preview-count').waitFor();
      expect(await p.getByTestId('segment-save').count()).toBe(0);
      // The pickers come from the data for a viewer too: event names with how often they happened.
      const schema = (await t.api('GET', '/api/v1/schema')).body as {
        events: Array<{ name: string; count: number }>;
      };
      const orders = schema.events.find((e) => e.name === 'Order Completed')!;
      expect(orders.count).toBeGreaterThan(0);
      await p.getByTestId('builder-node-root.0').getByRole('combobox', { name: '事件' }).click();
      await p
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: 'Order Completed' })
        .filter({ hasText: zh.format(orders.count) })
        .waitFor();
      expect(await p.getByTestId('segment-actions').count()).toBe(0);
    } finally {
      await p.screenshot({
        path: join(ARTIFACTS, 'segment-viewer.png'),
        fullPage: true,
        animations: 'disabled',
      });
      await ctx.close();
    }
  });

  it('raised no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
