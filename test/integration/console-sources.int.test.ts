import { Analytics } from '@segment/analytics-node';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * The sources pages in Chromium: events sent by the real Segment Node client appear in the live
 * debugger as they arrive, with their validation result; a refused record is corrected and
 * replayed from the rejected records; a CRM export is previewed through its mapping and
 * imported with progress, and the page's figures are those of the API.
 */

const SOURCE = 'console-sources-web';
let t: TestTessera;
let source: { id: string; writeKey: string };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const files = mkdtempSync(join(tmpdir(), 'tessera-console-import-'));

const shot = (name: string) => screenshot(page, name);

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera();
  source = await t.newSource(SOURCE);
  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, { locale: 'en-US', lang: 'en' }));
  await page.goto(t.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('overview-people').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Chooses an option of an antd Select (its visible list, not the hidden one kept for screen readers). */
async function pick(label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: option })
    .click();
}

const row = (text: string) => page.getByTestId('debugger-row').filter({ hasText: text });

describe('sources in Chromium', () => {
  it('shows events from the Segment client in the live debugger as they arrive', async () => {
    await page.getByRole('menuitem', { name: 'Sources' }).click();
    await page.getByRole('tab', { name: 'Live debugger' }).click();
    await page.waitForURL(/tab=debugger/);
    await page.getByText('Listening…').waitFor();
    await page.getByText(/Nothing received yet/).waitFor();

    const analytics = new Analytics({ writeKey: source.writeKey, host: t.url, flushAt: 1, maxRetries: 1 });
    const sentId = await new Promise<string>((resolve, reject) =>
      analytics.track(
        { userId: 'u-dbg-1', event: 'Coupon Claimed', properties: { coupon: 'WELCOME-10', value: 10 } },
        (err, ctx) => (err ? reject(new Error(JSON.stringify(err))) : resolve(ctx!.event.messageId!)),
      ),
    );
    await analytics.closeAndFlush({ timeout: 10_000 });
    const accepted = row('Coupon Claimed');
    await accepted.waitFor();
    expect(await accepted.getAttribute('data-message-id')).toBe(sentId);
    expect(await accepted.textContent()).toContain('Accepted');
    expect(await accepted.textContent()).toContain('u-dbg-1');

    // A message without anybody to attribute it to is refused, and shows why.
    const refused = await t.collect('/v1/track', { event: 'Cart Abandoned' }, source.writeKey);
    expect(refused.status).toBe(400);
    const rejectedRow = row('Cart Abandoned');
    await rejectedRow.waitFor();
    expect(await rejectedRow.textContent()).toContain('Rejected');
    expect(await rejectedRow.textContent()).toContain(refused.body.error.message);
    await page.getByTestId('debugger-counts').filter({ hasText: 'Accepted 1' }).waitFor();
    expect(await page.getByTestId('debugger-counts').textContent()).toContain('rejected 1');

    // The detail shows what was stored.
    await accepted.getByRole('button', { name: /expand/i }).click();
    await page.getByText('"coupon": "WELCOME-10"').waitFor();
    await shot('sources-debugger');
  });

  it('the debugger follows one source only when asked', async () => {
    const other = await t.newSource('console-sources-app');
    await page.reload();
    await pick('Source', SOURCE);
    await page.waitForURL(new RegExp(`source=${source.id}`));
    await row('Coupon Claimed').waitFor();
    expect(
      (await t.collect('/v1/track', { userId: 'u-app', event: 'App Opened' }, other.writeKey)).status,
    ).toBe(200);
    expect(
      (await t.collect('/v1/track', { userId: 'u-dbg-1', event: 'Page Liked' }, source.writeKey)).status,
    ).toBe(200);
    await row('Page Liked').waitFor();
    expect(await row('App Opened').count()).toBe(0);
  });

  it('corrects a rejected record and replays it', async () => {
    const bad = await t.collect(
      '/v1/identify',
      { userId: 'u-fix-1', traits: { phone: '12345', name: '陈一' } },
      source.writeKey,
    );
    expect(bad.status).toBe(400);
    await page.getByRole('tab', { name: 'Rejected records' }).click();
    await page.waitForURL(/tab=rejected/);
    const codes = page.getByTestId('rejected-codes');
    await codes.getByText(/invalid_phone/).waitFor();
    const record = page.getByTestId('rejected-row').filter({ hasText: 'invalid_phone' });
    await record.waitFor();
    await shot('sources-rejected');
    await record.getByRole('button', { name: 'Correct and replay' }).click();
    const editor = page.getByLabel('Payload (JSON)');
    const payload = JSON.parse(await editor.inputValue());
    expect(payload.traits.phone).toBe('12345');
    payload.traits.phone = '13924681357';
    await editor.fill(JSON.stringify(payload, null, 2));
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Replay' }).click();
    await page.getByText(/Replayed: 1 accepted, 0 still rejected/).waitFor();
    await expect.poll(() => record.count()).toBe(0);
    const stored = await t.api('GET', '/api/v1/events?userId=u-fix-1&type=identify');
    expect(stored.body.events[0].traits.phone).toBe('+8613924681357');
    const open = await t.api('GET', '/api/v1/rejected?status=open&code=invalid_phone');
    expect(open.body.records).toEqual([]);
  });

  it('previews a CRM export through its mapping, then imports it with the API figures', async () => {
    const csv = [
      '会员编号,姓名,手机号,邮箱,性别,生日,省份,城市,注册时间,会员等级,积分',
      'C001,张三,139 2468 1357,zs@163.com,男,1990/5/7,上海市,上海市,2023/05/07 16:49,金卡,1200',
      'C002,李四,137 2468 1358,,女,1988-02-03,广东省,深圳市,2024年1月2日,银卡,"1,300"',
      'C003,王五,12345,ww@163.com,男,1992-01-01,北京市,北京市,2024-01-01,普通,0',
      ',没有编号,,,女,,,,,,',
    ].join('\n');
    const file = join(files, 'members.csv');
    writeFileSync(file, csv);
    await page.getByRole('tab', { name: 'File import' }).click();
    await pick('Mapping', /crm-members/);
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('import-preview-summary').filter({ hasText: '2 of the first 4 rows' }).waitFor();
    const previewRows = page.getByTestId('import-preview-row');
    expect(await previewRows.count()).toBe(4);
    expect(await page.locator('[data-testid=import-preview-row][data-result=rejected]').count()).toBe(2);
    await previewRows
      .filter({ hasText: 'C003' })
      .getByText(/invalid_phone/)
      .waitFor();
    await shot('sources-import-preview');

    await page.getByTestId('import-start').click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    const latest = (await t.api('GET', '/api/v1/imports')).body.imports[0];
    expect(latest).toMatchObject({
      fileName: 'members.csv',
      status: 'done',
      records: 4,
      accepted: 2,
      rejected: 2,
    });
    const text = await summary.textContent();
    for (const [code, n] of Object.entries(latest.rejectedByCode as Record<string, number>))
      expect(text).toContain(`${code} ${n}`);
    await page.getByRole('cell', { name: 'members.csv' }).waitFor();
    await shot('sources-import');
    expect(pageErrors).toEqual([]);
  });
});
