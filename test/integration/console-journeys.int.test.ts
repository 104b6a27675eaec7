import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ensureConsoleBuilt, requireChromium } from '../support/console.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * The journeys console in a real browser against a real Tessera with the demo brand and a
 * webhook channel pointing at a local peer that checks signatures: the template gallery and a
 * template on the canvas; a journey built on the canvas from nothing (trigger, a wait dragged
 * in, a send added, connected by dragging handles, configured in the drawer), saved and
 * published, and read back from the API as drawn; an event through the collection API moves a
 * person into it and the canvas shows the step's numbers; a test send from the send step reaches
 * the peer; an A/B journey's results against its control. Screenshots go to
 * test-artifacts/console/journey-*.png.
 */

const SECRET = 'whsec_console_journeys_0123456789';
const EVENT = 'Console Journey Started';
const USER = 'u-journey-1';
const NAME = '李雷';

let t: TestTessera;
let peer: WebhookPeer;
let writeKey: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
/** The journey built on the canvas. */
let built = '';
let n = 0;

const shot = (name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });

async function login(p: Page, username: string, password: string): Promise<void> {
  await p.getByLabel(/用户名|Username/).fill(username);
  await p.getByLabel(/密码|Password/).fill(password);
  await p.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

/** Events through the collection API, then everything they cause written and sent. */
async function collect(...messages: Array<Record<string, unknown>>): Promise<void> {
  const batch = messages.map((m) => ({ messageId: `cj-${++n}`, ...m }));
  expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
  await t.writer.settle();
  await t.identity.settle();
  await t.journeys.tick();
  await t.journeys.idle();
}

const node = (id: string): Locator => page.getByTestId(`journey-node-${id}`);

/** Drags from a node's source handle to another node's target handle, as a person would. */
async function connect(from: string, handle: string, to: string): Promise<void> {
  const source = await node(from)
    .locator(`.react-flow__handle.source[data-handleid="${handle}"]`)
    .boundingBox();
  const target = await node(to).locator('.react-flow__handle.target').boundingBox();
  if (!source || !target) throw new Error(`handles of ${from} → ${to} not on screen`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2 - 20, { steps: 12 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 4 });
  await page.mouse.up();
}

/** Opens a node's drawer by clicking it (the pane first, so that only it is selected). */
async function open(id: string): Promise<void> {
  await node(id).click({ position: { x: 60, y: 14 } });
  await page.getByTestId('journey-drawer').waitFor();
}

async function closeDrawer(): Promise<void> {
  await page.locator('.ant-drawer .ant-drawer-close').first().click();
  await page.getByTestId('journey-drawer').waitFor({ state: 'detached' });
}

async function fillTags(selector: string, value: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  const executablePath = requireChromium();
  ensureConsoleBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  peer = await startWebhookPeer(SECRET);
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  const channel = await t.api('PUT', '/api/v1/channels/webhook', {
    provider: 'webhook',
    config: { url: peer.url, secret: SECRET },
  });
  expect(channel.status, JSON.stringify(channel.body)).toBe(200);
  writeKey = (await t.newSource('console-journeys')).writeKey;
  await collect({ type: 'identify', userId: USER, traits: { name: NAME, city: '上海' } });
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await peer?.close();
});

describe('journeys console in Chromium', () => {
  it('lists the journeys and the template gallery', async () => {
    await page.goto(t.url);
    await page.waitForURL(/\/login$/);
    await login(page, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByTestId('current-user').waitFor();
    await page.getByRole('menuitem', { name: '旅程' }).click();
    await page.waitForURL(/\/journeys$/);
    await page.getByRole('heading', { name: '旅程' }).waitFor();
    const journeys = (await t.api('GET', '/api/v1/journeys')).body.journeys as Array<{
      id: string;
      definition: { name: string };
    }>;
    expect(journeys.length).toBeGreaterThan(0);
    for (const j of journeys) await page.getByRole('link', { name: j.definition.name }).first().waitFor();
    const templates = (await t.api('GET', '/api/v1/journeys/templates')).body.templates as Array<{
      key: string;
      definition: { name: string; description: string };
    }>;
    for (const tpl of templates) {
      const card = page.getByTestId(`template-${tpl.key}`);
      await card.waitFor();
      expect(await card.textContent()).toContain(tpl.definition.name);
    }
    // The channels a template sends on are on its card.
    expect(await page.getByTestId('template-winback_90d').textContent()).toContain('App 推送');
    await shot('journey-gallery');
  });

  it('opens a template on the canvas with a node per step and its connections', async () => {
    const tpl = (await t.api('GET', '/api/v1/journeys/templates')).body.templates.find(
      (x: { key: string }) => x.key === 'welcome',
    ).definition as { steps: Record<string, Record<string, unknown>> };
    await page
      .getByTestId('template-welcome')
      .getByRole('button', { name: /使用模板/ })
      .click();
    await page.waitForURL(/\/journeys\/new\?template=welcome$/);
    await node('_trigger').waitFor();
    for (const id of Object.keys(tpl.steps)) await node(id).waitFor();
    // The start, then every step's ways out.
    const ways = Object.values(tpl.steps).reduce(
      (s, step) => s + ['next', 'yes', 'no', 'timeoutNext'].filter((k) => typeof step[k] === 'string').length,
      1,
    );
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(ways);
    expect(await page.getByTestId('journey-title').textContent()).toBe('新会员欢迎');
    // The split's two ways out are labelled.
    expect(await node('bought').textContent()).toMatch(/是.*否/);
    await shot('journey-template');
  });

  it('builds a journey on the canvas, saves and publishes it as drawn', async () => {
    await page.goto(`${t.url}/journeys`);
    await page.getByTestId('journey-new').click();
    await page.waitForURL(/\/journeys\/new$/);
    await node('_trigger').waitFor();

    // The trigger: an event.
    await open('_trigger');
    await fillTags('#trigger-event', EVENT);
    await expect.poll(() => node('_trigger').textContent()).toContain(EVENT);
    await closeDrawer();

    // A wait dragged in from the palette, a send added by a click (below the selected wait).
    const pane = page.locator('.react-flow__pane');
    const box = (await pane.boundingBox())!;
    await page.getByTestId('palette-wait').dragTo(pane, {
      targetPosition: { x: box.width / 2, y: box.height * 0.78 },
    });
    await node('wait_1').waitFor();
    await page.getByTestId('palette-send').click();
    await node('send_1').waitFor();
    // One more, removed again with the Delete key.
    await page.getByTestId('palette-exit').click();
    await node('exit_1').waitFor();
    await page.keyboard.press('Delete');
    await node('exit_1').waitFor({ state: 'detached' });
    await page.locator('.react-flow__controls-fitview').click();

    // Saved unconnected, the server's check names the start and the wait's way out: each problem
    // shows on its node and in the list.
    await page.getByTestId('journey-save').click();
    const problems = page.getByTestId('journey-issues');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('start');
    expect(await problems.textContent()).toContain('steps.wait_1.next');
    await node('wait_1').getByTestId('node-issue').waitFor();
    await node('_trigger').getByTestId('node-issue').waitFor();
    expect(page.url()).toMatch(/\/journeys\/new$/);
    await shot('journey-issues');

    expect(await page.locator('.react-flow__handle.connectable').count()).toBeGreaterThan(0);
    await connect('_trigger', 'start', 'wait_1');
    await connect('wait_1', 'next', 'send_1');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    // The wait: two hours. The send: a webhook message with the person's name.
    await open('wait_1');
    await page.locator('#step-duration').fill('2h');
    await closeDrawer();
    await open('send_1');
    await page.locator('#send-channel').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Webhook' }).click();
    await page.locator('#send-body').fill('你好 {{ traits.name | default: "朋友" }}');
    await closeDrawer();

    await page.getByTestId('journey-settings-open').click();
    await page.locator('#journey-name').fill('画布旅程');
    await page.locator('.ant-drawer .ant-drawer-close').first().click();
    await shot('journey-canvas');

    await page.getByTestId('journey-save').click();
    await page.waitForURL(/\/journeys\/jny_[a-z0-9]+$/);
    built = /\/journeys\/(jny_[a-z0-9]+)$/.exec(page.url())![1]!;
    await node('send_1').waitFor();
    await page.getByTestId('journey-publish').click();
    await page
      .locator('.ant-modal-confirm')
      .getByRole('button', { name: /发\s*布/ })
      .click();
    await page.locator('.ant-tag').filter({ hasText: '启用' }).first().waitFor();

    const stored = await t.api('GET', `/api/v1/journeys/${built}`);
    expect(stored.body.status).toBe('active');
    expect(stored.body.definition).toMatchObject({
      name: '画布旅程',
      trigger: { kind: 'event', event: EVENT },
      start: 'wait_1',
      steps: {
        wait_1: { kind: 'wait', duration: '2h', next: 'send_1' },
        send_1: {
          kind: 'send',
          channel: 'webhook',
          template: { body: '你好 {{ traits.name | default: "朋友" }}' },
        },
      },
    });
    expect(Object.keys(stored.body.definition.steps).sort()).toEqual(['send_1', 'wait_1']);
    expect(stored.body.definition.steps.send_1.next).toBeUndefined();

    // An edit of the running journey is a new version; it stays active.
    await open('wait_1');
    await page.locator('#step-duration').fill('3h');
    await closeDrawer();
    await page.getByTestId('journey-dirty').waitFor();
    await page.getByTestId('journey-save').click();
    await page.getByTestId('journey-dirty').waitFor({ state: 'detached' });
    const edited = (await t.api('GET', `/api/v1/journeys/${built}`)).body;
    expect(edited).toMatchObject({ status: 'active', version: stored.body.version + 1 });
    expect(edited.definition.steps.wait_1).toEqual({ kind: 'wait', duration: '3h', next: 'send_1' });
  });

  it('shows how many reached each step after an event moves a person in', async () => {
    await collect({ type: 'track', userId: USER, event: EVENT, properties: { from: 'console test' } });
    const m = (await t.api('GET', `/api/v1/journeys/${built}/metrics`)).body;
    const wait = m.steps.find((s: { stepId: string }) => s.stepId === 'wait_1');
    expect(wait).toMatchObject({ reached: 1, waiting: 1 });
    await page.reload();
    await page
      .getByTestId('journey-metrics-wait_1')
      .locator(`[data-metric="reached"][data-value="${wait.reached}"]`)
      .waitFor();
    expect(await page.getByTestId('journey-metrics-wait_1').textContent()).toContain(`等待 ${wait.waiting}`);
    expect(await page.getByTestId('journey-stat-entered').textContent()).toContain(String(m.entered));
    await shot('journey-metrics');
  });

  it('test-sends the send step to a chosen profile and the peer receives it', async () => {
    const before = peer.received.length;
    await open('send_1');
    await page.getByRole('button', { name: '测试发送' }).click();
    await page.locator('#test-profile').fill(USER);
    await page.locator('#test-profile').press('Enter');
    const profileId = (await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${USER}`)).body
      .profileId;
    await page.getByTestId('test-profile-found').filter({ hasText: profileId }).waitFor();
    await page.getByRole('button', { name: /预\s*览/ }).click();
    await page
      .getByTestId('test-preview')
      .filter({ hasText: `你好 ${NAME}` })
      .waitFor();
    await page.getByTestId('test-send-submit').click();
    await page.locator('[data-testid="test-send-result"][data-outcome="sent"]').waitFor();
    await expect.poll(() => peer.received.length).toBe(before + 1);
    const got = peer.received.at(-1)!;
    expect(got.key).toMatch(/^test:/);
    expect(got.body).toMatchObject({ to: profileId, body: `你好 ${NAME}` });
    await shot('journey-test-send');
    await page
      .locator('.ant-modal-footer')
      .getByRole('button', { name: /关\s*闭/ })
      .click();
  });

  it('shows an A/B split’s variants against the control, with the holdout', async () => {
    const created = await t.api('POST', '/api/v1/journeys', {
      name: 'A/B 召回',
      trigger: { kind: 'event', event: 'AB Seed' },
      entry: { reentry: 'never' },
      goal: { event: 'AB Goal', within: '7d' },
      start: 'ab',
      steps: {
        ab: {
          kind: 'ab',
          control: 0.2,
          variants: [
            { name: '新品', weight: 1, next: 'push_a' },
            { name: '优惠', weight: 1, next: 'push_b' },
          ],
        },
        push_a: { kind: 'send', channel: 'webhook', template: { body: 'A' }, next: 'done' },
        push_b: { kind: 'send', channel: 'webhook', template: { body: 'B' }, next: 'done' },
        done: { kind: 'exit' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await t.api('POST', `/api/v1/journeys/${id}/activate`)).status).toBe(200);
    const users = Array.from({ length: 60 }, (_, i) => `ab-${i}`);
    await collect(...users.map((u) => ({ type: 'track', userId: u, event: 'AB Seed' })));
    await collect(
      ...users.filter((_, i) => i % 3 !== 0).map((u) => ({ type: 'track', userId: u, event: 'AB Goal' })),
    );
    const m = (await t.api('GET', `/api/v1/journeys/${id}/metrics`)).body;
    expect(m.entered).toBe(users.length);
    expect(m.variants.map((v: { name: string }) => v.name).sort()).toEqual(
      ['control', '优惠', '新品'].sort(),
    );

    await page.goto(`${t.url}/journeys/${id}`);
    await page.getByTestId('journey-ab').waitFor();
    const pct = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 });
    for (const v of m.variants as Array<{ name: string; conversionRate: number }>)
      expect(await page.getByTestId(`ab-rate-${v.name}`).first().textContent()).toBe(
        pct.format(v.conversionRate),
      );
    const ab = await page.getByTestId('ab-table').textContent();
    expect(ab).toContain('基准');
    for (const x of m.variantTests as Array<{ test: { pValue: number | null } }>)
      if (x.test.pValue !== null)
        expect(ab).toContain(
          new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 4 }).format(x.test.pValue),
        );
    // Per-step numbers on the split's ways out, and on the nodes.
    const abStep = m.steps.find((s: { stepId: string }) => s.stepId === 'ab');
    await page
      .getByTestId('journey-metrics-ab')
      .locator(`[data-metric="reached"][data-value="${abStep.reached}"]`)
      .waitFor();
    if (m.holdout) await page.getByTestId('journey-holdout').waitFor();
    await shot('journey-ab');
  });

  it('is read-only for a viewer: no palette, no save or publish, no connecting', async () => {
    const password = 'viewer-journeys-secret-0123';
    const created = await t.api('POST', '/api/v1/users', {
      username: 'jviewer',
      displayName: '只读',
      role: 'viewer',
      password,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const viewer = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 } });
    viewer.setDefaultTimeout(15_000);
    const p = await viewer.newPage();
    p.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await p.goto(`${t.url}/journeys/${built}`);
    await p.waitForURL(/\/login/);
    await login(p, 'jviewer', password);
    await p.waitForURL(new RegExp(`/journeys/${built}$`));
    await p.getByTestId('journey-node-send_1').waitFor();
    await p.getByRole('alert').filter({ hasText: '只能查看' }).waitFor();
    expect(await p.getByTestId('journey-palette').count()).toBe(0);
    expect(await p.getByTestId('journey-save').count()).toBe(0);
    expect(await p.getByTestId('journey-publish').count()).toBe(0);
    expect(await p.locator('.react-flow__handle.connectable').count()).toBe(0);
    // The drawer still shows the settings, disabled.
    await p.getByTestId('journey-node-wait_1').click({ position: { x: 60, y: 14 } });
    expect(await p.locator('#step-duration').isDisabled()).toBe(true);
    await viewer.close();
  });

  it('had no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
