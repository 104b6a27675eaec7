import type { ChannelAdapter } from '../channels/channel.js';
import { testSend, type TestSendResult } from './test-send.js';
import { durationMs, type ConditionNode, type FactEvent } from '../conditions/index.js';
import { recordAudit, type AuditEntry } from '../governance/audit.js';
import type { ProfileIdentifier, ResolvedBatch } from '../identity/index.js';
import { syncFacts } from '../profiles/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { insertVersion, latestVersions, versionsOf, type VersionRow } from '../platform/db/versions.js';
import { generateId } from '../platform/ids.js';
import type { SegmentSqlContext } from '../segments/index.js';
import type { FeedbackKind } from './tracking.js';
import { checkJourney, referenceIssues, type JourneyDefinition, type Step } from './definitions.js';
import { FeedbackLoop } from './feedback.js';
import { ConsentBook, SendHistory, Suppressions } from './guard-state.js';
import type { FrequencyCap, QuietHours } from './guards.js';
import {
  factsSince,
  findSend,
  loadCursors,
  loadEntries,
  loadInstances,
  loadOpenSends,
  loadRuns,
  recentSends,
  type Instance,
  type SendRow,
} from './journey-store.js';
import { JourneyEvents } from './journey-events.js';
import {
  deadLettersOf,
  matchingProfiles,
  metricsOf,
  previewFor,
  programmeOf,
  type JourneyReadContext,
  type ProgrammeResult,
} from './journey-reads.js';
import { deadLetters, type DeadLetter, type JourneyMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { JourneyRuntime, type JourneyStatus } from './runtime.js';
import { TimeTriggers } from './schedules.js';
import { capWindowMs, runSendStep, type SendStepDeps, type TrackingLinks } from './send-step.js';

/**
 * Journeys as a whole: definitions by version with their status, the runtime that moves people
 * through them (runtime.ts), the outbox that sends, time-driven triggers (schedules.ts), the
 * feedback that comes back (feedback.ts), and the numbers (journey-reads.ts). Events arrive from
 * the identity stage already resolved; what journeys say goes back into the collection pipeline
 * as ordinary events (journey-events.ts). This class holds the definitions and wires the parts.
 */

export type JourneyRow = VersionRow<JourneyDefinition, JourneyStatus>;

export interface JourneyEvent {
  profileId: string;
  type: 'track' | 'identify';
  event?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  timestamp: number;
}

export interface JourneyEngineOptions {
  clock: Clock;
  timeZone: string;
  holdoutShare: number;
  holdoutSalt: string;
  caps: readonly FrequencyCap[];
  quietHours: QuietHours | null;
  flushMs: number;
  tickMs: number;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  settle: () => Promise<void>;
  sqlContext: (ws: string, now?: number) => SegmentSqlContext;
  identifiers: (ws: string, profileId: string) => ProfileIdentifier[] | null;
  profileOfNode: (ws: string, node: number) => string | null;
  segmentExists: (ws: string, id: string) => boolean;
  /** The adapter of a channel as configured for the workspace. */
  adapter: (ws: string, channel: string) => ChannelAdapter | null;
  /** The adapter a journey's own webhook step calls its URL with. */
  callAdapter: (ws: string, url: string) => ChannelAdapter | null;
  links: (ws: string, key: string) => TrackingLinks | null;
  decorateHtml: (html: string, links: TrackingLinks) => string;
  decorateText: (text: string, links: TrackingLinks) => string;
  emit: (ws: string, events: readonly JourneyEvent[]) => Promise<void>;
  assignTag: (
    ws: string,
    key: string,
    rows: Array<{ profileId: string; value: unknown }>,
    actor: string,
  ) => Promise<void>;
  onError: (err: unknown) => void;
}

export type JourneyResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: 'validation_failed' | 'not_found' | 'conflict';
      message: string;
      issues: Array<{ path: string; message: string }>;
    };

export interface JourneyInfo extends JourneyRow {
  running: { active: number; waiting: number };
}

export class JourneyEngine {
  private readonly defs = new Map<string, Map<string, JourneyRow>>();
  readonly runtime: JourneyRuntime;
  readonly outbox: Outbox;
  readonly consent = new ConsentBook();
  readonly suppressions = new Suppressions();
  private readonly history: SendHistory;
  private readonly schedules: TimeTriggers;
  private readonly reads: JourneyReadContext;
  private readonly events: JourneyEvents;
  private readonly loop: FeedbackLoop;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  ready: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly options: JourneyEngineOptions,
  ) {
    this.history = new SendHistory(
      capWindowMs(options.caps.map((c) => ({ window: `${c.windowMs / 1000}s` }))),
    );
    const now = (): number => options.clock.now();
    this.outbox = new Outbox({
      now,
      concurrency: options.concurrency,
      maxAttempts: options.maxAttempts,
      backoffMs: options.backoffMs,
      maxBackoffMs: options.maxBackoffMs,
      adapter: (ws, channel, send) =>
        channel === 'call' ? options.callAdapter(ws, send.message.to) : options.adapter(ws, channel),
      onResult: (r, send) => this.loop.onResult(r, send),
    });
    this.runtime = new JourneyRuntime({
      db,
      now,
      timeZone: options.timeZone,
      holdoutShare: options.holdoutShare,
      holdoutSalt: options.holdoutSalt,
      flushMs: options.flushMs,
      consent: this.consent,
      committed: (sends) => sends.forEach((s) => this.outbox.enqueue(s)),
      onError: options.onError,
      handlers: {
        split: (ws, c, stepId, ids) => this.matching(ws, c.splits.get(stepId)!, ids),
        send: (ws, c, stepId, instances) => runSendStep(this.sendDeps(), ws, c, stepId, instances),
        update: (ws, instances, step, name) => this.applyUpdate(ws, instances, step, name),
        converted: (i, fact) => this.converted(i, fact),
      },
    });
    this.events = new JourneyEvents({
      emit: (ws, events) => options.emit(ws, events),
      onError: (err) => options.onError(err),
    });
    this.loop = new FeedbackLoop({
      db,
      now,
      runtime: this.runtime,
      consent: this.consent,
      suppressions: this.suppressions,
      events: this.events,
    });
    this.schedules = new TimeTriggers({
      now,
      timeZone: options.timeZone,
      matching: (ws, condition, asOf) => this.matching(ws, condition, null, asOf),
      enter: (ws, id, profileIds, runKey) => this.enter(ws, id, profileIds, runKey),
    });
    this.reads = {
      db,
      settle: () => options.settle(),
      sqlContext: (ws, at) => options.sqlContext(ws, at),
      flush: () => this.flush(),
    };
  }

  static async open(db: Database, options: JourneyEngineOptions): Promise<JourneyEngine> {
    const engine = new JourneyEngine(db, options);
    await engine.load();
    const every = (ms: number, fn: () => Promise<void> | void): void => {
      const t = setInterval(() => {
        if (!engine.closed) void Promise.resolve(fn()).catch(options.onError);
      }, ms);
      t.unref();
      engine.timers.push(t);
    };
    every(options.flushMs, () => engine.flush());
    every(options.flushMs, () => engine.runtime.flushResults());
    if (options.tickMs > 0) every(options.tickMs, () => engine.tick());
    every(3_600_000, () => engine.runtime.sweep());
    engine.ready = engine.catchUp().catch((err: unknown) => options.onError(err));
    return engine;
  }

  private async load(): Promise<void> {
    const now = this.options.clock.now();
    for (const row of await latestVersions<JourneyDefinition, JourneyStatus>(this.db, 'journey_definitions'))
      this.wsDefs(row.workspaceId).set(row.id, row);
    for (const [ws, m] of this.defs) for (const row of m.values()) await this.install(ws, row);
    for (const e of await loadEntries(this.db))
      this.runtime.loadEntry(e.workspace_id, e.journey_id, e.profile_id, e.last_no, e.last_at);
    const longestGoal = Math.max(
      0,
      ...[...this.defs.values()].flatMap((m) =>
        [...m.values()].map((r) => (r.definition.goal ? durationMs(r.definition.goal.within) : 0)),
      ),
    );
    for (const i of await loadInstances(this.db, now - longestGoal)) this.runtime.loadInstance(i);
    for (const [ws, seq] of await loadCursors(this.db)) this.runtime.setCursor(ws, seq);
    for (const r of await loadRuns(this.db)) this.schedules.ran(r.workspace_id, r.journey_id, r.run_key);
    for (const s of await recentSends(
      this.db,
      now - capWindowMs(this.options.caps.map((c) => ({ window: `${c.windowMs / 1000}s` }))),
    ))
      this.history.add(s.workspace_id, s.profile_id, { at: s.sent_at, channel: s.channel });
    await this.suppressions.load(this.db);
    for (const s of await loadOpenSends(this.db)) this.outbox.enqueue(s, s.attempt, s.dueAt);
  }

  /** After a start: consent as stored, then the events the engine had not seen, then live events. */
  private async catchUp(): Promise<void> {
    await this.options.settle();
    const workspaces = new Set([...this.defs.keys()]);
    for (const ws of workspaces) {
      const side = await this.db.side();
      try {
        await syncFacts(side, ws);
      } finally {
        side.close();
      }
      await this.consent.seed(this.db, ws, (node) => this.options.profileOfNode(ws, node));
      const from = this.runtime.cursor(ws);
      if (from > 0) {
        const events = await factsSince(this.db, ws, from, (node) => this.options.profileOfNode(ws, node));
        await this.runtime.serial(() => this.runtime.replay(ws, events));
      }
    }
    await this.runtime.serial(() => this.runtime.resumeActive());
    this.runtime.release();
  }

  /** The identity stage resolved a batch (wired by the app). */
  readonly onResolved = (batch: ResolvedBatch): void => this.runtime.onResolved(batch);

  private wsDefs(ws: string): Map<string, JourneyRow> {
    let m = this.defs.get(ws);
    if (!m) this.defs.set(ws, (m = new Map<string, JourneyRow>()));
    return m;
  }

  private async install(ws: string, row: JourneyRow): Promise<void> {
    const versions = new Map<number, JourneyDefinition>();
    for (const v of await versionsOf<JourneyDefinition, JourneyStatus>(
      this.db,
      'journey_definitions',
      ws,
      row.id,
    ))
      versions.set(v.version, v.definition);
    this.runtime.setJourney(
      { id: row.id, workspaceId: ws, version: row.version, status: row.status, name: row.definition.name },
      versions,
    );
  }

  // ------------------------------------------------------------------------------ definitions

  list(ws: string): JourneyInfo[] {
    return [...this.wsDefs(ws).values()].map((r) => this.info(ws, r));
  }

  get(ws: string, id: string): JourneyInfo | null {
    const r = this.wsDefs(ws).get(id);
    return r ? this.info(ws, r) : null;
  }

  private info(ws: string, r: JourneyRow): JourneyInfo {
    return { ...r, running: this.runtime.counts(ws, r.id) };
  }

  versions(ws: string, id: string): Promise<JourneyRow[]> {
    return versionsOf(this.db, 'journey_definitions', ws, id);
  }

  private check(ws: string, input: unknown): JourneyResult<JourneyDefinition> {
    const checked = checkJourney(input);
    if (!checked.ok)
      return {
        ok: false,
        code: 'validation_failed',
        message: 'the journey is not valid',
        issues: checked.issues,
      };
    const j = checked.value;
    const issues = referenceIssues(j, (id) => this.options.segmentExists(ws, id));
    return issues.length > 0
      ? { ok: false, code: 'validation_failed', message: 'the journey refers to what does not exist', issues }
      : { ok: true, value: j };
  }

  async create(ws: string, input: unknown, actor: string | null): Promise<JourneyResult<JourneyInfo>> {
    const checked = this.check(ws, input);
    if (!checked.ok) return checked;
    const row: JourneyRow = {
      id: generateId('jny'),
      version: 1,
      definition: checked.value,
      status: 'draft',
      createdAt: new Date(this.options.clock.now()).toISOString(),
      createdBy: actor,
    };
    await this.save(ws, row, {
      workspaceId: ws,
      actor,
      action: 'journey.create',
      target: row.id,
      detail: { name: row.definition.name },
    });
    return { ok: true, value: this.info(ws, row) };
  }

  async update(ws: string, a: string, b: unknown, c: string | null): Promise<JourneyResult<JourneyInfo>> {
    const cur = this.wsDefs(ws).get(a);
    if (!cur) return { ok: false, code: 'not_found', message: `no journey ${a}`, issues: [] };
    if (cur.status === 'archived')
      return { ok: false, code: 'conflict', message: `journey ${a} is archived`, issues: [] };
    const checked = this.check(ws, b);
    if (!checked.ok) return checked;
    const row: JourneyRow = {
      ...cur,
      version: cur.version + 1,
      definition: checked.value,
      createdAt: new Date(this.options.clock.now()).toISOString(),
      createdBy: c,
    };
    await this.save(ws, row, {
      workspaceId: ws,
      actor: c,
      action: 'journey.update',
      target: a,
      detail: { version: row.version },
    });
    return { ok: true, value: this.info(ws, row) };
  }

  async setStatus(
    ws: string,
    id: string,
    status: JourneyStatus,
    actor: string | null,
  ): Promise<JourneyResult<JourneyInfo>> {
    const cur = this.wsDefs(ws).get(id);
    if (!cur) return { ok: false, code: 'not_found', message: `no journey ${id}`, issues: [] };
    if (cur.status === 'archived')
      return { ok: false, code: 'conflict', message: `journey ${id} is archived`, issues: [] };
    if (status === 'active') {
      const again = this.check(ws, cur.definition);
      if (!again.ok) return again;
    }
    const row: JourneyRow = {
      ...cur,
      version: cur.version + 1,
      status,
      createdAt: new Date(this.options.clock.now()).toISOString(),
      createdBy: actor,
    };
    await this.save(ws, row, {
      workspaceId: ws,
      actor,
      action: `journey.${status === 'active' ? 'activate' : status === 'paused' ? 'pause' : 'archive'}`,
      target: id,
    });
    if (status === 'archived')
      await this.runtime.serial(async () => void this.runtime.exitAll(ws, id, 'archived'));
    if (status === 'active') this.schedules.reset(ws, id);
    return { ok: true, value: this.info(ws, row) };
  }

  private async save(ws: string, row: JourneyRow, audit: AuditEntry): Promise<void> {
    const at = this.options.clock.now();
    await this.db.transaction(async (tx) => {
      await insertVersion(tx, 'journey_definitions', ws, row, at);
      await recordAudit(tx, audit, at);
    });
    this.wsDefs(ws).set(row.id, row);
    await this.install(ws, row);
  }

  // ------------------------------------------------------------------------------ running

  /** Puts profiles (given, or a segment's members) into an active journey now: a manual start, or a schedule's run. */
  async enter(
    ws: string,
    id: string,
    who: readonly string[] | { segment: string },
    runKey?: string,
  ): Promise<JourneyResult<{ entered: number }>> {
    const j = this.runtime.journey(ws, id);
    if (!j) return { ok: false, code: 'not_found', message: `no journey ${id}`, issues: [] };
    if (j.status !== 'active')
      return { ok: false, code: 'conflict', message: `journey ${id} is ${j.status}, not active`, issues: [] };
    if (!Array.isArray(who) && !this.options.segmentExists(ws, (who as { segment: string }).segment))
      return {
        ok: false,
        code: 'not_found',
        message: `no segment ${(who as { segment: string }).segment}`,
        issues: [],
      };
    const profileIds = Array.isArray(who)
      ? (who as readonly string[])
      : [...(await this.matching(ws, { kind: 'segment', id: (who as { segment: string }).segment }, null))];
    const entered = await this.runtime.serial(() =>
      this.runtime.enterMany(j, profileIds, { trigger: 'manual' }, runKey ? { runKey } : undefined),
    );
    return { ok: true, value: { entered } };
  }

  /** Timers, retries, cron schedules and date triggers that are due. */
  async tick(): Promise<void> {
    this.outbox.tick();
    await this.runtime.serial(() => this.runtime.tick());
    await this.schedules.fire(this.defs);
  }

  /** Profiles (of `among`, or all live ones) for which a condition holds now. */
  matching(
    ws: string,
    condition: ConditionNode,
    among: readonly string[] | null,
    now?: number,
  ): Promise<Set<string>> {
    return matchingProfiles(this.reads, ws, condition, among, now);
  }

  private async applyUpdate(
    ws: string,
    instances: Instance[],
    step: Extract<Step, { kind: 'update' }>,
    name: string,
  ): Promise<void> {
    const live = instances.filter((i) => !i.holdout);
    if (live.length === 0) return;
    if (step.set.kind === 'tag') {
      await this.options.assignTag(
        ws,
        step.set.key,
        live.map((i) => ({ profileId: i.profileId, value: step.set.value })),
        `journey:${name}`,
      );
      return;
    }
    const now = this.options.clock.now();
    this.events.traitSet(
      ws,
      live.map((i) => i.profileId),
      step.set.key,
      step.set.value,
      now,
    );
  }

  private converted(i: Instance, fact: FactEvent): void {
    this.events.converted(i, fact, this.runtime.journey(i.workspaceId, i.journeyId)?.name ?? null);
  }

  // ------------------------------------------------------------------------------ feedback

  /** What came back about a send (receipts, the pixel, clicks, unsubscribes); false for no such send. */
  feedback(
    ws: string,
    key: string,
    kind: FeedbackKind,
    detail: Record<string, unknown>,
    known?: SendRow,
  ): Promise<boolean> {
    return this.loop.feedback(ws, key, kind, detail, known);
  }

  keyForProviderMessage(ws: string, provider: string, providerMessageId: string): Promise<string | null> {
    return this.loop.keyForProviderMessage(ws, provider, providerMessageId);
  }

  suppressionList(ws: string): ReturnType<Suppressions['list']> {
    return this.loop.suppressionList(ws);
  }

  suppress(
    ws: string,
    channel: string,
    address: string,
    reason: string,
    actor: string | null,
  ): Promise<void> {
    return this.loop.suppress(ws, channel, address, reason, actor);
  }

  unsuppress(ws: string, channel: string, address: string, actor: string | null): Promise<boolean> {
    return this.loop.unsuppress(ws, channel, address, actor);
  }

  // ------------------------------------------------------------------------------ reading

  metrics(ws: string, id: string): Promise<JourneyResult<JourneyMetrics>> {
    return metricsOf(this.reads, ws, id, this.wsDefs(ws).get(id));
  }

  /** The whole programme against the global holdout (see `programmeOf`). */
  programme(ws: string, goal: { event: string; within: string }): Promise<ProgrammeResult> {
    return programmeOf(this.reads, ws, goal, {
      share: this.options.holdoutShare,
      salt: this.options.holdoutSalt,
    });
  }

  deadLetters(ws: string, limit: number): Promise<DeadLetter[]> {
    return deadLettersOf(this.reads, ws, limit);
  }

  /** Sends a dead-lettered message again (after the channel was fixed). */
  async retryDead(ws: string, keys: readonly string[]): Promise<number> {
    await this.flush();
    const dead = new Map((await deadLetters(this.db, ws, 100_000)).map((d) => [d.key, d.attempts]));
    let n = 0;
    for (const key of keys) {
      if (!dead.has(key)) continue;
      const s = await findSend(this.db, ws, key);
      if (!s) continue;
      this.outbox.enqueue(
        {
          workspaceId: ws,
          key,
          journeyId: s.journey_id,
          version: s.version,
          stepId: s.step_id,
          instanceId: '',
          profileId: s.profile_id,
          channel: s.channel,
          message: JSON.parse(s.message) as SendRow['message'],
          createdAt: this.options.clock.now(),
        },
        dead.get(key) ?? 0,
        0,
        true,
      );
      n++;
    }
    return n;
  }

  /** A template rendered for one profile (the console's preview), with what it read that was missing. */
  preview(
    ws: string,
    template: Record<string, unknown>,
    profileId: string,
    event?: { name: string; properties: Record<string, unknown> },
  ): Promise<JourneyResult<{ rendered: Record<string, string | undefined>; missing: string[] }>> {
    return previewFor(this.reads, ws, template, profileId, event);
  }

  /** What a send step needs; a test send gets no guards (its own empty consent, caps and lists). */
  private sendDeps(test = false): SendStepDeps {
    const o = this.options;
    return {
      db: this.db,
      settle: () => o.settle(),
      now: () => o.clock.now(),
      timeZone: o.timeZone,
      caps: test ? [] : o.caps,
      quietHours: test ? null : o.quietHours,
      consent: test ? new ConsentBook() : this.consent,
      history: test ? new SendHistory(0) : this.history,
      suppressions: test ? new Suppressions() : this.suppressions,
      sqlContext: (w) => o.sqlContext(w),
      identifiers: o.identifiers,
      links: o.links,
      decorateHtml: o.decorateHtml,
      decorateText: o.decorateText,
    };
  }

  /**
   * A journey's send step rendered for a chosen profile and sent now through the channel, to the
   * profile's address or to `to` (the marketer's own phone): no guards, not counted in the
   * journey's metrics, recorded in the audit log.
   */
  testSend(
    ws: string,
    id: string,
    stepId: string,
    profileId: string,
    to: string | null,
    actor: string | null,
  ): Promise<JourneyResult<TestSendResult>> {
    const row = this.wsDefs(ws).get(id);
    if (!row)
      return Promise.resolve({ ok: false, code: 'not_found', message: `no journey ${id}`, issues: [] });
    return testSend(
      {
        db: this.db,
        now: () => this.options.clock.now(),
        deps: this.sendDeps(true),
        compiled: this.runtime.compiledOf(ws, id, row.version),
        adapter: (channel) => this.options.adapter(ws, channel),
      },
      { ws, id, version: row.version, stepId, profileId, to, actor },
    );
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** Writes state, then tells the world what happened (events after their state is durable). */
  async flush(): Promise<void> {
    await Promise.all([this.runtime.flush(), this.runtime.flushResults()]);
    await this.events.emit();
  }

  /** Everything queued has run, been sent and been written (tests, the CLI). */
  async idle(): Promise<void> {
    await this.ready;
    for (let round = 0; round < 20; round++) {
      await this.runtime.serial(async () => undefined);
      await this.flush();
      await this.outbox.drained();
      await this.flush();
      // The events a send gives back (Message Sent, …) are part of its work: idle waits for them.
      await this.events.settled();
      if (this.runtime.pendingWrites === 0 && this.outbox.queued === 0) return;
      if (this.outbox.queued > 0) return;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.ready;
    await this.runtime.serial(async () => undefined);
    await this.outbox.drained();
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.outbox.stop();
    await this.flush();
    await this.events.settled();
    this.runtime.closeResults();
  }
}
