import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPresets, loadMapping, presetDirectory } from './load-mapping.js';

describe('loadMapping', () => {
  it('loads every preset by name', async () => {
    for (const name of await listPresets()) {
      const loaded = await loadMapping(name);
      expect(loaded.ok, JSON.stringify(loaded)).toBe(true);
      if (loaded.ok) expect(loaded.value.name).toBe(name);
    }
  });

  it('loads a preset by path', async () => {
    const loaded = await loadMapping(join(presetDirectory(), 'orders.json'));
    expect(loaded).toMatchObject({ ok: true, value: { name: 'orders', kind: 'orders' } });
  });

  it('names the presets when one is not found', async () => {
    expect(await loadMapping('shopify')).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: 'no preset "shopify"; presets: crm-members, events, orders, tmall-orders',
        issues: [],
      },
    });
  });

  it('reports invalid JSON and every schema issue of a mapping file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-mapping-'));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "name": ');
    expect(await loadMapping(broken)).toMatchObject({ ok: false, error: { code: 'invalid_json' } });

    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ name: 'x', kind: 'orders', format: 'xlsx' }));
    const loaded = await loadMapping(invalid);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.code).toBe('invalid_mapping');
    expect(loaded.error.issues.map((i) => i.path)).toEqual(['format', 'description']);
    expect(loaded.error.message).toContain('  format: Invalid option: expected one of "csv"|"jsonl"');

    expect(await loadMapping(join(dir, 'missing.json'))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
