import { afterAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer } from '../support/webhook-peer.js';

/**
 * Journeys survive a restart: people waiting go on at the right step when their timers come
 * due, on the version of the journey they entered even after it was edited, and a send that
 * was waiting for a retry is retried with its idempotency key.
 */

const T = Date.UTC(2026, 10, 20, 2, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'whsec_restart_0123456789abc';
let n = 0;

const clock = new ManualClock(T);
const peerReady = startWebhookPeer(SECRET, { now: () => clock.now() });
let t: TestTessera | undefined;
afterAll(async () => {
  await t?.stop();
  await (await peerReady).close();
});

const overrides = { journeys: { holdoutShare: 0, caps: [], backoffMs: HOUR, maxBackoffMs: HOUR } };

const trial = (body: string) => ({
  name: 'trial follow-up',
  trigger: { kind: 'event', event: 'Trial Started' },
  entry: { reentry: 'never' },
  start: 'wait_2d',
  steps: {
    wait_2d: { kind: 'wait', duration: '2d', next: 'nudge' },
    nudge: { kind: 'send', channel: 'webhook', template: { body }, next: 'bought' },
    bought: {
      kind: 'wait_for_event',
      event: 'Order Completed',
      timeout: '1d',
      next: 'done',
      timeoutNext: 'last',
    },
    last: { kind: 'send', channel: 'webhook', template: { body: 'last call' }, next: 'done' },
    done: { kind: 'exit' },
  },
});

it('waiting people resume after a restart, on the version they entered, and a pending retry is retried', async () => {
  const peer = await peerReady;
  t = await startTestTessera(overrides, undefined, { clock });
  const dataDir = t.dataDir;
  expect(
    (
      await t.api('PUT', '/api/v1/channels/webhook', {
        provider: 'webhook',
        config: { url: peer.url, secret: SECRET },
      })
    ).status,
  ).toBe(200);
  const { writeKey } = await t.newSource('restart');
  const created = await t.api('POST', '/api/v1/journeys', trial('v-old'));
  const id = created.body.id as string;
  await t.api('POST', `/api/v1/journeys/${id}/activate`);
  const send = async (userId: string, event: string): Promise<void> => {
    const m = {
      messageId: `rs-${++n}`,
      type: 'track',
      userId,
      event,
      timestamp: new Date(clock.now()).toISOString(),
    };
    expect((await t!.collect('/v1/batch', { batch: [m] }, writeKey)).status).toBe(200);
    await t!.writer.settle();
    await t!.identity.settle();
    await t!.journeys.idle();
  };
  await send('early', 'Trial Started');
  // A new version while `early` waits: new entries take it, `early` keeps the one it entered.
  const edited = await t.api('PUT', `/api/v1/journeys/${id}`, trial('v-new'));
  expect(edited.status).toBe(200);
  clock.set(T + DAY);
  await send('late', 'Trial Started');
  await t.stop({ keepData: true });

  clock.set(T + 2 * DAY);
  peer.failNext(1);
  t = await startTestTessera(overrides, dataDir, { clock });
  await t.journeys.ready;
  await t.journeys.tick();
  await t.journeys.idle();
  // `early`'s nudge went out once and failed (503): a retry is due in an hour.
  expect(peer.received).toHaveLength(0);
  expect(peer.raw).toBe(1);
  await t.stop({ keepData: true });

  clock.set(T + 2 * DAY + HOUR);
  t = await startTestTessera(overrides, dataDir, { clock });
  await t.journeys.ready;
  await t.journeys.tick();
  await t.journeys.idle();
  expect(peer.received.map((r) => r.body.body)).toEqual(['v-old']);
  const earlyKey = peer.received[0]!.key;

  // A day after the nudge was queued, `late`'s nudge is due and `early`'s order wait times out.
  clock.set(T + 3 * DAY);
  await t.journeys.tick();
  await t.journeys.idle();
  expect(peer.received.map((r) => r.body.body).sort()).toEqual(['last call', 'v-new', 'v-old']);
  expect(peer.byKey.get(earlyKey)).toBe(1);
  const m = (await t.api('GET', `/api/v1/journeys/${id}/metrics`)).body;
  expect(m).toMatchObject({ entered: 2, waiting: 1 });
  expect(m.steps.find((s: { stepId: string }) => s.stepId === 'nudge')).toMatchObject({ sent: 2 });
});
