import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Database } from '../../src/platform/db/duckdb.js';
import { freePort, spawnCli, waitForHealth } from '../support/process.js';

const API_KEY = 'tsk_crash_test_key_0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startServer(port: number) {
  const cli = spawnCli(['start', '--data', dataDir, '--port', String(port), '--no-demo'], {
    TESSERA_BOOTSTRAP_API_KEY: API_KEY,
    TESSERA_LOG_LEVEL: 'warn',
  });
  await waitForHealth(`http://127.0.0.1:${port}`, cli);
  return cli;
}

it('every acknowledged messageId survives SIGKILL exactly once', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server = await startServer(port);
  const created = await fetch(`${url}/api/v1/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'crash' }),
  });
  const { writeKey } = (await created.json()) as { writeKey: string };
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

  const acked: string[][] = [];
  let killed = false;
  const sender = async (worker: number): Promise<void> => {
    for (let b = 0; !killed; b++) {
      const ids = Array.from({ length: 100 }, (_, i) => `w${worker}-b${b}-m${i}`);
      const batch = ids.map((messageId, i) => ({
        type: 'track',
        messageId,
        userId: `user-${i % 17}`,
        event: 'Product Viewed',
        properties: { sku: `SKU-${i}`, price: i * 1.5 },
      }));
      try {
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ batch }),
        });
        if (res.status === 200) acked.push(ids);
      } catch {
        return; // the server died under us: this batch was not acknowledged
      }
    }
  };
  const senders = [0, 1, 2, 3].map(sender);
  // Kill while batches are in flight, once a good number were acknowledged.
  while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
  server.child.kill('SIGKILL');
  killed = true;
  await Promise.all(senders);
  await server.exited;
  const ackedIds = acked.flat();
  expect(ackedIds.length).toBeGreaterThanOrEqual(4000);

  // Restart on the same data; a client that retries its last acknowledged batch must not duplicate it.
  server = await startServer(port);
  const retry = acked[acked.length - 1]!.map((messageId) => ({
    type: 'track',
    messageId,
    userId: 'x',
    event: 'Product Viewed',
  }));
  const again = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ batch: retry }),
  });
  expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 100 });
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  const db = await Database.open(join(dataDir, 'tessera.duckdb'));
  const rows = await db.query<{ message_id: string; n: number }>(
    'SELECT message_id, count(*) AS n FROM events GROUP BY message_id',
  );
  await db.close();
  const counts = new Map(rows.map((r) => [r.message_id, r.n]));
  const missing = ackedIds.filter((id) => !counts.has(id));
  const doubled = rows.filter((r) => r.n !== 1);
  expect(missing).toEqual([]);
  expect(doubled).toEqual([]);
});
