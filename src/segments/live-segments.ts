import {
  IncrementalCondition,
  references,
  type ConditionNode,
  type FactEvent,
  type LiveState,
} from '../conditions/index.js';
import type { ResolvedBatch } from '../identity/index.js';
import type { LiveValues } from './live-values.js';
import { TimerHeap } from '../platform/timer-heap.js';
import { parseJsonObject } from '../platform/json.js';
import { factName, toFact } from '../profiles/index.js';

/**
 * Real-time membership: every live segment keeps, per profile, the incremental state of its
 * condition (the events its conditions need, nothing else) and its members in memory. Each
 * resolved event updates the states it concerns and re-tests those profiles at once; a timer per
 * profile re-tests it when a rolling window or a time-relative comparison next changes, so
 * members leave when their window passes, with no event. A (re)load seeds everything from the
 * store and then applies the events that arrived meanwhile.
 */

export type ChangeCause = 'realtime' | 'expired' | 'refresh';

export interface MembershipChange {
  workspaceId: string;
  segmentId: string;
  entered: string[];
  exited: string[];
  cause: ChangeCause;
}

/** What a load read from the store: as of the facts up to `syncedSeq`. */
export interface LiveLoad {
  syncedSeq: number;
  members: Set<string>;
  states: Map<string, LiveState>;
}

interface Live {
  workspaceId: string;
  id: string;
  inc: IncrementalCondition;
  refs: { traits: Set<string>; tags: Set<string>; segments: Set<string> };
  states: Map<string, LiveState>;
  members: Set<string>;
  scheduled: Map<string, number>;
  /** Batches that arrived while loading (null once loaded). */
  buffer: ResolvedBatch[] | null;
}

export interface LiveSegmentsOptions {
  now(): number;
  offsetMs(at: number): number;
  values(workspaceId: string): LiveValues;
  /** Members of a segment that is not live (static, or batch only), for segment conditions. */
  storedMembers(workspaceId: string, segmentId: string): ReadonlySet<string> | undefined;
  onChange(change: MembershipChange): void;
}

export class LiveSegments {
  private readonly live = new Map<string, Live>();
  private readonly timers = new TimerHeap<{ live: Live; profileId: string }>();
  /** Per event: the time from the batch's arrival to its membership being decided (bench reads it). */
  readonly latencies: number[] = [];

  constructor(private readonly opts: LiveSegmentsOptions) {}

  has(segmentId: string): boolean {
    return this.live.get(segmentId)?.buffer === null;
  }

  members(segmentId: string): ReadonlySet<string> | undefined {
    const l = this.live.get(segmentId);
    return l && l.buffer === null ? l.members : undefined;
  }

  /** Profiles with state held for a segment (what the memory holds). */
  stateCount(segmentId: string): number {
    return this.live.get(segmentId)?.states.size ?? 0;
  }

  /**
   * (Re)loads a segment: events arriving from now on are held, `read` seeds the states and the
   * members from the store, then the held events past what the store had are applied. The
   * difference to the members before is reported with `cause`.
   */
  async load(
    workspaceId: string,
    segmentId: string,
    condition: ConditionNode,
    previous: ReadonlySet<string>,
    read: (inc: IncrementalCondition) => Promise<LiveLoad>,
    cause: ChangeCause = 'refresh',
  ): Promise<void> {
    const inc = new IncrementalCondition(condition, this.opts.offsetMs(this.opts.now()));
    const old = this.live.get(segmentId);
    const l: Live = {
      workspaceId,
      id: segmentId,
      inc,
      refs: references(condition),
      states: new Map(),
      members: new Set(),
      scheduled: new Map(),
      buffer: [],
    };
    // The old one keeps answering until the new one is ready; both see the events meanwhile.
    if (!old) this.live.set(segmentId, l);
    else this.pendingLoads.set(segmentId, l);
    let loaded: LiveLoad;
    try {
      loaded = await read(inc);
    } catch (err) {
      if (!old) this.live.delete(segmentId);
      this.pendingLoads.delete(segmentId);
      throw err;
    }
    this.pendingLoads.delete(segmentId);
    l.states = loaded.states;
    l.members = loaded.members;
    const buffered = l.buffer ?? [];
    l.buffer = null;
    this.live.set(segmentId, l);
    const before = old?.members ?? previous;
    const now = this.opts.now();
    for (const p of this.candidates(l)) this.schedule(l, p, now);
    this.report(l, before, l.members, cause);
    for (const batch of buffered) this.applyBatch(batch, (seq) => seq > loaded.syncedSeq, [l]);
  }

  private readonly pendingLoads = new Map<string, Live>();

  private report(l: Live, before: ReadonlySet<string>, after: ReadonlySet<string>, cause: ChangeCause): void {
    const entered = [...after].filter((p) => !before.has(p));
    const exited = [...before].filter((p) => !after.has(p));
    if (entered.length + exited.length > 0)
      this.opts.onChange({ workspaceId: l.workspaceId, segmentId: l.id, entered, exited, cause });
  }

  remove(segmentId: string): void {
    this.live.delete(segmentId);
    this.pendingLoads.delete(segmentId);
  }

  /** The identity stage resolved a batch: apply it to every live segment of the workspace. */
  onResolved(batch: ResolvedBatch): void {
    for (const l of this.pendingLoads.values())
      if (l.workspaceId === batch.workspaceId) l.buffer!.push(batch);
    const ready: Live[] = [];
    for (const l of this.live.values()) {
      if (l.workspaceId !== batch.workspaceId) continue;
      if (l.buffer !== null) l.buffer.push(batch);
      else ready.push(l);
    }
    if (ready.length > 0 || batch.merges.length > 0 || batch.events.length > 0) {
      this.applyBatch(batch, () => true, ready);
    }
  }

  private applyBatch(batch: ResolvedBatch, take: (seq: number) => boolean, segments: readonly Live[]): void {
    const started = performance.now();
    const values = this.opts.values(batch.workspaceId);
    const touched = new Map<Live, Set<string>>(segments.map((l) => [l, new Set<string>()]));
    for (const m of batch.merges) {
      values.merge(m.into, m.from);
      for (const l of segments) {
        const from = l.states.get(m.from);
        if (from) {
          const into = l.states.get(m.into);
          if (into) l.inc.merge(into, from);
          else l.states.set(m.into, from);
          l.states.delete(m.from);
        }
        // The merged-away id is no profile any more: it leaves quietly; the merged one is re-tested.
        l.members.delete(m.from);
        l.scheduled.delete(m.from);
        touched.get(l)!.add(m.into);
      }
    }
    for (const { seq, event, profileId } of batch.events) {
      if (!take(seq)) continue;
      const traitsChanged =
        event.traits !== null &&
        values.observe(profileId, parseJsonObject(event.traits), event.timestamp, seq, event.sourceId);
      let fact: FactEvent | null = null;
      const name = factName(event);
      for (const l of segments) {
        const reads = l.refs.traits.size > 0 && traitsChanged;
        if (name !== null && l.inc.eventNames.has(name)) {
          fact ??= toFact(seq, event);
          let state = l.states.get(profileId);
          const fresh = state === undefined;
          state ??= l.inc.initial();
          if (l.inc.add(state, fact)) {
            if (fresh) l.states.set(profileId, state);
            touched.get(l)!.add(profileId);
          }
        }
        if (reads) touched.get(l)!.add(profileId);
      }
    }
    const now = this.opts.now();
    for (const [l, profiles] of touched) this.retest(l, profiles, now, 'realtime');
    if (batch.events.length > 0) {
      const per = (performance.now() - started) / batch.events.length;
      for (let i = 0; i < batch.events.length && this.latencies.length < 1_000_000; i++)
        this.latencies.push(per);
    }
  }

  /** Re-tests profiles of a segment and reports who entered and left; segments reading it follow. */
  private retest(l: Live, profiles: Iterable<string>, now: number, cause: ChangeCause, depth = 0): void {
    const entered: string[] = [];
    const exited: string[] = [];
    for (const p of profiles) {
      const state = l.states.get(p);
      if (state) {
        l.inc.prune(state, now);
        if (l.inc.isEmpty(state)) l.states.delete(p);
      }
      const isIn = l.inc.test(l.states.get(p) ?? l.inc.initial(), this.subject(l, p), now);
      if (isIn && !l.members.has(p)) {
        l.members.add(p);
        entered.push(p);
      } else if (!isIn && l.members.has(p)) {
        l.members.delete(p);
        exited.push(p);
      }
      this.schedule(l, p, now);
    }
    if (entered.length + exited.length === 0) return;
    this.opts.onChange({ workspaceId: l.workspaceId, segmentId: l.id, entered, exited, cause });
    if (depth > this.live.size) return;
    const changed = [...entered, ...exited];
    for (const other of this.live.values()) {
      if (other.buffer === null && other.refs.segments.has(l.id))
        this.retest(other, changed, now, cause, depth + 1);
    }
  }

  private subject(l: Live, p: string) {
    const values = this.opts.values(l.workspaceId);
    return {
      trait: (k: string) => values.trait(k, p),
      tag: (k: string) => values.tag(k, p),
      inSegment: (id: string) =>
        (this.members(id) ?? this.opts.storedMembers(l.workspaceId, id) ?? new Set<string>()).has(p),
    };
  }

  /** Everyone whose membership may change by time alone. */
  private candidates(l: Live): Set<string> {
    const out = new Set<string>([...l.members, ...l.states.keys()]);
    if (l.refs.traits.size + l.refs.tags.size > 0) {
      for (const p of this.opts.values(l.workspaceId).holders(l.refs.traits, l.refs.tags)) out.add(p);
    }
    return out;
  }

  private schedule(l: Live, p: string, now: number): void {
    const at = l.inc.nextChange(l.states.get(p) ?? l.inc.initial(), this.subject(l, p), now);
    if (at === null) {
      l.scheduled.delete(p);
      return;
    }
    if (l.scheduled.get(p) === at) return;
    l.scheduled.set(p, at);
    this.timers.push(at, { live: l, profileId: p });
  }

  /** Another segment's members changed for these profiles: the live segments reading it re-test them. */
  retestReaders(workspaceId: string, segmentId: string, profiles: readonly string[]): void {
    const now = this.opts.now();
    for (const l of this.live.values()) {
      if (l.workspaceId === workspaceId && l.buffer === null && l.refs.segments.has(segmentId))
        this.retest(l, profiles, now, 'realtime');
    }
  }

  /** Re-tests every profile whose time has come (windows passed); run every second or so. */
  tick(): void {
    const now = this.opts.now();
    const due = new Map<Live, Set<string>>();
    for (;;) {
      const top = this.timers.peek();
      if (top === undefined || top.at > now) break;
      this.timers.pop();
      const { live: l, profileId } = top.value;
      if (this.live.get(l.id) !== l || l.scheduled.get(profileId) !== top.at) continue;
      l.scheduled.delete(profileId);
      let set = due.get(l);
      if (!set) due.set(l, (set = new Set()));
      set.add(profileId);
    }
    for (const [l, profiles] of due) this.retest(l, profiles, now, 'expired');
  }

  /** The merged profiles of a reset graph cannot be followed here: callers reload. */
  segmentsOf(workspaceId: string): string[] {
    return [...this.live.values()].filter((l) => l.workspaceId === workspaceId).map((l) => l.id);
  }
}
