import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from './config.js';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({ env: {}, cwd: '/srv' });
    expect(c.dataDir).toBe('/srv/data');
    expect(c.server.port).toBe(4000);
    expect(c.governance).toEqual({
      defaultRegion: 'CN',
      timeZone: 'Asia/Shanghai',
      invalidField: 'reject',
      pii: {},
      piiRole: 'marketer',
    });
    expect(Object.isFrozen(c.server)).toBe(true);
  });

  it('layers file < environment < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(
      join(dir, 'tessera.config.json'),
      JSON.stringify({ server: { port: 5000, host: '0.0.0.0' }, lang: 'en' }),
    );
    const c = loadConfig({
      cwd: dir,
      env: { TESSERA_PORT: '6000', TESSERA_DATA_DIR: '/var/tessera' },
      overrides: { demo: false },
    });
    expect(c.server).toEqual({ port: 6000, host: '0.0.0.0' });
    expect(c.dataDir).toBe('/var/tessera');
    expect(c.lang).toBe('en');
    expect(c.demo).toBe(false);
  });

  it('lists every problem at once, with its place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(
      join(dir, 'tessera.config.json'),
      JSON.stringify({ server: { port: 70000 }, governance: { timeZone: 'Mars/Olympus' }, colour: 'red' }),
    );
    const found = problems(() =>
      loadConfig({ cwd: dir, env: { TESSERA_PORT: 'eighty', TESSERA_DEMO: 'maybe' } }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TESSERA_PORT: expected a whole number/),
        expect.stringMatching(/^TESSERA_DEMO: expected true or false/),
        expect.stringMatching(/^server\.port:/),
        expect.stringMatching(/^governance\.timeZone: must be an IANA time zone/),
        expect.stringMatching(/colour/),
      ]),
    );
  });

  it('reports a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ port: 1 ');
    expect(problems(() => loadConfig({ cwd: dir, file: 'bad.json', env: {} }))[0]).toMatch(/bad\.json/);
  });

  it('never prints the bootstrap key', () => {
    const c = loadConfig({ env: { TESSERA_BOOTSTRAP_API_KEY: 'tsk_super_secret_value_123' } });
    expect(JSON.stringify(redactConfig(c))).not.toContain('tsk_super_secret_value_123');
  });
});
