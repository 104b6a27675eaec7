/** Mapping files and the built-in presets in `<package root>/presets/`. */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem, Result } from '../../platform/errors.js';
import { parseMapping, type Mapping, type MappingIssue } from './mapping-schema.js';

/** Why a mapping could not be loaded; `issues` lists every schema violation. */
export interface MappingProblem extends Problem {
  code: 'not_found' | 'invalid_json' | 'invalid_mapping';
  issues: MappingIssue[];
}

const PRESET_NAME = /^[a-z0-9][a-z0-9-]*$/;

let presetsDir: string | undefined;

/**
 * The package root is the nearest ancestor of this module holding `package.json` and
 * `presets/`: it works from `src/collect/import` (tsx, vitest) and from `dist/collect/import`.
 */
export function presetDirectory(): string {
  if (presetsDir !== undefined) return presetsDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'presets'))) {
      presetsDir = join(dir, 'presets');
      return presetsDir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no presets/ directory above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Names of the built-in presets (`crm-members`, `orders`, …), sorted. */
export async function listPresets(): Promise<string[]> {
  const files = await readdir(presetDirectory());
  return files
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

const problem = (code: MappingProblem['code'], message: string, issues: MappingIssue[] = []) => ({
  ok: false as const,
  error: { code, message, issues },
});

/** Load a mapping from a file path, or a preset by name (`tmall-orders`). */
export async function loadMapping(pathOrPresetName: string): Promise<Result<Mapping, MappingProblem>> {
  const isPreset = PRESET_NAME.test(pathOrPresetName) && !existsSync(pathOrPresetName);
  const file = isPreset ? join(presetDirectory(), `${pathOrPresetName}.json`) : resolve(pathOrPresetName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const presets = await listPresets();
    return problem(
      'not_found',
      isPreset
        ? `no preset "${pathOrPresetName}"; presets: ${presets.join(', ')}`
        : `mapping file not found: ${file}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return problem('invalid_json', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseMapping(json);
  if (!parsed.ok) {
    const lines = parsed.error.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    return problem('invalid_mapping', `${file} is not a valid mapping:\n${lines}`, parsed.error);
  }
  return parsed;
}
