import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, ChannelKind, SendOutcome } from '../channels/channel.js';
import { recordAudit } from '../governance/audit.js';
import type { Database } from '../platform/db/duckdb.js';
import type { CompiledJourney } from './compiled.js';
import type { JourneyResult } from './engine.js';
import type { Instance, SendRow } from './journey-store.js';
import { runSendStep, type SendStepDeps } from './send-step.js';

/**
 * A test send: one send step rendered for a chosen profile exactly as the journey would render
 * it (traits, tags, params, tracked links), sent at once through the channel under a key of its
 * own (`test:…`), to the profile's address or to the one given. The guards are off (the caller
 * passes deps without caps, quiet hours, consent or lists) and nothing enters the journey.
 */

export interface TestSendResult {
  to: string;
  message: SendRow['message'];
  outcome: SendOutcome;
}

export async function testSend(
  ctx: {
    db: Database;
    now: () => number;
    deps: SendStepDeps;
    compiled: CompiledJourney | undefined;
    adapter: (channel: ChannelKind) => ChannelAdapter | null;
  },
  req: {
    ws: string;
    id: string;
    version: number;
    stepId: string;
    profileId: string;
    to: string | null;
    actor: string | null;
  },
): Promise<JourneyResult<TestSendResult>> {
  const step = ctx.compiled?.definition.steps[req.stepId];
  if (!ctx.compiled || step?.kind !== 'send')
    return {
      ok: false,
      code: 'validation_failed',
      message: `${req.stepId} is no send step of journey ${req.id}`,
      issues: [{ path: 'body.stepId', message: 'not a send step' }],
    };
  const now = ctx.now();
  const instance: Instance = {
    id: `test:${randomUUID()}`,
    workspaceId: req.ws,
    journeyId: req.id,
    version: req.version,
    profileId: req.profileId,
    entryNo: 0,
    state: 'active',
    stepId: req.stepId,
    wakeAt: null,
    variant: null,
    holdout: false,
    enteredAt: now,
    updatedAt: now,
    exitReason: null,
    convertedAt: null,
    revenue: null,
    context: { trigger: 'test' },
  };
  const outcome = (await runSendStep(ctx.deps, req.ws, ctx.compiled, req.stepId, [instance])).get(
    instance.id,
  );
  const send = outcome?.send;
  const to = req.to ?? send?.message.to ?? null;
  if (!send || !to) {
    const why = outcome?.outcome ?? 'no outcome';
    return {
      ok: false,
      code: 'validation_failed',
      message: `nothing to send: ${why}`,
      issues: [{ path: 'body.profileId', message: why }],
    };
  }
  const adapter = ctx.adapter(step.channel);
  if (!adapter)
    return {
      ok: false,
      code: 'conflict',
      message: `the ${step.channel} channel is not configured`,
      issues: [],
    };
  const message = { ...send.message, to };
  const result = await adapter.send({
    channel: step.channel,
    ...message,
    idempotencyKey: `test:${randomUUID()}`,
  });
  await recordAudit(
    ctx.db,
    {
      workspaceId: req.ws,
      actor: req.actor,
      action: 'journey.test_send',
      target: req.id,
      detail: { stepId: req.stepId, profileId: req.profileId, channel: step.channel, outcome: result.kind },
    },
    now,
  );
  return { ok: true, value: { to, message, outcome: result } };
}
