import { liveProfiles } from '../identity/index.js';
import {
  changedProfiles,
  factsRelation,
  pruneChanges,
  syncFacts,
  type FactsSync,
  type TraitPolicy,
} from '../profiles/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database, SideConnection } from '../platform/db/duckdb.js';
import { raw, sql, type Sql } from '../platform/db/sql.js';
import {
  checkTag,
  SCHEDULES,
  tagValueKind,
  traitKind,
  type Checked,
  type CheckedTag,
  type Status,
  type TagDefinition,
  type TraitDefinition,
} from './definitions.js';
import { incrementalTag, incrementalTrait, planRefresh, tagDependencies, traitDependencies } from './plan.js';
import {
  assignedProfiles,
  assignmentsRelation,
  moveAssignments,
  refreshRecords,
  workTable,
  writeRefreshRecords,
  writeSnapshots,
  writeValues,
  type RefreshRow,
} from './tag-store.js';
import { DefinitionRegistry, type DefinitionInfo, type DefinitionResult } from './definition-registry.js';
import { ManualTags } from './manual-tags.js';
import { TagReads } from './tag-reads.js';

/**
 * Tags and computed traits of every workspace: definitions (versioned, `definitions`), refreshes
 * (on demand and on each definition's schedule) and previews on a sample. What is read once they
 * are computed (coverage, distributions, history, a profile's values) is `reads` (tag-reads.ts);
 * manual tags' lists are `manual` (manual-tags.ts). A refresh runs on a connection of its own, so
 * ingestion goes on meanwhile.
 */

export interface TagEngineOptions {
  clock: Clock;
  /** The workspace's offset from UTC at a time (local hours, days and birthdays). */
  offsetMs(at: number): number;
  policies: Readonly<Record<string, TraitPolicy>>;
  /**
   * Source id and name of a workspace's sources (for `$source` and source priorities), and
   * whether it is Tessera's own (segment and journey events, left out of "any event" aggregates).
   */
  sources(workspaceId: string): ReadonlyArray<{ id: string; name: string; internal?: boolean }>;
  /** Waits until every accepted event is stored and resolved. */
  settle(): Promise<void>;
  /** The live profile id an old (merged) profile id resolves to, or null. */
  resolveProfile(workspaceId: string, profileId: string): string | null;
  purchaseEvent?: string;
  refundEvent?: string;
  /** After each refresh (later stages that read tags follow; must not throw). */
  onRefreshed?(workspaceId: string): void;
  onError?(err: unknown): void;
}

export interface RefreshReport {
  workspaceId: string;
  asOf: string;
  mode: 'full' | 'incremental' | 'mixed';
  tags: string[];
  /** Tags recomputed only for the profiles whose facts changed. */
  incremental: string[];
  traits: string[];
  profiles: number;
  /** Profiles an incremental pass recomputed. */
  changedProfiles: number;
  facts: FactsSync;
  tagValues: number;
  traitValues: number;
  millis: number;
  phases: Record<string, number>;
}

export interface PreviewResult {
  sampled: number;
  valued: number;
  coverage: number;
  values: Array<{ value: unknown; profiles: number }>;
  sample: Array<{ profileId: string; value: unknown }>;
}

export class TagEngine {
  readonly definitions: DefinitionRegistry;
  /** Coverage, distributions, daily history and a profile's values. */
  readonly reads: TagReads;
  /** The values of manual tags: who holds them, given and taken by lists. */
  readonly manual: ManualTags;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Database,
    private readonly options: TagEngineOptions,
  ) {
    this.definitions = new DefinitionRegistry(db, options.clock);
    this.reads = new TagReads(db, this.definitions);
    this.manual = new ManualTags(db, this.definitions, options.clock);
  }

  /** Loads the definitions of the workspaces, installing the built-in ones where missing. */
  static async open(
    db: Database,
    workspaces: readonly string[],
    options: TagEngineOptions,
  ): Promise<TagEngine> {
    const engine = new TagEngine(db, options);
    for (const ws of workspaces) await engine.definitions.install(ws);
    return engine;
  }

  // ------------------------------------------------------------------------------ definitions

  listTags(workspaceId: string): Array<DefinitionInfo<TagDefinition>> {
    return this.definitions.listTags(workspaceId);
  }
  tag(workspaceId: string, key: string): DefinitionInfo<TagDefinition> | null {
    return this.definitions.tag(workspaceId, key);
  }
  listTraits(workspaceId: string): Array<DefinitionInfo<TraitDefinition>> {
    return this.definitions.listTraits(workspaceId);
  }
  trait(workspaceId: string, key: string): DefinitionInfo<TraitDefinition> | null {
    return this.definitions.trait(workspaceId, key);
  }
  versions(workspaceId: string, kind: 'tag' | 'trait', key: string): Promise<Array<DefinitionInfo<unknown>>> {
    return this.definitions.versions(workspaceId, kind, key);
  }
  createTag(
    workspaceId: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TagDefinition>> {
    return this.definitions.createTag(workspaceId, input, actor);
  }
  updateTag(
    workspaceId: string,
    key: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TagDefinition>> {
    return this.definitions.updateTag(workspaceId, key, input, actor);
  }
  setTagStatus(workspaceId: string, key: string, status: Status): Promise<DefinitionResult<TagDefinition>> {
    return this.definitions.setTagStatus(workspaceId, key, status);
  }
  createTrait(
    workspaceId: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.definitions.createTrait(workspaceId, input, actor);
  }
  updateTrait(
    workspaceId: string,
    key: string,
    input: unknown,
    actor: string | null,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.definitions.updateTrait(workspaceId, key, input, actor);
  }
  setTraitStatus(
    workspaceId: string,
    key: string,
    status: Status,
  ): Promise<DefinitionResult<TraitDefinition>> {
    return this.definitions.setTraitStatus(workspaceId, key, status);
  }

  // -------------------------------------------------------------------------------- refreshing

  private planContext(
    workspaceId: string,
    now: number,
    facts: Sql,
    profiles: Sql,
    traits: ReadonlyMap<string, TraitDefinition>,
  ) {
    const sources = this.options.sources(workspaceId);
    return {
      now,
      offsetMs: this.options.offsetMs(now),
      facts,
      profiles,
      traits,
      policies: this.options.policies,
      resolveSources: (p: TraitPolicy) =>
        p.sources.map((s) => sources.filter((src) => src.id === s || src.name === s).map((src) => src.id)),
      sourceNames: sources,
      purchaseEvent: this.options.purchaseEvent ?? 'Order Completed',
      refundEvent: this.options.refundEvent ?? 'Order Refunded',
      assignments: (key: string) => assignmentsRelation(workspaceId, key),
    };
  }

  /** Runs one job at a time (refreshes and previews share the side connection's work table). */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Recomputes tags (all active ones when `keys` is omitted, with the tags they read) and the
   * computed traits (all active ones, or those the given tags read), and records today's
   * distributions. `mode: 'auto'` recomputes a tag only for the profiles whose facts changed since
   * its last refresh where its definition allows (see `incrementalTag`); the rest in full.
   */
  refresh(
    workspaceId: string,
    keys?: readonly string[],
    options: { asOf?: number; mode?: 'full' | 'auto' } = {},
  ): Promise<RefreshReport> {
    return this.serial(async () => {
      const started = performance.now();
      const phases: Record<string, number> = {};
      let mark = started;
      const phase = (name: string): void => {
        const t = performance.now();
        phases[name] = (phases[name] ?? 0) + Math.round(t - mark);
        mark = t;
      };
      await this.options.settle();
      const l = this.definitions.defs(workspaceId);
      const wanted = keys ?? [...l.tags.values()].filter((t) => t.status === 'active').map((t) => t.key);
      for (const k of wanted) if (!l.tags.has(k)) throw new Error(`unknown tag ${k}`);
      const closure = this.definitions.closure(workspaceId, wanted);
      const traits = this.definitions.activeTraits(workspaceId);
      await this.remapAssignments(workspaceId);
      const side = await this.db.side();
      try {
        const facts = await syncFacts(side, workspaceId);
        phase('facts');
        // As of another time: windows, recency and snapshots are taken at that time (a backfill).
        const now = options.asOf ?? this.options.clock.now();
        const records = new Map(
          (await refreshRecords(this.db, workspaceId)).map((r) => [`${r.kind}:${r.key}`, r]),
        );

        // Which tags can be patched: allowed by their definition, refreshed before at this version
        // since the last reset, and reading only tags that can be patched too.
        const patchable = new Set<string>();
        if (options.mode === 'auto' && options.asOf === undefined) {
          for (const t of closure) {
            const key = t.definition.key;
            const r = records.get(`tag:${key}`);
            const fresh =
              r !== undefined &&
              r.version === l.tags.get(key)!.version &&
              r.generation >= facts.resetGeneration;
            if (
              fresh &&
              incrementalTag(
                t,
                (k) => traits.get(k),
                (k) => patchable.has(k),
              )
            )
              patchable.add(key);
          }
        }
        const full = closure.filter((t) => !patchable.has(t.definition.key));
        const fullSet = this.definitions.closure(
          workspaceId,
          full.map((t) => t.definition.key),
        );
        const fullKeys = new Set(fullSet.map((t) => t.definition.key));
        const partial = closure.filter((t) => !fullKeys.has(t.definition.key));
        const wantedSet = new Set(wanted);
        const traitsRead = (tags: readonly CheckedTag[]): Map<string, TraitDefinition> =>
          new Map(
            [...new Set(tags.flatMap(traitDependencies))]
              .filter((k) => traits.has(k))
              .map((k) => [k, traits.get(k)!]),
          );

        const report: RefreshReport = {
          workspaceId,
          asOf: new Date(now).toISOString(),
          mode: partial.length === 0 ? 'full' : full.length === 0 ? 'incremental' : 'mixed',
          tags: [],
          incremental: [],
          traits: [],
          profiles: 0,
          changedProfiles: 0,
          facts,
          tagValues: 0,
          traitValues: 0,
          millis: 0,
          phases,
        };
        const written = new Set<string>();
        if (fullSet.length > 0 || (keys === undefined && partial.length === 0)) {
          const pass = await this.pass(side, workspaceId, {
            now,
            tags: fullSet,
            write: fullSet.map((t) => t.definition.key).filter((k) => wantedSet.has(k)),
            traits: keys === undefined ? traits : traitsRead(fullSet),
            writeTraits: null,
            changed: null,
            generation: facts.generation,
            phase,
          });
          report.tags.push(...pass.tags);
          report.traits.push(...pass.traits);
          pass.traits.forEach((k) => written.add(k));
          report.profiles = pass.profiles;
          report.tagValues += pass.tagValues;
          report.traitValues += pass.traitValues;
        }
        if (partial.length > 0) {
          const since = Math.min(...partial.map((t) => records.get(`tag:${t.definition.key}`)!.generation));
          const read = traitsRead(partial);
          const pass = await this.pass(side, workspaceId, {
            now,
            tags: this.definitions.closure(
              workspaceId,
              partial.map((t) => t.definition.key),
            ),
            write: partial.map((t) => t.definition.key).filter((k) => wantedSet.has(k)),
            traits: read,
            // Only traits that hold without the clock may be patched; others wait for a full pass.
            writeTraits: [...read.values()]
              .filter((d) => incrementalTrait(d) && !written.has(d.key))
              .map((d) => d.key),
            changed: since,
            generation: facts.generation,
            phase,
          });
          report.tags.push(...pass.tags);
          report.incremental.push(...pass.tags);
          report.traits.push(...pass.traits);
          report.changedProfiles = pass.profiles;
          if (report.profiles === 0) report.profiles = await this.liveCount(side, workspaceId);
          report.tagValues += pass.tagValues;
          report.traitValues += pass.traitValues;
        }
        // Changes every tag has now seen are no longer needed.
        const seen = (await refreshRecords(this.db, workspaceId))
          .filter((r) => r.kind === 'tag')
          .map((r) => r.generation);
        if (seen.length > 0 && seen.length >= l.tags.size)
          await pruneChanges(side, workspaceId, Math.min(...seen));
        report.millis = Math.round(performance.now() - started);
        this.options.onRefreshed?.(workspaceId);
        return report;
      } finally {
        side.close();
      }
    });
  }

  private async liveCount(side: SideConnection, workspaceId: string): Promise<number> {
    const q = sql`SELECT count(*)::DOUBLE AS n FROM ${liveProfiles(workspaceId)}`;
    return (await side.query<{ n: number }>(q.text, q.params))[0]?.n ?? 0;
  }

  /** One computation over all live profiles (`changed` null) or over those changed after a generation. */
  private async pass(
    side: SideConnection,
    workspaceId: string,
    p: {
      now: number;
      tags: readonly CheckedTag[];
      write: readonly string[];
      traits: ReadonlyMap<string, TraitDefinition>;
      /** Traits to write (null: every computed one). */
      writeTraits: readonly string[] | null;
      changed: number | null;
      generation: number;
      phase(name: string): void;
    },
  ): Promise<{ tags: string[]; traits: string[]; profiles: number; tagValues: number; traitValues: number }> {
    const l = this.definitions.defs(workspaceId);
    const started = performance.now();
    const scope =
      p.changed === null
        ? liveProfiles(workspaceId)
        : sql`(SELECT pid, profile_id FROM ${liveProfiles(workspaceId)} WHERE pid IN (SELECT pid FROM ${changedProfiles(workspaceId, p.changed)}))`;
    const facts =
      p.changed === null
        ? factsRelation(workspaceId)
        : factsRelation(workspaceId, changedProfiles(workspaceId, p.changed));
    const ctx = this.planContext(workspaceId, p.now, facts, scope, p.traits);
    const plan = planRefresh(ctx, [...p.traits.keys()], p.tags);
    const work = raw(workTable(workspaceId));
    const create = sql`CREATE OR REPLACE TABLE ${work} AS ${plan.query}`;
    await side.run(create.text, create.params);
    p.phase('compute');
    const profiles =
      (await side.query<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${work.text}`))[0]?.n ?? 0;
    const write = new Set(p.write);
    const tagColumns = new Map([...plan.tagColumns].filter(([k]) => write.has(k)));
    const traitColumns =
      p.writeTraits === null
        ? plan.traitColumns
        : new Map([...plan.traitColumns].filter(([k]) => p.writeTraits!.includes(k)));
    const at = new Date(this.options.clock.now()).toISOString();
    const mode = p.changed === null ? 'full' : 'incremental';
    const counts = await side.transaction(async (tx) => {
      const c = await writeValues(tx, {
        workspaceId,
        traits: traitColumns,
        tags: tagColumns,
        partial: p.changed !== null,
        live: liveProfiles(workspaceId),
      });
      p.phase('write');
      await writeSnapshots(
        tx,
        workspaceId,
        localDay(p.now, this.options.offsetMs(p.now)),
        [...tagColumns.keys()].map((k) => ({
          key: k,
          numeric:
            tagValueKind(l.tags.get(k)!.definition.spec, (t) => traitKind(p.traits.get(t))) === 'number',
        })),
      );
      const rows: RefreshRow[] = [
        ...[...tagColumns.keys()].map((k) => ({
          key: k,
          kind: 'tag' as const,
          version: l.tags.get(k)!.version,
        })),
        ...[...traitColumns.keys()].map((k) => ({
          key: k,
          kind: 'trait' as const,
          version: l.traits.get(k)!.version,
        })),
      ].map((r) => ({
        ...r,
        refreshed_at: at.replace('T', ' ').replace('Z', ''),
        mode,
        generation: p.generation,
        profiles,
        valued: 0,
        millis: Math.round(performance.now() - started),
      }));
      await writeRefreshRecords(tx, workspaceId, rows);
      p.phase('snapshots');
      return c;
    });
    await side.run(`DROP TABLE IF EXISTS ${work.text}`);
    return {
      tags: [...tagColumns.keys()],
      traits: [...traitColumns.keys()],
      profiles,
      tagValues: counts.tags,
      traitValues: counts.traits,
    };
  }

  /** Manual values given to a profile that has since merged follow it to the profile it is now. */
  private async remapAssignments(workspaceId: string): Promise<void> {
    const moves: Array<[string, string]> = [];
    for (const id of await assignedProfiles(this.db, workspaceId)) {
      const live = this.options.resolveProfile(workspaceId, id);
      if (live !== null && live !== id) moves.push([id, live]);
    }
    await moveAssignments(this.db, workspaceId, moves);
  }

  /** A definition computed on a sample of profiles, nothing written. */
  preview(workspaceId: string, input: unknown, sampleSize: number): Promise<Checked<PreviewResult>> {
    return this.serial(async () => {
      const checked = checkTag(input);
      if (!checked.ok) return checked;
      const issues = this.definitions.referenceIssues(workspaceId, checked.value);
      if (issues.length > 0) return { ok: false as const, issues };
      await this.options.settle();
      const deps = tagDependencies(checked.value).filter((k) => k !== checked.value.definition.key);
      const tags = [...this.definitions.closure(workspaceId, deps), checked.value];
      const side = await this.db.side();
      try {
        await syncFacts(side, workspaceId);
        const now = this.options.clock.now();
        const sample = sql`(SELECT pid, profile_id FROM ${liveProfiles(workspaceId)} ORDER BY hash(pid) LIMIT ${sampleSize})`;
        const ctx = this.planContext(
          workspaceId,
          now,
          factsRelation(workspaceId, sample),
          sample,
          this.definitions.activeTraits(workspaceId),
        );
        const plan = planRefresh(ctx, [], tags);
        const col = plan.tagColumns.get(checked.value.definition.key)!;
        const rows = await side.query<Record<string, unknown>>(
          `SELECT profile_id, "${col}" AS value FROM (${plan.query.text}) ORDER BY profile_id`,
          plan.query.params,
        );
        return { ok: true as const, value: summarise(rows) };
      } finally {
        side.close();
      }
    });
  }

  /** Tags whose schedule says they are due (never refreshed, a newer version, or older than their interval). */
  async due(workspaceId: string): Promise<string[]> {
    const records = new Map(
      (await refreshRecords(this.db, workspaceId)).filter((r) => r.kind === 'tag').map((r) => [r.key, r]),
    );
    const now = this.options.clock.now();
    return this.listTags(workspaceId)
      .filter((t) => {
        const every = SCHEDULES[t.definition.schedule];
        if (t.status !== 'active' || every === null) return false;
        const r = records.get(t.key);
        return !r || r.version !== t.version || Date.parse(r.refreshed_at) + every <= now;
      })
      .map((t) => t.key);
  }

  /** Checks every `everyMs` for due tags and refreshes them. */
  startSchedule(workspaces: () => readonly string[], everyMs = 60_000): void {
    const tick = async (): Promise<void> => {
      for (const ws of workspaces()) {
        const due = await this.due(ws);
        if (due.length > 0) await this.refresh(ws, due, { mode: 'auto' });
      }
    };
    this.timer = setInterval(() => {
      tick().catch((err: unknown) => this.options.onError?.(err));
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a running refresh. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }
}

export function localDay(now: number, offsetMs: number): string {
  return new Date(now + offsetMs).toISOString().slice(0, 10);
}

function summarise(rows: ReadonlyArray<Record<string, unknown>>): PreviewResult {
  const counts = new Map<string, number>();
  const sample: Array<{ profileId: string; value: unknown }> = [];
  let valued = 0;
  for (const r of rows) {
    if (r.value === null || r.value === undefined) continue;
    valued++;
    const value = JSON.parse(r.value as string) as unknown;
    if (sample.length < 20) sample.push({ profileId: r.profile_id as string, value });
    for (const v of Array.isArray(value) ? value : [value]) {
      const k = JSON.stringify(v);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const values = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 50)
    .map(([k, n]) => ({ value: JSON.parse(k) as unknown, profiles: n }));
  return {
    sampled: rows.length,
    valued,
    coverage: rows.length === 0 ? 0 : valued / rows.length,
    values,
    sample,
  };
}
