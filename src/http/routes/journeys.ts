import { z } from 'zod';
import { CHANNEL_KINDS } from '../../channels/channel.js';
import {
  JOURNEY_TEMPLATES,
  positionsSchema,
  type JourneyEngine,
  type JourneyLayouts,
  type JourneyResult,
} from '../../journeys/index.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

const idParams = z.strictObject({ id: z.string().regex(/^jny_[a-z0-9]{1,40}$/, 'not a journey id') });
const body = z.record(z.string(), z.unknown());

function unwrap<T>(r: JourneyResult<T>): T {
  if (r.ok) return r.value;
  throw new AppError(r.code, r.message, r.issues);
}

/** Journeys: definitions and status, manual entry, metrics, template preview, dead-letters, suppressions. */
export function journeyRoutes(deps: { journeys: JourneyEngine; layouts: JourneyLayouts }): RouteDef[] {
  const { journeys, layouts } = deps;
  const journeyOr404 = (ws: string, id: string) => {
    const j = journeys.get(ws, id);
    if (!j) throw new AppError('not_found', `no journey ${id}`);
    return j;
  };
  const status = (
    verb: 'activate' | 'pause' | 'archive',
    to: 'active' | 'paused' | 'archived',
    summary: string,
  ) =>
    defineRoute({
      method: 'POST',
      url: `/api/v1/journeys/:id/${verb}`,
      role: 'marketer',
      tag: 'journeys',
      summary,
      params: idParams,
      handler: async ({ params, caller }) =>
        unwrap(await journeys.setStatus(caller.workspaceId, params.id, to, caller.apiKeyId)),
    });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys',
      role: 'viewer',
      tag: 'journeys',
      summary: 'Every journey (newest version), its status and how many people are in it now',
      handler: async ({ caller }) => ({ journeys: journeys.list(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/templates',
      role: 'viewer',
      tag: 'journeys',
      summary:
        'The journeys Tessera ships as templates (welcome, abandoned checkout, win-back, birthday, high-value care)',
      handler: async () => ({ templates: JOURNEY_TEMPLATES }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/journeys',
      role: 'marketer',
      tag: 'journeys',
      summary:
        'Create a journey (as a draft) from a definition, or from a template: `{ "template": "welcome" }` (`"segment"` sets a segment trigger\'s or schedule\'s segment, `"name"` renames it)',
      body,
      success: { status: 201, description: 'the journey, version 1, draft' },
      handler: async ({ body, caller, reply }) => {
        let input: unknown = body;
        if (typeof body.template === 'string') {
          const t = JOURNEY_TEMPLATES.find((x) => x.key === body.template);
          if (!t)
            throw new AppError(
              'not_found',
              `no journey template ${body.template}; there are ${JOURNEY_TEMPLATES.map((x) => x.key).join(', ')}`,
            );
          const definition = structuredClone(t.definition) as {
            name: string;
            trigger: Record<string, unknown>;
          };
          if (typeof body.name === 'string') definition.name = body.name;
          if (typeof body.segment === 'string') {
            if (
              !['segment_entered', 'segment_exited', 'schedule'].includes(definition.trigger.kind as string)
            )
              throw new AppError('validation_failed', `template ${body.template} has no segment to set`);
            definition.trigger.segment = body.segment;
          }
          input = definition;
        }
        const r = unwrap(await journeys.create(caller.workspaceId, input, caller.apiKeyId));
        reply.code(201);
        return r;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/journeys/preview',
      role: 'marketer',
      tag: 'journeys',
      summary:
        'Render a message template for one profile, listing the variables it read that the profile lacks',
      body: z.strictObject({
        template: z.record(z.string(), z.unknown()),
        profileId: z.string().min(1).max(128),
        event: z.strictObject({ name: z.string(), properties: z.record(z.string(), z.unknown()) }).optional(),
      }),
      handler: async ({ body, caller }) =>
        unwrap(await journeys.preview(caller.workspaceId, body.template, body.profileId, body.event)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/dead-letters',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Sends that gave up (permanent provider errors, or out of attempts), newest first',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
      handler: async ({ query, caller }) => ({
        deadLetters: await journeys.deadLetters(caller.workspaceId, query.limit),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/journeys/dead-letters/retry',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Send dead-lettered messages again, with the same idempotency keys',
      body: z.strictObject({ keys: z.array(z.string().min(1).max(300)).min(1).max(10_000) }),
      handler: async ({ body, caller }) => ({
        requeued: await journeys.retryDead(caller.workspaceId, body.keys),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/programme',
      role: 'analyst',
      tag: 'journeys',
      summary:
        'The whole programme against the global holdout: conversion (an event within a window) of held-out and treated profiles, with a two-proportion z-test',
      query: z.strictObject({
        event: z.string().min(1).max(200).default('Order Completed'),
        within: z
          .string()
          .regex(/^\d{1,6}[smhd]$/, 'must be a duration such as 30d')
          .default('30d'),
      }),
      handler: async ({ query, caller }) => journeys.programme(caller.workspaceId, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/:id',
      role: 'viewer',
      tag: 'journeys',
      summary: 'One journey: its definition, status and people in it now',
      params: idParams,
      handler: async ({ params, caller }) => {
        const j = journeys.get(caller.workspaceId, params.id);
        if (!j) throw new AppError('not_found', `no journey ${params.id}`);
        return j;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/journeys/:id',
      role: 'marketer',
      tag: 'journeys',
      summary:
        'A new version of the definition; people already in the journey finish on the version they entered',
      params: idParams,
      body,
      handler: async ({ params, body, caller }) =>
        unwrap(await journeys.update(caller.workspaceId, params.id, body, caller.apiKeyId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/:id/layout',
      role: 'viewer',
      tag: 'journeys',
      summary:
        "Where the console's canvas places each node ({ positions: { nodeId: { x, y } } }, empty when never placed)",
      params: idParams,
      handler: async ({ params, caller }) => {
        journeyOr404(caller.workspaceId, params.id);
        return layouts.get(caller.workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/journeys/:id/layout',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Replace the canvas layout (the definition is untouched; the engine never reads it)',
      params: idParams,
      body: z.strictObject({ positions: positionsSchema }),
      handler: async ({ params, body, caller }) => {
        journeyOr404(caller.workspaceId, params.id);
        return layouts.put(caller.workspaceId, params.id, body.positions, caller.apiKeyId);
      },
    }),
    status('activate', 'active', 'Start the journey: its trigger takes people in'),
    status('pause', 'paused', 'Stop taking people in; those inside go on'),
    status('archive', 'archived', 'End the journey: nobody enters, everyone inside exits'),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/:id/versions',
      role: 'viewer',
      tag: 'journeys',
      summary: 'Every version of the journey, newest first',
      params: idParams,
      handler: async ({ params, caller }) => ({
        versions: await journeys.versions(caller.workspaceId, params.id),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/journeys/:id/enter',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Put profiles, or every member of a segment, into an active journey now (entry rules apply)',
      params: idParams,
      body: z.union([
        z.strictObject({ profileIds: z.array(z.string().min(1).max(128)).min(1).max(1_000_000) }),
        z.strictObject({ segment: z.string().min(1).max(100) }),
      ]),
      handler: async ({ params, body, caller }) =>
        unwrap(
          await journeys.enter(
            caller.workspaceId,
            params.id,
            'segment' in body ? { segment: body.segment } : body.profileIds,
          ),
        ),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/journeys/:id/test-send',
      role: 'marketer',
      tag: 'journeys',
      summary:
        'Send one step’s message now, rendered for a chosen profile, to its address or to `to`: no guards, not in the metrics, audited',
      params: idParams,
      body: z.strictObject({
        stepId: z.string().min(1).max(64),
        profileId: z.string().min(1).max(128),
        to: z.string().min(1).max(320).optional(),
      }),
      handler: async ({ params, body, caller }) =>
        unwrap(
          await journeys.testSend(
            caller.workspaceId,
            params.id,
            body.stepId,
            body.profileId,
            body.to ?? null,
            caller.apiKeyId,
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/journeys/:id/metrics',
      role: 'analyst',
      tag: 'journeys',
      summary:
        'Entered, waiting, sent, delivered, opened, clicked, converted and exited per journey and step; A/B and holdout z-tests; revenue per profile',
      params: idParams,
      handler: async ({ params, caller }) => unwrap(await journeys.metrics(caller.workspaceId, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/suppressions',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Addresses no message goes to (bounces, complaints, manual entries)',
      handler: async ({ caller }) => ({ suppressions: await journeys.suppressionList(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/suppressions',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Suppress an address on one channel, or on all with channel "*"',
      body: z.strictObject({
        channel: z.enum([...CHANNEL_KINDS, '*']),
        address: z.string().min(1).max(320),
        reason: z.string().min(1).max(200).default('manual'),
      }),
      success: { status: 201, description: 'suppressed' },
      handler: async ({ body, caller, reply }) => {
        await journeys.suppress(caller.workspaceId, body.channel, body.address, body.reason, caller.apiKeyId);
        reply.code(201);
        return { channel: body.channel, address: body.address, reason: body.reason };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/suppressions',
      role: 'marketer',
      tag: 'journeys',
      summary: 'Lift a suppression',
      body: z.strictObject({ channel: z.enum([...CHANNEL_KINDS, '*']), address: z.string().min(1).max(320) }),
      handler: async ({ body, caller }) => {
        const removed = await journeys.unsuppress(
          caller.workspaceId,
          body.channel,
          body.address,
          caller.apiKeyId,
        );
        if (!removed) throw new AppError('not_found', `${body.address} is not suppressed on ${body.channel}`);
        return { removed: true };
      },
    }),
  ];
}
