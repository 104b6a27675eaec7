import { compileTemplate, type CompiledTemplate } from '../channels/templates.js';
import {
  durationMs,
  matchesStep,
  parseCondition,
  type CompareContext,
  type ConditionNode,
  type FactEvent,
  type PropertyFilter,
} from '../conditions/index.js';
import { SEGMENT_ENTERED, SEGMENT_EXITED } from '../segments/index.js';
import type { JourneyDefinition, Step } from './definitions.js';

/**
 * A journey version made ready to run: its event matchers (trigger, waits, goal) with their
 * property filters parsed, split conditions parsed, templates compiled once for every send.
 */

export interface EventMatcher {
  events: string[];
  where: PropertyFilter[];
}

export interface CompiledSend {
  parts: CompiledTemplate;
  params: CompiledTemplate[] | Record<string, CompiledTemplate> | null;
  /** Trait and tag keys the templates read (loaded with the profile before rendering). */
  traits: string[];
  tags: string[];
}

export interface CompiledJourney {
  definition: JourneyDefinition;
  trigger: EventMatcher | null;
  goal: (EventMatcher & { withinMs: number }) | null;
  cooldownMs: number;
  waits: Map<string, EventMatcher & { timeoutMs: number }>;
  splits: Map<string, ConditionNode>;
  sends: Map<string, CompiledSend>;
}

function matcher(event: string | string[], where: unknown[] | undefined): EventMatcher {
  const events = Array.isArray(event) ? event : [event];
  if (!where || where.length === 0) return { events, where: [] };
  const parsed = parseCondition({ event: events, where }, 'where');
  if (!parsed.ok || parsed.condition.kind !== 'event')
    throw new Error(`a checked journey has bad filters: ${JSON.stringify(where)}`);
  return { events, where: parsed.condition.where };
}

export function matches(m: EventMatcher, e: FactEvent, ctx: CompareContext): boolean {
  return matchesStep(e, m, ctx);
}

function compileOne(source: string, part: 'body'): CompiledTemplate {
  const t = compileTemplate({ [part]: source });
  if (!t.ok) throw new Error(`a checked journey has a bad template: ${t.error.message}`);
  return t.value;
}

function keysRead(templates: CompiledTemplate[], root: string): string[] {
  const keys = new Set<string>();
  for (const t of templates)
    for (const v of t.variables) {
      const at = v[0] === 'profile' ? 1 : 0;
      if (v[at] === root && v[at + 1] !== undefined) keys.add(v[at + 1]!);
    }
  return [...keys];
}

function compileSend(step: Extract<Step, { kind: 'send' }>): CompiledSend {
  const { params, templateId: _id, ...parts } = step.template;
  const compiled = compileTemplate(parts);
  if (!compiled.ok) throw new Error(`a checked journey has a bad template: ${compiled.error.message}`);
  const p =
    params === undefined
      ? null
      : Array.isArray(params)
        ? params.map((x) => compileOne(x, 'body'))
        : Object.fromEntries(Object.entries(params).map(([k, x]) => [k, compileOne(x, 'body')]));
  const all = [compiled.value, ...(p === null ? [] : Array.isArray(p) ? p : Object.values(p))];
  return { parts: compiled.value, params: p, traits: keysRead(all, 'traits'), tags: keysRead(all, 'tags') };
}

export function compileJourney(definition: JourneyDefinition): CompiledJourney {
  const t = definition.trigger;
  const trigger =
    t.kind === 'event'
      ? matcher(t.event, t.where)
      : t.kind === 'segment_entered' || t.kind === 'segment_exited'
        ? {
            events: [t.kind === 'segment_entered' ? SEGMENT_ENTERED : SEGMENT_EXITED],
            where: [{ property: 'segment_id', op: 'eq' as const, value: t.segment }],
          }
        : null;
  const waits = new Map<string, EventMatcher & { timeoutMs: number }>();
  const splits = new Map<string, ConditionNode>();
  const sends = new Map<string, CompiledSend>();
  for (const [id, step] of Object.entries(definition.steps)) {
    if (step.kind === 'wait_for_event')
      waits.set(id, { ...matcher(step.event, step.where), timeoutMs: durationMs(step.timeout) });
    else if (step.kind === 'split') {
      const c = parseCondition(step.condition, `steps.${id}.condition`);
      if (!c.ok) throw new Error(`a checked journey has a bad condition at ${id}`);
      splits.set(id, c.condition);
    } else if (step.kind === 'send') sends.set(id, compileSend(step));
  }
  const goal = definition.goal
    ? {
        ...matcher(definition.goal.event, definition.goal.where),
        withinMs: durationMs(definition.goal.within),
      }
    : null;
  return {
    definition,
    trigger,
    goal,
    cooldownMs: definition.entry.cooldown ? durationMs(definition.entry.cooldown) : 0,
    waits,
    splits,
    sends,
  };
}
