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
 * The server-side filters in the console, in Chromium: the profile timeline's filter bar (message
 * type, event name, date range, clear, "load more" through a filtered list) and the audit log's
 * actor filter, date range and cursor paging. What the page lists is compared with what the API
 * answers for the same filter. Screenshots go to test-artifacts/console/filters-*.png.
 */

const DAY = (d: number, h = 10): string => new Date(Date.UTC(2025, 2, d, h - 8)).toISOString(); // h is Shanghai time

let t: TestTessera;
let browser: Browser;
let page: Page;
let profileId: string;
let secondKeyId: string;
const pageErrors: string[] = [];

const shot = (name: string) => screenshot(page, name);

const openDropdown = (p: Page) => p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');

/** The message ids the API answers for a timeline filter, every page. */
async function apiTimeline(query: string): Promise<string[]> {
  const ids: string[] = [];
  let before = '';
  for (;;) {
    const res = await t.api('GET', `/api/v1/profiles/${profileId}/events?limit=1000&${query}${before}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...(res.body.events as Array<{ messageId: string }>).map((e) => e.messageId));
    if (res.body.next === null) return ids;
    before = `&before=${res.body.next as string}`;
  }
}

const shownTimeline = () =>
  page
    .getByTestId('timeline-event')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id') ?? ''));

/** Waits until the timeline lists exactly these messages, in this order. */
async function expectTimeline(ids: string[]): Promise<void> {
  await expect.poll(shownTimeline, { timeout: 15_000 }).toEqual(ids);
}

/**
 * Waits until the timeline lists the start of these messages: at least a page (or all of them);
 * a list seen before comes back from the cache with every page it had loaded.
 */
async function expectTimelineStart(ids: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const shown = await shownTimeline();
        return shown.length >= Math.min(50, ids.length) && shown.every((id, i) => id === ids[i]);
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestTessera();
  const { writeKey } = await t.newSource('filters-web');
  let n = 0;
  const batch: Array<Record<string, unknown>> = [];
  const add = (m: Record<string, unknown>) => batch.push({ messageId: `cf-${++n}`, ...m });
  for (let i = 0; i < 4; i++)
    add({ type: 'page', anonymousId: 'cf-anon', name: `Landing ${i}`, timestamp: DAY(1, 9 + i) });
  add({
    type: 'identify',
    userId: 'cf-u1',
    anonymousId: 'cf-anon',
    traits: { name: '李雷' },
    timestamp: DAY(2),
  });
  // More matching events than one page of the timeline (50): "load more" must continue the filter.
  for (let i = 0; i < 56; i++)
    add({
      type: 'track',
      userId: 'cf-u1',
      event: 'Product Viewed',
      properties: { i },
      timestamp: DAY(3 + (i % 6), 8 + (i % 10)),
    });
  for (let i = 0; i < 3; i++)
    add({
      type: 'track',
      userId: 'cf-u1',
      event: 'Order Completed',
      properties: { i },
      timestamp: DAY(4 + i * 2),
    });
  const sent = await t.collect('/v1/batch', { batch }, writeKey);
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const found = await t.api('GET', '/api/v1/profiles/lookup?type=user_id&value=cf-u1');
  expect(found.status).toBe(200);
  profileId = found.body.profileId as string;

  // Audited changes by two admin keys, so the actor filter and several pages have something to show.
  const second = await t.api('POST', '/api/v1/api-keys', { name: 'ops robot', role: 'admin' });
  expect(second.status).toBe(201);
  secondKeyId = second.body.id as string;
  for (let i = 0; i < 26; i++) {
    const res = await t.api(
      'POST',
      '/api/v1/users',
      { username: `cf.user${i}`, displayName: `CF ${i}`, role: 'viewer', password: `cf-password-${i}-xyz` },
      i % 3 === 0 ? (second.body.key as string) : undefined,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, {
    locale: 'en-US',
    lang: 'en',
    timezoneId: 'Asia/Shanghai',
  }));
  await page.goto(t.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('timeline filters in the console', () => {
  it('lists the first page unfiltered, as the API', async () => {
    await page.goto(`${t.url}/people/${profileId}`);
    const all = await apiTimeline('');
    expect(all.length).toBeGreaterThan(50);
    await expectTimeline(all.slice(0, 50));
    await page.getByTestId('timeline-more').click();
    await expectTimeline(all);
  });

  it('filters by message type and event name, and "load more" continues the filtered list', async () => {
    await page.getByTestId('timeline-filter-type').click();
    await openDropdown(page).locator('.ant-select-item-option[title="Track"]').click();
    await page.keyboard.press('Escape');
    await expectTimeline((await apiTimeline('type=track')).slice(0, 50));

    await page.getByTestId('timeline-filter-event').click();
    // The names seen on the timeline are offered.
    await openDropdown(page).locator('.ant-select-item-option[title="Order Completed"]').waitFor();
    await openDropdown(page).locator('.ant-select-item-option[title="Product Viewed"]').click();
    await page.keyboard.press('Escape');
    const viewed = await apiTimeline('type=track&event=Product%20Viewed');
    expect(viewed).toHaveLength(56);
    await expectTimeline(viewed.slice(0, 50));
    expect(await page.getByTestId('timeline-count').textContent()).toBe('50 matching events loaded');
    await page.getByTestId('timeline-more').click();
    await expectTimeline(viewed);
    await expect.poll(() => page.getByTestId('timeline-more').count()).toBe(0);
    await shot('filters-timeline');
  });

  it('a name typed in that no event has gives the empty state; clear brings everything back', async () => {
    await page.getByTestId('timeline-filter-clear').click();
    await expectTimelineStart(await apiTimeline(''));
    await page.getByTestId('timeline-filter-event').click();
    await page.keyboard.type('Never Happened');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await apiTimeline('event=Never%20Happened')).toEqual([]);
    await page.getByText('No events match the filters').waitFor();
    await page.getByTestId('timeline').waitFor({ state: 'detached' });
    await page.getByTestId('timeline-filter-clear').first().click();
    await expectTimelineStart(await apiTimeline(''));
    expect(await page.getByTestId('timeline-filter-clear').isDisabled()).toBe(true);
  });

  it('filters by a range of days (the viewer’s days, the end day included)', async () => {
    const range = page.getByTestId('timeline-filter-range');
    await range.getByPlaceholder('Start date').click();
    await range.getByPlaceholder('Start date').fill('2025-03-04');
    await range.getByPlaceholder('Start date').press('Enter');
    await range.getByPlaceholder('End date').fill('2025-03-05');
    await range.getByPlaceholder('End date').press('Enter');
    const expected = await apiTimeline('since=2025-03-04T00:00:00%2B08:00&until=2025-03-06T00:00:00%2B08:00');
    expect(expected.length).toBeGreaterThan(5);
    await expectTimeline(expected);
    await shot('filters-timeline-range');
    await page.getByTestId('timeline-filter-clear').click();
  });
});

describe('audit log filters in the console', () => {
  const rowsShown = () =>
    page
      .getByTestId('audit-table')
      .locator('tbody tr.ant-table-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key') ?? ''));

  async function apiAudit(query: string): Promise<{ ids: string[]; next: string | null }> {
    const res = await t.api('GET', `/api/v1/audit?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { ids: (res.body.entries as Array<{ id: string }>).map((e) => e.id), next: res.body.next };
  }

  it('pages through the log with the server cursor', async () => {
    await page.goto(`${t.url}/settings?tab=audit`);
    await page.getByTestId('audit-table').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('audit-page-size').click();
    await openDropdown(page).locator('.ant-select-item-option[title="20 per page"]').click();
    const first = await apiAudit('limit=20');
    expect(first.next).not.toBeNull();
    await expect.poll(rowsShown).toEqual(first.ids);
    await page.getByTestId('audit-older').click();
    const second = await apiAudit(`limit=20&before=${first.next!}`);
    await expect.poll(rowsShown).toEqual(second.ids);
    expect(await page.getByTestId('audit-page').textContent()).toBe(`Page 2 · ${second.ids.length} entries`);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(rowsShown).toEqual(first.ids);
  });

  it('filters by actor on the server', async () => {
    await page.getByTestId('audit-actor').click();
    await page.keyboard.type('ops robot');
    await openDropdown(page).getByText('ops robot (API)', { exact: true }).click();
    const mine = await apiAudit(`limit=20&actor=${secondKeyId}`);
    expect(mine.ids.length).toBe(9);
    await expect.poll(rowsShown).toEqual(mine.ids);
    await shot('filters-audit');
  });

  it('a date range with no entries shows the empty table', async () => {
    // The only date range on the audit tab.
    const range = page.locator('.ant-picker-range:visible');
    await range.locator('input').first().click();
    await range.locator('input').first().fill('2020-01-01');
    await range.locator('input').first().press('Enter');
    await range.locator('input').nth(1).fill('2020-01-02');
    await range.locator('input').nth(1).press('Enter');
    await page.getByText('No entries match').waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(rowsShown).toEqual((await apiAudit('limit=20')).ids);
  });

  it('raised no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
