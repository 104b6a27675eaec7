import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ClientMeta, ConsoleAuth, SessionRef } from '../../governance/console-auth.js';
import { MAX_PASSWORD_LENGTH } from '../../governance/passwords.js';
import { ROLES, type Role } from '../../governance/roles.js';
import type { UserProblem, UserRegistry } from '../../governance/users.js';
import { AppError, assertNever } from '../../platform/errors.js';
import { clearSessionCookie, defineRoute, setSessionCookie, type Caller, type RouteDef } from '../route.js';

export interface AuthRouteDeps {
  auth: ConsoleAuth;
  users: UserRegistry;
  /** The workspace people log in to (one for now; a later login may name it). */
  workspaceId: string;
  /** Lifetime of the session cookie: the sessions' absolute expiry. */
  sessionMaxMs: number;
  /** The least role that sees personal data in the clear (governance.piiRole), told to the console. */
  piiRole: Role;
}

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const username = z.string().trim().min(1).max(64);
const displayName = z.string().trim().min(1).max(200);

const meta = (request: FastifyRequest): ClientMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

/** The session behind a route that only makes sense for a console user, not for an API key. */
function sessionOf(caller: Caller): SessionRef {
  if (caller.auth !== 'session' || !caller.userId || !caller.sessionId)
    throw new AppError(
      'bad_request',
      'this route is for console sessions; this request authenticated with an API key',
    );
  return { id: caller.sessionId, workspaceId: caller.workspaceId, userId: caller.userId };
}

function fromUserProblem(p: UserProblem, field: string): AppError {
  switch (p.code) {
    case 'not_found':
      return new AppError('not_found', p.message);
    case 'username_taken':
    case 'last_admin':
      return new AppError('conflict', p.message);
    case 'invalid_username':
      return new AppError('validation_failed', p.message, [{ path: 'body.username', message: p.message }]);
    case 'password_too_short':
    case 'password_too_long':
    case 'password_contains_username':
      return new AppError('validation_failed', p.message, [{ path: `body.${field}`, message: p.message }]);
    default:
      return assertNever(p.code);
  }
}

/**
 * 429 has no AppError code yet, so it is written here in the same `{ error, requestId }` shape,
 * with Retry-After (RFC 9110 §10.2.3) in seconds.
 */
function tooManyRequests(
  request: FastifyRequest,
  reply: FastifyReply,
  message: string,
  retryAfterMs: number,
) {
  void reply
    .code(429)
    .header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
    .send({ error: { code: 'too_many_requests', message }, requestId: request.id });
  return reply;
}

const minutes = (ms: number): string => {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return m === 1 ? '1 minute' : `${m} minutes`;
};

export function authRoutes(deps: AuthRouteDeps): RouteDef[] {
  const { auth, users } = deps;
  const userOr404 = (workspaceId: string, id: string) => {
    const user = users.get(workspaceId, id);
    if (!user) throw new AppError('not_found', `no user ${id}`);
    return user;
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/login',
      role: 'public',
      tag: 'auth',
      summary:
        'Log in to the console: sets the tessera_session cookie and answers { user, csrfToken, piiRole }; 429 while throttled',
      body: z.strictObject({ username, password }),
      success: { description: '{ user, csrfToken, piiRole }' },
      handler: async ({ body, request, reply }) => {
        // Only JSON: a cross-site HTML form (urlencoded, sent without a preflight) cannot log a
        // browser in to someone else's account.
        if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
          throw new AppError('unsupported_encoding', 'send the login as application/json');
        const outcome = await auth.login(deps.workspaceId, body.username, body.password, meta(request));
        switch (outcome.kind) {
          case 'ok':
            setSessionCookie(request, reply, outcome.token, deps.sessionMaxMs);
            return { user: outcome.user, csrfToken: outcome.session.csrfToken, piiRole: deps.piiRole };
          case 'refused':
            throw new AppError('unauthorized', 'wrong username or password');
          case 'disabled':
            throw new AppError('forbidden', 'this user is disabled; ask an admin to enable it');
          case 'throttled':
            return tooManyRequests(
              request,
              reply,
              outcome.scope === 'username'
                ? `too many failed logins for this username; try again in ${minutes(outcome.retryAfterMs)}`
                : `too many failed logins from this address; try again in ${minutes(outcome.retryAfterMs)}`,
              outcome.retryAfterMs,
            );
          default:
            return assertNever(outcome);
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/logout',
      role: 'viewer',
      tag: 'auth',
      summary: 'End this console session (needs x-csrf-token) and clear its cookie',
      success: { status: 204, description: 'logged out' },
      handler: async ({ caller, request, reply }) => {
        await auth.logout(sessionOf(caller), request.ip);
        clearSessionCookie(request, reply);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/auth/me',
      role: 'viewer',
      tag: 'auth',
      summary: "This session's user and its CSRF token",
      success: { description: '{ user, csrfToken, piiRole }' },
      handler: async ({ caller }) => {
        const session = sessionOf(caller);
        const token = auth.csrfTokenOf(session.id);
        if (!token) throw new AppError('unauthorized', 'the console session has ended; log in again');
        return {
          user: userOr404(caller.workspaceId, session.userId),
          csrfToken: token,
          piiRole: deps.piiRole,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/password',
      role: 'viewer',
      tag: 'auth',
      summary:
        'Change your own password: every session of yours ends and this client gets a new one ({ user, csrfToken, piiRole })',
      body: z.strictObject({ current: password, next: password }),
      success: { description: '{ user, csrfToken, piiRole }' },
      handler: async ({ caller, body, request, reply }) => {
        const session = sessionOf(caller);
        const r = await auth.changePassword(session, body.current, body.next, meta(request));
        if (!r.ok) {
          const p = r.error;
          if (p.code === 'throttled') return tooManyRequests(request, reply, p.message, p.retryAfterMs);
          if (p.code === 'wrong_password') throw new AppError('forbidden', p.message);
          if (p.code === 'same_password')
            throw new AppError('validation_failed', p.message, [{ path: 'body.next', message: p.message }]);
          throw fromUserProblem(p, 'next');
        }
        setSessionCookie(request, reply, r.value.token, deps.sessionMaxMs);
        return { user: r.value.user, csrfToken: r.value.session.csrfToken, piiRole: deps.piiRole };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/users',
      role: 'admin',
      tag: 'governance',
      summary: 'List console users (never their passwords or hashes)',
      handler: async ({ caller }) => ({ users: users.list(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users',
      role: 'admin',
      tag: 'governance',
      summary: 'Create a console user with a role and a first password (at least 10 characters)',
      body: z.strictObject({ username, displayName, role: z.enum(ROLES), password }),
      success: { status: 201, description: 'the user' },
      handler: async ({ body, caller }) => {
        const r = await users.create(caller.workspaceId, body, caller.apiKeyId);
        if (!r.ok) throw fromUserProblem(r.error, 'password');
        return r.value;
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/users/:id',
      role: 'admin',
      tag: 'governance',
      summary:
        "Change a user's display name, role, disabled flag or password; disabling or a new password ends their sessions",
      params: z.object({ id: z.string().min(1) }),
      body: z
        .strictObject({
          displayName: displayName.optional(),
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
          password: password.optional(),
        })
        .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one change'),
      success: { description: 'the user' },
      handler: async ({ params, body, caller }) => {
        userOr404(caller.workspaceId, params.id);
        const r = await users.update(caller.workspaceId, params.id, body, caller.apiKeyId);
        if (!r.ok) throw fromUserProblem(r.error, 'password');
        return r.value;
      },
    }),
  ];
}
