import { liveProfiles } from '../identity/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import { tagValueKind, traitKind, type TagDefinition } from './definitions.js';
import type { DefinitionRegistry } from './definition-registry.js';
import {
  distribution,
  distributions,
  numericSummaries,
  numericSummary,
  refreshRecords,
  snapshots,
  valuesOfProfile,
  type RefreshRow,
} from './tag-store.js';

/** What numericSummary answers for a tag with no values. */
const NO_SUMMARY: Record<string, number | null> = {
  min: null,
  p25: null,
  median: null,
  p75: null,
  max: null,
  mean: null,
};

type Distribution = { valued: number; values: Array<{ value: string; profiles: number }> };

/**
 * What people read of tags once they are computed: a tag's coverage and distribution (or numeric
 * summary) with its last refresh, the same for every tag at once, the daily history, and the
 * values of one profile.
 */
export class TagReads {
  constructor(
    private readonly db: Database,
    private readonly definitions: DefinitionRegistry,
  ) {}

  async coverage(workspaceId: string, key: string, limit = 50) {
    const def = this.definitions.defs(workspaceId).tags.get(key);
    if (!def) return null;
    const numeric = this.isNumeric(workspaceId, def.definition);
    return shape(key, {
      profiles: await this.profilesNow(workspaceId),
      distribution: await distribution(this.db, workspaceId, key, limit),
      summary: numeric ? await numericSummary(this.db, workspaceId, key) : null,
      record:
        (await refreshRecords(this.db, workspaceId)).find((r) => r.kind === 'tag' && r.key === key) ?? null,
    });
  }

  /** `coverage` of every tag of the workspace, in a few queries whatever their number (the catalogue). */
  async coverageAll(workspaceId: string, limit = 50) {
    const defs = this.definitions.defs(workspaceId).tags;
    const numeric = new Set(
      [...defs.values()]
        .filter((d) => this.isNumeric(workspaceId, d.definition))
        .map((d) => d.definition.key),
    );
    const profiles = await this.profilesNow(workspaceId);
    const all = await distributions(this.db, workspaceId, limit);
    const summaries = await numericSummaries(this.db, workspaceId, [...numeric]);
    const records = await refreshRecords(this.db, workspaceId);
    return new Map(
      [...defs.keys()].map((key) => [
        key,
        shape(key, {
          profiles,
          distribution: all.get(key) ?? { valued: 0, values: [] },
          summary: numeric.has(key) ? (summaries.get(key) ?? NO_SUMMARY) : null,
          record: records.find((r) => r.kind === 'tag' && r.key === key) ?? null,
        }),
      ]),
    );
  }

  async history(workspaceId: string, key: string, from: string, to: string) {
    const rows = await snapshots(this.db, workspaceId, key, from, to);
    const days = new Map<string, Array<{ value: unknown; profiles: number }>>();
    for (const r of rows) {
      let list = days.get(r.day);
      if (!list) days.set(r.day, (list = []));
      list.push({ value: JSON.parse(r.value) as unknown, profiles: r.profiles });
    }
    return [...days].map(([day, values]) => ({ day, values }));
  }

  async profileTags(workspaceId: string, profileId: string): Promise<Record<string, unknown>> {
    const rows = await valuesOfProfile(this.db, 'tag_values', workspaceId, profileId);
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  async profileComputedTraits(workspaceId: string, profileId: string): Promise<Record<string, unknown>> {
    const rows = await valuesOfProfile(this.db, 'trait_values', workspaceId, profileId);
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  private async profilesNow(workspaceId: string): Promise<number> {
    const live = sql`SELECT count(*)::DOUBLE AS n FROM ${liveProfiles(workspaceId)}`;
    return (await this.db.query<{ n: number }>(live.text, live.params))[0]?.n ?? 0;
  }

  private isNumeric(workspaceId: string, def: TagDefinition): boolean {
    const traits = this.definitions.defs(workspaceId).traits;
    return tagValueKind(def.spec, (k) => traitKind(traits.get(k)?.definition)) === 'number';
  }
}

/** The answer for one tag: a numeric tag (it has a summary) lists no values. */
function shape(
  key: string,
  c: {
    profiles: number;
    distribution: Distribution;
    summary: Record<string, number | null> | null;
    record: RefreshRow | null;
  },
) {
  const d = c.distribution;
  return {
    key,
    profiles: c.profiles,
    valued: d.valued,
    coverage: c.profiles === 0 ? 0 : d.valued / c.profiles,
    values:
      c.summary !== null
        ? []
        : d.values.map((v) => ({ value: JSON.parse(v.value) as unknown, profiles: v.profiles })),
    summary: c.summary,
    lastRefresh: c.record,
  };
}
