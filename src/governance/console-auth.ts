import { randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { ok, type Result } from '../platform/errors.js';
import { recordAudit } from './audit.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import type { Role } from './roles.js';
import type { LiveSession, SessionRegistry } from './sessions.js';
import { usernameKey, type User, type UserProblem, type UserRegistry } from './users.js';

/**
 * Console login: throttled, answering a wrong username and a wrong password alike and in similar
 * time (an unknown username is checked against a dummy hash), opening a session on success.
 */

export interface ClientMeta {
  ip: string;
  userAgent: string | null;
}

export type LoginOutcome =
  | { kind: 'ok'; user: User; token: string; session: LiveSession }
  /** Wrong username or wrong password: deliberately one outcome. */
  | { kind: 'refused' }
  /** The right password for a disabled user (only someone who knows the password learns this). */
  | { kind: 'disabled' }
  | { kind: 'throttled'; scope: 'username' | 'ip'; retryAfterMs: number };

/** A live console session with its user's current role, as the HTTP layer authenticates it. */
export interface AuthenticatedSession {
  id: string;
  workspaceId: string;
  userId: string;
  role: Role;
  csrfToken: string;
}

/** Which session a request runs in (what the HTTP caller knows of it). */
export interface SessionRef {
  id: string;
  workspaceId: string;
  userId: string;
}

export type PasswordChangeProblem =
  | UserProblem
  | { code: 'wrong_password'; message: string }
  | { code: 'same_password'; message: string }
  | { code: 'throttled'; message: string; retryAfterMs: number };

/** How audit entries name a console user (`caller.apiKeyId` carries the same for sessions). */
export const userActor = (userId: string): string => `user:${userId}`;

export class ConsoleAuth {
  /** What unknown usernames are checked against, so they cost what a wrong password costs. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserRegistry,
    private readonly sessions: SessionRegistry,
    private readonly throttle: LoginThrottle,
  ) {
    this.dummyHash = hashPassword(randomBytes(18).toString('base64url'));
  }

  async login(
    workspaceId: string,
    username: string,
    password: string,
    meta: ClientMeta,
  ): Promise<LoginOutcome> {
    const throttleKey = `${workspaceId}\u0000${usernameKey(username)}`;
    const allowed = this.throttle.check(throttleKey, meta.ip);
    if (!allowed.ok) return { kind: 'throttled', scope: allowed.scope, retryAfterMs: allowed.retryAfterMs };

    const found = this.users.credentials(workspaceId, username);
    const hash = found?.passwordHash ?? (await this.dummyHash);
    const matches = (await verifyPassword(password, hash)) && found !== undefined;
    if (!matches) {
      this.throttle.failed(throttleKey, meta.ip);
      // Recorded for unknown usernames too: it keeps both paths alike in time, and shows sprays.
      // What was typed as an unknown username is left out: it is often a password in the wrong box.
      await recordAudit(
        this.db,
        {
          workspaceId,
          actor: found ? userActor(found.user.id) : null,
          action: 'user.login_failed',
          target: found?.user.id ?? null,
          detail: found
            ? { username: found.user.username, ip: meta.ip, reason: 'password' }
            : { ip: meta.ip, reason: 'unknown user' },
        },
        this.clock.now(),
      );
      return { kind: 'refused' };
    }
    const { user } = found;
    if (user.disabled) {
      await recordAudit(
        this.db,
        {
          workspaceId,
          actor: userActor(user.id),
          action: 'user.login_failed',
          target: user.id,
          detail: { username: user.username, ip: meta.ip, reason: 'disabled' },
        },
        this.clock.now(),
      );
      return { kind: 'disabled' };
    }
    this.throttle.succeeded(throttleKey);
    // Parameters made stronger since this hash was made: the password is at hand, so re-hash now.
    const rehashed = needsRehash(hash) ? await hashPassword(password) : null;
    const opened = await this.users.recordLogin(workspaceId, user.id, hash, rehashed, async (tx) => {
      const result = await this.sessions.open(tx, workspaceId, user.id, meta);
      await recordAudit(
        tx,
        {
          workspaceId,
          actor: userActor(user.id),
          action: 'user.login',
          target: user.id,
          detail: { session: result.session.id, ip: meta.ip },
        },
        this.clock.now(),
      );
      return result;
    });
    // The password changed or the user was disabled while the hash was being checked.
    if (!opened) return { kind: 'refused' };
    return { kind: 'ok', user: opened.user, token: opened.value.token, session: opened.value.session };
  }

  /** The session a cookie token names, with its user's role now; undefined once lapsed, ended or disabled. */
  authenticate(token: string): AuthenticatedSession | undefined {
    const session = this.sessions.authenticate(token);
    if (!session) return undefined;
    const user = this.users.get(session.workspaceId, session.userId);
    if (!user || user.disabled) {
      this.sessions.drop(session.id);
      return undefined;
    }
    return {
      id: session.id,
      workspaceId: session.workspaceId,
      userId: session.userId,
      role: user.role,
      csrfToken: session.csrfToken,
    };
  }

  /** The CSRF token of a live session (the console reads it again after a reload). */
  csrfTokenOf(sessionId: string): string | undefined {
    return this.sessions.get(sessionId)?.csrfToken;
  }

  async logout(session: SessionRef, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.sessions.end(tx, session.id, 'logout');
      await recordAudit(
        tx,
        {
          workspaceId: session.workspaceId,
          actor: userActor(session.userId),
          action: 'user.logout',
          target: session.userId,
          detail: { session: session.id, ip },
        },
        this.clock.now(),
      );
    });
  }

  /**
   * A user changes their own password: the current one must be right (wrong guesses count toward
   * the login throttle). Every session of the user ends, and a new one is opened for this client.
   */
  async changePassword(
    session: SessionRef,
    current: string,
    next: string,
    meta: ClientMeta,
  ): Promise<Result<{ user: User; token: string; session: LiveSession }, PasswordChangeProblem>> {
    const me = this.users.get(session.workspaceId, session.userId);
    if (!me) return { ok: false, error: { code: 'not_found', message: 'this session has no user any more' } };
    const throttleKey = `${session.workspaceId}\u0000${usernameKey(me.username)}`;
    const allowed = this.throttle.check(throttleKey, meta.ip);
    if (!allowed.ok)
      return {
        ok: false,
        error: {
          code: 'throttled',
          message: 'too many wrong passwords; try again later',
          retryAfterMs: allowed.retryAfterMs,
        },
      };
    const hash = this.users.credentials(session.workspaceId, me.username)?.passwordHash ?? '';
    if (!(await verifyPassword(current, hash))) {
      this.throttle.failed(throttleKey, meta.ip);
      return { ok: false, error: { code: 'wrong_password', message: 'the current password is wrong' } };
    }
    if (current === next)
      return {
        ok: false,
        error: { code: 'same_password', message: 'the new password must differ from the current one' },
      };
    const actor = userActor(me.id);
    const changed = await this.users.update(session.workspaceId, me.id, { password: next }, actor, {
      action: 'user.password_change',
    });
    if (!changed.ok) return changed;
    const renewed = await this.db.transaction(async (tx) => {
      const opened = await this.sessions.open(tx, session.workspaceId, me.id, meta);
      await recordAudit(
        tx,
        {
          workspaceId: session.workspaceId,
          actor,
          action: 'user.login',
          target: me.id,
          detail: { session: opened.session.id, ip: meta.ip, after: 'password change' },
        },
        this.clock.now(),
      );
      return opened;
    });
    return ok({ user: changed.value, ...renewed });
  }
}
