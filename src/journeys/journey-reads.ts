import { compileTemplate, previewTemplate, type TemplateParts } from '../channels/templates.js';
import { durationMs, type ConditionNode } from '../conditions/index.js';
import { syncFacts } from '../profiles/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import { readAudience, segmentQuery, type SegmentSqlContext } from '../segments/index.js';
import type { JourneyResult, JourneyRow } from './engine.js';
import { inHoldout } from './holdout.js';
import { deadLetters, journeyMetrics, type DeadLetter, type JourneyMetrics } from './metrics.js';
import { twoProportionTest, type Group, type ProportionTest } from './stats.js';

/**
 * What people read of journeys: the numbers of one journey, the dead letters, the programme
 * against the global holdout, a template rendered for one profile, and which profiles a
 * condition holds for. Nothing here changes state; the engine's methods of the same names
 * call these.
 */

/** What the reads need of the engine. */
export interface JourneyReadContext {
  db: Database;
  /** Waits until what was collected is in the store. */
  settle: () => Promise<void>;
  sqlContext: (ws: string, now?: number) => SegmentSqlContext;
  /** Writes the engine's state (numbers are read from the store). */
  flush: () => Promise<void>;
}

export interface ProgrammeResult {
  holdout: Group;
  treated: Group;
  test: ProportionTest;
  share: number;
}

/** Profiles (of `among`, or all live ones) for which a condition holds now (or as of `now`). */
export async function matchingProfiles(
  r: JourneyReadContext,
  ws: string,
  condition: ConditionNode,
  among: readonly string[] | null,
  now?: number,
): Promise<Set<string>> {
  await r.settle();
  const side = await r.db.side();
  try {
    await syncFacts(side, ws);
    const q = segmentQuery(r.sqlContext(ws, now), condition);
    const scoped = among
      ? sql`SELECT profile_id FROM (${q}) WHERE profile_id IN (SELECT unnest(from_json(${JSON.stringify(among)}, '["VARCHAR"]')))`
      : sql`SELECT profile_id FROM (${q})`;
    const rows = await side.query<{ profile_id: string }>(scoped.text, scoped.params);
    return new Set(rows.map((row) => row.profile_id));
  } finally {
    side.close();
  }
}

/** Totals, steps, A/B tests and the holdout of one journey (`row` is its latest version). */
export async function metricsOf(
  r: JourneyReadContext,
  ws: string,
  id: string,
  row: JourneyRow | undefined,
): Promise<JourneyResult<JourneyMetrics>> {
  if (!row) return { ok: false, code: 'not_found', message: `no journey ${id}`, issues: [] };
  await r.flush();
  return { ok: true, value: await journeyMetrics(r.db, ws, id, row.definition) };
}

/** The sends that gave up, newest first. */
export async function deadLettersOf(r: JourneyReadContext, ws: string, limit: number): Promise<DeadLetter[]> {
  await r.flush();
  return deadLetters(r.db, ws, limit);
}

/**
 * The whole programme against the global holdout: of every live profile, how many in the
 * holdout and how many outside it did the conversion event within the window, with the z-test.
 */
export async function programmeOf(
  r: JourneyReadContext,
  ws: string,
  goal: { event: string; within: string },
  holdout: { share: number; salt: string },
): Promise<ProgrammeResult> {
  const converted = await matchingProfiles(
    r,
    ws,
    {
      kind: 'event',
      events: [goal.event],
      where: [],
      measure: { fn: 'count', property: null, op: 'gte', value: 1 },
      within: { kind: 'last', ms: durationMs(goal.within) },
    },
    null,
  );
  const everyone = await matchingProfiles(r, ws, { kind: 'const', value: true }, null);
  const held = { conversions: 0, size: 0 };
  const treated = { conversions: 0, size: 0 };
  for (const p of everyone) {
    const g = inHoldout(p, holdout.share, holdout.salt) ? held : treated;
    g.size++;
    if (converted.has(p)) g.conversions++;
  }
  return {
    holdout: held,
    treated,
    test: twoProportionTest(held, treated),
    share: holdout.share,
  };
}

/** A template rendered for one profile (the console's preview), with what it read that was missing. */
export async function previewFor(
  r: JourneyReadContext,
  ws: string,
  template: Record<string, unknown>,
  profileId: string,
  event?: { name: string; properties: Record<string, unknown> },
): Promise<JourneyResult<{ rendered: Record<string, string | undefined>; missing: string[] }>> {
  const {
    params: _p,
    templateId: _t,
    ...parts
  } = template as TemplateParts & { params?: unknown; templateId?: unknown };
  const compiled = compileTemplate(parts);
  if (!compiled.ok)
    return {
      ok: false,
      code: 'validation_failed',
      message: compiled.error.message,
      issues: [{ path: `template.${compiled.error.part}`, message: compiled.error.message }],
    };
  const read = (root: string): string[] => [
    ...new Set(compiled.value.variables.flatMap((v) => (v[0] === root && v[1] ? [v[1]] : []))),
  ];
  const values = { traits: {} as Record<string, unknown>, tags: {} as Record<string, unknown> };
  const traits = read('traits');
  const tags = read('tags');
  if (traits.length + tags.length > 0) {
    await r.settle();
    const side = await r.db.side();
    try {
      await syncFacts(side, ws);
    } finally {
      side.close();
    }
    await readAudience(
      r.db,
      r.sqlContext(ws),
      sql`(SELECT ${profileId}::VARCHAR AS profile_id)`,
      { identifiers: [], traits, tags },
      // A trait or tag the profile does not have comes back as null: for the template it is absent.
      (rows) =>
        rows.forEach((row) =>
          Object.assign(values, { traits: present(row.traits), tags: present(row.tags) }),
        ),
    );
  }
  const p = await previewTemplate(parts, {
    profile: { id: profileId, traits: values.traits, tags: values.tags, computedTraits: values.traits },
    ...(event ? { event } : {}),
    journey: { id: 'preview', name: 'preview', step: 'preview', variant: null },
    links: { unsubscribe: 'https://example.invalid/unsubscribe' },
  });
  if (!p.ok)
    return {
      ok: false,
      code: 'validation_failed',
      message: p.error.message,
      issues: [{ path: `template.${p.error.part}`, message: p.error.message }],
    };
  return { ok: true, value: p.value };
}

const present = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
