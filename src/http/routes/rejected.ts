import { z } from 'zod';
import type { RejectedRecords } from '../../collect/rejected.js';
import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

const filter = {
  status: z.enum(['open', 'replayed', 'discarded']).optional(),
  code: z.string().optional(),
  sourceId: z.string().optional(),
};

export function rejectedRoutes(rejected: RejectedRecords, pii: PiiConfig): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/rejected',
      role: 'analyst',
      tag: 'governance',
      summary: 'Rejected records with their reason and original payload, newest first',
      query: z.strictObject({
        ...filter,
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ query, caller }) => {
        const view = PiiView.for(caller.role, pii);
        const records = await rejected.list({ ...query, workspaceId: caller.workspaceId });
        return { records: records.map((r) => ({ ...r, payload: view.rejectedPayload(r.payload) })) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/rejected/summary',
      role: 'viewer',
      tag: 'governance',
      summary: 'Counts of rejected records by reason code',
      query: z.strictObject(filter),
      handler: async ({ query, caller }) => ({
        byCode: await rejected.summary({ ...query, workspaceId: caller.workspaceId }),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/rejected/replay',
      role: 'admin',
      tag: 'governance',
      summary:
        'Run open rejected records through the pipeline again (after the rules or the data were fixed)',
      body: z
        .strictObject({
          ids: z.array(z.string()).min(1).max(10_000).optional(),
          code: z.string().optional(),
          sourceId: z.string().optional(),
          limit: z.number().int().min(1).max(100_000).default(10_000),
          payload: z.unknown().optional().describe('a corrected payload for the one record named in ids'),
        })
        .refine((b) => b.payload === undefined || b.ids?.length === 1, {
          message: 'a corrected payload needs exactly one id in "ids"',
          path: ['payload'],
        }),
      handler: async ({ body, caller }) => {
        if (!body.ids && !body.code && !body.sourceId && body.limit === 10_000) {
          // Replaying everything is allowed, but only when asked for by a filter or a limit.
          throw new AppError(
            'validation_failed',
            'name the records to replay: ids, code, sourceId or an explicit limit',
          );
        }
        return rejected.replay(
          {
            workspaceId: caller.workspaceId,
            ids: body.ids,
            code: body.code,
            sourceId: body.sourceId,
            limit: body.limit,
          },
          body.payload,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/rejected/discard',
      role: 'admin',
      tag: 'governance',
      summary: 'Mark open rejected records as discarded (kept for audit, no longer listed as open)',
      body: z.strictObject({ ids: z.array(z.string()).min(1).max(10_000) }),
      handler: async ({ body, caller }) => ({
        discarded: await rejected.discard(caller.workspaceId, body.ids),
      }),
    }),
  ];
}
