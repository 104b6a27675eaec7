import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKey } from '../governance/api-keys.js';
import { roleAllows, type Role } from '../governance/roles.js';
import { AppError } from '../platform/errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a caller proved who it is: a bearer API key, a console session cookie, or nothing (public routes). */
export type AuthMethod = 'apiKey' | 'session' | 'none';

/** Who is calling: resolved from the bearer API key or the console session cookie. */
export interface Caller {
  workspaceId: string;
  role: Role;
  /** The API key's id, or `user:<id>` for a console session, so audit entries name who acted. */
  apiKeyId: string;
  /** The console user; null for API keys. */
  userId: string | null;
  /** The console session; null for API keys. */
  sessionId: string | null;
  auth: AuthMethod;
}

/** A live console session, as `SessionAuthenticator` finds it from the cookie. */
export interface ConsoleSession {
  id: string;
  workspaceId: string;
  userId: string;
  /** The user's role now (a changed role applies to running sessions at once). */
  role: Role;
  csrfToken: string;
}

export interface SessionAuthenticator {
  authenticate(token: string): ConsoleSession | undefined;
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

export const SESSION_COOKIE = 'tessera_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The session token from the `Cookie` header (RFC 6265 §5.4), if there is one. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length > 0 ? value : undefined;
  }
  return undefined;
}

/**
 * `HttpOnly` keeps the token from scripts, `SameSite=Strict` from other sites' requests (RFC 6265bis
 * §4.1.2.7), `Secure` from plain HTTP whenever the request itself came over HTTPS.
 */
function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  void reply.header('set-cookie', cookie(request, token, Math.floor(maxAgeMs / 1000)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('set-cookie', cookie(request, '', 0));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who calls a route that is not public. A bearer API key wins when sent (no CSRF check: it is not
 * an ambient credential a browser adds by itself); otherwise the console session cookie, and
 * then every unsafe method must carry the session's CSRF token in `x-csrf-token`
 * (OWASP CSRF Prevention Cheat Sheet, synchronizer token pattern).
 */
function authenticateCaller(
  route: RouteDef,
  required: Role,
  request: FastifyRequest,
  reply: FastifyReply,
  authenticate: (token: string) => ApiKey | undefined,
  sessions: SessionAuthenticator | undefined,
): Caller {
  const cookieToken = sessions && !request.headers.authorization ? sessionToken(request) : undefined;
  if (cookieToken === undefined || !sessions) {
    const token = bearerToken(request);
    if (!token) {
      throw new AppError(
        'unauthorized',
        'missing API key: send "Authorization: Bearer <api key>", or log in to the console',
      );
    }
    const key = authenticate(token);
    if (!key) throw new AppError('unauthorized', 'invalid or revoked API key');
    if (!roleAllows(key.role, required)) {
      throw new AppError(
        'forbidden',
        `${route.method} ${route.url} needs the ${route.role} role; this API key has ${key.role}`,
      );
    }
    return {
      workspaceId: key.workspaceId,
      role: key.role,
      apiKeyId: key.id,
      userId: null,
      sessionId: null,
      auth: 'apiKey',
    };
  }
  const session = sessions.authenticate(cookieToken);
  if (!session) {
    clearSessionCookie(request, reply);
    throw new AppError('unauthorized', 'the console session has expired or was ended; log in again');
  }
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || given.length === 0) {
      throw new AppError(
        'forbidden',
        `missing CSRF token: send the ${CSRF_HEADER} header with the csrfToken from login or GET /api/v1/auth/me`,
      );
    }
    if (!sameToken(given, session.csrfToken)) {
      throw new AppError(
        'forbidden',
        `invalid CSRF token in ${CSRF_HEADER}: use the csrfToken of this session (GET /api/v1/auth/me)`,
      );
    }
  }
  if (!roleAllows(session.role, required)) {
    throw new AppError(
      'forbidden',
      `${route.method} ${route.url} needs the ${route.role} role; this user has ${session.role}`,
    );
  }
  return {
    workspaceId: session.workspaceId,
    role: session.role,
    apiKeyId: `user:${session.userId}`,
    userId: session.userId,
    sessionId: session.id,
    auth: 'session',
  };
}

export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  authenticate: (token: string) => ApiKey | undefined,
  sessions?: SessionAuthenticator,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const caller: Caller =
          route.role === 'public'
            ? { workspaceId: '', role: 'viewer', apiKeyId: '', userId: null, sessionId: null, auth: 'none' }
            : authenticateCaller(route, route.role, request, reply, authenticate, sessions);
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
      security: route.role === 'public' ? [] : [{ bearer: [] }, { session: [] }],
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
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Tessera API key (tsk_…)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `Console session from POST /api/v1/auth/login; unsafe methods also need the ${CSRF_HEADER} header`,
        },
      },
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
