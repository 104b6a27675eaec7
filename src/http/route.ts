import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKey } from '../governance/api-keys.js';
import { roleAllows, type Role } from '../governance/roles.js';
import { AppError } from '../platform/errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who is calling: resolved from the bearer API key (console sessions come later). */
export interface Caller {
  workspaceId: string;
  role: Role;
  apiKeyId: string;
}

export interface RouteContext<Q, B, P> {
  query: Q;
  body: B;
  params: P;
  caller: Caller;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * A management API route. Every route declares the least role that may call it (or `public`),
 * and its inputs as zod schemas: they validate the request and generate the OpenAPI document.
 */
export interface RouteDef<Q = unknown, B = unknown, P = unknown> {
  method: HttpMethod;
  url: string;
  role: Role | 'public';
  summary: string;
  tag: string;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  params?: z.ZodType<P>;
  /** A body that is not JSON (a file upload): its media types, read from the raw request. */
  rawBody?: string[];
  /** Status of a successful answer (200 when absent) and what it holds. */
  success?: { status?: number; description: string };
  handler: (ctx: RouteContext<Q, B, P>) => Promise<unknown>;
}

/** Declares a route with its types inferred from the schemas. */
export function defineRoute<Q = undefined, B = undefined, P = undefined>(def: RouteDef<Q, B, P>): RouteDef {
  return def as unknown as RouteDef;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError(
    'validation_failed',
    `invalid ${where}: ${result.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ')}`,
    result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
  );
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  authenticate: (token: string) => ApiKey | undefined,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        let caller: Caller = { workspaceId: '', role: 'viewer', apiKeyId: '' };
        if (route.role !== 'public') {
          const token = bearerToken(request);
          if (!token) {
            throw new AppError('unauthorized', 'missing API key: send "Authorization: Bearer <api key>"');
          }
          const key = authenticate(token);
          if (!key) throw new AppError('unauthorized', 'invalid or revoked API key');
          if (!roleAllows(key.role, route.role)) {
            throw new AppError(
              'forbidden',
              `${route.method} ${route.url} needs the ${route.role} role; this API key has ${key.role}`,
            );
          }
          caller = { workspaceId: key.workspaceId, role: key.role, apiKeyId: key.id };
        }
        const query = parse(route.query, request.query, 'query');
        const params = parse(route.params, request.params, 'params');
        const body = route.rawBody ? request.body : parse(route.body, request.body, 'body');
        const result = await route.handler({ query, body, params, caller, request, reply });
        if (!reply.sent) reply.code(route.success?.status ?? 200);
        return result;
      },
    });
  }
}

/** The OpenAPI 3.1 document of the management API, generated from the route definitions. */
export function openApiDocument(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['query', route.query],
      ['path', route.params],
    ] as const) {
      if (!schema) continue;
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (json.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      'x-tessera-role': route.role,
      security: route.role === 'public' ? [] : [{ bearer: [] }],
      parameters,
      responses: {
        [String(route.success?.status ?? 200)]: { description: route.success?.description ?? 'OK' },
        ...(route.role === 'public'
          ? {}
          : {
              '401': { $ref: '#/components/responses/Error' },
              '403': { $ref: '#/components/responses/Error' },
            }),
        '422': { $ref: '#/components/responses/Error' },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': { schema: z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) },
        },
      };
    } else if (route.rawBody) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          route.rawBody.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera management API',
      version,
      description:
        'Every route declares the least role that may call it in x-tessera-role (viewer < analyst < marketer < admin).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Tessera API key (tsk_…)' } },
      responses: {
        Error: {
          description: 'An error naming the problem',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message'],
                    properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
                  },
                  requestId: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
