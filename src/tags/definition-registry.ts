import type { ConditionIssue } from '../conditions/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import {
  checkTag,
  checkTrait,
  type CheckedTag,
  type Status,
  type TagDefinition,
  type TraitDefinition,
} from './definitions.js';
import { tagDependencies } from './plan.js';
import {
  definitionVersions,
  insertDefinition,
  latestDefinitions,
  setDefinitionStatus,
  type DefinitionTable,
  type StoredDefinition,
} from './tag-store.js';
import { BUILTIN_TAGS, BUILTIN_TRAITS } from './templates.js';

/**
 * The tag and computed-trait definitions of every workspace, as the store holds them (newest
 * version of each key), checked: create, new version, status; the built-in ones installed where
 * missing; dependency order and cycle checks.
 */

export interface DefinitionInfo<T> {
  key: string;
  version: number;
  status: Status;
  createdAt: string;
  createdBy: string | null;
  definition: T;
}

export type DefinitionResult<T> =
  | { ok: true; value: DefinitionInfo<T> }
  | {
      ok: false;
      code: 'validation_failed' | 'conflict' | 'not_found';
      message: string;
      issues: ConditionIssue[];
    };

interface Loaded {
  tags: Map<string, DefinitionInfo<TagDefinition> & { checked: CheckedTag }>;
  traits: Map<string, DefinitionInfo<TraitDefinition>>;
}

const parseStored = <T>(row: StoredDefinition): DefinitionInfo<T> => ({
  key: row.key,
  version: row.version,
  status: row.status as Status,
  createdAt: row.created_at,
  createdBy: row.created_by,
  definition: JSON.parse(row.definition) as T,
});

export class DefinitionRegistry {
  private readonly loaded = new Map<string, Loaded>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async install(workspaceId: string): Promise<void> {
    await this.load(workspaceId);
    const l = this.loaded.get(workspaceId)!;
    const at = new Date(this.clock.now());
    for (const input of BUILTIN_TRAITS) {
      if (l.traits.has(input.key)) continue;
      const checked = checkTrait(input);
      if (!checked.ok) throw new Error(`built-in trait ${input.key}: ${JSON.stringify(checked.issues)}`);
      await this.insert('trait_definitions', workspaceId, checked.value.key, 1, checked.value, at, 'tessera');
    }
    for (const input of BUILTIN_TAGS) {
      if (l.tags.has(input.key)) continue;
      const checked = checkTag(input);
      if (!checked.ok) throw new Error(`built-in tag ${input.key}: ${JSON.stringify(checked.issues)}`);
      await this.insert(
        'tag_definitions',
        workspaceId,
        input.key,
        1,
        checked.value.definition,
        at,
        'tessera',
      );
    }
    await this.load(workspaceId);
  }

  private async insert(
    table: DefinitionTable,
    workspaceId: string,
    key: string,
    version: number,
    definition: TagDefinition | TraitDefinition,
    at: Date,
    by: string | null,
  ): Promise<void> {
    await insertDefinition(this.db, table, {
      workspaceId,
      key,
      version,
      definition: JSON.stringify(definition),
      status: definition.status,
      at,
      by,
    });
  }

  private async load(workspaceId: string): Promise<Loaded> {
    const tags = new Map<string, DefinitionInfo<TagDefinition> & { checked: CheckedTag }>();
    for (const row of await latestDefinitions(this.db, 'tag_definitions', workspaceId)) {
      const info = parseStored<TagDefinition>(row);
      const checked = checkTag(info.definition);
      if (!checked.ok)
        throw new Error(
          `stored tag ${row.key} v${row.version} no longer checks: ${JSON.stringify(checked.issues)}`,
        );
      tags.set(row.key, { ...info, definition: checked.value.definition, checked: checked.value });
    }
    const traits = new Map<string, DefinitionInfo<TraitDefinition>>();
    for (const row of await latestDefinitions(this.db, 'trait_definitions', workspaceId)) {
      traits.set(row.key, parseStored<TraitDefinition>(row));
    }
    const l = { tags, traits };
    this.loaded.set(workspaceId, l);
    return l;
  }

  defs(workspaceId: string): Loaded {
    const l = this.loaded.get(workspaceId);
    if (!l) throw new Error(`workspace ${workspaceId} has no tag definitions loaded`);
    return l;
  }

  // ------------------------------------------------------------------------------ definitions

  listTags(workspaceId: string): Array<DefinitionInfo<TagDefinition>> {
    return [...this.defs(workspaceId).tags.values()].map(({ checked: _checked, ...info }) => info);
  }

  tag(workspaceId: string, key: string): DefinitionInfo<TagDefinition> | null {
    const t = this.defs(workspaceId).tags.get(key);
    if (!t) return null;
    const { checked: _checked, ...info } = t;
    return info;
  }

  listTraits(workspaceId: string): Array<DefinitionInfo<TraitDefinition>> {
    return [...this.defs(workspaceId).traits.values()];
  }

  trait(workspaceId: string, key: string): DefinitionInfo<TraitDefinition> | null {
    return this.defs(workspaceId).traits.get(key) ?? null;
  }

  async versions(
    workspaceId: string,
    kind: 'tag' | 'trait',
    key: string,
  ): Promise<Array<DefinitionInfo<unknown>>> {
    const rows = await definitionVersions(
      this.db,
      kind === 'tag' ? 'tag_definitions' : 'trait_definitions',
      workspaceId,
      key,
    );
    return rows.map((r) => parseStored(r));
  }

  /** The references of a tag that do not resolve, and dependency cycles, as issues. */
  referenceIssues(workspaceId: string, t: CheckedTag): ConditionIssue[] {
    const l = this.defs(workspaceId);
    const issues: ConditionIssue[] = [];
    for (const dep of tagDependencies(t)) {
      if (!l.tags.has(dep) && dep !== t.definition.key) {
        issues.push({ path: 'tag.spec', message: `unknown tag ${dep}` });
      }
    }
    // A trait that is not a computed one is a profile trait (from identify and imports): any key is fine.
    // A cycle: following dependencies from the new definition comes back to it.
    const seen = new Set<string>();
    const visit = (key: string): boolean => {
      if (key === t.definition.key) return true;
      if (seen.has(key)) return false;
      seen.add(key);
      const next = l.tags.get(key);
      return next ? tagDependencies(next.checked).some(visit) : false;
    };
    if (tagDependencies(t).some(visit)) {
      issues.push({ path: 'tag.spec', message: `tag ${t.definition.key} would depend on itself` });
    }
    return issues;
  }

  async createTag(
    workspaceId: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TagDefinition>> {
    return this.save('tag', workspaceId, null, input, actor);
  }

  /** A new version of a tag (its key stays). */
  async updateTag(
    workspaceId: string,
    key: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TagDefinition>> {
    return this.save('tag', workspaceId, key, input, actor);
  }

  async setTagStatus(
    workspaceId: string,
    key: string,
    status: Status,
  ): Promise<DefinitionResult<TagDefinition>> {
    return this.setStatus('tag', workspaceId, key, status);
  }

  async createTrait(
    workspaceId: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.save('trait', workspaceId, null, input, actor);
  }

  /** A new version of a computed trait (its key stays). */
  async updateTrait(
    workspaceId: string,
    key: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.save('trait', workspaceId, key, input, actor);
  }

  async setTraitStatus(
    workspaceId: string,
    key: string,
    status: Status,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.setStatus('trait', workspaceId, key, status);
  }

  /** Creates (`key` null) or adds a version to a definition, after checking it. */
  private async save<K extends 'tag' | 'trait'>(
    kind: K,
    workspaceId: string,
    key: string | null,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<K extends 'tag' ? TagDefinition : TraitDefinition>> {
    type R = DefinitionResult<K extends 'tag' ? TagDefinition : TraitDefinition>;
    const l = this.defs(workspaceId);
    const current = key === null ? undefined : kind === 'tag' ? l.tags.get(key) : l.traits.get(key);
    if (key !== null && !current)
      return { ok: false, code: 'not_found', message: `no ${kind} ${key}`, issues: [] };
    const body = key === null ? input : { ...(input as object), key };
    let definition: TagDefinition | TraitDefinition;
    if (kind === 'tag') {
      const checked = checkTag(body);
      if (!checked.ok) return invalid(checked);
      const issues = this.referenceIssues(workspaceId, checked.value);
      if (issues.length > 0)
        return { ok: false, code: 'validation_failed', message: issues[0]!.message, issues };
      definition = checked.value.definition;
    } else {
      const checked = checkTrait(body);
      if (!checked.ok) return invalid(checked);
      definition = checked.value;
    }
    if (key === null && (kind === 'tag' ? l.tags : l.traits).has(definition.key)) {
      const message = `${kind} ${definition.key} exists; update it to make a new version`;
      return { ok: false, code: 'conflict', message, issues: [] };
    }
    const table = kind === 'tag' ? 'tag_definitions' : 'trait_definitions';
    const at = new Date(this.clock.now());
    await this.insert(table, workspaceId, definition.key, (current?.version ?? 0) + 1, definition, at, actor);
    await this.load(workspaceId);
    return {
      ok: true,
      value: (kind === 'tag'
        ? this.tag(workspaceId, definition.key)
        : this.trait(workspaceId, definition.key))!,
    } as R;
  }

  private async setStatus<K extends 'tag' | 'trait'>(
    kind: K,
    workspaceId: string,
    key: string,
    status: Status,
  ): Promise<DefinitionResult<K extends 'tag' ? TagDefinition : TraitDefinition>> {
    type R = DefinitionResult<K extends 'tag' ? TagDefinition : TraitDefinition>;
    const l = this.defs(workspaceId);
    const current = kind === 'tag' ? l.tags.get(key) : l.traits.get(key);
    if (!current) return { ok: false, code: 'not_found', message: `no ${kind} ${key}`, issues: [] };
    const table = kind === 'tag' ? 'tag_definitions' : 'trait_definitions';
    const definition = JSON.stringify({ ...current.definition, status });
    await setDefinitionStatus(this.db, table, workspaceId, key, current.version, status, definition);
    await this.load(workspaceId);
    return {
      ok: true,
      value: (kind === 'tag' ? this.tag(workspaceId, key) : this.trait(workspaceId, key))!,
    } as R;
  }

  /** Tags with the tags they read, dependencies first. */
  closure(workspaceId: string, keys: readonly string[]): CheckedTag[] {
    const l = this.defs(workspaceId);
    const out: CheckedTag[] = [];
    const done = new Set<string>();
    const visit = (key: string): void => {
      if (done.has(key)) return;
      done.add(key);
      const t = l.tags.get(key);
      if (!t) throw new Error(`unknown tag ${key}`);
      tagDependencies(t.checked).forEach(visit);
      out.push(t.checked);
    };
    keys.forEach(visit);
    return out;
  }

  activeTraits(workspaceId: string): Map<string, TraitDefinition> {
    const m = new Map<string, TraitDefinition>();
    for (const t of this.defs(workspaceId).traits.values())
      if (t.status === 'active') m.set(t.key, t.definition);
    return m;
  }
}

function invalid(c: { ok: false; issues: ConditionIssue[] }): {
  ok: false;
  code: 'validation_failed';
  message: string;
  issues: ConditionIssue[];
} {
  return {
    ok: false,
    code: 'validation_failed',
    message: c.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues: c.issues,
  };
}
