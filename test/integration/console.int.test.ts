import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ensureConsoleBuilt, requireChromium } from '../support/console.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real
 * Tessera serving console/dist: login, the overview, the language switch, finding a person by
 * phone and their 360° profile, every other page, role-aware navigation, logout. A screenshot of
 * each page goes to test-artifacts/console/<page>.png.
 */

const PHONE = '13800138000';
const VIEWER_PASSWORD = 'read-only-secret-0123';

let t: TestTessera;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function login(p: Page, username: string, password: string): Promise<void> {
  await p.getByLabel(/用户名|Username/).fill(username);
  await p.getByLabel(/密码|Password/).fill(password);
  await p.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

beforeAll(async () => {
  const executablePath = requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera();
  const { writeKey } = await t.newSource('官网');
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
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => console.error('console page error:', err));
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

  it('logs in and the overview shows the people count, fast', async () => {
    await login(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByTestId('overview-people').filter({ hasText: '1' }).waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('管理员');

    // A first load of the overview in a fresh tab (signed in, nothing cached).
    const fresh = await browser.newContext({
      locale: 'zh-CN',
      storageState: await context.storageState(),
    });
    const tab = await fresh.newPage();
    const started = performance.now();
    await tab.goto(t.url);
    await tab.getByTestId('overview-people').filter({ hasText: '1' }).waitFor();
    const ms = performance.now() - started;
    await fresh.close();
    console.log(`console: first load of the overview ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);

    expect(await page.getByTestId('overview-people').textContent()).toMatch(/用户数\s*1/);
    expect(await page.getByTestId('overview-sources').textContent()).toContain('1 / 1');
    await shot('overview');
  });

  it('switches to English and remembers it', async () => {
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('menuitem', { name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('menuitem', { name: 'People' }).waitFor();
    expect(await page.getByTestId('overview-people').textContent()).toMatch(/People\s*1/);
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
    await page.getByPlaceholder(/Phone, email/).fill('13900000000');
    await page.getByPlaceholder(/Phone, email/).press('Enter');
    await page.getByText(/Nobody holds "13900000000"/).waitFor();
  });

  it('creates a source and shows its write key once', async () => {
    await page.getByRole('menuitem', { name: 'Sources' }).click();
    await page.getByRole('cell', { name: /官网/ }).waitFor();
    await page.getByRole('button', { name: 'New source' }).click();
    await page.getByLabel('Name').fill('小程序');
    await page.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('write-key').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(10);
    await page.getByText(/shown this once/).waitFor();
    await shot('sources-write-key');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('cell', { name: /小程序/ }).waitFor();
    // The key works on the collection API.
    expect((await t.collect('/v1/track', { userId: 'u-2', event: 'App Opened' }, key)).status).toBe(200);
    await shot('sources');
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
      await page.waitForLoadState('networkidle');
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

  it('shows a viewer only what a viewer may see', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const p = await ctx.newPage();
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
      await p.getByRole('cell', { name: /官网/ }).waitFor();
      expect(await p.getByRole('button', { name: '新建数据源' }).count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
