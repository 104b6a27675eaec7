import { z } from 'zod';
import type { SourceRegistry } from '../../collect/sources.js';
import { MAX_KEY_GRACE_MS, SOURCE_KINDS } from '../../collect/sources.js';
import type { AuditEntry } from '../../governance/audit.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

export function sourceRoutes(
  sources: SourceRegistry,
  settle: () => Promise<void>,
  audit: (entry: AuditEntry) => Promise<unknown>,
): RouteDef[] {
  const idParams = z.object({ id: z.string().min(1) });
  const find = (workspaceId: string, id: string) => {
    const source = sources.get(id);
    if (!source || source.workspaceId !== workspaceId) throw new AppError('not_found', `no source ${id}`);
    return source;
  };
  /** Tessera's own sources (journey feedback, segment events) take no write key: there is nothing to switch. */
  const external = (workspaceId: string, id: string) => {
    const source = find(workspaceId, id);
    if (source.kind === 'internal')
      throw new AppError(
        'validation_failed',
        `${source.name} is Tessera's own source: its events come from inside, not with a write key`,
        [{ path: 'params.id', message: 'an internal source' }],
      );
    return source;
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/sources',
      role: 'admin',
      tag: 'sources',
      summary: 'Create a source; its write key is in this answer only',
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        kind: z.enum(SOURCE_KINDS).default('http'),
      }),
      success: { status: 201, description: '{ id, writeKey, name, kind, … }' },
      handler: async ({ body, caller }) => {
        const { source, writeKey } = await sources.create(caller.workspaceId, body.name, body.kind);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'source.create',
          target: source.id,
          detail: { name: source.name, kind: source.kind },
        });
        return { ...source, writeKey };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/sources',
      role: 'viewer',
      tag: 'sources',
      summary: 'List sources with their health: events received, last event, open rejected records',
      handler: async ({ caller }) => {
        const activity = await sources.activity(caller.workspaceId, settle);
        return {
          sources: sources.list(caller.workspaceId).map((s) => ({
            ...s,
            retiredKeys: sources.retiredKeys(s.id),
            ...(activity.get(s.id) ?? { events: 0, lastReceivedAt: null, rejectedOpen: 0 }),
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/sources/:id/rotate-key',
      role: 'admin',
      tag: 'sources',
      summary:
        'Give a source a new write key (in this answer only); the old one stops now, or after graceHours (at most 168)',
      params: idParams,
      body: z
        .strictObject({
          graceHours: z
            .number()
            .min(0)
            .max(MAX_KEY_GRACE_MS / 3_600_000)
            .default(0),
        })
        .default({
          graceHours: 0,
        }),
      handler: async ({ params, body, caller }) => {
        const id = external(caller.workspaceId, params.id).id;
        const rotated = await sources.rotate(id, Math.round(body.graceHours * 3_600_000));
        if (!rotated) throw new AppError('not_found', `no source ${id}`);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'source.rotate_key',
          target: id,
          detail: { graceHours: body.graceHours, hint: rotated.source.writeKeyHint },
        });
        return { ...rotated.source, retiredKeys: sources.retiredKeys(id), writeKey: rotated.writeKey };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/sources/:id/disable',
      role: 'admin',
      tag: 'sources',
      summary: 'Disable a source: its write key stops working',
      params: idParams,
      handler: async ({ params, caller }) => {
        const result = await sources.setDisabled(external(caller.workspaceId, params.id).id, true);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'source.disable',
          target: params.id,
        });
        return result;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/sources/:id/enable',
      role: 'admin',
      tag: 'sources',
      summary: 'Enable a disabled source again',
      params: idParams,
      handler: async ({ params, caller }) => {
        const result = await sources.setDisabled(external(caller.workspaceId, params.id).id, false);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'source.enable',
          target: params.id,
        });
        return result;
      },
    }),
  ];
}
