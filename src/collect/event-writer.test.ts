import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../platform/db/duckdb.js';
import { migrate } from '../platform/db/migrations.js';
import { fingerprint } from '../platform/hash.js';
import { EventWriter } from './event-writer.js';
import { IngestLog } from './ingest-log.js';
import { encodeEvent } from './log-codec.js';
import type { PreparedEvent } from './message.js';

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-writer-'));
  db = await Database.open(join(dir, 'db.duckdb'));
  await migrate(db);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function ev(messageId: string, fp?: [number, number]): PreparedEvent {
  const [fpHi, fpLo] = fp ?? fingerprint(`ws\u0000${messageId}`);
  return {
    workspaceId: 'ws',
    sourceId: 'src',
    messageId,
    fpHi,
    fpLo,
    type: 'track',
    event: 'E',
    name: null,
    userId: 'u',
    anonymousId: null,
    groupId: null,
    previousId: null,
    timestamp: 1_700_000_000_000,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: 1_700_000_000_000,
    properties: '{"n":1}',
    traits: null,
    context: null,
    integrations: null,
    extra: null,
  };
}

const open = (): Promise<EventWriter> =>
  EventWriter.open(db, { logDir: join(dir, 'log'), maxLoadRecords: 1000, maxUnloaded: 10_000 });

async function storedIds(): Promise<string[]> {
  return (await db.query<{ message_id: string }>('SELECT message_id FROM events ORDER BY seq')).map(
    (r) => r.message_id,
  );
}

describe('EventWriter', () => {
  it('stores each message id once: within a request, across requests, before and after loading', async () => {
    const writer = await open();
    const first = await writer.write({ events: [ev('a'), ev('b'), ev('a')], rejected: [] });
    expect(first.stored).toEqual([true, true, false]);
    // Still unloaded or already loaded: either way a duplicate.
    expect((await writer.write({ events: [ev('b')], rejected: [] })).stored).toEqual([false]);
    await writer.settle();
    expect((await writer.write({ events: [ev('a'), ev('c')], rejected: [] })).stored).toEqual([false, true]);
    await writer.close();
    expect(await storedIds()).toEqual(['a', 'b', 'c']);
  });

  it('a fingerprint collision never drops a new message', async () => {
    const writer = await open();
    await writer.write({ events: [ev('x', [7, 7])], rejected: [] });
    await writer.settle();
    // Same fingerprint, different id: confirmed against the store, so stored.
    expect((await writer.write({ events: [ev('y', [7, 7])], rejected: [] })).stored).toEqual([true]);
    await writer.close();
    expect(await storedIds()).toEqual(['x', 'y']);
  });

  it('recovers acknowledged records that were logged but not loaded, and ignores a torn last line', async () => {
    const log = IngestLog.open(join(dir, 'log'));
    await log.append(1, [encodeEvent(1, ev('r1')), encodeEvent(2, ev('r2'))]);
    await log.close();
    const [segment] = readdirSync(join(dir, 'log'));
    appendFileSync(join(dir, 'log', segment!), '[3,"e","ws","src","r3"'); // a write cut short by the crash
    const writer = await open();
    expect(writer.getStats().recovered).toBe(2);
    expect(await storedIds()).toEqual(['r1', 'r2']);
    // The recovered ids are known to the dedup index, and numbering continues after them.
    expect((await writer.write({ events: [ev('r2'), ev('r4')], rejected: [] })).stored).toEqual([
      false,
      true,
    ]);
    await writer.close();
    const rows = await db.query<{ message_id: string; seq: number }>(
      'SELECT message_id, seq FROM events ORDER BY seq',
    );
    expect(rows).toEqual([
      { message_id: 'r1', seq: 1 },
      { message_id: 'r2', seq: 2 },
      { message_id: 'r4', seq: 3 },
    ]);
  });

  it('does not load a record twice after a restart', async () => {
    let writer = await open();
    await writer.write({ events: [ev('k1'), ev('k2')], rejected: [] });
    await writer.close();
    writer = await open();
    expect(writer.getStats().recovered).toBe(0);
    await writer.close();
    expect(await storedIds()).toEqual(['k1', 'k2']);
  });
});
