import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSink } from './file-sink.js';
import { generateDemo } from './generate.js';
import { MemorySink } from './memory-sink.js';
import { writeDemoFiles } from './parallel.js';
import { DEMO_FILES } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-demo-det-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function write(name: string, seed: number, people: number, workers = 1): Promise<string> {
  const dir = join(root, name);
  await writeDemoFiles({ seed, people, workers, blockSize: 37 }, dir);
  return dir;
}

function files(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
}

describe('demo determinism', () => {
  it('writes byte-identical files for the same seed, and different files for another seed', async () => {
    const a = files(await write('a', 7, 300));
    const b = files(await write('b', 7, 300));
    const c = files(await write('c', 8, 300));
    expect([...a.keys()].sort()).toEqual(Object.values(DEMO_FILES).sort());
    for (const [name, bytes] of a) {
      expect(bytes.equals(b.get(name)!), name).toBe(true);
      if (name !== DEMO_FILES.manifest && bytes.length > 200)
        expect(bytes.equals(c.get(name)!), name).toBe(false);
    }
  });

  it('writes the same bytes with worker threads as in-process', async () => {
    const single = files(await write('single', 11, 250, 1));
    const parallel = files(await write('parallel', 11, 250, 2));
    for (const [name, bytes] of single) expect(bytes.equals(parallel.get(name)!), name).toBe(true);
  });

  it('gives person i the same records whatever the number of people after it', async () => {
    const small = new MemorySink();
    const large = new MemorySink();
    await generateDemo({ seed: 5, people: 40 }, small);
    await generateDemo({ seed: 5, people: 120 }, large);
    // Pairs (2k, 2k+1) and (4b+j, 4b+j+2) are complete below index 36 in both runs.
    const upTo = (rows: { person_id: string }[]): unknown[] =>
      rows.filter((r) => Number(r.person_id.slice(4)) < 36);
    expect(upTo(large.data.people)).toEqual(upTo(small.data.people));
    expect(upTo(large.data.groundTruth)).toEqual(upTo(small.data.groundTruth));
    const keys = new Set(upTo(small.data.groundTruth).map((r) => (r as { record_key: string }).record_key));
    const pick = (sink: MemorySink): string[] =>
      sink.data.events.filter((m) => keys.has(m.messageId)).map((m) => JSON.stringify(m));
    expect(pick(large)).toEqual(pick(small));
  });

  it('the FileSink writes what the generator produced', async () => {
    const dir = join(root, 'sink');
    const memory = new MemorySink();
    await generateDemo({ seed: 3, people: 60 }, memory);
    await generateDemo({ seed: 3, people: 60 }, new FileSink(dir));
    const lines = readFileSync(join(dir, DEMO_FILES.events), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(
      memory.data.events.map((m) => JSON.parse(JSON.stringify(m)) as unknown),
    );
    expect(lines).toEqual(memory.data.events.map((m) => JSON.stringify(m)));
  });
});
