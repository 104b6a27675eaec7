import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { z } from 'zod';
import { pageAudit, recordAudit } from '../../governance/index.js';
import type { Database } from '../../platform/db/duckdb.js';
import { AppError } from '../../platform/errors.js';
import {
  audienceColumns,
  destinationInput,
  memberList,
  membersRelation,
  membersWithValues,
  overlap,
  previewCondition,
  exportCsv,
  segmentTgi,
  sizes,
  type Destinations,
  type SegmentEngine,
  type SegmentResult,
} from '../../segments/index.js';
import { defineRoute, type RouteDef } from '../route.js';

const idParams = z.strictObject({ id: z.string().regex(/^seg_[a-z0-9]{1,40}$/, 'not a segment id') });
const body = z.record(z.string(), z.unknown());
const keyList = z
  .string()
  .max(2000)
  .optional()
  .transform((s) =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [],
  );

function unwrap<T>(r: SegmentResult<T>): T {
  if (r.ok) return r.value;
  throw new AppError(r.code, r.message, r.issues);
}

/** Segments: definitions, preview, refresh, members, sizes, overlap, snapshots, exports, audience sync. */
export function segmentRoutes(deps: {
  db: Database;
  segments: SegmentEngine;
  destinations: Destinations;
  previewSample: number;
  settle: () => Promise<void>;
  pii: PiiConfig;
  /** Whether the workspace has this tag (the TGI's dimension). */
  hasTag: (workspaceId: string, key: string) => boolean;
}): RouteDef[] {
  const { db, segments, destinations } = deps;
  const segmentOr404 = (ws: string, id: string) => {
    const s = segments.get(ws, id);
    if (!s) throw new AppError('not_found', `no segment ${id}`);
    return s;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments',
      role: 'viewer',
      tag: 'segments',
      summary: 'Every segment (newest version) with its size',
      handler: ({ caller }) => Promise.resolve({ segments: segments.list(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments',
      role: 'marketer',
      tag: 'segments',
      summary:
        'Create a dynamic segment (a condition) or a static one (a list of identifiers or profile ids); answers with its size',
      body,
      success: { status: 201, description: 'the segment, with its first membership computed' },
      handler: async ({ body, caller, reply }) => {
        const r = unwrap(await segments.create(caller.workspaceId, body, caller.apiKeyId));
        reply.code(201);
        return r;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/preview',
      role: 'viewer',
      tag: 'segments',
      summary:
        'How many profiles a condition holds for now, with a sample (nothing stored); 422 names the bad node',
      body: z.strictObject({ condition: z.unknown(), sample: z.number().int().min(0).max(1000).optional() }),
      handler: async ({ body, caller }) => {
        const r = await previewCondition(
          db,
          segments,
          caller.workspaceId,
          body.condition,
          body.sample ?? deps.previewSample,
          deps.settle,
        );
        if (!r.ok) throw new AppError('validation_failed', 'the condition is not valid', r.issues);
        return r.value;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/refresh',
      role: 'marketer',
      tag: 'segments',
      summary: 'Recompute dynamic segments now (all active ones, or `ids`) and answer when done',
      body: z.strictObject({ ids: z.array(z.string()).max(500).optional() }).optional(),
      handler: async ({ body, caller }) => {
        for (const id of body?.ids ?? []) segmentOr404(caller.workspaceId, id);
        return { segments: await segments.refresh(caller.workspaceId, body?.ids) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id',
      role: 'viewer',
      tag: 'segments',
      summary: 'One segment: definition, size, whether it follows events live',
      params: idParams,
      handler: ({ params, caller }) => Promise.resolve(segmentOr404(caller.workspaceId, params.id)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/segments/:id',
      role: 'marketer',
      tag: 'segments',
      summary: 'A new version of a segment (its membership is recomputed)',
      params: idParams,
      body,
      handler: async ({ params, body, caller }) =>
        unwrap(await segments.update(caller.workspaceId, params.id, body, caller.apiKeyId)),
    }),
    ...(['archive', 'activate'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        url: `/api/v1/segments/:id/${action}`,
        role: 'marketer',
        tag: 'segments',
        summary:
          action === 'archive'
            ? 'Stop refreshing a segment (refused while other segments read it)'
            : 'Refresh an archived segment again',
        params: idParams,
        handler: async ({ params, caller }) =>
          unwrap(
            await segments.setStatus(
              caller.workspaceId,
              params.id,
              action === 'archive' ? 'archived' : 'active',
              caller.apiKeyId,
            ),
          ),
      }),
    ),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/versions',
      role: 'viewer',
      tag: 'segments',
      summary: 'Every version of a segment, newest first',
      params: idParams,
      handler: async ({ params, caller }) => {
        segmentOr404(caller.workspaceId, params.id);
        return { versions: await segments.versions(caller.workspaceId, params.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/members',
      role: 'viewer',
      tag: 'segments',
      summary: 'Members in pages (cursor `after`), with chosen traits and tags',
      params: idParams,
      query: z.strictObject({
        after: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        traits: keyList,
        tags: keyList,
      }),
      handler: async ({ params, query, caller }) => {
        segmentOr404(caller.workspaceId, params.id);
        const page = await membersWithValues(db, segments, caller.workspaceId, params.id, {
          after: query.after ?? null,
          limit: query.limit,
          traits: query.traits,
          tags: query.tags,
        });
        const view = PiiView.for(caller.role, deps.pii);
        return { ...page, members: page.members.map((m) => ({ ...m, traits: view.fields(m.traits) })) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/:id/members',
      role: 'marketer',
      tag: 'segments',
      summary: 'Add to and remove from a static segment by profile id or any identifier',
      params: idParams,
      body: z.strictObject({ add: memberList.optional(), remove: memberList.optional() }),
      handler: async ({ params, body, caller }) =>
        unwrap(await segments.editList(caller.workspaceId, params.id, body, caller.apiKeyId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/sizes',
      role: 'viewer',
      tag: 'segments',
      summary: 'Size after each change of membership, oldest first',
      params: idParams,
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(500) }),
      handler: async ({ params, query, caller }) => {
        segmentOr404(caller.workspaceId, params.id);
        return { sizes: await sizes(db, segments, caller.workspaceId, params.id, query.limit) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/overlap/:other',
      role: 'viewer',
      tag: 'segments',
      summary: 'How two segments overlap: both, only each, union, Jaccard index',
      params: z.strictObject({ id: idParams.shape.id, other: idParams.shape.id }),
      handler: async ({ params, caller }) => {
        segmentOr404(caller.workspaceId, params.id);
        segmentOr404(caller.workspaceId, params.other);
        return overlap(db, segments, caller.workspaceId, params.id, params.other);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/tgi',
      role: 'viewer',
      tag: 'segments',
      summary:
        "TGI of the segment on a tag: each value's share among members against its share among all live profiles (100 = as everybody)",
      params: idParams,
      query: z.strictObject({ tag: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'not a tag key') }),
      handler: async ({ params, query, caller }) => {
        segmentOr404(caller.workspaceId, params.id);
        if (!deps.hasTag(caller.workspaceId, query.tag))
          throw new AppError('not_found', `no tag ${query.tag}`);
        return segmentTgi(db, segments, caller.workspaceId, params.id, query.tag);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/:id/snapshot',
      role: 'marketer',
      tag: 'segments',
      summary: 'A static segment holding the members of this one now',
      params: idParams,
      body: z.strictObject({ name: z.string().trim().min(1).max(200).optional() }).optional(),
      success: { status: 201, description: 'the static copy' },
      handler: async ({ params, body, caller, reply }) => {
        const r = unwrap(await segments.snapshot(caller.workspaceId, params.id, body?.name, caller.apiKeyId));
        reply.code(201);
        return r;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/:id/export',
      role: 'marketer',
      tag: 'segments',
      summary:
        'The members as CSV with chosen identifiers (raw for admins, or MD5 / SHA-256 for ad platforms), traits and tags; audited',
      params: idParams,
      body: audienceColumns,
      handler: async ({ params, body, caller, reply }) => {
        const s = segmentOr404(caller.workspaceId, params.id);
        const raw = body.identifiers.filter((i) => i.hash === 'none');
        if (raw.length > 0 && caller.role !== 'admin') {
          throw new AppError(
            'forbidden',
            `unhashed identifiers (${raw.map((i) => i.type).join(', ')}) are exported by admins only; ask for md5 or sha256`,
          );
        }
        await segments.flush();
        const chunks: string[] = [];
        const rows = await exportCsv(
          db,
          segments.sqlContext(caller.workspaceId),
          membersRelation(caller.workspaceId, params.id),
          body,
          (c) => chunks.push(c),
        );
        await recordAudit(
          db,
          {
            workspaceId: caller.workspaceId,
            actor: caller.apiKeyId,
            action: 'segment.export',
            target: params.id,
            detail: { rows, identifiers: body.identifiers, traits: body.traits, tags: body.tags },
          },
          Date.now(),
        );
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${s.id}.csv"`)
          .header('x-tessera-rows', String(rows));
        return chunks.join('');
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/:id/destinations',
      role: 'marketer',
      tag: 'segments',
      summary:
        'Sync this audience to a webhook (signed, adds and removes, retried); the secret is shown this once',
      params: idParams,
      body: destinationInput,
      success: { status: 201, description: 'the destination, with its signing secret' },
      handler: async ({ params, body, caller, reply }) => {
        segmentOr404(caller.workspaceId, params.id);
        const d = await destinations.create(caller.workspaceId, params.id, body, caller.apiKeyId);
        reply.code(201);
        return d;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/destinations',
      role: 'viewer',
      tag: 'segments',
      summary: "A segment's audience destinations",
      params: idParams,
      handler: async ({ params, caller }) => ({
        destinations: await destinations.list(caller.workspaceId, params.id),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/segments/:id/destinations/:destination/sync',
      role: 'marketer',
      tag: 'segments',
      summary: 'Send the changes since the last confirmed delivery now',
      params: z.strictObject({
        id: idParams.shape.id,
        destination: z.string().regex(/^dst_[a-z0-9]{1,40}$/, 'not a destination id'),
      }),
      handler: async ({ params, caller }) => {
        const d = (await destinations.list(caller.workspaceId, params.id)).find(
          (x) => x.id === params.destination,
        );
        if (!d)
          throw new AppError('not_found', `no destination ${params.destination} on segment ${params.id}`);
        await segments.flush();
        return destinations.sync(
          caller.workspaceId,
          d.id,
          segments.sqlContext(caller.workspaceId),
          caller.apiKeyId,
        );
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/segments/:id/destinations/:destination/deliveries',
      role: 'viewer',
      tag: 'segments',
      summary: 'Every delivery to a destination with each attempt, newest first',
      params: z.strictObject({
        id: idParams.shape.id,
        destination: z.string().regex(/^dst_[a-z0-9]{1,40}$/, 'not a destination id'),
      }),
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      handler: async ({ params, query, caller }) => ({
        deliveries: await destinations.deliveries(caller.workspaceId, params.destination, query.limit),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      role: 'admin',
      tag: 'governance',
      summary:
        'The audit log: changes and exports, newest first, filtered by action prefix, target, actor and time, in pages',
      query: z
        .strictObject({
          action: z.string().max(100).optional().describe('an action prefix: user. matches user.create'),
          target: z.string().max(100).optional().describe('the exact target id'),
          actor: z
            .string()
            .min(1)
            .max(200)
            .optional()
            .describe('the exact actor: an API key id, or user:<user id> for a console user'),
          since: z.iso
            .datetime({ offset: true })
            .optional()
            .describe('entries logged at or after this instant (ISO 8601)'),
          until: z.iso
            .datetime({ offset: true })
            .optional()
            .describe('entries logged before this instant (ISO 8601, exclusive)'),
          before: z.string().max(100).optional().describe('the "next" cursor of the previous page'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        })
        .refine(
          (q) => q.since === undefined || q.until === undefined || Date.parse(q.since) < Date.parse(q.until),
          { path: ['until'], message: 'until must be after since' },
        ),
      success: { description: '{ entries: [...], next: cursor for the next page, or null }' },
      handler: async ({ query, caller }) => {
        const { since, until, ...rest } = query;
        const page = await pageAudit(db, caller.workspaceId, {
          ...rest,
          ...(since !== undefined ? { since: Date.parse(since) } : {}),
          ...(until !== undefined ? { until: Date.parse(until) } : {}),
        });
        if (page.kind === 'bad_cursor')
          throw new AppError('validation_failed', page.reason, [
            { path: 'query.before', message: page.reason },
          ]);
        return { entries: page.entries, next: page.next };
      },
    }),
  ];
}
