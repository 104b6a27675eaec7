import { Agent } from 'node:http';
import { post } from './support/http.js';
import { record } from './results.js';
import { startBenchServer } from './support/server.js';

const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 1_000_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 16);

const CATEGORIES = ['skincare', 'makeup', 'fragrance', 'haircare'];

/** A realistic 100-event batch: Segment-shaped track/page/identify messages with context. */
function batchBody(b: number): string {
  const batch = [];
  const now = Date.now();
  for (let i = 0; i < BATCH; i++) {
    const n = b * BATCH + i;
    const user = n % 50_000;
    const kind = n % 10;
    const context = {
      library: { name: 'analytics.js', version: '5.2.0' },
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
      page: { path: '/p/123', url: 'https://brand.example/p/123' },
      campaign: { source: 'wechat', medium: 'social', name: 'double11' },
    };
    const base = {
      messageId: `bench-${n}`,
      anonymousId: `anon-${user}`,
      timestamp: new Date(now - (n % 1000) * 1000).toISOString(),
      context,
    };
    if (kind === 0)
      batch.push({
        ...base,
        type: 'identify',
        userId: `u_${user}`,
        traits: { phone: `138${String(user).padStart(8, '0')}`, email: `p${user}@example.com` },
      });
    else if (kind < 4)
      batch.push({
        ...base,
        type: 'page',
        name: 'Product',
        properties: { path: '/p/123', title: '玻尿酸保湿精华' },
      });
    else
      batch.push({
        ...base,
        type: 'track',
        event: 'Product Viewed',
        properties: { product_id: `P${n % 500}`, category: CATEGORIES[n % 4], price: 199 + (n % 7) * 10 },
      });
  }
  return JSON.stringify({ batch, sentAt: new Date(now).toISOString() });
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchIngest(): Promise<void> {
  const server = await startBenchServer();
  try {
    const { writeKey } = await server.api<{ writeKey: string }>('POST', '/api/v1/sources', { name: 'bench' });
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const batches = EVENTS / BATCH;
    const bodies = Array.from({ length: batches }, (_, b) => batchBody(b));
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const url = new URL(server.url);
    // Warm up (JIT, connections) with a few batches that are not counted.
    for (let w = 0; w < 20; w++) await post(agent, url, '/v1/batch', auth, batchBody(batches + w));
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const cpu0 = server.cpuSeconds();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches) {
          const body = bodies[next++]!;
          const t0 = performance.now();
          const status = await post(agent, url, '/v1/batch', auth, body);
          latencies.push(performance.now() - t0);
          if (status !== 200) failures++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    if (failures > 0) throw new Error(`${failures} batches failed`);
    const status = await server.api<{
      writer: { eventsStored: number; groupCommits: number; loads: number };
    }>('GET', '/api/v1/status');
    if (status.writer.eventsStored !== EVENTS + 20 * BATCH) {
      throw new Error(`stored ${status.writer.eventsStored} events, expected ${EVENTS + 20 * BATCH}`);
    }
    latencies.sort((a, b) => a - b);
    const rate = EVENTS / seconds;
    const peak = server.peakRss();
    const cpuPerEvent = ((server.cpuSeconds() - cpu0) / EVENTS) * 1e6;
    console.log(
      `ingest: ${Math.round(rate)} events/s, ${status.writer.groupCommits} group commits, ${status.writer.loads} loads, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, server CPU ${cpuPerEvent.toFixed(1)} µs/event`,
    );
    const note = `${EVENTS.toLocaleString('en-US')} events, ${BATCH}/batch, ${CONCURRENCY} connections, durable (ack after commit); client on the same machine`;
    record([
      {
        name: 'ingest.events_per_second',
        value: rate,
        unit: 'events/s',
        target: '>= 50000',
        met: rate >= 50_000,
        note,
      },
      {
        name: 'ingest.ack_latency_p50',
        value: percentile(latencies, 50),
        unit: 'ms',
        target: null,
        note: 'per 100-event batch',
      },
      {
        name: 'ingest.ack_latency_p99',
        value: percentile(latencies, 99),
        unit: 'ms',
        target: null,
        note: 'per 100-event batch',
      },
      {
        name: 'ingest.server_peak_rss',
        value: peak / 2 ** 20,
        unit: 'MiB',
        target: null,
        note: 'VmHWM of the server process',
      },
    ]);
  } finally {
    await server.stop();
  }
}
