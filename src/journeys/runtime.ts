import { createHash } from 'node:crypto';
import type { Database } from '../platform/db/duckdb.js';
import { TimerHeap } from '../platform/timer-heap.js';
import { parseJsonObject } from '../platform/json.js';
import { toFact } from '../profiles/index.js';
import { durationMs, type FactEvent } from '../conditions/index.js';
import { assertNever } from '../platform/errors.js';
import type { ResolvedBatch } from '../identity/index.js';
import { compileJourney, matches, type CompiledJourney } from './compiled.js';
import type { JourneyDefinition, Step } from './definitions.js';
import { inHoldout } from './holdout.js';
import type { FeedbackRow, Instance, InstanceContext, SendResult, SendRow } from './journey-store.js';
import { RuntimeWrites } from './runtime-writes.js';
import { nextLocalTime } from './triggers.js';
import { callSend } from './send-step.js';
import type { ConsentBook } from './guard-state.js';

/**
 * The running side of journeys: every instance in memory (the store has the same, written in
 * batches), moved by events, timers and schedule runs. One chain runs all of it in order, so an
 * instance is never moved by two things at once. Steps that need the store (a split's
 * condition, a send's profile data) are done for all instances that reached them together.
 * What changes is buffered and written by `RuntimeWrites`.
 */

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface RunningJourney {
  id: string;
  workspaceId: string;
  version: number;
  status: JourneyStatus;
  name: string;
}

export interface StepHandlers {
  /** Splits: which of these profiles meet the condition now. */
  split(ws: string, journey: CompiledJourney, stepId: string, profileIds: string[]): Promise<Set<string>>;
  /** Sends: guards, render, and outbox rows (or the reason there is none) per instance. */
  send(
    ws: string,
    journey: CompiledJourney,
    stepId: string,
    instances: Instance[],
  ): Promise<Map<string, { outcome: string; send?: SendRow; delayUntil?: number }>>;
  /** Trait and tag updates. */
  update(
    ws: string,
    instances: Instance[],
    step: Extract<Step, { kind: 'update' }>,
    journeyName: string,
  ): Promise<void>;
  /** Conversions, and anything else the engine tells the world (goes out after the write). */
  converted(instance: Instance, event: FactEvent): void;
}

export interface RuntimeOptions {
  db: Database;
  now: () => number;
  timeZone: string;
  holdoutShare: number;
  holdoutSalt: string;
  flushMs: number;
  handlers: StepHandlers;
  consent: ConsentBook;
  /** Sends whose rows are committed: to the outbox. */
  committed: (sends: SendRow[]) => void;
  onError: (err: unknown) => void;
}

interface Entries {
  lastNo: number;
  lastAt: number;
  active: number;
}

/** A stable draw in [0, 1) for an instance at a step (A/B splits are reproducible after a restart). */
export function draw(instanceId: string, stepId: string): number {
  const h = createHash('sha256').update(`${instanceId}\u0000${stepId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/** How many instances move through their first steps together in a mass entry. */
const ENTRY_SLICE = 5_000;

export class JourneyRuntime {
  private readonly journeys = new Map<string, RunningJourney>();
  private readonly compiled = new Map<string, CompiledJourney>();
  private readonly entries = new Map<string, Map<string, Entries>>();
  readonly instances = new Map<string, Instance>();
  private readonly byProfile = new Map<string, Set<Instance>>();
  private readonly timers = new TimerHeap<string>();
  private readonly writes: RuntimeWrites;
  private readonly inbox: ResolvedBatch[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private draining = false;
  private held = true;

  constructor(private readonly options: RuntimeOptions) {
    this.writes = new RuntimeWrites({
      db: options.db,
      written: (i) => this.untrackIfDone(i),
      committed: (sends) => options.committed(sends),
    });
  }

  // ------------------------------------------------------------------------------ loading

  setJourney(j: RunningJourney, versions: ReadonlyMap<number, JourneyDefinition>): void {
    this.journeys.set(this.jkey(j.workspaceId, j.id), j);
    for (const [v, d] of versions) {
      const k = `${j.workspaceId}:${j.id}:${v}`;
      if (!this.compiled.has(k)) this.compiled.set(k, compileJourney(d));
    }
  }

  journey(ws: string, id: string): RunningJourney | undefined {
    return this.journeys.get(this.jkey(ws, id));
  }

  compiledOf(ws: string, id: string, version: number): CompiledJourney | undefined {
    return this.compiled.get(`${ws}:${id}:${version}`);
  }

  loadEntry(ws: string, journeyId: string, profileId: string, lastNo: number, lastAt: number): void {
    this.entriesOf(ws, journeyId).set(profileId, { lastNo, lastAt, active: 0 });
  }

  loadInstance(i: Instance): void {
    this.writes.loaded(i);
    this.track(i);
    if (i.state !== 'exited') {
      const e = this.entriesOf(i.workspaceId, i.journeyId).get(i.profileId);
      if (e) e.active++;
      if (i.wakeAt !== null) this.timers.push(i.wakeAt, i.id);
    }
  }

  setCursor(ws: string, seq: number): void {
    this.writes.setCursor(ws, seq);
  }

  cursor(ws: string): number {
    return this.writes.cursor(ws);
  }

  /** Starts taking events (those held while loading go first). */
  release(): void {
    this.held = false;
    this.kick();
  }

  // ------------------------------------------------------------------------------ intake

  /** The identity stage resolved a batch (wired by the app). */
  readonly onResolved = (batch: ResolvedBatch): void => {
    if (batch.events.length === 0 && batch.merges.length === 0) return;
    this.inbox.push(batch);
    this.kick();
  };

  private kick(): void {
    if (this.held || this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      const batches = this.inbox.splice(0);
      if (batches.length > 0) void this.serial(() => this.takeBatches(batches)).catch(this.options.onError);
    });
  }

  /** Runs `fn` after everything queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async takeBatches(batches: ResolvedBatch[]): Promise<void> {
    const work: Instance[] = [];
    for (const b of batches) {
      for (const m of b.merges) this.merge(b.workspaceId, m.from, m.into);
      const from = this.cursor(b.workspaceId);
      let top = from;
      for (const e of b.events) {
        if (e.seq <= from) continue;
        top = Math.max(top, e.seq);
        const fact = toFact(e.seq, e.event);
        const traits = e.event.type === 'identify' ? parseJsonObject(e.event.traits) : null;
        this.options.consent.observe(
          b.workspaceId,
          e.profileId,
          fact.event,
          fact.properties,
          traits,
          fact.ts,
          e.seq,
        );
        if (fact.event !== null) this.onEvent(b.workspaceId, e.profileId, fact, work);
      }
      if (top > from) this.writes.advanceCursor(b.workspaceId, top);
    }
    await this.advance(work);
  }

  /** Replays stored events the engine had not seen when it stopped (after a crash). */
  async replay(
    ws: string,
    events: Array<{
      seq: number;
      profileId: string;
      fact: FactEvent;
      traits: Record<string, unknown> | null;
    }>,
  ): Promise<void> {
    const work: Instance[] = [];
    let top = this.cursor(ws);
    for (const e of events) {
      if (e.seq <= top) continue;
      top = e.seq;
      this.options.consent.observe(
        ws,
        e.profileId,
        e.fact.event,
        e.fact.properties,
        e.traits,
        e.fact.ts,
        e.seq,
      );
      if (e.fact.event !== null) this.onEvent(ws, e.profileId, e.fact, work);
    }
    this.writes.advanceCursor(ws, top);
    await this.advance(work);
  }

  private onEvent(ws: string, profileId: string, fact: FactEvent, work: Instance[]): void {
    const now = this.options.now();
    const ctx = { now, offsetMs: 0 };
    const mine = this.byProfile.get(`${ws}:${profileId}`);
    if (mine) {
      for (const i of [...mine]) {
        const c = this.compiledOf(ws, i.journeyId, i.version);
        if (!c) continue;
        if (
          c.goal &&
          i.convertedAt === null &&
          fact.ts >= i.enteredAt &&
          fact.ts - i.enteredAt <= c.goal.withinMs &&
          matches(c.goal, fact, ctx)
        ) {
          i.convertedAt = fact.ts;
          const revenue = Number(fact.properties.revenue ?? fact.properties.total);
          i.revenue = Number.isFinite(revenue) ? revenue : null;
          this.touch(i);
          this.options.handlers.converted(i, fact);
          if (i.state !== 'exited') this.exit(i, 'goal');
          else this.untrackIfDone(i);
          continue;
        }
        if (i.state === 'waiting' && i.stepId !== null) {
          const w = c.waits.get(i.stepId);
          if (w && i.wakeAt !== null && fact.ts >= i.wakeAt - w.timeoutMs && matches(w, fact, ctx)) {
            const step = c.definition.steps[i.stepId] as Extract<Step, { kind: 'wait_for_event' }>;
            this.log(i, i.stepId, 'event');
            i.context = { ...i.context, event: { name: fact.event!, properties: fact.properties } };
            this.moveTo(i, step.next);
            work.push(i);
          }
        }
      }
    }
    for (const j of this.journeys.values()) {
      if (j.workspaceId !== ws || j.status !== 'active') continue;
      const c = this.compiledOf(ws, j.id, j.version);
      if (!c?.trigger || !matches(c.trigger, fact, ctx)) continue;
      const i = this.enter(j, c, profileId, now, {
        trigger: c.definition.trigger.kind,
        event: { name: fact.event!, properties: fact.properties },
      });
      if (i) work.push(i);
    }
  }

  private merge(ws: string, from: string, into: string): void {
    const moved = this.byProfile.get(`${ws}:${from}`);
    if (moved) {
      this.byProfile.delete(`${ws}:${from}`);
      for (const i of moved) {
        i.profileId = into;
        this.touch(i);
        this.track(i);
      }
    }
    for (const [k, m] of this.entries) {
      if (!k.startsWith(`${ws}:`)) continue;
      const a = m.get(from);
      if (!a) continue;
      m.delete(from);
      const b = m.get(into);
      m.set(
        into,
        b
          ? {
              lastNo: Math.max(a.lastNo, b.lastNo),
              lastAt: Math.max(a.lastAt, b.lastAt),
              active: a.active + b.active,
            }
          : a,
      );
    }
    this.options.consent.merge(ws, from, into);
  }

  // ------------------------------------------------------------------------------ entering

  /** Enters many profiles at once (schedule and date runs, manual starts). */
  async enterMany(
    j: RunningJourney,
    profileIds: Iterable<string>,
    context: InstanceContext,
    run?: { runKey: string },
  ): Promise<number> {
    const c = this.compiledOf(j.workspaceId, j.id, j.version);
    if (!c) return 0;
    const now = this.options.now();
    const work: Instance[] = [];
    for (const p of profileIds) {
      const i = this.enter(j, c, p, now, context);
      if (i) work.push(i);
    }
    if (run)
      this.writes.addRun({
        workspaceId: j.workspaceId,
        journeyId: j.id,
        runKey: run.runKey,
        at: now,
        entered: work.length,
      });
    // In slices, each written before the next: the first messages go out while later ones
    // render. Everyone entered is written with the first slice, so a crash leaves the rest
    // `active` at their step, and `resumeActive` takes them on after the restart.
    for (let i = 0; i < work.length; i += ENTRY_SLICE) {
      await this.advance(work.slice(i, i + ENTRY_SLICE));
      await this.flush();
    }
    return work.length;
  }

  private enter(
    j: RunningJourney,
    c: CompiledJourney,
    profileId: string,
    now: number,
    context: InstanceContext,
  ): Instance | null {
    const entries = this.entriesOf(j.workspaceId, j.id);
    const e = entries.get(profileId);
    const rule = c.definition.entry.reentry;
    if (e) {
      if (rule === 'never') return null;
      if (rule === 'after_exit' && e.active > 0) return null;
      if (c.cooldownMs > 0 && now - e.lastAt < c.cooldownMs) return null;
    }
    const entryNo = (e?.lastNo ?? 0) + 1;
    entries.set(profileId, { lastNo: entryNo, lastAt: now, active: (e?.active ?? 0) + 1 });
    const i: Instance = {
      id: `${j.id}:${profileId}:${entryNo}`,
      workspaceId: j.workspaceId,
      journeyId: j.id,
      version: j.version,
      profileId,
      entryNo,
      state: 'active',
      stepId: c.definition.start,
      wakeAt: null,
      variant: null,
      holdout: inHoldout(profileId, this.options.holdoutShare, this.options.holdoutSalt),
      enteredAt: now,
      updatedAt: now,
      exitReason: null,
      convertedAt: null,
      revenue: null,
      context,
    };
    this.instances.set(i.id, i);
    this.track(i);
    this.touch(i);
    return i;
  }

  // ------------------------------------------------------------------------------ moving

  /** After a restart: instances written while moving (not waiting) go on from their step. */
  async resumeActive(): Promise<number> {
    const work = [...this.instances.values()].filter((i) => i.state === 'active' && i.stepId !== null);
    for (let i = 0; i < work.length; i += ENTRY_SLICE) await this.advance(work.slice(i, i + ENTRY_SLICE));
    return work.length;
  }

  /** Wakes instances whose timers are due, then moves them on. */
  async tick(): Promise<void> {
    const now = this.options.now();
    const work: Instance[] = [];
    for (let t = this.timers.peek(); t && t.at <= now; t = this.timers.peek()) {
      this.timers.pop();
      const i = this.instances.get(t.value);
      if (!i || i.state !== 'waiting' || i.wakeAt === null || i.wakeAt > now || i.stepId === null) continue;
      const c = this.compiledOf(i.workspaceId, i.journeyId, i.version);
      if (!c) continue;
      const step = c.definition.steps[i.stepId]!;
      i.wakeAt = null;
      if (step.kind === 'wait') this.moveTo(i, step.next);
      else if (step.kind === 'wait_for_event') {
        this.log(i, i.stepId, 'timeout');
        this.moveTo(i, step.timeoutNext);
      } else i.state = 'active'; // a send that waited for quiet hours to end: try it again
      this.touch(i);
      work.push(i);
    }
    await this.advance(work);
  }

  private moveTo(i: Instance, stepId: string): void {
    i.stepId = stepId;
    i.state = 'active';
    i.wakeAt = null;
    this.touch(i);
  }

  /** Runs instances until each waits, exits, or needs the store; then does those steps together. */
  private async advance(start: Instance[]): Promise<void> {
    let work = start;
    const h = this.options.handlers;
    while (work.length > 0) {
      const splits = new Map<string, Instance[]>();
      const sends = new Map<string, Instance[]>();
      const updates = new Map<string, Instance[]>();
      for (const i of work) this.runSync(i, splits, sends, updates);
      const next: Instance[] = [];
      for (const [k, group] of splits) {
        const { ws, c, stepId } = this.groupOf(k);
        const step = c.definition.steps[stepId] as Extract<Step, { kind: 'split' }>;
        const yes = await h.split(ws, c, stepId, [...new Set(group.map((i) => i.profileId))]);
        for (const i of group) {
          const hit = yes.has(i.profileId);
          this.log(i, stepId, hit ? 'yes' : 'no');
          this.moveTo(i, hit ? step.yes : step.no);
          next.push(i);
        }
      }
      for (const [k, group] of sends) {
        const { ws, c, stepId } = this.groupOf(k);
        const step = c.definition.steps[stepId] as Extract<Step, { kind: 'send' }>;
        const outcomes = await h.send(ws, c, stepId, group);
        for (const i of group) {
          const o = outcomes.get(i.id) ?? { outcome: 'skipped:no outcome' };
          this.log(i, stepId, o.outcome);
          if (o.delayUntil !== undefined) {
            this.park(i, o.delayUntil);
            continue;
          }
          if (o.send) this.writes.addSend(o.send);
          if (step.next) {
            this.moveTo(i, step.next);
            next.push(i);
          } else this.exit(i, 'completed');
        }
      }
      for (const [k, group] of updates) {
        const { ws, c, stepId } = this.groupOf(k);
        const step = c.definition.steps[stepId] as Extract<Step, { kind: 'update' }>;
        await h.update(ws, group, step, c.definition.name);
        for (const i of group) {
          this.log(i, stepId, 'updated');
          if (step.next) {
            this.moveTo(i, step.next);
            next.push(i);
          } else this.exit(i, 'completed');
        }
      }
      work = next;
    }
  }

  private groupOf(k: string): { ws: string; c: CompiledJourney; stepId: string } {
    const [ws, id, version, stepId] = k.split('\u0000') as [string, string, string, string];
    return { ws, c: this.compiledOf(ws, id, Number(version))!, stepId };
  }

  private runSync(
    i: Instance,
    splits: Map<string, Instance[]>,
    sends: Map<string, Instance[]>,
    updates: Map<string, Instance[]>,
  ): void {
    const c = this.compiledOf(i.workspaceId, i.journeyId, i.version);
    const now = this.options.now();
    for (let guard = 0; guard < 1000 && i.state === 'active' && i.stepId !== null; guard++) {
      if (!c) return this.exit(i, 'definition missing');
      const stepId = i.stepId;
      const step = c.definition.steps[stepId];
      if (!step) return this.exit(i, `no step ${stepId}`);
      const group = `${i.workspaceId}\u0000${i.journeyId}\u0000${i.version}\u0000${stepId}`;
      switch (step.kind) {
        case 'wait': {
          let at = now + (step.duration ? durationMs(step.duration) : 0);
          if (step.until) at = nextLocalTime(this.options.timeZone, at, step.until);
          this.log(i, stepId, 'waiting');
          return this.park(i, at);
        }
        case 'wait_for_event':
          this.log(i, stepId, 'waiting');
          return this.park(i, now + durationMs(step.timeout));
        case 'split':
          push(splits, group, i);
          return;
        case 'send':
          push(sends, group, i);
          return;
        case 'update':
          push(updates, group, i);
          return;
        case 'ab': {
          const total = step.variants.reduce((s, v) => s + v.weight, 0);
          const x = draw(i.id, stepId);
          if (x < step.control) {
            i.variant = 'control';
            this.log(i, stepId, 'control');
            return this.exit(i, 'control');
          }
          let point = ((x - step.control) / (1 - step.control)) * total;
          const v =
            step.variants.find((v) => (point -= v.weight) < 0) ?? step.variants[step.variants.length - 1]!;
          i.variant = v.name;
          this.log(i, stepId, v.name);
          this.moveTo(i, v.next);
          continue;
        }
        case 'webhook': {
          this.log(i, stepId, 'called');
          this.writes.addSend(callSend(i, stepId, step.url, now));
          if (!step.next) return this.exit(i, 'completed');
          this.moveTo(i, step.next);
          continue;
        }
        case 'exit':
          this.log(i, stepId, 'exited');
          return this.exit(i, 'completed');
        default:
          return assertNever(step);
      }
    }
  }

  private park(i: Instance, at: number): void {
    i.state = 'waiting';
    i.wakeAt = at;
    this.touch(i);
    this.timers.push(at, i.id);
  }

  private exit(i: Instance, reason: string): void {
    i.state = 'exited';
    i.exitReason = reason;
    i.wakeAt = null;
    this.touch(i);
    const e = this.entriesOf(i.workspaceId, i.journeyId).get(i.profileId);
    if (e && e.active > 0) e.active--;
    this.untrackIfDone(i);
  }

  /** Stops watching an exited instance once its goal can no longer be met. */
  private untrackIfDone(i: Instance): void {
    if (i.state !== 'exited') return;
    const c = this.compiledOf(i.workspaceId, i.journeyId, i.version);
    const open = c?.goal && i.convertedAt === null && this.options.now() - i.enteredAt <= c.goal.withinMs;
    if (open) return;
    this.byProfile.get(`${i.workspaceId}:${i.profileId}`)?.delete(i);
    if (this.writes.unwritten(i)) return;
    // Written and done with: nothing moves it again, so it need not be remembered.
    this.instances.delete(i.id);
    this.writes.forget(i);
  }

  /** Exits every running instance of a journey (archived). */
  exitAll(ws: string, journeyId: string, reason: string): number {
    let n = 0;
    for (const i of [...this.instances.values()])
      if (i.workspaceId === ws && i.journeyId === journeyId && i.state !== 'exited') {
        this.exit(i, reason);
        n++;
      }
    return n;
  }

  /** Drops goal watches whose windows have closed (memory). */
  sweep(): void {
    for (const i of [...this.instances.values()]) this.untrackIfDone(i);
  }

  // ------------------------------------------------------------------------------ bookkeeping

  private log(i: Instance, stepId: string, outcome: string): void {
    this.writes.logStep({
      workspaceId: i.workspaceId,
      journeyId: i.journeyId,
      version: i.version,
      instanceId: i.id,
      profileId: i.profileId,
      stepId,
      at: this.options.now(),
      outcome,
    });
  }

  private touch(i: Instance): void {
    i.updatedAt = this.options.now();
    this.writes.changed(i);
  }

  private track(i: Instance): void {
    this.instances.set(i.id, i);
    const k = `${i.workspaceId}:${i.profileId}`;
    let s = this.byProfile.get(k);
    if (!s) this.byProfile.set(k, (s = new Set()));
    s.add(i);
  }

  private entriesOf(ws: string, journeyId: string): Map<string, Entries> {
    const k = this.jkey(ws, journeyId);
    let m = this.entries.get(k);
    if (!m) this.entries.set(k, (m = new Map<string, Entries>()));
    return m;
  }

  private jkey(ws: string, id: string): string {
    return `${ws}:${id}`;
  }

  // ------------------------------------------------------------------------------ writing

  recordResult(r: SendResult): void {
    this.writes.recordResult(r);
  }

  recordFeedback(f: FeedbackRow): void {
    this.writes.recordFeedback(f);
  }

  /** Writes what changed since the last flush in one transaction; then releases the new sends. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /** Send results, on a connection of their own (see `RuntimeWrites.flushResults`). */
  flushResults(): Promise<void> {
    return this.writes.flushResults();
  }

  closeResults(): void {
    this.writes.closeResults();
  }

  /** Instances per state (for listings), counted in memory. */
  counts(ws: string, journeyId: string): { active: number; waiting: number } {
    let active = 0;
    let waiting = 0;
    for (const i of this.instances.values()) {
      if (i.workspaceId !== ws || i.journeyId !== journeyId) continue;
      if (i.state === 'active') active++;
      else if (i.state === 'waiting') waiting++;
    }
    return { active, waiting };
  }

  get pendingWrites(): number {
    return this.writes.pendingWrites;
  }

  /** Time until the next timer (for tests and the scheduler). */
  nextTimer(): number | null {
    return this.timers.peek()?.at ?? null;
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
