import { z } from 'zod';
import { CHANNEL_KINDS } from '../channels/channel.js';
import { parseTemplate } from '../channels/templates.js';
import { DURATION, KEY, conditionLeaves, parseCondition, type ConditionIssue } from '../conditions/index.js';
import { assertNever } from '../platform/errors.js';
import { cronProblem } from './triggers.js';

/**
 * A journey as JSON (versioned like tags and segments): a trigger, entry rules, an optional
 * conversion goal, and a graph of steps by id. `checkJourney` validates the whole graph at once
 * and names every problem by its path: unknown or unreachable steps, loops that never wait,
 * conditions in the condition language, templates in Liquid.
 */

const duration = z.string().regex(DURATION, 'must be a duration such as 30m, 3h or 7d');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time such as 09:30');
const stepId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a step id such as send_sms');
const eventNames = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(20)]);
/** Five cron fields (minute hour day-of-month month day-of-week), in the workspace's time zone. */
const cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a cron expression of five fields, such as "0 10 * * 1"');

export const triggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('event'),
    event: eventNames,
    where: z.array(z.unknown()).max(20).optional(),
  }),
  z.strictObject({ kind: z.literal('segment_entered'), segment: z.string().min(1) }),
  z.strictObject({ kind: z.literal('segment_exited'), segment: z.string().min(1) }),
  /** A date trait (birthday, last order) plus an offset, at a local time of day. */
  z.strictObject({
    kind: z.literal('date'),
    trait: z.string().regex(KEY, 'must be a trait key'),
    offset: duration.default('0d'),
    every: z.enum(['year', 'once']).default('once'),
    at: timeOfDay.default('10:00'),
  }),
  z.strictObject({ kind: z.literal('schedule'), cron, segment: z.string().min(1).optional() }),
]);

const template = z.strictObject({
  subject: z.string().max(1000).optional(),
  body: z.string().max(20_000).optional(),
  html: z.string().max(200_000).optional(),
  templateId: z.string().max(200).optional(),
  params: z
    .union([z.record(z.string(), z.string().max(2000)), z.array(z.string().max(2000)).max(20)])
    .optional(),
});

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('wait'),
    duration: duration.optional(),
    until: timeOfDay.optional(),
    next: stepId,
  }),
  z.strictObject({
    kind: z.literal('wait_for_event'),
    event: eventNames,
    where: z.array(z.unknown()).max(20).optional(),
    timeout: duration,
    next: stepId,
    timeoutNext: stepId,
  }),
  z.strictObject({ kind: z.literal('split'), condition: z.unknown(), yes: stepId, no: stepId }),
  z.strictObject({
    kind: z.literal('ab'),
    variants: z
      .array(z.strictObject({ name: z.string().min(1).max(50), weight: z.number().positive(), next: stepId }))
      .min(1)
      .max(10),
    /** A control share that receives nothing from here on (measured against the variants). */
    control: z.number().min(0).max(0.9).default(0),
  }),
  z.strictObject({
    kind: z.literal('send'),
    channel: z.enum(CHANNEL_KINDS),
    template,
    next: stepId.optional(),
  }),
  z.strictObject({
    kind: z.literal('update'),
    set: z.strictObject({
      kind: z.enum(['trait', 'tag']),
      key: z.string().regex(KEY, 'must be a key'),
      value: z.unknown(),
    }),
    next: stepId.optional(),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    next: stepId.optional(),
  }),
  z.strictObject({ kind: z.literal('exit') }),
]);
export type Step = z.infer<typeof stepSchema>;

export const journeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  trigger: triggerSchema,
  entry: z
    .strictObject({
      reentry: z.enum(['never', 'after_exit', 'always']).default('after_exit'),
      cooldown: duration.optional(),
    })
    .default({ reentry: 'after_exit' }),
  /** The conversion: entering people who do this (within the window) convert and exit. */
  goal: z
    .strictObject({
      event: eventNames,
      where: z.array(z.unknown()).max(20).optional(),
      within: duration.default('7d'),
    })
    .optional(),
  start: stepId,
  steps: z.record(stepId, stepSchema),
});
export type JourneyDefinition = z.infer<typeof journeySchema>;

export type JourneyCheck = { ok: true; value: JourneyDefinition } | { ok: false; issues: ConditionIssue[] };

/** The steps a step can go to. */
export function successors(step: Step): string[] {
  switch (step.kind) {
    case 'wait':
      return [step.next];
    case 'wait_for_event':
      return [step.next, step.timeoutNext];
    case 'split':
      return [step.yes, step.no];
    case 'ab':
      return step.variants.map((v) => v.next);
    case 'send':
    case 'update':
    case 'webhook':
      return step.next ? [step.next] : [];
    case 'exit':
      return [];
    default:
      return assertNever(step);
  }
}

const waits = (s: Step): boolean => s.kind === 'wait' || s.kind === 'wait_for_event';

export function checkJourney(input: unknown): JourneyCheck {
  const parsed = journeySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: ['journey', ...i.path].join('.'),
        message: i.message,
      })),
    };
  }
  const j = parsed.data;
  const issues: ConditionIssue[] = [];
  const ids = new Set(Object.keys(j.steps));
  if (!ids.has(j.start)) issues.push({ path: 'journey.start', message: `no step ${j.start}` });
  const filters = (where: unknown[] | undefined, path: string): void => {
    if (!where) return;
    const p = parseCondition({ event: '$', where }, path);
    if (!p.ok)
      issues.push(...p.issues.map((x) => ({ ...x, path: x.path.replace(`${path}.where`, `${path}.where`) })));
  };
  if (j.trigger.kind === 'event') filters(j.trigger.where, 'journey.trigger');
  if (j.goal) filters(j.goal.where, 'journey.goal');
  for (const [id, step] of Object.entries(j.steps)) {
    const path = `journey.steps.${id}`;
    for (const next of successors(step))
      if (!ids.has(next)) issues.push({ path, message: `goes to ${next}, which is no step` });
    if (step.kind === 'wait' && !step.duration && !step.until)
      issues.push({ path, message: 'a wait needs a duration, a time of day, or both' });
    if (step.kind === 'wait_for_event') filters(step.where, path);
    if (step.kind === 'split') {
      const c = parseCondition(step.condition, `${path}.condition`);
      if (!c.ok) issues.push(...c.issues);
    }
    if (step.kind === 'send') {
      const t = parseTemplate(step.template);
      if (!t.ok)
        issues.push({
          path: `${path}.template.${t.error.part}`,
          message: `${t.error.message} (line ${t.error.line}, column ${t.error.column})`,
        });
      if ((step.channel === 'sms' || step.channel === 'wechat') && !step.template.templateId)
        issues.push({
          path: `${path}.template.templateId`,
          message: `${step.channel} messages go out through a provider template id`,
        });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  // Every step reachable from the start, and no loop that can go round without waiting.
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    successors(j.steps[id]!).forEach(visit);
  };
  visit(j.start);
  for (const id of ids)
    if (!seen.has(id))
      issues.push({ path: `journey.steps.${id}`, message: 'no path from the start reaches this step' });
  const onPath = new Set<string>();
  const done = new Set<string>();
  const loop = (id: string): string | null => {
    if (onPath.has(id)) return id;
    if (done.has(id) || waits(j.steps[id]!)) return null;
    onPath.add(id);
    for (const next of successors(j.steps[id]!)) {
      const found = loop(next);
      if (found) return found;
    }
    onPath.delete(id);
    done.add(id);
    return null;
  };
  for (const id of ids) {
    const found = loop(id);
    if (found) {
      issues.push({
        path: `journey.steps.${found}`,
        message: 'a loop through this step never waits (it would send without end)',
      });
      break;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: j };
}

/**
 * What a valid journey refers to that the workspace does not have (segments), and a cron
 * expression the scheduler refuses; checked when a journey is saved and again when it is activated.
 */
export function referenceIssues(
  j: JourneyDefinition,
  segmentExists: (id: string) => boolean,
): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  const t = j.trigger;
  if (
    (t.kind === 'segment_entered' || t.kind === 'segment_exited' || (t.kind === 'schedule' && t.segment)) &&
    !segmentExists(t.segment!)
  )
    issues.push({ path: 'journey.trigger.segment', message: `no segment ${t.segment}` });
  if (t.kind === 'schedule') {
    const p = cronProblem(t.cron);
    if (p) issues.push({ path: 'journey.trigger.cron', message: p });
  }
  for (const [id, step] of Object.entries(j.steps)) {
    if (step.kind !== 'split') continue;
    const parsed = parseCondition(step.condition, 'condition');
    for (const leaf of parsed.ok ? conditionLeaves(parsed.condition) : [])
      if (leaf.kind === 'segment' && !segmentExists(leaf.id))
        issues.push({ path: `journey.steps.${id}.condition`, message: `no segment ${leaf.id}` });
  }
  return issues;
}
