import type { ConditionNode } from '../conditions/index.js';
import type { JourneyRow } from './engine.js';
import { dateTriggerCondition, localDate, localTimeOn, nextFire } from './triggers.js';

/**
 * The time-driven triggers of active journeys: a cron schedule enters its segment (or everyone)
 * at each fire, a date trigger enters those whose date falls today once the local time of day
 * is reached. Each run has a key (`cron:<fire>`, `date:<local day>`) and happens once, also
 * across restarts: the keys of runs already done are loaded from the store.
 */

export interface TimeTriggerOptions {
  now: () => number;
  timeZone: string;
  /** Profiles for which a condition holds (as of `asOf`, or now). */
  matching: (ws: string, condition: ConditionNode, asOf?: number) => Promise<Set<string>>;
  /** Puts profiles into an active journey as one run. */
  enter: (ws: string, journeyId: string, profileIds: string[], runKey: string) => Promise<unknown>;
}

export class TimeTriggers {
  private readonly runs = new Set<string>();
  private readonly nextFires = new Map<string, number>();

  constructor(private readonly options: TimeTriggerOptions) {}

  /** A run done before (read from the store at start): it does not happen again. */
  ran(ws: string, journeyId: string, runKey: string): void {
    this.runs.add(`${ws}:${journeyId}:${runKey}`);
  }

  /** A journey (re)activated: its next cron fire is worked out afresh. */
  reset(ws: string, journeyId: string): void {
    this.nextFires.delete(`${ws}:${journeyId}`);
  }

  /** Runs the schedules and date triggers that are due, of every active journey by workspace. */
  async fire(journeys: ReadonlyMap<string, ReadonlyMap<string, JourneyRow>>): Promise<void> {
    const now = this.options.now();
    const zone = this.options.timeZone;
    for (const [ws, m] of journeys) {
      for (const row of m.values()) {
        if (row.status !== 'active') continue;
        const t = row.definition.trigger;
        const k = `${ws}:${row.id}`;
        if (t.kind === 'schedule') {
          let fire = this.nextFires.get(k);
          if (fire === undefined) {
            fire = nextFire(t.cron, zone, Date.parse(row.createdAt) - 1) ?? Infinity;
            this.nextFires.set(k, fire);
          }
          if (fire > now) continue;
          // Missed fires while stopped run once, as the latest of them.
          let last = fire;
          for (let n = nextFire(t.cron, zone, last); n !== null && n <= now; n = nextFire(t.cron, zone, last))
            last = n;
          this.nextFires.set(k, nextFire(t.cron, zone, now) ?? Infinity);
          const runKey = `cron:${new Date(last).toISOString()}`;
          if (this.runs.has(`${k}:${runKey}`)) continue;
          this.runs.add(`${k}:${runKey}`);
          const ids = await this.options.matching(
            ws,
            t.segment ? { kind: 'segment', id: t.segment } : { kind: 'const', value: true },
          );
          await this.options.enter(ws, row.id, [...ids], runKey);
        } else if (t.kind === 'date') {
          const at = localTimeOn(zone, now, t.at);
          if (now < at) continue;
          const runKey = `date:${localDate(zone, now)}`;
          if (this.runs.has(`${k}:${runKey}`)) continue;
          this.runs.add(`${k}:${runKey}`);
          const { condition, now: asOf } = dateTriggerCondition(t, zone, now);
          const ids = await this.options.matching(ws, condition, asOf);
          await this.options.enter(ws, row.id, [...ids], runKey);
        }
      }
    }
  }
}
