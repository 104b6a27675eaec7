import { z } from 'zod';
import type { ApiKeyRegistry } from '../../governance/api-keys.js';
import type { AuditEntry } from '../../governance/audit.js';
import { ROLES } from '../../governance/roles.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

export function apiKeyRoutes(
  apiKeys: ApiKeyRegistry,
  audit: (entry: AuditEntry) => Promise<unknown>,
): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/api-keys',
      role: 'admin',
      tag: 'governance',
      summary: 'Create an API key with a role; the key is in this answer only',
      body: z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES) }),
      success: { status: 201, description: '{ id, key, role, … }' },
      handler: async ({ body, caller }) => {
        const { apiKey, secret } = await apiKeys.create(caller.workspaceId, body.name, body.role);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'api_key.create',
          target: apiKey.id,
          detail: { name: body.name, role: body.role },
        });
        return { ...apiKey, key: secret };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/api-keys',
      role: 'admin',
      tag: 'governance',
      summary: 'List API keys (hints only, never the keys)',
      handler: async ({ caller }) => ({ apiKeys: apiKeys.list(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/api-keys/:id',
      role: 'admin',
      tag: 'governance',
      summary: 'Revoke an API key',
      params: z.object({ id: z.string().min(1) }),
      handler: async ({ params, caller }) => {
        const key = await apiKeys.revoke(caller.workspaceId, params.id);
        if (!key) throw new AppError('not_found', `no API key ${params.id}`);
        await audit({
          workspaceId: caller.workspaceId,
          actor: caller.apiKeyId,
          action: 'api_key.revoke',
          target: params.id,
        });
        return key;
      },
    }),
  ];
}
