import type { Clock } from '../platform/clock.js';
import type { Database, Tx } from '../platform/db/duckdb.js';
import { ok, type Result } from '../platform/errors.js';
import { generateId } from '../platform/ids.js';
import { recordAudit } from './audit.js';
import { checkPassword, hashPassword } from './passwords.js';
import type { Role } from './roles.js';
import type { SessionRegistry } from './sessions.js';
import { insertUser, selectUsers, updateUser, type UserRow } from './user-store.js';

/** Console users per workspace: who they are, their role, and (held apart) their password hash. */

export interface User {
  id: string;
  workspaceId: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export type UserProblemCode =
  | 'invalid_username'
  | 'username_taken'
  | 'not_found'
  | 'last_admin'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_contains_username';

export interface UserProblem {
  code: UserProblemCode;
  message: string;
}

/** Letters, digits and `. _ @ + -` (an e-mail address fits), starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Usernames compare without case: `Alice` and `alice` are one user. */
export const usernameKey = (username: string): string => username.trim().toLowerCase();

const iso = (ms: number): string => new Date(ms).toISOString();

/** The user as answered and logged: never the hash. */
const toUser = (r: UserRow): User => ({
  id: r.id,
  workspaceId: r.workspace_id,
  username: r.username,
  displayName: r.display_name,
  role: r.role as Role,
  disabled: r.disabled,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  lastLoginAt: r.last_login_at === null ? null : iso(r.last_login_at),
});

const problem = (code: UserProblemCode, message: string): { ok: false; error: UserProblem } => ({
  ok: false,
  error: { code, message },
});

function passwordProblem(password: string, username: string): { ok: false; error: UserProblem } | null {
  const checked = checkPassword(password, username);
  return checked.ok ? null : problem(checked.error.code as UserProblemCode, checked.error.message);
}

const activeAdmin = (r: UserRow): boolean => r.role === 'admin' && !r.disabled;

export class UserRegistry {
  private readonly rows = new Map<string, UserRow>();
  /** Changes run one at a time, so the last-admin rule cannot be raced past. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly sessions: SessionRegistry,
  ) {}

  async load(): Promise<void> {
    this.rows.clear();
    for (const r of await selectUsers(this.db)) this.rows.set(r.id, r);
  }

  list(workspaceId: string): User[] {
    return [...this.rows.values()].filter((r) => r.workspace_id === workspaceId).map(toUser);
  }

  get(workspaceId: string, id: string): User | undefined {
    const r = this.rows.get(id);
    return r && r.workspace_id === workspaceId ? toUser(r) : undefined;
  }

  hasUsers(workspaceId: string): boolean {
    return [...this.rows.values()].some((r) => r.workspace_id === workspaceId);
  }

  /** The user and password hash a login checks against; for the login path only. */
  credentials(workspaceId: string, username: string): { user: User; passwordHash: string } | undefined {
    const key = usernameKey(username);
    for (const r of this.rows.values()) {
      if (r.workspace_id === workspaceId && r.username_key === key)
        return { user: toUser(r), passwordHash: r.password_hash };
    }
    return undefined;
  }

  async create(workspaceId: string, input: NewUser, actor: string): Promise<Result<User, UserProblem>> {
    const username = input.username.trim();
    if (!USERNAME_PATTERN.test(username))
      return problem(
        'invalid_username',
        'a username is 1–64 letters, digits and . _ @ + -, starting with a letter or digit',
      );
    const weak = passwordProblem(input.password, username);
    if (weak) return weak;
    const passwordHash = await hashPassword(input.password);
    return this.serial(async () => {
      const key = usernameKey(username);
      if ([...this.rows.values()].some((r) => r.workspace_id === workspaceId && r.username_key === key))
        return problem('username_taken', `there is already a user ${username} (usernames ignore case)`);
      const now = this.clock.now();
      const row: UserRow = {
        id: generateId('usr'),
        workspace_id: workspaceId,
        username,
        username_key: key,
        display_name: input.displayName.trim() || username,
        role: input.role,
        password_hash: passwordHash,
        disabled: false,
        created_at: now,
        updated_at: now,
        last_login_at: null,
      };
      await this.db.transaction(async (tx) => {
        await insertUser(tx, row);
        await recordAudit(
          tx,
          {
            workspaceId,
            actor,
            action: 'user.create',
            target: row.id,
            detail: { username, displayName: row.display_name, role: row.role },
          },
          now,
        );
      });
      this.rows.set(row.id, row);
      return ok(toUser(row));
    });
  }

  /**
   * Changes a user. Disabling one or setting a password ends their sessions; the last active
   * admin of a workspace can be neither demoted nor disabled (nobody could manage users after).
   */
  async update(
    workspaceId: string,
    id: string,
    changes: UserChanges,
    actor: string,
    options: { action?: string } = {},
  ): Promise<Result<User, UserProblem>> {
    const before = this.rows.get(id);
    if (!before || before.workspace_id !== workspaceId) return problem('not_found', `no user ${id}`);
    if (changes.password !== undefined) {
      const weak = passwordProblem(changes.password, before.username);
      if (weak) return weak;
    }
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    return this.serial(async () => {
      const current = this.rows.get(id)!;
      const next: UserRow = {
        ...current,
        display_name: changes.displayName?.trim() || current.display_name,
        role: changes.role ?? current.role,
        disabled: changes.disabled ?? current.disabled,
        password_hash: passwordHash ?? current.password_hash,
        updated_at: this.clock.now(),
      };
      if (activeAdmin(current) && !activeAdmin(next)) {
        const others = [...this.rows.values()].filter(
          (r) => r.workspace_id === workspaceId && r.id !== id && activeAdmin(r),
        );
        if (others.length === 0)
          return problem(
            'last_admin',
            `${current.username} is the last active admin: make another user admin before demoting or disabling this one`,
          );
      }
      const endSessions = (next.disabled && !current.disabled) || passwordHash !== undefined;
      const detail: Record<string, unknown> = {};
      if (next.display_name !== current.display_name) detail.displayName = next.display_name;
      if (next.role !== current.role) detail.role = { from: current.role, to: next.role };
      if (next.disabled !== current.disabled) detail.disabled = next.disabled;
      if (passwordHash !== undefined) detail.password = 'changed';
      await this.db.transaction(async (tx) => {
        await updateUser(tx, next);
        if (endSessions)
          detail.sessionsEnded = await this.sessions.endForUser(
            tx,
            id,
            next.disabled ? 'user disabled' : 'password changed',
          );
        await recordAudit(
          tx,
          { workspaceId, actor, action: options.action ?? 'user.update', target: id, detail },
          next.updated_at,
        );
      });
      this.rows.set(id, next);
      return ok(toUser(next));
    });
  }

  /**
   * Records a login: runs `inTx` (opening the session) in the transaction that stamps the login
   * time, unless the password changed since `verifiedHash` was checked (then null). `rehashed`
   * replaces a hash made with older parameters.
   */
  async recordLogin<T>(
    workspaceId: string,
    id: string,
    verifiedHash: string,
    rehashed: string | null,
    inTx: (tx: Tx) => Promise<T>,
  ): Promise<{ user: User; value: T } | null> {
    return this.serial(async () => {
      const current = this.rows.get(id);
      if (!current || current.workspace_id !== workspaceId || current.disabled) return null;
      if (current.password_hash !== verifiedHash) return null;
      const now = this.clock.now();
      const next: UserRow = {
        ...current,
        last_login_at: now,
        password_hash: rehashed ?? current.password_hash,
      };
      const value = await this.db.transaction(async (tx) => {
        await updateUser(tx, next);
        return inTx(tx);
      });
      this.rows.set(id, next);
      return { user: toUser(next), value };
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
