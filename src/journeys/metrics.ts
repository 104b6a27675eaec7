import type { Database } from '../platform/db/duckdb.js';
import type { JourneyDefinition } from './definitions.js';
import { twoProportionTest, type ProportionTest } from './stats.js';

/**
 * A journey's numbers, read from its own tables: per step how many reached it, are waiting
 * there, and what each send became (sent, delivered, opened, clicked, unsubscribed, bounced,
 * failed); per journey entered, converted, revenue, exits by reason; A/B variants against the
 * control (or the first variant) and the global holdout against everyone else, each with a
 * two-proportion z-test of conversion and revenue per profile.
 */

export interface StepMetrics {
  stepId: string;
  kind: string;
  reached: number;
  waiting: number;
  outcomes: Record<string, number>;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  bounced: number;
  failed: number;
}

export interface GroupMetrics {
  name: string;
  entered: number;
  converted: number;
  conversionRate: number;
  revenue: number;
  revenuePerProfile: number;
}

export interface Comparison {
  baseline: string;
  variant: string;
  test: ProportionTest;
}

export interface JourneyMetrics {
  entered: number;
  active: number;
  waiting: number;
  exited: number;
  converted: number;
  revenue: number;
  revenuePerProfile: number;
  exits: Record<string, number>;
  steps: StepMetrics[];
  variants: GroupMetrics[];
  variantTests: Comparison[];
  holdout: { holdout: GroupMetrics; treated: GroupMetrics; test: ProportionTest } | null;
}

const group = (name: string, r: { n: number; c: number; rev: number } | undefined): GroupMetrics => {
  const entered = r?.n ?? 0;
  const converted = r?.c ?? 0;
  const revenue = r?.rev ?? 0;
  return {
    name,
    entered,
    converted,
    conversionRate: entered ? converted / entered : 0,
    revenue,
    revenuePerProfile: entered ? revenue / entered : 0,
  };
};

export async function journeyMetrics(
  db: Database,
  ws: string,
  journeyId: string,
  definition: JourneyDefinition,
): Promise<JourneyMetrics> {
  const totals = await db.query<{
    state: string;
    reason: string | null;
    holdout: boolean;
    variant: string | null;
    n: number;
    c: number;
    rev: number;
  }>(
    `SELECT state, exit_reason AS reason, holdout, variant, count(*)::DOUBLE AS n,
              count(converted_at)::DOUBLE AS c, coalesce(sum(revenue), 0)::DOUBLE AS rev
         FROM journey_instances WHERE workspace_id = ? AND journey_id = ? GROUP BY ALL`,
    [ws, journeyId],
  );
  const sum = (f: (r: (typeof totals)[number]) => boolean, k: 'n' | 'c' | 'rev'): number =>
    totals.filter(f).reduce((s, r) => s + r[k], 0);
  const exits: Record<string, number> = {};
  for (const r of totals)
    if (r.state === 'exited') exits[r.reason ?? 'unknown'] = (exits[r.reason ?? 'unknown'] ?? 0) + r.n;

  const reached = await db.query<{ step_id: string; outcome: string | null; n: number; d: number }>(
    `SELECT step_id, split_part(outcome, ':', 1) AS outcome, count(*)::DOUBLE AS n, count(DISTINCT instance_id)::DOUBLE AS d
       FROM journey_step_log WHERE workspace_id = ? AND journey_id = ?
      GROUP BY GROUPING SETS ((step_id, split_part(outcome, ':', 1)), (step_id))`,
    [ws, journeyId],
  );
  const waiting = await db.query<{ step_id: string; n: number }>(
    `SELECT step_id, count(*)::DOUBLE AS n FROM journey_instances
      WHERE workspace_id = ? AND journey_id = ? AND state = 'waiting' GROUP BY ALL`,
    [ws, journeyId],
  );
  const sends = await db.query<{
    step_id: string;
    sent: number;
    failed: number;
    delivered: number;
    opened: number;
    clicked: number;
    unsubscribed: number;
    bounced: number;
  }>(
    `WITH s AS (SELECT key, step_id FROM journey_sends WHERE workspace_id = ? AND journey_id = ?),
     -- A dead-letter that a retry then delivered is sent, not failed (as it leaves the dead-letters).
     r AS (SELECT key, bool_or(status = 'sent') AS sent, bool_or(status = 'dead') AND NOT bool_or(status = 'sent') AS dead
             FROM journey_send_results WHERE workspace_id = ? AND key IN (SELECT key FROM s) GROUP BY key),
     f AS (SELECT key, bool_or(kind = 'delivered') AS d, bool_or(kind = 'opened') AS o, bool_or(kind = 'clicked') AS c,
                  bool_or(kind = 'unsubscribed') AS u, bool_or(kind = 'bounced') AS b
             FROM journey_feedback WHERE workspace_id = ? AND key IN (SELECT key FROM s) GROUP BY key)
     SELECT s.step_id, count(*) FILTER (WHERE r.sent)::DOUBLE AS sent, count(*) FILTER (WHERE r.dead)::DOUBLE AS failed,
            count(*) FILTER (WHERE f.d)::DOUBLE AS delivered, count(*) FILTER (WHERE f.o)::DOUBLE AS opened,
            count(*) FILTER (WHERE f.c)::DOUBLE AS clicked, count(*) FILTER (WHERE f.u)::DOUBLE AS unsubscribed,
            count(*) FILTER (WHERE f.b)::DOUBLE AS bounced
       FROM s LEFT JOIN r USING (key) LEFT JOIN f USING (key) GROUP BY s.step_id`,
    [ws, journeyId, ws, ws],
  );
  const steps: StepMetrics[] = Object.entries(definition.steps).map(([stepId, step]) => {
    const mine = reached.filter((r) => r.step_id === stepId && r.outcome !== null);
    const s = sends.find((x) => x.step_id === stepId);
    return {
      stepId,
      kind: step.kind,
      reached: reached.find((r) => r.step_id === stepId && r.outcome === null)?.d ?? 0,
      waiting: waiting.find((w) => w.step_id === stepId)?.n ?? 0,
      outcomes: Object.fromEntries(mine.map((r) => [r.outcome ?? '', r.n])),
      sent: s?.sent ?? 0,
      delivered: s?.delivered ?? 0,
      opened: s?.opened ?? 0,
      clicked: s?.clicked ?? 0,
      unsubscribed: s?.unsubscribed ?? 0,
      bounced: s?.bounced ?? 0,
      failed: s?.failed ?? 0,
    };
  });

  // A/B: treated (not held out) instances by variant.
  const byVariant = new Map<string, { n: number; c: number; rev: number }>();
  for (const r of totals) {
    if (r.holdout || r.variant === null) continue;
    const g = byVariant.get(r.variant) ?? { n: 0, c: 0, rev: 0 };
    g.n += r.n;
    g.c += r.c;
    g.rev += r.rev;
    byVariant.set(r.variant, g);
  }
  const variants = [...byVariant.entries()].map(([name, g]) => group(name, g));
  const baseline = variants.find((v) => v.name === 'control') ?? variants[0];
  const variantTests = baseline
    ? variants
        .filter((v) => v !== baseline)
        .map((v) => ({
          baseline: baseline.name,
          variant: v.name,
          test: twoProportionTest(
            { conversions: baseline.converted, size: baseline.entered },
            { conversions: v.converted, size: v.entered },
          ),
        }))
    : [];
  const held = group('holdout', {
    n: sum((r) => r.holdout, 'n'),
    c: sum((r) => r.holdout, 'c'),
    rev: sum((r) => r.holdout, 'rev'),
  });
  const treated = group('treated', {
    n: sum((r) => !r.holdout, 'n'),
    c: sum((r) => !r.holdout, 'c'),
    rev: sum((r) => !r.holdout, 'rev'),
  });
  const entered = sum(() => true, 'n');
  const revenue = sum(() => true, 'rev');
  return {
    entered,
    active: sum((r) => r.state === 'active', 'n'),
    waiting: sum((r) => r.state === 'waiting', 'n'),
    exited: sum((r) => r.state === 'exited', 'n'),
    converted: sum(() => true, 'c'),
    revenue,
    revenuePerProfile: entered ? revenue / entered : 0,
    exits,
    steps,
    variants,
    variantTests,
    holdout:
      held.entered > 0
        ? {
            holdout: held,
            treated,
            test: twoProportionTest(
              { conversions: held.converted, size: held.entered },
              { conversions: treated.converted, size: treated.entered },
            ),
          }
        : null,
  };
}

export interface DeadLetter {
  key: string;
  journey_id: string;
  step_id: string;
  profile_id: string;
  channel: string;
  attempts: number;
  reason: string | null;
  failed_at: string;
}

/** Sends that gave up (permanent failures, or out of attempts), newest first. */
export async function deadLetters(db: Database, ws: string, limit: number): Promise<DeadLetter[]> {
  return db.query<DeadLetter & Record<string, unknown>>(
    `WITH last AS (SELECT key, arg_max(status, epoch_ms(result_at) * 1000 + attempt) AS status, max(attempt) AS attempts, arg_max(reason, epoch_ms(result_at) * 1000 + attempt) AS reason, max(result_at) AS last_at
                     FROM journey_send_results WHERE workspace_id = ? GROUP BY key)
     SELECT s.key, s.journey_id, s.step_id, s.profile_id, s.channel, l.attempts, l.reason,
            strftime(l.last_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS failed_at
       FROM journey_sends s JOIN last l USING (key)
      WHERE s.workspace_id = ? AND l.status = 'dead' ORDER BY l.last_at DESC LIMIT ?`,
    [ws, ws, limit],
  );
}
