import type { EventWriter } from '../../collect/index.js';
import { defineRoute, type RouteDef } from '../route.js';

export function healthRoutes(
  version: string,
  writer: EventWriter,
  openApi: () => Record<string, unknown>,
  startedAt: number,
): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/health',
      role: 'public',
      tag: 'system',
      summary: 'Liveness: answers when the server is up and its store is open',
      handler: async () => ({ status: 'ok', version }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/status',
      role: 'viewer',
      tag: 'system',
      summary: 'Writer statistics and process memory',
      handler: async () => {
        const mem = process.memoryUsage();
        return {
          version,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          writer: writer.getStats(),
          memory: { rss: mem.rss, heapUsed: mem.heapUsed },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/openapi.json',
      role: 'public',
      tag: 'system',
      summary: 'This OpenAPI document',
      handler: async () => openApi(),
    }),
  ];
}
