import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter, ChannelKind, OutboundMessage, SendOutcome } from '../channels/channel.js';
import type { SendResult, SendRow } from './journey-store.js';
import { Outbox, type OutboxOptions } from './outbox.js';

/*
 * The outbox against scripted adapters and a manual clock: each send's attempts fail or succeed
 * as its script says, the clock moves only when the test moves it (to just before and then to
 * each retry's time), and nothing sleeps (adapters yield with setImmediate, the way a socket
 * would, so that calls overlap).
 */

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const WS = 'ws_test';

type Outcome = 'sent' | 'retryable' | 'permanent' | 'throws';
interface Step {
  outcome: Outcome;
  /** Event-loop turns the call takes. */
  turns: number;
}
type Channel = 'email' | 'sms' | 'call' | 'push';

/** In-memory adapters that answer by script (per idempotency key, per call) and count what overlaps. */
class ScriptedChannels {
  inFlight = 0;
  maxInFlight = 0;
  readonly calls: Array<{ key: string; at: number; message: OutboundMessage; provider: string }> = [];
  private readonly made = new Map<string, number>();

  constructor(
    private readonly scripts: ReadonlyMap<string, readonly Step[]>,
    private readonly now: () => number,
  ) {}

  adapter(kind: ChannelKind, provider: string): ChannelAdapter {
    return {
      kind,
      provider,
      send: async (message) => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        this.calls.push({ key: message.idempotencyKey, at: this.now(), message, provider });
        const n = this.made.get(message.idempotencyKey) ?? 0;
        this.made.set(message.idempotencyKey, n + 1);
        const step = this.scripts.get(message.idempotencyKey)?.[n] ?? { outcome: 'sent', turns: 0 };
        try {
          for (let i = 0; i < step.turns; i++) await new Promise((r) => setImmediate(r));
        } finally {
          this.inFlight--;
        }
        return outcomeOf(step.outcome, message.idempotencyKey, n + 1, this.now());
      },
    };
  }
}

function outcomeOf(o: Outcome, key: string, call: number, at: number): SendOutcome {
  switch (o) {
    case 'sent':
      return { kind: 'sent', providerMessageId: `pm_${key}_${call}`, at };
    case 'retryable':
      return { kind: 'failed', retryable: true, reason: `busy (${key} call ${call})` };
    case 'permanent':
      return { kind: 'failed', retryable: false, reason: `bad address (${key})`, code: '400' };
    case 'throws':
      throw new Error(`socket hang up (${key} call ${call})`);
  }
}

function row(i: number, channel: string): SendRow {
  return {
    workspaceId: WS,
    key: `jny_a:v1:send_${i}:prof_${i}:1`,
    journeyId: 'jny_a',
    version: 1,
    stepId: `send_${i}`,
    instanceId: `jny_a:prof_${i}:1`,
    profileId: `prof_${i}`,
    channel,
    message: { to: `p${i}@example.com`, subject: 'Hi', body: 'Hello', metadata: { step_id: `send_${i}` } },
    createdAt: T0,
  };
}

/** The plain reading of a script: the statuses and attempt numbers the send must go through. */
function expectedRun(
  channel: string,
  script: readonly Step[],
  prior: number,
  maxAttempts: number,
): Array<{ status: SendResult['status']; attempt: number }> {
  const out: Array<{ status: SendResult['status']; attempt: number }> = [];
  for (let attempt = prior + 1; ; attempt++) {
    if (channel === 'push') return [...out, { status: 'dead', attempt }]; // no push adapter configured
    const o = script[attempt - prior - 1]?.outcome ?? 'sent';
    if (o === 'sent') return [...out, { status: 'sent', attempt }];
    if (o === 'permanent') return [...out, { status: 'dead', attempt }];
    if (attempt >= maxAttempts) return [...out, { status: 'dead', attempt }];
    out.push({ status: 'retry', attempt });
  }
}

/** The nominal backoff before attempt `attempt + 1`, without jitter. */
const nominal = (o: { backoffMs: number; maxBackoffMs: number }, attempt: number): number =>
  Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (attempt - 1));

interface Harness {
  outbox: Outbox;
  channels: ScriptedChannels;
  results: Array<{ result: SendResult; send: SendRow }>;
  clock: { now: number };
}

function harness(
  scripts: ReadonlyMap<string, readonly Step[]>,
  options: Partial<OutboxOptions> = {},
): Harness {
  const clock = { now: T0 };
  const channels = new ScriptedChannels(scripts, () => clock.now);
  const email = channels.adapter('email', 'smtp');
  const sms = channels.adapter('sms', 'tencent-sms');
  const webhook = channels.adapter('webhook', 'webhook');
  const results: Harness['results'] = [];
  const outbox = new Outbox({
    now: () => clock.now,
    adapter: (ws, channel) => {
      expect(ws).toBe(WS);
      return channel === 'email' ? email : channel === 'sms' ? sms : channel === 'call' ? webhook : null;
    },
    concurrency: 2,
    maxAttempts: 3,
    backoffMs: 1000,
    maxBackoffMs: 60_000,
    onResult: (result, send) => results.push({ result, send }),
    random: () => 0.5,
    ...options,
  });
  return { outbox, channels, results, clock };
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  outcome: fc.constantFrom<Outcome>('sent', 'retryable', 'retryable', 'permanent', 'throws'),
  turns: fc.integer({ min: 0, max: 3 }),
});

describe('outbox', () => {
  it('gives every send one end, after its retries, at the backoff, never over the concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            channel: fc.constantFrom<Channel>('email', 'sms', 'call', 'push'),
            script: fc.array(stepArb, { maxLength: 6 }),
            prior: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        fc.record({
          concurrency: fc.integer({ min: 1, max: 4 }),
          maxAttempts: fc.integer({ min: 1, max: 5 }),
          backoffMs: fc.integer({ min: 1, max: 5000 }),
          extra: fc.integer({ min: 0, max: 20_000 }),
        }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (plans, o, randoms) => {
          const scripts = new Map(plans.map((p, i) => [row(i, p.channel).key, p.script]));
          let r = 0;
          const config = { backoffMs: o.backoffMs, maxBackoffMs: o.backoffMs + o.extra };
          const h = harness(scripts, {
            concurrency: o.concurrency,
            maxAttempts: o.maxAttempts,
            ...config,
            random: () => randoms[r++ % randoms.length]!,
          });
          const sends = plans.map((p, i) => row(i, p.channel));
          plans.forEach((p, i) => h.outbox.enqueue(sends[i]!, p.prior));

          for (let round = 0; ; round++) {
            expect(round).toBeLessThan(50);
            await h.outbox.drained();
            expect(h.channels.inFlight).toBe(0);
            const last = new Map(h.results.map((x) => [x.result.key, x.result]));
            const waiting = [...last.values()].filter((x) => x.status === 'retry');
            // Drained: nothing ready or in flight; the retries still wait.
            expect(h.outbox.queued).toBe(waiting.length);
            if (waiting.length === 0) break;
            const due = Math.min(...waiting.map((x) => x.nextAttemptAt!));
            if (due - 1 > h.clock.now) {
              const before = h.results.length;
              h.clock.now = due - 1;
              h.outbox.tick();
              await h.outbox.drained();
              expect(h.results.length).toBe(before);
            }
            h.clock.now = due;
            h.outbox.tick();
          }

          expect(h.channels.maxInFlight).toBeLessThanOrEqual(o.concurrency);
          plans.forEach((p, i) => {
            const send = sends[i]!;
            const mine = h.results.filter((x) => x.result.key === send.key).map((x) => x.result);
            const want = expectedRun(p.channel, p.script, p.prior, o.maxAttempts);
            expect(mine.map((x) => ({ status: x.status, attempt: x.attempt }))).toEqual(want);
            const calls = h.channels.calls.filter((c) => c.key === send.key);
            expect(calls.length).toBe(p.channel === 'push' ? 0 : want.length);
            for (const c of calls)
              expect(c.message.channel).toBe(p.channel === 'call' ? 'webhook' : p.channel);
            mine.forEach((x, k) => {
              expect(x.workspaceId).toBe(WS);
              expect(x.provider).toBe(calls[k]?.provider ?? null);
              if (x.status === 'retry') {
                const d = nominal(config, x.attempt);
                expect(x.nextAttemptAt! - x.at).toBeGreaterThanOrEqual(0.5 * d);
                expect(x.nextAttemptAt! - x.at).toBeLessThanOrEqual(d);
                // The next attempt is made no sooner than that.
                expect(calls[k + 1]?.at ?? h.clock.now).toBeGreaterThanOrEqual(x.nextAttemptAt!);
              } else expect(x.nextAttemptAt).toBeNull();
              if (x.status === 'sent') expect(x.providerMessageId).toBe(`pm_${send.key}_${k + 1}`);
              else expect(x.providerMessageId).toBeNull();
            });
            const end = mine.at(-1)!;
            if (end.status === 'dead') {
              const o2 = p.script[end.attempt - p.prior - 1]?.outcome;
              if (p.channel === 'push') expect(end.reason).toMatch(/push channel is not configured/);
              else if (o2 === 'permanent') expect(end.reason).toBe(`bad address (${send.key})`);
              else expect(end.reason).toMatch(new RegExp(`\\(gave up after ${end.attempt} attempts\\)$`));
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('jitters retries between half and all of the backoff, which doubles up to its maximum', async () => {
    for (const [random, factor] of [
      [() => 0, 0.5],
      [() => 0.999_999, 1],
    ] as const) {
      const key = row(0, 'sms').key;
      const h = harness(new Map([[key, Array(6).fill({ outcome: 'retryable', turns: 0 })]]), {
        maxAttempts: 6,
        backoffMs: 1000,
        maxBackoffMs: 5000,
        random,
      });
      h.outbox.enqueue(row(0, 'sms'));
      for (let i = 0; i < 6; i++) {
        await h.outbox.drained();
        const last = h.results.at(-1)!.result;
        if (last.status !== 'retry') break;
        h.clock.now = last.nextAttemptAt!;
        h.outbox.tick();
      }
      const delays = h.results
        .filter((x) => x.result.status === 'retry')
        .map((x) => x.result.nextAttemptAt! - x.result.at);
      expect(delays).toEqual([1000, 2000, 4000, 5000, 5000].map((d) => Math.round(d * factor)));
      expect(h.results.at(-1)!.result).toMatchObject({ status: 'dead', attempt: 6 });
    }
  });

  it('a permanent failure is dead after one attempt; a retryable one after maxAttempts', async () => {
    const perm = row(0, 'email');
    const busy = row(1, 'sms');
    const h = harness(
      new Map([
        [perm.key, [{ outcome: 'permanent', turns: 1 }]],
        [busy.key, Array(3).fill({ outcome: 'retryable', turns: 1 })],
      ]),
      { maxAttempts: 3 },
    );
    h.outbox.enqueue(perm);
    h.outbox.enqueue(busy);
    for (let i = 0; i < 5; i++) {
      await h.outbox.drained();
      h.clock.now += 60_000;
      h.outbox.tick();
    }
    const of = (k: string): string[] =>
      h.results.filter((x) => x.result.key === k).map((x) => `${x.result.status}#${x.result.attempt}`);
    expect(of(perm.key)).toEqual(['dead#1']);
    expect(of(busy.key)).toEqual(['retry#1', 'retry#2', 'dead#3']);
    expect(h.results.find((x) => x.result.key === perm.key)!.result).toMatchObject({
      provider: 'smtp',
      reason: `bad address (${perm.key})`,
    });
    expect(h.results.at(-1)!.result.reason).toBe(`busy (${busy.key} call 3) (gave up after 3 attempts)`);
  });

  it('a send without an adapter is dead at once, and the reason names the channel', async () => {
    const h = harness(new Map());
    h.outbox.enqueue(row(0, 'wechat'));
    h.outbox.enqueue(row(1, 'push'));
    h.outbox.enqueue(row(2, 'call'), 0);
    await h.outbox.drained();
    const byKey = new Map(h.results.map((x) => [x.send.stepId, x.result]));
    expect(byKey.get('send_0')).toMatchObject({ status: 'dead', attempt: 1, provider: null });
    expect(byKey.get('send_0')!.reason).toMatch(/the wechat channel is not configured/);
    expect(byKey.get('send_1')!.reason).toMatch(/the push channel is not configured/);
    // `call` has an adapter here (the webhook one): it was sent.
    expect(byKey.get('send_2')).toMatchObject({ status: 'sent', provider: 'webhook' });
    const none = harness(new Map(), { adapter: () => null });
    none.outbox.enqueue(row(3, 'call'));
    await none.outbox.drained();
    expect(none.results[0]!.result.reason).toMatch(/configure the webhook channel/);
  });

  it('runs exactly `concurrency` calls at once while there is more to send', async () => {
    const gates: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const results: SendResult[] = [];
    const adapter: ChannelAdapter = {
      kind: 'email',
      provider: 'smtp',
      send: (m) => {
        running++;
        most = Math.max(most, running);
        return new Promise((resolve) =>
          gates.push(() => {
            running--;
            resolve({ kind: 'sent', providerMessageId: m.idempotencyKey, at: T0 });
          }),
        );
      },
    };
    const outbox = new Outbox({
      now: () => T0,
      adapter: () => adapter,
      concurrency: 3,
      maxAttempts: 3,
      backoffMs: 1000,
      maxBackoffMs: 1000,
      onResult: (r) => results.push(r),
    });
    for (let i = 0; i < 8; i++) outbox.enqueue(row(i, 'email'));
    let drained = false;
    const done = outbox.drained().then(() => (drained = true));
    for (let left = 8; left > 0; left--) {
      expect(running).toBe(Math.min(3, left));
      expect(outbox.queued).toBe(left);
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
      expect(drained).toBe(left === 1);
    }
    await done;
    expect(most).toBe(3);
    expect(results.map((r) => r.providerMessageId)).toEqual(
      Array.from({ length: 8 }, (_, i) => row(i, 'email').key),
    );
  });

  it('drained() resolves at once when idle, and does not wait for retries that are not due', async () => {
    const key = row(0, 'sms').key;
    const h = harness(new Map([[key, [{ outcome: 'retryable', turns: 2 }]]]));
    await h.outbox.drained();
    h.outbox.enqueue(row(0, 'sms'));
    await h.outbox.drained();
    expect(h.results.map((x) => x.result.status)).toEqual(['retry']);
    expect(h.outbox.queued).toBe(1);
    const due = h.results[0]!.result.nextAttemptAt!;
    expect(due - T0).toBe(750); // 1000 ms × (0.5 + 0.5 / 2)
    h.clock.now = due - 1;
    h.outbox.tick();
    await h.outbox.drained();
    expect(h.results).toHaveLength(1);
    h.clock.now = due;
    h.outbox.tick();
    await h.outbox.drained();
    expect(h.results.map((x) => `${x.result.status}#${x.result.attempt}`)).toEqual(['retry#1', 'sent#2']);
    expect(h.outbox.queued).toBe(0);
  });

  it('continues the attempt count of a send enqueued again after a restart, and holds it until due', async () => {
    const a = row(0, 'sms');
    const b = row(1, 'email');
    const h = harness(new Map([[a.key, [{ outcome: 'retryable', turns: 0 }]]]), { maxAttempts: 3 });
    h.outbox.enqueue(a, 2);
    h.outbox.enqueue(b, 1, T0 + 5000);
    await h.outbox.drained();
    expect(h.results.map((x) => x.result)).toMatchObject([
      { key: a.key, status: 'dead', attempt: 3, reason: `busy (${a.key} call 1) (gave up after 3 attempts)` },
    ]);
    expect(h.channels.calls.map((c) => c.key)).toEqual([a.key]);
    h.clock.now = T0 + 4999;
    h.outbox.tick();
    await h.outbox.drained();
    expect(h.results).toHaveLength(1);
    h.clock.now = T0 + 5000;
    h.outbox.tick();
    await h.outbox.drained();
    expect(h.results.at(-1)!.result).toMatchObject({ key: b.key, status: 'sent', attempt: 2, at: T0 + 5000 });
  });

  it('a dead-letter sent again (a fresh budget) goes on numbering but gets maxAttempts anew', async () => {
    const a = row(0, 'sms');
    const h = harness(new Map([[a.key, Array(3).fill({ outcome: 'retryable', turns: 0 })]]), {
      maxAttempts: 2,
    });
    h.outbox.enqueue(a, 3, 0, true);
    for (let i = 0; i < 3; i++) {
      await h.outbox.drained();
      h.clock.now += 60_000;
      h.outbox.tick();
    }
    expect(h.results.map((x) => `${x.result.status}#${x.result.attempt}`)).toEqual(['retry#4', 'dead#5']);
    expect(h.results.at(-1)!.result.reason).toMatch(/\(gave up after 2 attempts\)$/);
  });

  it('sends the idempotency key and the message with every attempt', async () => {
    const send = row(0, 'email');
    const h = harness(new Map([[send.key, [{ outcome: 'throws', turns: 0 }]]]));
    h.outbox.enqueue(send);
    await h.outbox.drained();
    expect(h.results[0]!.result).toMatchObject({
      status: 'retry',
      reason: `socket hang up (${send.key} call 1)`,
    });
    h.clock.now = h.results[0]!.result.nextAttemptAt!;
    h.outbox.tick();
    await h.outbox.drained();
    expect(h.channels.calls.map((c) => c.message)).toEqual([
      { channel: 'email', ...send.message, idempotencyKey: send.key },
      { channel: 'email', ...send.message, idempotencyKey: send.key },
    ]);
  });

  it('after stop() starts nothing and reports nothing', async () => {
    const a = row(0, 'email');
    const h = harness(new Map([[a.key, [{ outcome: 'sent', turns: 2 }]]]), { concurrency: 1 });
    h.outbox.enqueue(a);
    h.outbox.enqueue(row(1, 'email'));
    expect(h.channels.inFlight).toBe(1);
    h.outbox.stop();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(h.channels.calls).toHaveLength(1);
    expect(h.results).toEqual([]);
  });
});
