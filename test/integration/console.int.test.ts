import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
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
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real
 * Tessera serving console/dist, with a small demo brand loaded so every page has something to
 * show: login, the overview, the language switch, finding a person by phone and their 360°
 * profile, every other page, role-aware navigation, logout. A screenshot of each page goes to
 * test-artifacts/console/<page>.png, and the overview's first-load time to first-load.json
 * (a figure to read, not to assert here: timings belong to the bench).
 */

// Not 13800138000: the default identifier blocklist holds that well-known test number.
const PHONE = '13987650123';
const SOURCE = 'console-test-web';
const VIEWER_PASSWORD = 'read-only-secret-0123';
const ANALYST_PASSWORD = 'counts-only-secret-4567';

let t: TestTessera;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Uncaught errors in any console page: there should be none. */
const pageErrors: string[] = [];

const shot = (name: string) => screenshot(page, name);

async function login(p: Page, username: string, password: string): Promise<void> {
  await p.getByLabel(/用户名|Username/).fill(username);
  await p.getByLabel(/密码|Password/).fill(password);
  await p.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  const { writeKey } = await t.newSource(SOURCE);
  const identified = await t.collect(
    '/v1/identify',
    {
      userId: 'u-console-1',
      traits: { phone: PHONE, name: '王小明', city: '杭州', email: 'xiaoming@example.com' },
    },
    writeKey,
  );
  expect(identified.status).toBe(200);
  const tracked = await t.collect(
    '/v1/track',
    { userId: 'u-console-1', event: 'Product Viewed', properties: { sku: 'SKU-1', category: 'skincare' } },
    writeKey,
  );
  expect(tracked.status).toBe(200);
  const viewer = await t.api('POST', '/api/v1/users', {
    username: 'viewer',
    displayName: '只读用户',
    role: 'viewer',
    password: VIEWER_PASSWORD,
  });
  expect(viewer.status, JSON.stringify(viewer.body)).toBe(201);
  const analyst = await t.api('POST', '/api/v1/users', {
    username: 'analyst',
    displayName: '分析师',
    role: 'analyst',
    password: ANALYST_PASSWORD,
  });
  expect(analyst.status, JSON.stringify(analyst.body)).toBe(201);
  browser = await launchChromium();
  ({ context, page } = await openTab(browser, pageErrors, {
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
    timeout: 10_000,
  }));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('web console in Chromium', () => {
  it('shows the login page in Chinese and refuses a wrong password', async () => {
    await page.goto(t.url);
    await page.waitForURL(/\/login$/);
    await expect.poll(() => page.getByRole('heading', { name: '登录 Tessera' }).isVisible()).toBe(true);
    await login(page, 'admin', 'not-the-password');
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await shot('login');
  });

  it('logs in and the overview shows the people count and the charts', async () => {
    const overview = (await t.api('GET', '/api/v1/overview')).body;
    const people = new Intl.NumberFormat('zh-CN').format(overview.people);
    await login(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByTestId('overview-people').filter({ hasText: people }).waitFor();
    expect(await page.getByTestId('overview-people').textContent()).toBe(`用户数${people}`);
    expect(await page.getByTestId('overview-sources').textContent()).toContain(
      String(overview.sources.length),
    );
    expect(await page.getByTestId('current-user').textContent()).toContain('管理员');
    await page.getByRole('img', { name: '生命周期阶段' }).waitFor();
    await page.getByRole('img', { name: 'RFM 分类' }).waitFor();
    await page.getByRole('cell', { name: SOURCE }).waitFor();

    // A first load of the overview in a fresh tab (signed in, nothing cached).
    const fresh = await browser.newContext({
      locale: 'zh-CN',
      reducedMotion: 'reduce',
      storageState: await context.storageState(),
    });
    const tab = await fresh.newPage();
    const started = performance.now();
    await tab.goto(t.url);
    await tab.getByTestId('overview-people').filter({ hasText: people }).waitFor();
    await tab.getByRole('img', { name: '生命周期阶段' }).waitFor();
    const ms = performance.now() - started;
    await fresh.close();
    writeFileSync(
      join(ARTIFACTS, 'first-load.json'),
      JSON.stringify({ page: 'overview', people: overview.people, ms: Math.round(ms) }, null, 2),
    );
    console.log(`console: first load of the overview with ${overview.people} people: ${ms.toFixed(0)} ms`);
    await shot('overview');
  });

  it('switches to English and remembers it', async () => {
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('menuitem', { name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('menuitem', { name: 'People' }).waitFor();
    expect(await page.getByTestId('overview-people').textContent()).toMatch(/^People[\d,]+$/);
    expect(await page.getByTestId('current-user').textContent()).toContain('Admin');
  });

  it('finds a person by phone and opens the 360° profile', async () => {
    await page.getByRole('menuitem', { name: 'People' }).click();
    await page.waitForURL(/\/people$/);
    const search = page.getByPlaceholder(/Phone, email/);
    await search.fill(PHONE);
    await shot('people');
    await search.press('Enter');
    await page.waitForURL(/\/people\/prof_/);
    const traits = page.getByTestId('profile-traits');
    await traits.filter({ hasText: '王小明' }).waitFor();
    const text = await traits.textContent();
    expect(text).toContain('杭州');
    expect(text).toContain(PHONE);
    expect(await page.getByTestId('profile-title').textContent()).toBe('王小明');
    // The timeline, newest first: the product view, then the identify.
    await page.getByText('Product Viewed', { exact: true }).waitFor();
    await page.getByRole('tab', { name: /Identities/ }).click();
    await page.getByRole('cell', { name: 'xiaoming@example.com' }).waitFor();
    await page.getByRole('tab', { name: /Timeline/ }).click();
    await shot('profile');
  });

  it('an unknown identifier says nobody has it', async () => {
    await page.goto(`${t.url}/people`);
    await page.getByPlaceholder(/Phone, email/).fill('13700001111');
    await page.getByPlaceholder(/Phone, email/).press('Enter');
    await page.getByText(/Nobody holds "13700001111"/).waitFor();
  });

  it('creates a source and shows its write key once', async () => {
    await page.getByRole('menuitem', { name: 'Sources' }).click();
    await page.getByRole('cell', { name: SOURCE }).waitFor();
    await page.getByRole('button', { name: 'New source' }).click();
    await page.getByLabel('Name').fill('console-test-mini');
    await page.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('write-key').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(10);
    await page.getByText(/shown this once/).waitFor();
    await shot('sources-write-key');
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('cell', { name: 'console-test-mini' }).waitFor();
    // The key works on the collection API.
    expect((await t.collect('/v1/track', { userId: 'u-2', event: 'App Opened' }, key)).status).toBe(200);
    await shot('sources');
  });

  it('rotates a write key, keeping the old one for the chosen grace', async () => {
    const sources = (await t.api('GET', '/api/v1/sources')).body.sources as Array<{
      id: string;
      name: string;
    }>;
    const mini = sources.find((s) => s.name === 'console-test-mini')!;
    const oldKey = (await t.api('POST', `/api/v1/sources/${mini.id}/rotate-key`, {})).body.writeKey as string;
    const row = page.getByRole('row').filter({ hasText: 'console-test-mini' });
    await page
      .getByRole('button', { name: /Refresh/ })
      .first()
      .click();
    await row.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'Rotate the write key' });
    await dialog.getByText('Keep the old key 24 more hours').click();
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const key = (await page.getByTestId('write-key').textContent())?.trim() ?? '';
    await page.getByText('New write key for "console-test-mini"').waitFor();
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    // Both keys work; the row says until when the old one does.
    expect((await t.collect('/v1/track', { userId: 'u-2', event: 'App Opened' }, key)).status).toBe(200);
    expect((await t.collect('/v1/track', { userId: 'u-2', event: 'App Opened' }, oldKey)).status).toBe(200);
    const retired = (await t.api('GET', '/api/v1/sources')).body.sources.find(
      (s: { id: string }) => s.id === mini.id,
    ).retiredKeys as Array<{ hint: string }>;
    expect(retired).toHaveLength(1);
    await row
      .getByTestId('retired-key')
      .getByText(new RegExp(`Old key ${retired[0]!.hint.replace(/[.*]/g, '\\$&')} works until`))
      .waitFor();
    await shot('sources-rotated');

    // Tessera's own sources (segment and journey events) have no key to rotate or switch off.
    const internal = (await t.api('GET', '/api/v1/sources')).body.sources.find(
      (s: { kind: string }) => s.kind === 'internal',
    ) as { id: string; name: string };
    expect(internal).toBeDefined();
    for (const verb of ['rotate-key', 'disable']) {
      const r = await t.api('POST', `/api/v1/sources/${internal.id}/${verb}`, {});
      expect(r.status, verb).toBe(422);
      expect(r.body.error.message).toContain("Tessera's own source");
    }
    const internalRow = page.getByRole('row').filter({ hasText: internal.name });
    await internalRow.getByText('From inside Tessera; no write key').waitFor();
    expect(await internalRow.getByRole('button', { name: /Rotate key|Disable|Enable/ }).count()).toBe(0);
  });

  it('shows the tags, segments, journeys and settings pages', async () => {
    for (const [menu, file] of [
      ['Tags', 'tags'],
      ['Segments', 'segments'],
      ['Journeys', 'journeys'],
      ['Settings', 'settings'],
    ] as const) {
      await page.getByRole('menuitem', { name: menu }).click();
      await page.getByRole('heading', { name: menu }).waitFor();
      await page.locator('.ant-table').first().waitFor();
      await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
      await shot(file);
    }
    await page.getByRole('cell', { name: 'viewer', exact: true }).waitFor();
  });

  it('logs out back to the login page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    const me = await page.request.get(`${t.url}/api/v1/auth/me`);
    expect(me.status()).toBe(401);
  });

  it('shows an analyst the profile with personal data masked, and says why', async () => {
    const { context: ctx, page: p } = await openTab(browser, pageErrors, { locale: 'zh-CN' });
    try {
      await p.goto(`${t.url}/people`);
      await login(p, 'analyst', ANALYST_PASSWORD);
      const search = p.getByPlaceholder(/手机号/);
      await search.fill(PHONE);
      await search.press('Enter');
      await p.waitForURL(/\/people\/prof_/);
      await p
        .getByTestId('profile-masked')
        .getByText(/仅对“营销”及以上角色显示明文/)
        .waitFor();
      const traits = p.getByTestId('profile-traits');
      await traits.getByText('+86139****0123', { exact: true }).waitFor();
      await traits.getByText('x***@example.com', { exact: true }).waitFor();
      await p.getByRole('tab', { name: /身份/ }).click();
      // The identities tab (the hidden timeline holds the same masked phone in an event's traits).
      await p
        .locator('[role=tabpanel].ant-tabs-content-active')
        .getByText('+86139****0123', { exact: true })
        .waitFor();
      // Nowhere in the page: not the phone, the e-mail or the name.
      const html = await p.content();
      for (const secret of [PHONE, 'xiaoming@example.com', '王小明']) expect(html).not.toContain(secret);
      await screenshot(p, 'profile-masked');
    } finally {
      await ctx.close();
    }
  });

  it('shows a viewer only what a viewer may see', async () => {
    const { context: ctx, page: p } = await openTab(browser, pageErrors, { locale: 'zh-CN' });
    try {
      await p.goto(`${t.url}/settings`);
      await p.waitForURL(/\/login\?next=%2Fsettings/);
      await login(p, 'viewer', VIEWER_PASSWORD);
      await p.waitForURL(/\/settings$/);
      await p.getByText(/你的角色（访客）不能访问此页面/).waitFor();
      const menu = await p.getByRole('menu').textContent();
      expect(menu).toContain('概览');
      expect(menu).toContain('数据源');
      expect(menu).not.toContain('用户');
      expect(menu).not.toContain('设置');
      await p.getByRole('menuitem', { name: '数据源' }).click();
      await p.getByRole('cell', { name: SOURCE }).waitFor();
      expect(await p.getByRole('button', { name: '新建数据源' }).count()).toBe(0);

      // An admin disables the viewer: the next read answers 401 and the console goes back to login.
      const users = (await t.api('GET', '/api/v1/users')).body.users as Array<{
        id: string;
        username: string;
      }>;
      const id = users.find((u) => u.username === 'viewer')!.id;
      expect((await t.api('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBe(200);
      await p.getByRole('button', { name: /刷\s*新/ }).click();
      await p.waitForURL(/\/login\?next=%2Fsources/);
      await p.getByText('登录已过期，请重新登录。').waitFor();
    } finally {
      await ctx.close();
    }
  });

  it('raised no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
