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
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * The journeys console in a real browser against a real Tessera with the demo brand and a
 * webhook channel pointing at a local peer that checks signatures: the template gallery and a
 * template on the canvas; a journey built on the canvas from nothing (trigger, a wait dragged
 * in, a send added, connected by dragging handles, configured in the drawer), saved and
 * published, and read back from the API as drawn; an event through the collection API moves a
 * person into it and the canvas shows the step's numbers; a test send from the send step reaches
 * the peer; an A/B journey's results against its control; a split's condition built in the
 * visual editor (live count against the preview API, saved exactly as built); leaving unsaved
 * edits asks (menu and Back button). Screenshots go to test-artifacts/console/journey-*.png.
 */

const SECRET = 'whsec_console_journeys_0123456789';
const EVENT = 'Console Journey Started';
const USER = 'u-journey-1';
const NAME = '李雷';

let t: TestTessera;
let peer: WebhookPeer;
let writeKey: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** The journey built on the canvas, and the one whose split is built in the visual editor. */
let built = '';
let split = '';
const zh = new Intl.NumberFormat('zh-CN');
let n = 0;

const shot = (name: string) => screenshot(page, name);

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

async function preview(condition: unknown): Promise<{ count: number }> {
  const r = await t.api('POST', '/api/v1/segments/preview', { condition });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { count: number };
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

/** Closes open pickers by clicking the drawer's title (Escape on a field would close the drawer). */
async function closePickers(): Promise<void> {
  await page.locator('.ant-drawer-title').first().click();
}

async function fillTags(selector: string, value: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  requireChromium();
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
  browser = await launchChromium();
  ({ page } = await openTab(browser, pageErrors, {
    locale: 'zh-CN',
    viewport: { width: 1600, height: 1000 },
    timeout: 15_000,
  }));
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

  it('builds a split condition in the visual editor and saves exactly that condition', async () => {
    // A city the demo people have (names come as 上海市 or 上海 by source).
    const cities = ['上海市', '上海'];
    const counts = await Promise.all(
      cities.map(async (c) => (await preview({ trait: 'city', op: 'eq', value: c })).count),
    );
    const city = cities[counts.findIndex((c) => c > 0)]!;
    expect(city).toBeDefined();
    const created = await t.api('POST', '/api/v1/journeys', {
      name: '分支旅程',
      trigger: { kind: 'event', event: 'Console Split Seed' },
      start: 'check',
      steps: {
        check: {
          kind: 'split',
          condition: { event: 'Order Completed', within: '7d' },
          yes: 'to_yes',
          no: 'to_no',
        },
        to_yes: { kind: 'exit' },
        to_no: { kind: 'exit' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    split = created.body.id as string;
    // Opened from the list, so that Back (below) stays in the app.
    await page.goto(`${t.url}/journeys`);
    await page.getByRole('link', { name: '分支旅程' }).first().click();
    await page.waitForURL(new RegExp(`/journeys/${split}$`));
    await open('check');
    const editor = page.getByTestId('step-condition');
    const b = (path: string) => editor.getByTestId(`builder-node-${path}`);
    await b('root').waitFor();
    expect(await b('root').getAttribute('data-kind')).toBe('event');

    // (city = 上海) AND (Order Completed with revenue ≥ 100, at least once in the last 365 days)
    await b('root').getByRole('button', { name: '删除', exact: true }).click();
    expect(await b('root').getAttribute('data-kind')).toBe('group');
    await editor.getByTestId('builder-add-root').click();
    await page.getByRole('menuitem', { name: '用户属性', exact: true }).click();
    await b('root.0').getByRole('combobox', { name: '属性', exact: true }).fill('city');
    await closePickers();
    await b('root.0').getByRole('combobox', { name: '值', exact: true }).fill(city);
    await closePickers();
    await editor.getByTestId('builder-add-root').click();
    await page.getByRole('menuitem', { name: '行为事件', exact: true }).click();
    const event = b('root.1');
    await event.getByRole('combobox', { name: '事件' }).fill('Order Completed');
    await event.getByRole('combobox', { name: '事件' }).press('Enter');
    await closePickers();
    await event.getByRole('spinbutton', { name: '窗口长度' }).fill('365');
    // The property picker offers what the stored Order Completed events carry, with their counts.
    const schema = (await t.api('GET', '/api/v1/schema')).body as {
      events: Array<{ name: string; properties: Array<{ key: string; count: number }> }>;
    };
    const revenue = schema.events
      .find((e) => e.name === 'Order Completed')!
      .properties.find((p) => p.key === 'revenue')!;
    expect(revenue.count).toBeGreaterThan(0);
    await event.getByRole('button', { name: '添加属性筛选' }).click();
    const property = event.getByRole('combobox', { name: '事件属性' });
    await property.click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: 'revenue' })
      .filter({ hasText: `${zh.format(revenue.count)} 次` })
      .waitFor();
    await property.fill('revenue');
    await closePickers();
    const filter = event.getByTestId('builder-filter');
    await filter.getByRole('combobox', { name: '运算符' }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '大于等于' })
      .click();
    await filter.getByRole('spinbutton', { name: '值', exact: true }).fill('100');

    const condition = {
      all: [
        { trait: 'city', op: 'eq', value: city },
        {
          event: 'Order Completed',
          where: [{ property: 'revenue', op: 'gte', value: 100 }],
          count: { op: 'gte', value: 1 },
          within: '365d',
        },
      ],
    };
    await editor.getByTestId('segment-json-toggle').click();
    expect(JSON.parse((await editor.getByTestId('segment-condition-json').textContent()) ?? 'null')).toEqual(
      condition,
    );
    // The live count is the preview API's count for the same condition.
    const expected = (await preview(condition)).count;
    expect(expected).toBeGreaterThan(0);
    const count = editor.locator(
      `[data-testid="condition-count"][data-state="ready"][data-for='${JSON.stringify(condition)}']`,
    );
    await count.waitFor({ timeout: 30_000 });
    expect(Number(await count.getAttribute('data-count'))).toBe(expected);
    expect(await count.textContent()).toBe(`${zh.format(expected)} 人`);
    expect(await editor.getByTestId('builder-issues').count()).toBe(0);
    await shot('journey-split-builder');

    await closeDrawer();

    // The trigger's property filters are rows of the same kind.
    await open('_trigger');
    const where = page.getByTestId('trigger-where');
    await where.getByRole('button', { name: '添加属性筛选' }).click();
    await where.getByRole('combobox', { name: '事件属性' }).fill('plan');
    await closePickers();
    await where.getByRole('combobox', { name: '值', exact: true }).fill('pro');
    await closeDrawer();

    await page.getByTestId('journey-save').click();
    await page.getByTestId('journey-dirty').waitFor({ state: 'detached' });
    const stored = (await t.api('GET', `/api/v1/journeys/${split}`)).body;
    expect(stored.definition.trigger).toEqual({
      kind: 'event',
      event: 'Console Split Seed',
      where: [{ property: 'plan', op: 'eq', value: 'pro' }],
    });
    expect(stored.version).toBe(2);
    expect(stored.definition.steps.check).toEqual({ kind: 'split', condition, yes: 'to_yes', no: 'to_no' });
    expect(JSON.stringify(stored.definition.steps.check.condition)).toBe(JSON.stringify(condition));
  });

  it('asks before leaving a journey with unsaved edits', async () => {
    const before = (await t.api('GET', `/api/v1/journeys/${split}`)).body;
    await open('check');
    const editor = page.getByTestId('step-condition');
    await editor.getByTestId('builder-node-root').getByRole('checkbox', { name: '不满足' }).first().check();
    await page.getByTestId('journey-dirty').waitFor();
    const here = page.url();
    const dialog = page.locator('.ant-modal-confirm');

    // The Segments menu item asks; staying keeps the page and the edit.
    await page.getByRole('menuitem', { name: '人群' }).click();
    await dialog.locator('.ant-modal-confirm-title', { hasText: '放弃未保存的修改？' }).waitFor();
    await shot('journey-leave-confirm');
    await dialog.getByRole('button', { name: '留下继续编辑' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(page.url()).toBe(here);
    await page.getByTestId('journey-dirty').waitFor();
    expect(
      await editor
        .getByTestId('builder-node-root')
        .getByRole('checkbox', { name: '不满足' })
        .first()
        .isChecked(),
    ).toBe(true);

    // So does the browser's Back button: the address comes back while it asks.
    await page.evaluate('history.back()');
    await dialog.locator('.ant-modal-confirm-title', { hasText: '放弃未保存的修改？' }).waitFor();
    expect(page.url()).toBe(here);
    await dialog.getByRole('button', { name: '留下继续编辑' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(page.url()).toBe(here);
    await page.getByTestId('journey-dirty').waitFor();

    // Leaving goes, and the edit was not saved.
    await page.getByRole('menuitem', { name: '人群' }).click();
    await dialog.getByRole('button', { name: /^离\s*开$/ }).click();
    await page.waitForURL(/\/segments$/);
    await page.getByRole('heading', { name: '人群' }).waitFor();
    const after = (await t.api('GET', `/api/v1/journeys/${split}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.definition).toEqual(before.definition);
  });

  it('undoes and redoes canvas edits, with the buttons and the keyboard', async () => {
    await page.goto(`${t.url}/journeys/${built}`);
    await node('wait_1').waitFor();
    const nodes = page.locator('.react-flow__node');
    const count = await nodes.count();
    expect(await page.getByTestId('journey-undo').isDisabled()).toBe(true);

    // A step added from the palette is one edit.
    await page.getByTestId('palette-wait').click();
    await expect.poll(() => nodes.count()).toBe(count + 1);
    await page.getByTestId('journey-dirty').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes.count()).toBe(count);
    // Back to the saved journey: nothing to save.
    await page.getByTestId('journey-dirty').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodes.count()).toBe(count + 1);
    await page.getByTestId('journey-dirty').waitFor();

    // A drawer edit is another; the button undoes it, and then the step.
    const before = (await t.api('GET', `/api/v1/journeys/${built}`)).body.definition.steps.wait_1.duration;
    await open('wait_1');
    await page.locator('#step-duration').fill('5h');
    await page.keyboard.press('Control+z');
    // In a field, Ctrl+Z is the field's own: the canvas keeps the edit.
    await closeDrawer();
    await page.getByTestId('journey-undo').click();
    await open('wait_1');
    expect(await page.locator('#step-duration').inputValue()).toBe(before);
    await closeDrawer();
    await page.getByTestId('journey-undo').click();
    await expect.poll(() => nodes.count()).toBe(count);
    await page.getByTestId('journey-dirty').waitFor({ state: 'detached' });
    expect(await page.getByTestId('journey-redo').isEnabled()).toBe(true);
  });

  it('keeps a dragged node where it was put, for everyone who opens the journey', async () => {
    const layoutOf = async () =>
      (await t.api('GET', `/api/v1/journeys/${built}/layout`)).body.positions as Record<
        string,
        { x: number; y: number }
      >;
    await page.goto(`${t.url}/journeys/${built}`);
    await node('wait_1').waitFor();
    const before = (await layoutOf()).wait_1;
    // Saving the journey stored its layout already.
    expect(before).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    const box = (await node('wait_1').boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 14);
    await page.mouse.down();
    await page.mouse.move(box.x + 60 + 180, box.y + 14 + 90, { steps: 12 });
    await page.mouse.up();
    // Stored once the dragging settles, right and down of where it was; the definition is untouched.
    await expect
      .poll(async () => {
        const now = (await layoutOf()).wait_1!;
        return now.x > before!.x + 50 && now.y > before!.y + 25;
      })
      .toBe(true);
    const after = (await layoutOf()).wait_1!;
    expect((await t.api('GET', `/api/v1/journeys/${built}/versions`)).body.versions[0].version).toBe(
      (await t.api('GET', `/api/v1/journeys/${built}`)).body.version,
    );

    // Another browser (no local storage shared) opens it with the node where it was put.
    const { context: other, page: p } = await openTab(browser, pageErrors, {
      locale: 'zh-CN',
      viewport: { width: 1600, height: 1000 },
      storageState: await page.context().storageState(),
    });
    try {
      await p.goto(`${t.url}/journeys/${built}`);
      await p.getByTestId('journey-node-wait_1').waitFor();
      const style = await p.locator('.react-flow__node[data-id="wait_1"]').getAttribute('style');
      expect(style).toContain(`transform: translate(${after.x}px, ${after.y}px)`);
    } finally {
      await other.close();
    }
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
    const { context: viewer, page: p } = await openTab(browser, pageErrors, {
      locale: 'zh-CN',
      viewport: { width: 1600, height: 1000 },
    });
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
