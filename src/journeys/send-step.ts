import type { TemplateContext } from '../channels/templates.js';
import { durationMs } from '../conditions/index.js';
import type { ProfileIdentifier } from '../identity/index.js';
import { syncFacts } from '../profiles/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import { readAudience, type SegmentSqlContext } from '../segments/index.js';
import type { CompiledJourney, CompiledSend } from './compiled.js';
import type { Step } from './definitions.js';
import type { ConsentBook, SendHistory, Suppressions } from './guard-state.js';
import { checkCaps, nextSendTime, type FrequencyCap, type QuietHours } from './guards.js';
import type { Instance, OutboxMessage, SendRow } from './journey-store.js';

/**
 * A send step for every instance that reached it together: the guards (global holdout, an
 * address, the suppression list, consent, quiet hours in the person's zone, frequency caps),
 * then the template rendered with the person's traits, tags and the triggering event, tracked
 * links for email, and an outbox row per message.
 */

export interface TrackingLinks {
  openPixel: string;
  unsubscribe: string;
  click(url: string): string;
}

export interface SendStepDeps {
  db: Database;
  /** Until every event so far is stored and resolved (the profile facts read below follow the store). */
  settle: () => Promise<void>;
  now: () => number;
  timeZone: string;
  caps: readonly FrequencyCap[];
  quietHours: QuietHours | null;
  consent: ConsentBook;
  history: SendHistory;
  suppressions: Suppressions;
  sqlContext: (ws: string) => SegmentSqlContext;
  identifiers: (ws: string, profileId: string) => ProfileIdentifier[] | null;
  links: (ws: string, key: string) => TrackingLinks | null;
  decorateHtml: (html: string, links: TrackingLinks) => string;
  decorateText: (text: string, links: TrackingLinks) => string;
}

export type SendOutcomes = Map<string, { outcome: string; send?: SendRow; delayUntil?: number }>;

/** The identifier type that addresses a person on a channel. */
const ADDRESS: Record<string, string> = { email: 'email', sms: 'phone', wechat: 'wechat_openid' };

export function addressOf(
  channel: string,
  profileId: string,
  ids: readonly ProfileIdentifier[],
  traits: Record<string, unknown>,
): string | null {
  if (channel === 'webhook') return profileId;
  if (channel === 'push') {
    const token = traits.push_token;
    if (typeof token === 'string' && token.length > 0) return token;
    return ids.find((i) => i.type === 'device_id')?.value ?? null;
  }
  const type = ADDRESS[channel];
  return ids.find((i) => i.type === type)?.value ?? null;
}

export async function runSendStep(
  deps: SendStepDeps,
  ws: string,
  journey: CompiledJourney,
  stepId: string,
  instances: Instance[],
): Promise<SendOutcomes> {
  const step = journey.definition.steps[stepId] as Extract<Step, { kind: 'send' }>;
  const compiled = journey.sends.get(stepId)!;
  const now = deps.now();
  const out: SendOutcomes = new Map();
  const live = instances.filter((i) => {
    if (!i.holdout) return true;
    out.set(i.id, { outcome: 'held_out' });
    return false;
  });
  if (live.length === 0) return out;
  const traitKeys = new Set(compiled.traits);
  if (deps.quietHours) traitKeys.add('timezone');
  if (step.channel === 'push') traitKeys.add('push_token');
  const values = await profileValues(
    deps,
    ws,
    [...new Set(live.map((i) => i.profileId))],
    [...traitKeys],
    compiled.tags,
  );
  for (const i of live) {
    const v = values.get(i.profileId) ?? { traits: {}, tags: {} };
    const ids = deps.identifiers(ws, i.profileId) ?? [];
    const to = addressOf(step.channel, i.profileId, ids, v.traits);
    if (!to) {
      out.set(i.id, { outcome: `skipped:no ${step.channel} address` });
      continue;
    }
    if (deps.suppressions.has(ws, step.channel, to)) {
      out.set(i.id, { outcome: 'suppressed:suppression list' });
      continue;
    }
    if (!deps.consent.allows(ws, i.profileId, step.channel)) {
      out.set(i.id, { outcome: 'suppressed:no consent' });
      continue;
    }
    if (deps.quietHours) {
      const zone = validZone(v.traits.timezone) ?? deps.timeZone;
      const at = nextSendTime(deps.quietHours, zone, now);
      if (at > now) {
        out.set(i.id, { outcome: 'delayed:quiet hours', delayUntil: at });
        continue;
      }
    }
    const cap = checkCaps(deps.caps, deps.history.of(ws, i.profileId, now), step.channel, now);
    if (!cap.allowed) {
      out.set(i.id, { outcome: `capped:${cap.cap.max} per ${cap.cap.windowMs / 3_600_000}h` });
      continue;
    }
    const key = sendKey(i, stepId);
    const links = deps.links(ws, key);
    const rendered = await render(compiled, journey, stepId, i, v, links);
    if (!rendered.ok) {
      out.set(i.id, { outcome: `failed:template ${rendered.message}` });
      continue;
    }
    const message: OutboxMessage = {
      to,
      ...rendered.parts,
      ...(step.template.templateId ? { templateId: step.template.templateId } : {}),
      ...(rendered.params ? { params: rendered.params } : {}),
      metadata: {
        journey_id: i.journeyId,
        step_id: stepId,
        profile_id: i.profileId,
        ...(links && step.channel === 'email' ? { unsubscribeUrl: links.unsubscribe } : {}),
      },
    };
    if (links && message.html) message.html = deps.decorateHtml(message.html, links);
    if (links && message.body && step.channel !== 'webhook')
      message.body = deps.decorateText(message.body, links);
    deps.history.add(ws, i.profileId, { at: now, channel: step.channel });
    out.set(i.id, { outcome: 'sent', send: outboxRow(i, stepId, step.channel, message, now) });
  }
  return out;
}

function validZone(z: unknown): string | null {
  if (typeof z !== 'string' || z.length === 0 || z.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return z;
  } catch {
    return null;
  }
}

type Values = { traits: Record<string, unknown>; tags: Record<string, unknown> };

async function profileValues(
  deps: SendStepDeps,
  ws: string,
  profileIds: string[],
  traits: string[],
  tags: string[],
): Promise<Map<string, Values>> {
  const out = new Map<string, Values>();
  if (traits.length + tags.length === 0) return out;
  // The identity stage announces a batch before it persists it, and syncFacts reads what is
  // persisted: without this the identify that came with the trigger may not be a fact yet.
  await deps.settle();
  const side = await deps.db.side();
  try {
    await syncFacts(side, ws);
  } finally {
    side.close();
  }
  const ctx = deps.sqlContext(ws);
  for (let i = 0; i < profileIds.length; i += 50_000) {
    const ids = JSON.stringify(profileIds.slice(i, i + 50_000));
    await readAudience(
      deps.db,
      ctx,
      sql`(SELECT unnest(from_json(${ids}, '["VARCHAR"]')) AS profile_id)`,
      { identifiers: [], traits, tags },
      (rows) => rows.forEach((r) => out.set(r.profileId, { traits: r.traits, tags: r.tags })),
    );
  }
  return out;
}

async function render(
  compiled: CompiledSend,
  journey: CompiledJourney,
  stepId: string,
  i: Instance,
  v: Values,
  links: TrackingLinks | null,
): Promise<
  | {
      ok: true;
      parts: { subject?: string; body?: string; html?: string };
      params: OutboxMessage['params'] | null;
    }
  | { ok: false; message: string }
> {
  const context: TemplateContext = {
    profile: { id: i.profileId, traits: v.traits, tags: v.tags, computedTraits: v.traits },
    ...(i.context.event ? { event: i.context.event } : {}),
    journey: { id: i.journeyId, name: journey.definition.name, step: stepId, variant: i.variant },
    ...(links ? { links: { unsubscribe: links.unsubscribe } } : {}),
  };
  const parts = await compiled.parts.render(context);
  if (!parts.ok) return { ok: false, message: parts.error.message };
  let params: OutboxMessage['params'] | null = null;
  if (compiled.params) {
    const one = async (t: typeof compiled.parts): Promise<string> => {
      const r = await t.render(context);
      return r.ok ? (r.value.body ?? '') : '';
    };
    params = Array.isArray(compiled.params)
      ? await Promise.all(compiled.params.map(one))
      : Object.fromEntries(
          await Promise.all(
            Object.entries(compiled.params).map(async ([k, t]) => [k, await one(t)] as const),
          ),
        );
  }
  return { ok: true, parts: parts.value, params };
}

export const capWindowMs = (caps: ReadonlyArray<{ window: string }>): number =>
  Math.max(7 * 86_400_000, ...caps.map((c) => durationMs(c.window)));

/** The idempotency key of one send: journey × version × step × profile × entry. */
export function sendKey(
  i: Pick<Instance, 'journeyId' | 'version' | 'profileId' | 'entryNo'>,
  stepId: string,
): string {
  return `${i.journeyId}:v${i.version}:${stepId}:${i.profileId}:${i.entryNo}`;
}

/** The outbox row of a journey's own webhook step: its payload, posted as it is. */
export function callSend(i: Instance, stepId: string, url: string, now: number): SendRow {
  return outboxRow(
    i,
    stepId,
    'call',
    {
      to: url,
      body: JSON.stringify({
        journeyId: i.journeyId,
        version: i.version,
        step: stepId,
        profileId: i.profileId,
        variant: i.variant,
        event: i.context.event ?? null,
      }),
      metadata: { journey_id: i.journeyId, step_id: stepId, profile_id: i.profileId },
    },
    now,
  );
}

/** One send of an instance at a step, keyed for exactly once. */
function outboxRow(
  i: Instance,
  stepId: string,
  channel: string,
  message: OutboxMessage,
  now: number,
): SendRow {
  return {
    workspaceId: i.workspaceId,
    key: sendKey(i, stepId),
    journeyId: i.journeyId,
    version: i.version,
    stepId,
    instanceId: i.id,
    profileId: i.profileId,
    channel,
    message,
    createdAt: now,
  };
}
