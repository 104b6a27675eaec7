import { z } from 'zod';
import type { IdentityResolver } from '../../identity/index.js';
import type { AuditEntry } from '../../governance/audit.js';
import { AppError } from '../../platform/errors.js';
import { CATEGORIES, STATUSES, type DefinitionResult, type TagEngine } from '../../tags/index.js';
import { defineRoute, type RouteDef } from '../route.js';

const keyParams = z.strictObject({ key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'not a tag key') });
const definitionBody = z.record(z.string(), z.unknown());
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-01');

function unwrap<T>(r: DefinitionResult<T>): unknown {
  if (r.ok) return r.value;
  throw new AppError(r.code, r.message, r.issues);
}

/** Tag and computed-trait management (create, new version, status, preview, coverage, history, refresh). */
export function tagRoutes(deps: {
  tags: TagEngine;
  identity: IdentityResolver;
  previewSample: number;
  offsetMs: (at: number) => number;
  now: () => number;
  audit: (entry: AuditEntry) => Promise<unknown>;
}): RouteDef[] {
  const { tags, identity } = deps;
  /** Records a change (the answer's version, when it has one) and hands the answer on. */
  const audited = async <T>(
    caller: { workspaceId: string; apiKeyId: string | null },
    action: string,
    target: string,
    answer: T,
    detail: Record<string, unknown> = {},
  ): Promise<T> => {
    const version = (answer as { version?: unknown } | null)?.version;
    await deps.audit({
      workspaceId: caller.workspaceId,
      actor: caller.apiKeyId,
      action,
      target,
      detail: typeof version === 'number' ? { version, ...detail } : detail,
    });
    return answer;
  };
  const tagOr404 = (ws: string, key: string) => {
    const t = tags.tag(ws, key);
    if (!t) throw new AppError('not_found', `no tag ${key}`);
    return t;
  };
  /** A listed person (a profile id, or any identifier) to the live profile, or why not. */
  const resolveListed = <E extends { profileId: string } | { type: string; value: string }>(
    ws: string,
    entries: readonly E[],
  ) => {
    const found: Array<{ profileId: string; entry: E }> = [];
    const unresolved: Array<{ index: number; reason: string }> = [];
    entries.forEach((entry, index) => {
      if ('profileId' in entry) {
        const id = identity.resolveProfileId(ws, entry.profileId);
        if (id) found.push({ profileId: id, entry });
        else unresolved.push({ index, reason: `no profile ${entry.profileId}` });
      } else {
        const r = identity.lookup(ws, entry.type, entry.value);
        if (r.kind === 'found') found.push({ profileId: r.profileId, entry });
        else unresolved.push({ index, reason: r.reason });
      }
    });
    return { found, unresolved };
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/tag-categories',
      role: 'viewer',
      tag: 'tags',
      summary: 'The tag categories (基础属性, 行为, 交易, 兴趣偏好, 生命周期, 价值) with their names',
      handler: () =>
        Promise.resolve({ categories: Object.entries(CATEGORIES).map(([key, name]) => ({ key, name })) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tags',
      role: 'viewer',
      tag: 'tags',
      summary:
        "Every tag (newest version), optionally of one category or status; stats=true adds each one's coverage and distribution, as GET /api/v1/tags/:key gives them",
      query: z.strictObject({
        category: z.enum(Object.keys(CATEGORIES) as [string, ...string[]]).optional(),
        status: z.enum(STATUSES).optional(),
        stats: z.enum(['true', 'false']).optional(),
      }),
      handler: async ({ query, caller }) => {
        const listed = tags
          .listTags(caller.workspaceId)
          .filter(
            (t) =>
              (!query.category || t.definition.category === query.category) &&
              (!query.status || t.status === query.status),
          );
        if (query.stats !== 'true') return { tags: listed };
        const stats = await tags.reads.coverageAll(caller.workspaceId);
        return { tags: listed.map((t) => ({ ...t, stats: stats.get(t.definition.key) ?? null })) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags',
      role: 'marketer',
      tag: 'tags',
      summary: 'Create a tag (version 1); 422 names every problem of the definition',
      body: definitionBody,
      success: { status: 201, description: 'the tag as stored' },
      handler: async ({ body, caller, reply }) => {
        const r = unwrap(await tags.createTag(caller.workspaceId, body, caller.apiKeyId));
        reply.code(201);
        return audited(caller, 'tag.create', String(body.key), r);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags/refresh',
      role: 'marketer',
      tag: 'tags',
      summary:
        'Recompute every active tag (or the given ones) and every computed trait now; answers when done',
      body: z
        .strictObject({
          keys: z.array(z.string().min(1).max(64)).max(500).optional(),
          /** Compute as of another time (windows, recency and the snapshot day are taken then). */
          asOf: z.iso.datetime({ offset: true }).optional(),
          /** auto: tags whose definition allows it are recomputed only for the profiles that changed. */
          mode: z.enum(['full', 'auto']).default('full'),
        })
        .optional(),
      handler: async ({ body, caller }) => {
        const keys = body?.keys;
        for (const k of keys ?? []) tagOr404(caller.workspaceId, k);
        return tags.refresh(caller.workspaceId, keys, {
          mode: body?.mode ?? 'full',
          ...(body?.asOf ? { asOf: Date.parse(body.asOf) } : {}),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags/preview',
      role: 'marketer',
      tag: 'tags',
      summary:
        'Compute a tag definition on a sample of profiles, nothing stored: coverage, value counts, sample profiles',
      body: z.strictObject({
        definition: definitionBody,
        sample: z.number().int().min(10).max(100_000).optional(),
      }),
      handler: async ({ body, caller }) => {
        const r = await tags.preview(caller.workspaceId, body.definition, body.sample ?? deps.previewSample);
        if (!r.ok)
          throw new AppError(
            'validation_failed',
            r.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
            r.issues,
          );
        return r.value;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tags/:key',
      role: 'viewer',
      tag: 'tags',
      summary: 'A tag: its definition, coverage, value distribution (or numeric summary) and last refresh',
      params: keyParams,
      handler: async ({ params, caller }) => {
        const t = tagOr404(caller.workspaceId, params.key);
        return { ...t, stats: await tags.reads.coverage(caller.workspaceId, params.key) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/tags/:key',
      role: 'marketer',
      tag: 'tags',
      summary: 'Update a tag: stored as a new version (values follow at the next refresh)',
      params: keyParams,
      body: definitionBody,
      handler: async ({ params, body, caller }) =>
        audited(
          caller,
          'tag.update',
          params.key,
          unwrap(await tags.updateTag(caller.workspaceId, params.key, body, caller.apiKeyId)),
        ),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags/:key/status',
      role: 'marketer',
      tag: 'tags',
      summary: 'Activate, return to draft or deprecate a tag (deprecated tags are no longer refreshed)',
      params: keyParams,
      body: z.strictObject({ status: z.enum(STATUSES) }),
      handler: async ({ params, body, caller }) =>
        audited(
          caller,
          'tag.status',
          params.key,
          unwrap(await tags.setTagStatus(caller.workspaceId, params.key, body.status)),
          { status: body.status },
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tags/:key/versions',
      role: 'viewer',
      tag: 'tags',
      summary: 'Every version of a tag, newest first',
      params: keyParams,
      handler: async ({ params, caller }) => {
        tagOr404(caller.workspaceId, params.key);
        return { versions: await tags.versions(caller.workspaceId, 'tag', params.key) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tags/:key/history',
      role: 'viewer',
      tag: 'tags',
      summary: "A tag's distribution day by day (one snapshot per refresh day)",
      params: keyParams,
      query: z.strictObject({ from: day.optional(), to: day.optional() }),
      handler: async ({ params, query, caller }) => {
        tagOr404(caller.workspaceId, params.key);
        const now = deps.now();
        const today = new Date(now + deps.offsetMs(now)).toISOString().slice(0, 10);
        const from = query.from ?? new Date(Date.parse(today) - 90 * 86_400_000).toISOString().slice(0, 10);
        const to = query.to ?? today;
        if (from > to)
          throw new AppError('validation_failed', 'from must not be after to', [
            { path: 'query.from', message: 'after to' },
          ]);
        return {
          key: params.key,
          from,
          to,
          days: await tags.reads.history(caller.workspaceId, params.key, from, to),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tags/:key/assignments',
      role: 'viewer',
      tag: 'tags',
      summary: 'Who holds a manual tag by assignment (profile, value, when, by whom), newest first',
      params: keyParams,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ params, query, caller }) => {
        tagOr404(caller.workspaceId, params.key);
        const r = await tags.manual.assignments(caller.workspaceId, params.key, query);
        if (!r.ok)
          throw new AppError('validation_failed', r.message, [{ path: 'params.key', message: r.message }]);
        return { key: params.key, total: r.total, assignments: r.assignments };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags/:key/assignments',
      role: 'marketer',
      tag: 'tags',
      summary:
        'Give a manual tag to profiles, by profile id or by any identifier (an imported list); replace: the list becomes the whole tag',
      params: keyParams,
      body: z.strictObject({
        profiles: z
          .array(
            z.union([
              z.strictObject({ profileId: z.string().min(1).max(128), value: z.unknown().optional() }),
              z.strictObject({
                type: z.string().min(1).max(64),
                value: z.string().min(1).max(512),
                tagValue: z.unknown().optional(),
              }),
            ]),
          )
          .min(1)
          .max(100_000),
        replace: z.boolean().default(false),
      }),
      handler: async ({ params, body, caller }) => {
        const { found, unresolved } = resolveListed(caller.workspaceId, body.profiles);
        const rows = found.map(({ profileId, entry }) => ({
          profileId,
          value: ('profileId' in entry ? entry.value : entry.tagValue) ?? true,
        }));
        const r = await tags.manual.assign(
          caller.workspaceId,
          params.key,
          rows,
          body.replace,
          caller.apiKeyId,
        );
        if (!r.ok)
          throw new AppError('validation_failed', r.message, [{ path: 'params.key', message: r.message }]);
        return audited(
          caller,
          'tag.assign',
          params.key,
          { assigned: r.assigned, unresolved },
          { assigned: r.assigned, unresolved: unresolved.length, replace: body.replace },
        );
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tags/:key/assignments/remove',
      role: 'marketer',
      tag: 'tags',
      summary:
        'Take a manual tag from profiles, by profile id or by any identifier; removed: how many of them had it',
      params: keyParams,
      body: z.strictObject({
        profiles: z
          .array(
            z.union([
              z.strictObject({ profileId: z.string().min(1).max(128) }),
              z.strictObject({ type: z.string().min(1).max(64), value: z.string().min(1).max(512) }),
            ]),
          )
          .min(1)
          .max(100_000),
      }),
      handler: async ({ params, body, caller }) => {
        const { found, unresolved } = resolveListed(caller.workspaceId, body.profiles);
        const r = await tags.manual.unassign(
          caller.workspaceId,
          params.key,
          found.map((f) => f.profileId),
        );
        if (!r.ok)
          throw new AppError('validation_failed', r.message, [{ path: 'params.key', message: r.message }]);
        return audited(
          caller,
          'tag.unassign',
          params.key,
          { removed: r.removed, unresolved },
          { removed: r.removed, unresolved: unresolved.length },
        );
      },
    }),
    // ----------------------------------------------------------------------- computed traits
    defineRoute({
      method: 'GET',
      url: '/api/v1/traits',
      role: 'viewer',
      tag: 'traits',
      summary: 'Every computed trait (newest version)',
      handler: ({ caller }) => Promise.resolve({ traits: tags.listTraits(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/traits',
      role: 'marketer',
      tag: 'traits',
      summary:
        'Create a computed trait (count, sum, avg, min, max, first, last, distinct_count, most_frequent, top)',
      body: definitionBody,
      success: { status: 201, description: 'the trait as stored' },
      handler: async ({ body, caller, reply }) => {
        const r = unwrap(await tags.createTrait(caller.workspaceId, body, caller.apiKeyId));
        reply.code(201);
        return audited(caller, 'trait.create', String(body.key), r);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/traits/:key',
      role: 'viewer',
      tag: 'traits',
      summary: 'A computed trait with its versions',
      params: keyParams,
      handler: async ({ params, caller }) => {
        const t = tags.trait(caller.workspaceId, params.key);
        if (!t) throw new AppError('not_found', `no trait ${params.key}`);
        return { ...t, versions: await tags.versions(caller.workspaceId, 'trait', params.key) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/traits/:key',
      role: 'marketer',
      tag: 'traits',
      summary: 'Update a computed trait: stored as a new version',
      params: keyParams,
      body: definitionBody,
      handler: async ({ params, body, caller }) =>
        audited(
          caller,
          'trait.update',
          params.key,
          unwrap(await tags.updateTrait(caller.workspaceId, params.key, body, caller.apiKeyId)),
        ),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/traits/:key/status',
      role: 'marketer',
      tag: 'traits',
      summary: 'Activate, return to draft or deprecate a computed trait',
      params: keyParams,
      body: z.strictObject({ status: z.enum(STATUSES) }),
      handler: async ({ params, body, caller }) =>
        audited(
          caller,
          'trait.status',
          params.key,
          unwrap(await tags.setTraitStatus(caller.workspaceId, params.key, body.status)),
          { status: body.status },
        ),
    }),
  ];
}
