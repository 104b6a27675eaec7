import { mkdirSync } from 'node:fs';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  ensureConsoleBuilt,
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
} from '../support/console.js';
import { parseMessage, smtpPasswordAuth, startSmtpPeer, type SmtpPeer } from '../support/provider-peers.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';

/**
 * The settings page in a real browser against a real Tessera and a real local SMTP server:
 * users and roles (create, change role, the last admin refused by the server), the email
 * channel configured with a password that the page never shows back while the API reports it
 * stored, a "Send test" that the SMTP peer receives, the identity rules and figures as the API
 * gives them, and the audit log listing the changes just made. Screenshots go to
 * test-artifacts/console/settings-*.png.
 */

const SMTP_USER = 'tessera-mailer';
/** Distinctive, so finding it anywhere in the page is certain to mean it leaked. */
const SMTP_PASS = 'Smtp-Pass-q8Zr41-xy';
const ANALYST = { username: 'ana.lyst', displayName: 'Ana Lyst', password: 'analyst-secret-0123' };
const TEST_TO = 'ops@example.com';

let t: TestTessera;
let smtp: SmtpPeer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => screenshot(page, name);

interface ApiUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  disabled: boolean;
}
const usersByName = async (): Promise<Map<string, ApiUser>> => {
  const res = await t.api('GET', '/api/v1/users');
  expect(res.status).toBe(200);
  return new Map((res.body.users as ApiUser[]).map((u) => [u.username, u]));
};

/**
 * Picks an option of an antd Select (`root` is its `.ant-select`) by its label, and waits until
 * the select shows it (unless `shown` is false: a change that asks first); a click that lands while the dropdown is still moving in is tried again.
 */
async function choose(root: Locator, label: string, shown = true): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await root.click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: label })
      .click();
    if (!shown) return;
    try {
      await root.filter({ hasText: label }).waitFor({ timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** Everything a person could read or copy from the page: its text, its HTML, every input's value. */
async function pageHolds(secret: string): Promise<boolean> {
  const text = await page.locator('body').innerText();
  const html = await page.content();
  const values: string[] = [];
  for (const input of await page.locator('input, textarea').all()) values.push(await input.inputValue());
  return text.includes(secret) || html.includes(secret) || values.some((v) => v.includes(secret));
}

beforeAll(async () => {
  requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  smtp = await startSmtpPeer(smtpPasswordAuth(SMTP_USER, SMTP_PASS));
  // Analysts see personal data here (marketer by default): the role matrix must show the server's setting.
  t = await startTestTessera({ governance: { piiRole: 'analyst' } });
  // A few people, so the identity tab has a graph to describe.
  const { writeKey } = await t.newSource('settings-test-web');
  for (const [userId, phone] of [
    ['u-settings-1', '13987650001'],
    ['u-settings-2', '13987650002'],
  ] as const) {
    const r = await t.collect('/v1/identify', { userId, traits: { phone, name: userId } }, writeKey);
    expect(r.status).toBe(200);
  }
  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, {
    locale: 'en-US',
    lang: 'en',
    viewport: { width: 1440, height: 900 },
    timeout: 15_000,
  }));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await smtp?.stop();
});

describe('settings page in Chromium', () => {
  it('lands on the users table after signing in', async () => {
    await page.goto(`${t.url}/settings`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: /Sign in/ }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const table = page.getByTestId('users-table');
    await table.getByRole('cell', { name: /^admin/ }).waitFor();
    const matrix = page.getByTestId('role-matrix');
    const pii = matrix.locator('tr').filter({ hasText: 'See personal data unmasked' });
    // Columns: capability, viewer, analyst, marketer, admin.
    const marks = await pii
      .locator('td [aria-label]')
      .evaluateAll((icons) => icons.map((i) => i.getAttribute('aria-label')));
    expect(marks).toEqual(['No', 'Yes', 'Yes', 'Yes']);
    await matrix.getByText(/In this workspace, Analyst and above see personal data in the clear/).waitFor();
  });

  it('creates an analyst with a typed password, then changes the role', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Username').fill(ANALYST.username);
    await dialog.getByLabel('Display name').fill(ANALYST.displayName);
    await choose(
      dialog.locator('.ant-form-item').filter({ hasText: /^Role/ }).locator('.ant-select'),
      'Analyst',
    );
    await dialog.getByLabel('First password').fill(ANALYST.password);
    await dialog.getByRole('button', { name: 'Create' }).click();
    // The password to hand over, shown once.
    expect(await page.getByTestId('user-password').textContent()).toBe(ANALYST.password);
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await page
      .getByTestId('users-table')
      .getByRole('cell', { name: ANALYST.username, exact: true })
      .waitFor();

    const created = (await usersByName()).get(ANALYST.username);
    expect(created).toMatchObject({ displayName: ANALYST.displayName, role: 'analyst', disabled: false });
    // The typed password is the one that works.
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ANALYST.username, password: ANALYST.password }),
    });
    expect(login.status).toBe(200);

    await choose(page.getByTestId(`role-${ANALYST.username}`), 'Marketer');
    await page.getByText(`${ANALYST.username} is now Marketer.`).waitFor();
    expect((await usersByName()).get(ANALYST.username)?.role).toBe('marketer');
  });

  it("shows the server's refusal to demote the last admin", async () => {
    // The select keeps showing Admin: the page asks first, then the server refuses.
    await choose(page.getByTestId('role-admin'), 'Viewer', false);
    await page
      .getByRole('dialog')
      .filter({ hasText: 'Lower your own role?' })
      .getByRole('button', { name: 'OK' })
      .click();
    await page
      .locator('.ant-message')
      .getByText(/admin is the last active admin/)
      .waitFor();
    expect((await usersByName()).get('admin')?.role).toBe('admin');
    await page.getByTestId('role-admin').getByText('Admin', { exact: true }).waitFor();
    await shot('settings-users');
  });

  it('configures SMTP without ever showing the password back, and a test email arrives', async () => {
    await page.getByRole('tab', { name: 'Channels' }).click();
    await page.waitForURL(/\?tab=channels$/);
    const card = page.getByTestId('channel-email');
    await card.getByText('Not configured').waitFor();
    await card.getByLabel('SMTP host').fill('127.0.0.1');
    await card.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await card.getByLabel('SMTP username').fill(SMTP_USER);
    await card.getByLabel('SMTP password').fill(SMTP_PASS);
    await card.getByLabel('From address').fill('news@shop.example.cn');
    await card.getByLabel('From name').fill('Qingyan');
    await card.getByLabel('Timeout (ms)').fill('5000');
    await card.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Email settings saved.').waitFor();
    await card.getByText('Configured', { exact: true }).waitFor();

    // The API has it, sealed: configured, the password masked to its last two characters.
    const stored = await t.api('GET', '/api/v1/channels/email');
    expect(stored.status).toBe(200);
    expect(stored.body.provider).toBe('smtp');
    expect(stored.body.config.auth).toEqual({ user: SMTP_USER, pass: `••••${SMTP_PASS.slice(-2)}` });
    expect(stored.body.config.port).toBe(smtp.port);
    // The page shows the mask as a placeholder and nothing of the secret itself.
    const pass = card.getByLabel('SMTP password');
    expect(await pass.inputValue()).toBe('');
    expect(await pass.getAttribute('placeholder')).toContain(`••••${SMTP_PASS.slice(-2)}`);
    expect(await pageHolds(SMTP_PASS)).toBe(false);

    // A second save with the password left empty keeps the stored one (the test send proves it).
    await card.getByLabel('From name').fill('青妍 Qingyan');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await t.api('GET', '/api/v1/channels/email')).body.config.from.name)
      .toBe('青妍 Qingyan');
    expect((await t.api('GET', '/api/v1/channels/email')).body.config.auth.pass).toBe(
      `••••${SMTP_PASS.slice(-2)}`,
    );

    await card.getByRole('button', { name: 'Send test' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'Send a test Email' });
    await dialog.getByLabel('Recipient email').fill(TEST_TO);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByTestId('channel-test-result').getByText(/^Sent/).waitFor();
    expect(smtp.inbox).toHaveLength(1);
    const received = smtp.inbox[0]!;
    expect(received.user).toBe(SMTP_USER);
    expect(received.rcpt).toEqual([TEST_TO]);
    const mail = parseMessage(received.raw);
    expect(mail.subject).toBe('Tessera test message');
    expect(mail.headers.get('from')).toContain('news@shop.example.cn');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await pageHolds(SMTP_PASS)).toBe(false);
    await shot('settings-channels');
  });

  it('shows the signed delivery-receipt URLs the API gives, which take a receipt', async () => {
    const { urls } = (await t.api('GET', '/api/v1/receipts/urls')).body as { urls: Record<string, string> };
    const card = page.getByTestId('receipt-urls');
    for (const format of ['tencent-sms', 'aliyun-sms', 'generic']) {
      await card.getByTestId(`receipt-url-${format}`).getByText(urls[format]!, { exact: true }).waitFor();
    }
    // The generic one, as shown, is accepted (a receipt for a send nobody made is ignored, not refused).
    const res = await fetch(urls.generic!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'k_nobody', status: 'delivered' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 0, ignored: 1 });
  });

  it('shows the identity rules and figures the API gives', async () => {
    await page.getByRole('tab', { name: 'Identity' }).click();
    const rules = (await t.api('GET', '/api/v1/identity/rules')).body as {
      types: Array<{ type: string; priority: number }>;
    };
    const table = page.getByTestId('identity-rules');
    for (const r of rules.types) await table.getByRole('cell', { name: r.type, exact: true }).waitFor();
    // Highest priority first, as the graph anchors events.
    const first = [...rules.types].sort((a, b) => b.priority - a.priority)[0]!;
    expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toBe(first.type);
    const stats = (await t.api('GET', '/api/v1/identity/stats')).body as {
      profiles: number;
      identifiers: number;
    };
    expect(stats.profiles).toBeGreaterThan(0);
    const figures = page.getByTestId('identity-stats');
    await figures.getByText('Profiles', { exact: true }).waitFor();
    await expect
      .poll(async () => (await figures.locator('.ant-statistic').first().textContent()) ?? '')
      .toBe(`Profiles${stats.profiles}`);
    await page.getByTestId('identity-review').getByText('No matches waiting for review').waitFor();
    await shot('settings-identity');
  });

  it('creates an API key shown once, which works, then revokes it', async () => {
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('erp-sync');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('api-key').textContent())?.trim() ?? '';
    expect((await t.api('GET', '/api/v1/overview', undefined, key)).status).toBe(200);
    await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    const row = page.getByTestId('api-keys-table').locator('tr').filter({ hasText: 'erp-sync' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked').waitFor();
    expect(await pageHolds(key)).toBe(false);
    expect((await t.api('GET', '/api/v1/overview', undefined, key)).status).toBe(401);
  });

  it('lists the channel change and the user changes in the audit log', async () => {
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const entries = (await t.api('GET', '/api/v1/audit?limit=100')).body.entries as Array<{
      action: string;
      target: string | null;
    }>;
    const analystId = (await usersByName()).get(ANALYST.username)!.id;
    expect(entries.some((e) => e.action === 'channel.put' && e.target === 'email')).toBe(true);
    expect(entries.some((e) => e.action === 'user.create' && e.target === analystId)).toBe(true);
    // Newest first, as the API answers.
    expect(await table.locator('tbody tr.ant-table-row').first().textContent()).toContain(entries[0]!.action);

    const channelRow = table.locator('tbody tr.ant-table-row').filter({ hasText: 'channel.put' }).first();
    await channelRow.getByText('admin', { exact: true }).waitFor();
    const userRow = table.locator('tbody tr.ant-table-row').filter({ hasText: 'user.create' }).first();
    await userRow.getByText(analystId).waitFor();
    // The detail names the secret that changed, never its value.
    await channelRow.locator('.ant-table-row-expand-icon').click();
    await table
      .getByText(/"secretsChanged"/)
      .first()
      .waitFor();
    await table
      .getByText(/"auth\.pass"/)
      .first()
      .waitFor();
    expect(await pageHolds(SMTP_PASS)).toBe(false);

    // The server's action filter (a prefix).
    await page.getByLabel('Action').fill('user.');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(async () => {
        const actions = await table.locator('tbody tr.ant-table-row td:nth-child(4)').allTextContents();
        return actions.length > 0 && actions.every((a) => a.startsWith('user.'));
      })
      .toBe(true);
    await table.locator('tbody tr.ant-table-row').filter({ hasText: 'user.update' }).first().waitFor();
    await shot('settings-audit');
  });

  it('animates dialogs unless the system asks for less motion', async () => {
    // Every animation class antd's components took while the page ran (`ant-zoom-appear-active`
    // and the like, there for a moment), which a MutationObserver sees even once they are gone.
    // The click ripple on buttons (`wave-motion-*`) is drawn outside the console's theme.
    const recordMotion = `
      window.__motion = [];
      new MutationObserver((changes) => {
        for (const c of changes)
          for (const cls of c.target.classList ?? [])
            if (/^ant-.*-(appear|enter)-active$/.test(cls)) window.__motion.push(cls);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });`;
    const motionSeen = async (reducedMotion: 'reduce' | 'no-preference'): Promise<string[]> => {
      const { context, page: tab } = await openTab(browser, pageErrors, {
        locale: 'en-US',
        lang: 'en',
        reducedMotion,
        storageState: await page.context().storageState(),
      });
      try {
        await context.addInitScript({ content: recordMotion });
        await tab.goto(`${t.url}/settings`);
        await tab.getByRole('button', { name: 'New user' }).click();
        await tab.getByRole('dialog').getByLabel('Username').waitFor();
        // Until the dialog has finished opening, animated or not.
        await tab.waitForFunction(`!document.querySelector('.ant-modal[class*="-appear"]')`);
        return await tab.evaluate('window.__motion');
      } finally {
        await context.close();
      }
    };
    expect(await motionSeen('no-preference')).toEqual(
      expect.arrayContaining(['ant-zoom-appear-active', 'ant-fade-appear-active']),
    );
    expect(await motionSeen('reduce')).toEqual([]);
  });

  it('raised no errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
