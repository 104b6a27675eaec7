import type { ConditionIssue } from '../conditions/index.js';
import { parseCondition, references } from '../conditions/index.js';
import { recordAudit, type AuditEntry } from '../governance/index.js';
import type { LookupResult, ResolvedBatch } from '../identity/index.js';
import { syncFacts, type TraitPolicy } from '../profiles/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { raw, sql } from '../platform/db/sql.js';
import { generateId } from '../platform/ids.js';
import {
  checkSegment,
  SCHEDULE_MS,
  segmentReferences,
  type CheckedSegment,
  type MemberList,
  type SegmentDefinition,
  type SegmentStatus,
} from './definitions.js';
import { loadLive } from './live-load.js';
import { resolveList, type ListReport } from './member-lists.js';
import { MembershipWriter, type SegmentEvent } from './membership-writer.js';
import { LiveSegments, type MembershipChange } from './live-segments.js';
import { LiveValues } from './live-values.js';
import { segmentQuery, type SegmentSqlContext } from './segment-sql.js';
import {
  definitionVersions,
  insertDefinition,
  lastSize,
  latestDefinitions,
  memberIds,
  membershipDiff,
  type SegmentRow,
} from './segment-store.js';

/**
 * Segments of every workspace: definitions (versioned), membership (batch refreshes on a
 * schedule; real-time segments follow each event and the clock), static lists and snapshots.
 * Every change of membership is written with the segment's size and announced as
 * `Segment Entered` / `Segment Exited` events into the event stream.
 */

export interface SegmentEngineOptions {
  clock: Clock;
  offsetMs(at: number): number;
  policies: Readonly<Record<string, TraitPolicy>>;
  sources(workspaceId: string): ReadonlyArray<{ id: string; name: string }>;
  /** Keys of the active computed traits (the rest are profile traits). */
  computedTraits(workspaceId: string): ReadonlySet<string>;
  tagExists(workspaceId: string, key: string): boolean;
  /** Waits until every accepted event is stored and resolved. */
  settle(): Promise<void>;
  resolveProfile(workspaceId: string, profileId: string): string | null;
  lookup(workspaceId: string, type: string, value: string): LookupResult;
  /** Puts membership events into the event stream. */
  emit(workspaceId: string, events: readonly SegmentEvent[]): Promise<void>;
  onError: (err: unknown) => void;
  /** After membership changes were written (audience destinations follow). */
  onWritten?: (workspaceId: string, segmentIds: string[]) => void;
  /** How often real-time changes are written (ms). */
  flushMs?: number;
  /** How often expiring windows are checked (ms; 0: only by tick()). */
  tickMs?: number;
}

export interface SegmentInfo extends SegmentDefinition {
  id: string;
  version: number;
  status: SegmentStatus;
  createdAt: string;
  createdBy: string | null;
  size: number | null;
  changedAt: string | null;
  /** Following events as they arrive now. */
  live: boolean;
}

export type SegmentResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: 'validation_failed' | 'not_found' | 'conflict';
      message: string;
      issues: ConditionIssue[];
    };

const invalid = (message: string, issues: ConditionIssue[] = []) =>
  ({ ok: false, code: 'validation_failed', message, issues }) as const;

export class SegmentEngine {
  private readonly defs = new Map<string, Map<string, SegmentRow>>();
  private readonly sizes = new Map<string, { size: number; at: string }>();
  private readonly lastRefresh = new Map<string, number>();
  private readonly values = new Map<string, LiveValues>();
  private readonly stored = new Map<string, Set<string>>();
  readonly live: LiveSegments;
  private readonly writer: MembershipWriter;
  private chain: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  /** Resolves when every real-time segment has been loaded after start. */
  ready: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly options: SegmentEngineOptions,
  ) {
    this.writer = new MembershipWriter(db, {
      now: () => options.clock.now(),
      segmentName: (ws, id) => this.wsDefs(ws).get(id)?.definition.name ?? id,
      sized: (ws, id, size, at) => this.sizes.set(`${ws}:${id}`, { size, at: new Date(at).toISOString() }),
      emit: (ws, events) => options.emit(ws, events),
      onWritten: (ws, changes) => this.written(ws, changes),
    });
    this.live = new LiveSegments({
      now: () => options.clock.now(),
      offsetMs: (at) => options.offsetMs(at),
      values: (ws) => this.valuesOf(ws),
      storedMembers: (ws, id) => this.stored.get(`${ws}:${id}`),
      onChange: (c) => this.enqueue(c),
    });
  }

  static async open(db: Database, options: SegmentEngineOptions): Promise<SegmentEngine> {
    const engine = new SegmentEngine(db, options);
    for (const row of await latestDefinitions(db)) engine.wsDefs(row.workspaceId).set(row.id, row);
    for (const ws of engine.defs.keys()) {
      for (const [id, s] of await lastSize(db, ws)) engine.sizes.set(`${ws}:${id}`, s);
    }
    const flushMs = options.flushMs ?? 100;
    engine.timers.push(setInterval(() => void engine.flush().catch(options.onError), flushMs));
    if ((options.tickMs ?? 1000) > 0)
      engine.timers.push(setInterval(() => engine.live.tick(), options.tickMs ?? 1000));
    for (const t of engine.timers) t.unref();
    // Real-time segments are loaded behind the running server; events meanwhile are held.
    engine.ready = engine.startLive().catch((err: unknown) => options.onError(err));
    return engine;
  }

  private wsDefs(ws: string): Map<string, SegmentRow> {
    let m = this.defs.get(ws);
    if (!m) this.defs.set(ws, (m = new Map<string, SegmentRow>()));
    return m;
  }

  private valuesOf(ws: string): LiveValues {
    let v = this.values.get(ws);
    if (!v) {
      const ctx = this.sqlContext(ws);
      this.values.set(
        ws,
        (v = new LiveValues((k) => ctx.computedTraits.has(k), ctx.policy, ctx.resolveSources)),
      );
    }
    return v;
  }

  sqlContext(ws: string, now = this.options.clock.now()): SegmentSqlContext {
    const sources = this.options.sources(ws);
    return {
      workspaceId: ws,
      now,
      offsetMs: this.options.offsetMs(now),
      computedTraits: this.options.computedTraits(ws),
      policy: (key) => this.options.policies[key] ?? { policy: 'latest', sources: [] },
      resolveSources: (p) =>
        p.sources.map((s) => sources.filter((src) => src.id === s || src.name === s).map((src) => src.id)),
    };
  }

  /** The identity stage resolved a batch (wired by the app). */
  readonly onResolved = (batch: ResolvedBatch): void => {
    if (batch.reset) {
      // Unmerges and rebuilds cannot be followed event by event: reload from the store.
      void this.serial(() => this.reloadLive(batch.workspaceId, () => true)).catch(this.options.onError);
      return;
    }
    this.live.onResolved(batch);
  };

  // ------------------------------------------------------------------------------ definitions

  list(ws: string): SegmentInfo[] {
    return [...this.wsDefs(ws).values()].map((r) => this.info(ws, r));
  }

  get(ws: string, id: string): SegmentInfo | null {
    const r = this.wsDefs(ws).get(id);
    return r ? this.info(ws, r) : null;
  }

  private info(ws: string, r: SegmentRow): SegmentInfo {
    const live = this.live.members(r.id);
    const s = this.sizes.get(`${ws}:${r.id}`);
    return {
      id: r.id,
      version: r.version,
      status: r.status,
      ...r.definition,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      size: live ? live.size : (s?.size ?? null),
      changedAt: s?.at ?? null,
      live: live !== undefined,
    };
  }

  versions(ws: string, id: string): Promise<SegmentRow[]> {
    return definitionVersions(this.db, ws, id);
  }

  /** Problems with what a condition refers to: unknown tags and segments, cycles. */
  private referenceIssues(ws: string, id: string | null, checked: CheckedSegment): ConditionIssue[] {
    if (!checked.condition) return [];
    const issues: ConditionIssue[] = [];
    const refs = references(checked.condition);
    for (const t of refs.tags)
      if (!this.options.tagExists(ws, t)) issues.push({ path: 'condition', message: `no tag ${t}` });
    for (const s of refs.segments) {
      if (!this.wsDefs(ws).has(s)) issues.push({ path: 'condition', message: `no segment ${s}` });
      else if (id !== null && this.reaches(ws, s, id))
        issues.push({ path: 'condition', message: `segment ${s} refers back to ${id} (a cycle)` });
    }
    return issues;
  }

  private reaches(ws: string, from: string, target: string, seen = new Set<string>()): boolean {
    if (from === target) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    const c = this.condition(ws, from);
    return segmentReferences(c).some((s) => this.reaches(ws, s, target, seen));
  }

  private condition(ws: string, id: string) {
    const d = this.wsDefs(ws).get(id)?.definition;
    if (!d || d.kind !== 'dynamic') return null;
    const p = parseCondition(d.condition);
    return p.ok ? p.condition : null;
  }

  create(
    ws: string,
    input: unknown,
    actor: string | null,
  ): Promise<SegmentResult<SegmentInfo & { list?: ListReport }>> {
    return this.serial(async () => {
      const checked = checkSegment(input);
      if (!checked.ok) return invalid('the segment is not valid', checked.issues);
      const issues = this.referenceIssues(ws, null, checked.value);
      if (issues.length > 0) return invalid('the condition refers to what does not exist', issues);
      const id = generateId('seg');
      const row: SegmentRow = {
        id,
        version: 1,
        definition: checked.value.definition,
        status: 'active',
        createdAt: new Date(this.options.clock.now()).toISOString(),
        createdBy: actor,
      };
      await this.saveVersion(ws, row, {
        workspaceId: ws,
        actor,
        action: 'segment.create',
        target: id,
        detail: { name: row.definition.name, kind: row.definition.kind },
      });
      let list: ListReport | undefined;
      if (row.definition.kind === 'static') {
        const r = resolveList(ws, this.options, checked.value.members ?? {});
        list = r.report;
        this.enqueue({
          workspaceId: ws,
          segmentId: id,
          entered: [...r.profiles],
          exited: [],
          cause: 'refresh',
        });
        await this.flush();
      } else await this.compute(ws, id);
      return { ok: true, value: { ...this.info(ws, row), ...(list ? { list } : {}) } };
    });
  }

  update(ws: string, id: string, input: unknown, actor: string | null): Promise<SegmentResult<SegmentInfo>> {
    return this.serial(async () => {
      const cur = this.wsDefs(ws).get(id);
      if (!cur) return { ok: false, code: 'not_found', message: `no segment ${id}`, issues: [] };
      const checked = checkSegment(input, cur.definition);
      if (!checked.ok) return invalid('the segment is not valid', checked.issues);
      if (checked.value.members)
        return invalid('change a static list through its members', [
          { path: 'members', message: 'use POST /api/v1/segments/:id/members' },
        ]);
      const issues = this.referenceIssues(ws, id, checked.value);
      if (issues.length > 0) return invalid('the condition refers to what does not exist', issues);
      const row: SegmentRow = {
        ...cur,
        version: cur.version + 1,
        definition: checked.value.definition,
        createdAt: new Date(this.options.clock.now()).toISOString(),
        createdBy: actor,
      };
      await this.saveVersion(ws, row, {
        workspaceId: ws,
        actor,
        action: 'segment.update',
        target: id,
        detail: { version: row.version },
      });
      if (!row.definition.realtime) this.live.remove(id);
      if (row.definition.kind === 'dynamic' && row.status === 'active') await this.compute(ws, id);
      return { ok: true, value: this.info(ws, row) };
    });
  }

  setStatus(
    ws: string,
    id: string,
    status: SegmentStatus,
    actor: string | null,
  ): Promise<SegmentResult<SegmentInfo>> {
    return this.serial(async () => {
      const cur = this.wsDefs(ws).get(id);
      if (!cur) return { ok: false, code: 'not_found', message: `no segment ${id}`, issues: [] };
      const users = [...this.wsDefs(ws).values()].filter(
        (r) =>
          r.id !== id && r.status === 'active' && segmentReferences(this.condition(ws, r.id)).includes(id),
      );
      if (status === 'archived' && users.length > 0)
        return {
          ok: false,
          code: 'conflict',
          message: `segments ${users.map((u) => u.id).join(', ')} read this one`,
          issues: [],
        };
      const row: SegmentRow = {
        ...cur,
        version: cur.version + 1,
        status,
        createdAt: new Date(this.options.clock.now()).toISOString(),
        createdBy: actor,
      };
      await this.saveVersion(ws, row, {
        workspaceId: ws,
        actor,
        action: `segment.${status === 'archived' ? 'archive' : 'activate'}`,
        target: id,
      });
      if (status === 'archived') this.live.remove(id);
      else if (row.definition.kind === 'dynamic') await this.compute(ws, id);
      return { ok: true, value: this.info(ws, row) };
    });
  }

  /** Stores a new version of a definition with its audit entry, and makes it current. */
  private async saveVersion(ws: string, row: SegmentRow, audit: AuditEntry): Promise<void> {
    const at = this.options.clock.now();
    await this.db.transaction(async (tx) => {
      await insertDefinition(tx, ws, row, at);
      await recordAudit(tx, audit, at);
    });
    this.wsDefs(ws).set(row.id, row);
  }

  // ------------------------------------------------------------------------------ membership

  /** Recomputes dynamic segments now (all active ones, or the given ones), in dependency order. */
  refresh(
    ws: string,
    ids?: readonly string[],
  ): Promise<Array<{ id: string; size: number; entered: number; exited: number; millis: number }>> {
    return this.serial(async () => {
      const active = [...this.wsDefs(ws).values()].filter((r) => r.status === 'active');
      for (const id of ids ?? []) if (!this.wsDefs(ws).has(id)) throw new Error(`no segment ${id}`);
      const wanted = new Set(ids ?? active.map((r) => r.id));
      const out = [];
      for (const r of this.ordered(ws, active)) {
        if (!wanted.has(r.id)) continue;
        const started = performance.now();
        const change = await this.compute(ws, r.id);
        out.push({
          id: r.id,
          size: this.info(ws, r).size ?? 0,
          entered: change.entered,
          exited: change.exited,
          millis: Math.round(performance.now() - started),
        });
      }
      return out;
    });
  }

  /** Dependencies first (a segment reading another comes after it). */
  private ordered(ws: string, rows: readonly SegmentRow[]): SegmentRow[] {
    const out: SegmentRow[] = [];
    const seen = new Set<string>();
    const visit = (r: SegmentRow): void => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      for (const s of segmentReferences(this.condition(ws, r.id))) {
        const d = this.wsDefs(ws).get(s);
        if (d) visit(d);
      }
      out.push(r);
    };
    rows.forEach(visit);
    return out;
  }

  /** One segment's membership now: a live (re)load, a batch query, or a static list's merges followed. */
  private async compute(ws: string, id: string): Promise<{ entered: number; exited: number }> {
    const row = this.wsDefs(ws).get(id)!;
    await this.flush();
    await this.options.settle();
    const counted = { entered: 0, exited: 0 };
    const count = (c: MembershipChange) => {
      if (c.segmentId !== id) return;
      counted.entered += c.entered.length;
      counted.exited += c.exited.length;
    };
    this.counting = count;
    try {
      if (row.definition.kind === 'static') await this.remapStatic(ws, id);
      else if (row.definition.realtime) await this.loadLive(ws, id);
      else await this.batch(ws, id);
      await this.flush();
    } finally {
      this.counting = null;
    }
    this.lastRefresh.set(`${ws}:${id}`, this.options.clock.now());
    await this.cacheStored(ws);
    return counted;
  }

  private counting: ((c: MembershipChange) => void) | null = null;

  private async loadLive(ws: string, id: string): Promise<void> {
    const condition = this.condition(ws, id)!;
    const side = await this.db.side();
    try {
      await this.cacheStored(ws);
      const previous = new Set(await memberIds(this.db, ws, id));
      await this.live.load(ws, id, condition, previous, async (inc) => {
        await this.options.settle();
        return loadLive(side, this.sqlContext(ws), condition, references(condition), this.valuesOf(ws), inc);
      });
    } finally {
      side.close();
    }
  }

  private async batch(ws: string, id: string): Promise<void> {
    const condition = this.condition(ws, id)!;
    const side = await this.db.side();
    const table = `segment_work_${id.replace(/[^a-z0-9]/g, '')}`;
    try {
      await syncFacts(side, ws);
      const q = segmentQuery(this.sqlContext(ws), condition);
      const create = sql`CREATE OR REPLACE TEMP TABLE ${raw(table)} AS SELECT profile_id FROM (${q})`;
      await side.run(create.text, create.params);
      const diff = await membershipDiff(side, ws, id, table);
      this.enqueue({ workspaceId: ws, segmentId: id, ...diff, cause: 'refresh' });
    } finally {
      await side.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      side.close();
    }
  }

  /** A static list keeps its people through merges: members merged away are replaced by who they are now. */
  private async remapStatic(ws: string, id: string): Promise<void> {
    const entered = new Set<string>();
    const exited: string[] = [];
    const current = new Set(await memberIds(this.db, ws, id));
    for (const p of current) {
      const live = this.options.resolveProfile(ws, p);
      if (live === p) continue;
      exited.push(p);
      if (live !== null && !current.has(live)) entered.add(live);
    }
    this.enqueue({ workspaceId: ws, segmentId: id, entered: [...entered], exited, cause: 'refresh' });
  }

  /** Reloads the live segments of a workspace that pass `which` (after tag refreshes, unmerges). */
  private async reloadLive(ws: string, which: (id: string) => boolean): Promise<void> {
    for (const r of this.ordered(ws, [...this.wsDefs(ws).values()])) {
      if (r.status === 'active' && r.definition.kind === 'dynamic' && r.definition.realtime && which(r.id)) {
        await this.compute(ws, r.id);
      }
    }
  }

  /** Tags were refreshed: live segments reading tags or computed traits load their values again. */
  tagsRefreshed(ws: string): Promise<void> {
    const computed = this.options.computedTraits(ws);
    return this.serial(() =>
      this.reloadLive(ws, (id) => {
        const c = this.condition(ws, id);
        if (!c) return false;
        const refs = references(c);
        return refs.tags.size > 0 || [...refs.traits].some((t) => computed.has(t));
      }),
    );
  }

  /** Members of non-live segments that live ones read, for their segment conditions. */
  private async cacheStored(ws: string): Promise<void> {
    const needed = new Set<string>();
    for (const r of this.wsDefs(ws).values()) {
      if (r.status === 'active' && r.definition.realtime)
        for (const s of segmentReferences(this.condition(ws, r.id))) if (!this.live.has(s)) needed.add(s);
    }
    for (const s of needed) this.stored.set(`${ws}:${s}`, new Set(await memberIds(this.db, ws, s)));
  }

  private async startLive(): Promise<void> {
    for (const [ws, defs] of this.defs) {
      await this.serial(() => this.reloadLive(ws, (id) => defs.has(id)));
    }
  }

  /** Changes a static list: identifiers or profile ids to add and to remove. */
  editList(
    ws: string,
    id: string,
    change: { add?: MemberList; remove?: MemberList },
    actor: string | null,
  ): Promise<SegmentResult<{ added: ListReport; removed: ListReport; size: number }>> {
    return this.serial(async () => {
      const row = this.wsDefs(ws).get(id);
      if (!row) return { ok: false, code: 'not_found', message: `no segment ${id}`, issues: [] };
      if (row.definition.kind !== 'static')
        return {
          ok: false,
          code: 'conflict',
          message: 'only a static segment has a list to change',
          issues: [],
        };
      const add = resolveList(ws, this.options, change.add ?? {});
      const remove = resolveList(ws, this.options, change.remove ?? {});
      const current = new Set(await memberIds(this.db, ws, id));
      this.enqueue({
        workspaceId: ws,
        segmentId: id,
        entered: [...add.profiles].filter((p) => !current.has(p) && !remove.profiles.has(p)),
        exited: [...remove.profiles].filter((p) => current.has(p)),
        cause: 'refresh',
      });
      await this.flush();
      await recordAudit(
        this.db,
        {
          workspaceId: ws,
          actor,
          action: 'segment.list',
          target: id,
          detail: { added: add.report.matched, removed: remove.report.matched },
        },
        this.options.clock.now(),
      );
      return {
        ok: true,
        value: { added: add.report, removed: remove.report, size: this.info(ws, row).size ?? 0 },
      };
    });
  }

  /** A static copy of a segment's members now. */
  snapshot(
    ws: string,
    id: string,
    name: string | undefined,
    actor: string | null,
  ): Promise<SegmentResult<SegmentInfo>> {
    return this.serial(async () => {
      const src = this.wsDefs(ws).get(id);
      if (!src) return { ok: false, code: 'not_found', message: `no segment ${id}`, issues: [] };
      await this.flush();
      const now = this.options.clock.now();
      const copy: SegmentRow = {
        id: generateId('seg'),
        version: 1,
        status: 'active',
        createdAt: new Date(now).toISOString(),
        createdBy: actor,
        definition: {
          ...src.definition,
          name: name ?? `${src.definition.name} (${new Date(now).toISOString().slice(0, 10)})`,
          kind: 'static',
          condition: null,
          realtime: false,
          schedule: 'manual',
          origin: { kind: 'snapshot', of: id, at: new Date(now).toISOString() },
        },
      };
      await this.saveVersion(ws, copy, {
        workspaceId: ws,
        actor,
        action: 'segment.snapshot',
        target: copy.id,
        detail: { of: id },
      });
      this.enqueue({
        workspaceId: ws,
        segmentId: copy.id,
        entered: await memberIds(this.db, ws, id),
        exited: [],
        cause: 'refresh',
      });
      await this.flush();
      return { ok: true, value: this.info(ws, copy) };
    });
  }

  // ------------------------------------------------------------------------------ writing

  /**
   * After a write: members of segments that are not live (static lists, batch segments) are
   * what live segments reading them see, so those follow at once for the people who changed.
   */
  private written(ws: string, changes: readonly MembershipChange[]): void {
    for (const c of changes) {
      if (this.live.has(c.segmentId)) continue;
      const stored = this.stored.get(`${ws}:${c.segmentId}`);
      if (!stored) continue;
      c.exited.forEach((p) => stored.delete(p));
      c.entered.forEach((p) => stored.add(p));
      this.live.retestReaders(ws, c.segmentId, [...c.entered, ...c.exited]);
    }
    this.options.onWritten?.(ws, [...new Set(changes.map((c) => c.segmentId))]);
  }

  private enqueue(c: MembershipChange): void {
    if (c.entered.length + c.exited.length === 0) return;
    this.counting?.(c);
    this.writer.enqueue(c);
  }

  /** Writes queued changes (members, size, events); one write at a time, in order. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  // ------------------------------------------------------------------------------ schedule

  /** Segments whose schedule says they are due. */
  due(ws: string): string[] {
    const now = this.options.clock.now();
    return [...this.wsDefs(ws).values()]
      .filter((r) => r.status === 'active' && r.definition.kind === 'dynamic')
      .filter((r) => {
        const every = SCHEDULE_MS[r.definition.schedule];
        const last = this.lastRefresh.get(`${ws}:${r.id}`);
        return every !== null && (last === undefined || now - last >= every);
      })
      .map((r) => r.id);
  }

  startSchedule(workspaces: () => readonly string[], everyMs: number): void {
    const t = setInterval(() => {
      void (async () => {
        for (const ws of workspaces()) {
          const due = this.due(ws);
          if (due.length > 0) await this.refresh(ws, due);
        }
      })().catch(this.options.onError);
    }, everyMs);
    t.unref();
    this.timers.push(t);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.ready;
    await this.chain.catch(() => undefined);
    await this.flush().catch(this.options.onError);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
