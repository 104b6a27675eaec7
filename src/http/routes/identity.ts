import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { z } from 'zod';
import { eventsBySeq, MESSAGE_TYPES } from '../../collect/index.js';
import type { IdentityResolver } from '../../identity/index.js';
import type { Database } from '../../platform/db/duckdb.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import { eventToMessage } from './events.js';

const profileParams = z.strictObject({ id: z.string().min(1).max(128) });
const identifier = z.strictObject({ type: z.string().min(1).max(64), value: z.string().min(1).max(512) });

/** One or more values of a query parameter, sent as repeated keys (`type=track&type=identify`). */
const repeated = <T extends z.ZodType<string>>(item: T, max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(item).min(1).max(max)).optional();

const timelineQuery = z
  .strictObject({
    before: z.string().max(64).optional().describe('the "next" cursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    type: repeated(z.enum(MESSAGE_TYPES), MESSAGE_TYPES.length).describe(
      'only these Segment message types; repeat the key for more than one: type=track&type=identify',
    ),
    event: repeated(z.string().min(1).max(200), 50).describe(
      'only track calls of these event names; repeat the key for more than one: event=Order%20Completed&event=Signed%20Up',
    ),
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('only events whose timestamp is at or after this instant (ISO 8601)'),
    until: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('only events whose timestamp is before this instant (ISO 8601, exclusive)'),
  })
  .refine(
    (q) => q.since === undefined || q.until === undefined || Date.parse(q.since) < Date.parse(q.until),
    {
      path: ['until'],
      message: 'until must be after since',
    },
  );

/**
 * Profiles by identity (DESIGN.md fixed contract: lookup by any identifier, the profile by id) and
 * the identity graph's own views: refusals, merges, unmerge, rebuild, statistics.
 */
export function identityRoutes(
  identity: IdentityResolver,
  db: Database,
  settle: () => Promise<void>,
  pii: PiiConfig,
): RouteDef[] {
  const live = (workspaceId: string, id: string): string => {
    const profileId = identity.resolveProfileId(workspaceId, id);
    if (!profileId) throw new AppError('not_found', `no profile ${id}`);
    return profileId;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/profiles/lookup',
      role: 'analyst',
      tag: 'profiles',
      summary: 'Find the profile holding an identifier (the value is normalised as at ingestion)',
      query: z.strictObject({ type: z.string().min(1).max(64), value: z.string().min(1).max(512) }),
      success: { description: '{ profileId }; 404 when no profile has it' },
      handler: async ({ query, caller }) => {
        await settle();
        const r = identity.lookup(caller.workspaceId, query.type, query.value);
        switch (r.kind) {
          case 'found':
            return { profileId: r.profileId };
          case 'not_found':
            throw new AppError('not_found', r.reason);
          case 'invalid':
            throw new AppError('validation_failed', r.reason, [{ path: 'query.value', message: r.reason }]);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/profiles/:id/identifiers',
      role: 'analyst',
      tag: 'profiles',
      summary: "A profile's identifiers with their source and first/last seen",
      params: profileParams,
      handler: async ({ params, caller }) => {
        await settle();
        const profileId = live(caller.workspaceId, params.id);
        const view = PiiView.for(caller.role, pii);
        return {
          profileId,
          identifiers: view.identifiers(identity.identifiers(caller.workspaceId, profileId)),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/profiles/:id/events',
      role: 'analyst',
      tag: 'profiles',
      summary:
        "A profile's timeline, newest first: every event of every identifier it holds, anonymous history before a login included; filtered by message type, track event name and time before paging",
      params: profileParams,
      query: timelineQuery,
      success: { description: '{ profileId, events: [...], next: cursor for the next page, or null }' },
      handler: async ({ params, query, caller }) => {
        await settle();
        const profileId = live(caller.workspaceId, params.id);
        let page;
        try {
          page = await identity.timeline(caller.workspaceId, profileId, {
            limit: query.limit,
            ...(query.before !== undefined ? { before: query.before } : {}),
            ...(query.type ? { types: query.type } : {}),
            ...(query.event ? { events: query.event } : {}),
            ...(query.since !== undefined ? { since: Date.parse(query.since) } : {}),
            ...(query.until !== undefined ? { until: Date.parse(query.until) } : {}),
          });
        } catch (err) {
          if (err instanceof RangeError)
            throw new AppError('validation_failed', err.message, [
              { path: 'query.before', message: err.message },
            ]);
          throw err;
        }
        if (!page) throw new AppError('not_found', `no profile ${params.id}`);
        const rows = await eventsBySeq(db, caller.workspaceId, page.seqs);
        const view = PiiView.for(caller.role, pii);
        return { profileId, events: rows.map((r) => view.event(eventToMessage(r))), next: page.next };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/profiles/:id/merges',
      role: 'analyst',
      tag: 'profiles',
      summary:
        'Merge history: every profile merged into this one (merged_from → merged_into), with the link that did it',
      params: profileParams,
      handler: async ({ params, caller }) => {
        await settle();
        const profileId = live(caller.workspaceId, params.id);
        return { profileId, merges: await identity.mergeHistory(caller.workspaceId, profileId) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/profiles/:id/unmerge',
      role: 'admin',
      tag: 'profiles',
      summary:
        'Split a wrongly merged profile: the listed identifiers move to a new profile, history follows them, the split is audited',
      params: profileParams,
      body: z.strictObject({
        move: z.array(identifier).min(1).max(10_000),
        reason: z.string().max(1000).optional(),
      }),
      handler: async ({ params, body, caller }) => {
        await settle();
        const r = await identity.unmerge(caller.workspaceId, params.id, body.move, {
          actor: caller.apiKeyId,
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
        });
        switch (r.kind) {
          case 'ok': {
            const { kind: _kind, ...rest } = r;
            return rest;
          }
          case 'not_found':
            throw new AppError('not_found', `no profile ${params.id}`);
          case 'invalid':
            throw new AppError('validation_failed', r.reason, [{ path: 'body.move', message: r.reason }]);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/identity/splits',
      role: 'analyst',
      tag: 'identity',
      summary:
        'The unmerge audit trail, newest first: who split which profile, why, the two sides and the links that had joined them',
      query: z.strictObject({
        profileId: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      handler: async ({ query, caller }) => {
        await settle();
        return { splits: await identity.splits(caller.workspaceId, query) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/identity/refusals',
      role: 'analyst',
      tag: 'identity',
      summary: 'Links refused because they would break a per-profile limit (or an unmerge), newest first',
      query: z.strictObject({
        profileId: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      handler: async ({ query, caller }) => {
        await settle();
        const view = PiiView.for(caller.role, pii);
        const masked = (x: { type: string; value: string }) => ({
          ...x,
          value: view.value(x.type, x.value) as string,
        });
        return {
          refusals: identity
            .refusals(caller.workspaceId, query)
            .map((r) => ({ ...r, identifier: masked(r.identifier), with: masked(r.with) })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/identity/stats',
      role: 'analyst',
      tag: 'identity',
      summary: 'Profiles, identifiers, links, refusals by reason, blocklist hits, claims dropped',
      handler: async ({ caller }) => {
        await settle();
        return (
          identity.stats(caller.workspaceId) ?? {
            profiles: 0,
            identifiers: 0,
            links: 0,
            refusals: 0,
            refusalsByReason: {},
            blocked: [],
          }
        );
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/identity/rules',
      role: 'viewer',
      tag: 'identity',
      summary:
        'Identifier types (priority, per-profile limit, normalisation), blocklist and fuzzy thresholds',
      handler: async () => {
        await Promise.resolve();
        const r = identity.rules;
        return {
          types: r.types.map((t) => ({
            type: t.name,
            priority: t.priority,
            limit: Number.isFinite(t.limit) ? t.limit : null,
            normalise: t.normalise,
            shareable: t.shareable,
            successive: t.successive,
          })),
          blocklist: { values: [...r.blockedValues], patterns: r.blockedPatterns.map((p) => p.source) },
          fuzzy: r.fuzzy,
          fingerprint: identity.fingerprint,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/identity/review',
      role: 'analyst',
      tag: 'identity',
      summary: 'Fuzzy matches between the review and auto-merge thresholds, with the evidence per field',
      query: z.strictObject({
        status: z.enum(['open', 'approved', 'rejected']).default('open'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      handler: async ({ query, caller }) => {
        await settle();
        const view = PiiView.for(caller.role, pii);
        const side = <T extends { identifier: { type: string; value: string } }>(x: T): T => ({
          ...x,
          identifier: { ...x.identifier, value: view.value(x.identifier.type, x.identifier.value) as string },
        });
        const reviews = await identity.reviews(caller.workspaceId, query.status, query.limit);
        return { reviews: reviews.map((r) => ({ ...r, a: side(r.a), b: side(r.b) })) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/identity/review/:id/:decision',
      role: 'marketer',
      tag: 'identity',
      summary: 'Approve (link the two profiles) or reject a queued fuzzy match',
      params: z.strictObject({ id: z.string().min(1).max(128), decision: z.enum(['approve', 'reject']) }),
      handler: async ({ params, caller }) => {
        await settle();
        const r = await identity.decideReview(
          caller.workspaceId,
          params.id,
          params.decision,
          caller.apiKeyId,
        );
        switch (r.kind) {
          case 'ok': {
            const { kind: _kind, ...rest } = r;
            return rest;
          }
          case 'not_found':
            throw new AppError('not_found', `no review ${params.id}`);
          case 'conflict':
            throw new AppError('conflict', r.reason);
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/identity/rebuild',
      role: 'admin',
      tag: 'identity',
      summary:
        'Recompute the identity graph from every stored event under the current rules; reports what changed',
      handler: async () => {
        await settle();
        return { workspaces: await identity.rebuild() };
      },
    }),
  ];
}
