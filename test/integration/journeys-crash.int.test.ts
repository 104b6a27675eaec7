import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, spawnCli, waitForHealth } from '../support/process.js';
import { startWebhookPeer } from '../support/webhook-peer.js';

/**
 * The outbox under SIGKILL: a journey is sending to 10,000 people through a signed webhook
 * when the process is killed; after a restart on the same data directory every person has got
 * their message, and exactly one (the receiver applies each idempotency key once; the repeats
 * it sees are calls that were in flight or not yet recorded when the process died). Once with
 * people entering one by one on their own events, once with a whole segment entering at once.
 */

const API_KEY = 'tsk_journey_crash_key_0123456789ab';
const SECRET = 'whsec_journey_crash_0123456789';
const PEOPLE = 10_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function crashWhileSending(entry: 'event' | 'segment'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-journey-crash-'));
  const configDir = mkdtempSync(join(tmpdir(), 'tessera-journey-crash-config-'));
  dirs.push(dataDir, configDir);
  const configFile = join(configDir, 'tessera.config.json');
  writeFileSync(configFile, JSON.stringify({ journeys: { holdoutShare: 0, quietHours: null, caps: [] } }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startServer = async () => {
    const cli = spawnCli(
      ['start', '--data', dataDir, '--port', String(port), '--no-demo', '--config', configFile],
      { TESSERA_BOOTSTRAP_API_KEY: API_KEY, TESSERA_LOG_LEVEL: 'warn' },
    );
    await waitForHealth(url, cli, 60_000);
    return cli;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  // Each call takes a few milliseconds, so the kill lands while thousands are still to go.
  const peer = await startWebhookPeer(SECRET, { delayMs: 15 });
  let server = await startServer();
  try {
    const channel = await api('PUT', '/api/v1/channels/webhook', {
      provider: 'webhook',
      config: { url: peer.url, secret: SECRET },
    });
    expect(channel.status).toBe(200);
    const created = await api('POST', '/api/v1/journeys', {
      name: `crash by ${entry}`,
      trigger: { kind: 'event', event: 'Joined Campaign' },
      entry: { reentry: 'never' },
      start: 'hello',
      steps: {
        hello: {
          kind: 'send',
          channel: 'webhook',
          template: { body: 'campaign {{ event.properties.campaign | default: traits.campaign }}' },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api('POST', `/api/v1/journeys/${id}/activate`)).status).toBe(200);
    const source = await api('POST', '/api/v1/sources', { name: 'crash' });
    const auth = `Basic ${Buffer.from(`${source.body.writeKey}:`).toString('base64')}`;
    for (let b = 0; b < PEOPLE; b += 500) {
      const batch = Array.from({ length: 500 }, (_, i) =>
        entry === 'event'
          ? {
              type: 'track',
              messageId: `join-${b + i}`,
              userId: `member-${b + i}`,
              event: 'Joined Campaign',
              properties: { campaign: 'double-11' },
            }
          : {
              type: 'identify',
              messageId: `id-${b + i}`,
              userId: `member-${b + i}`,
              traits: { campaign: 'double-11' },
            },
      );
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
      });
      expect(res.status).toBe(200);
    }
    if (entry === 'segment') {
      const segment = await api('POST', '/api/v1/segments', {
        name: 'campaign',
        condition: { trait: 'campaign', op: 'eq', value: 'double-11' },
      });
      expect(segment.body.size).toBe(PEOPLE);
      // Not awaited: the process dies while this call is still working through the segment.
      void api('POST', `/api/v1/journeys/${id}/enter`, { segment: segment.body.id }).catch(() => undefined);
    }
    const deadline = Date.now() + 60_000;
    while (peer.received.length < 1_500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    await server.exited;
    const atKill = peer.received.length;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(PEOPLE);

    server = await startServer();
    const after = Date.now() + 120_000;
    while (peer.received.length < PEOPLE && Date.now() < after) await new Promise((r) => setTimeout(r, 50));
    // A moment more: nothing beyond the 10,000 may arrive.
    await new Promise((r) => setTimeout(r, 1_000));

    const perProfile = new Map<string, string[]>();
    for (const r of peer.received) {
      const to = r.body.to as string;
      perProfile.set(to, [...(perProfile.get(to) ?? []), r.key]);
    }
    expect(peer.rejected).toEqual([]);
    expect(peer.received.length).toBe(PEOPLE);
    expect(perProfile.size).toBe(PEOPLE);
    expect([...perProfile.values()].every((keys) => keys.length === 1)).toBe(true);
    expect(peer.received.every((r) => r.body.body === 'campaign double-11')).toBe(true);
    // Repeats are bounded by what was in flight or unrecorded at the kill, never a second run.
    const repeats = peer.raw - PEOPLE;
    process.stderr.write(
      `journey crash (${entry}): ${atKill} applied at the kill, ${repeats} repeated calls after restart\n`,
    );
    expect(repeats).toBeGreaterThanOrEqual(0);
    expect(repeats).toBeLessThan(500);
    const metrics = await api('GET', `/api/v1/journeys/${id}/metrics`);
    expect(metrics.body.entered).toBe(PEOPLE);
    expect(metrics.body.steps.find((s: { stepId: string }) => s.stepId === 'hello').sent).toBe(PEOPLE);
  } finally {
    server.child.kill('SIGKILL');
    await server.exited;
    await peer.close();
  }
}

it(
  'killed while people enter on their own events, every one of 10,000 gets the message exactly once',
  () => crashWhileSending('event'),
  240_000,
);

it(
  'killed while a 10,000-member segment enters at once, every member gets the message exactly once',
  () => crashWhileSending('segment'),
  240_000,
);
