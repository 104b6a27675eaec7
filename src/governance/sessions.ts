import { randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import type { Database, Tx } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { hashSecret } from '../platform/secrets.js';
import {
  deleteDeadSessions,
  endSessionRow,
  endUserSessionRows,
  insertSession,
  selectLiveSessions,
  updateLastSeen,
  type SessionRow,
} from './session-store.js';

/**
 * Console sessions (OWASP Session Management Cheat Sheet): a random 256-bit token in a cookie,
 * stored only as its SHA-256 (a leaked database opens no session), an idle and an absolute
 * expiry, and a CSRF token per session. Live sessions are held in memory, rebuilt from the store
 * at start; last-seen times go to the store in batches, at most once a minute per session.
 */

export interface SessionLimits {
  /** A session ends after this long without a request. */
  idleMs: number;
  /** … and this long after it began, however busy. */
  maxMs: number;
  /** How stale a stored last-seen time may get (and how often they are written). */
  touchMs?: number;
}

export interface LiveSession {
  id: string;
  workspaceId: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  lastSeen: number;
}

interface Held extends LiveSession {
  tokenHash: string;
  savedLastSeen: number;
}

/** What a session token looks like: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const newToken = (): string => randomBytes(32).toString('base64url');

const publicView = (s: Held): LiveSession => ({
  id: s.id,
  workspaceId: s.workspaceId,
  userId: s.userId,
  csrfToken: s.csrfToken,
  createdAt: s.createdAt,
  lastSeen: s.lastSeen,
});

export class SessionRegistry {
  private readonly byHash = new Map<string, Held>();
  private readonly byId = new Map<string, Held>();
  private readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly touchMs: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: SessionLimits,
    private readonly onError: (err: unknown) => void,
  ) {
    this.touchMs = limits.touchMs ?? 60_000;
  }

  /** Drops sessions that ended or lapsed while stopped, holds the rest, starts the last-seen writer. */
  async load(): Promise<void> {
    const now = this.clock.now();
    const idleSince = now - this.limits.idleMs;
    const createdSince = now - this.limits.maxMs;
    await deleteDeadSessions(this.db, idleSince, createdSince);
    for (const r of await selectLiveSessions(this.db, idleSince, createdSince)) this.hold(r);
    this.timer = setInterval(() => void this.flush(), this.touchMs);
    this.timer.unref();
  }

  /** Opens a session for a user inside `tx`; the token goes to the cookie and nowhere else. */
  async open(
    tx: Pick<Tx, 'run'>,
    workspaceId: string,
    userId: string,
    meta: { ip: string | null; userAgent: string | null },
  ): Promise<{ token: string; session: LiveSession }> {
    const token = newToken();
    const now = this.clock.now();
    const row: SessionRow = {
      id: generateId('ses'),
      workspace_id: workspaceId,
      user_id: userId,
      token_hash: hashSecret(token),
      csrf_token: newToken(),
      created_at: now,
      last_seen_at: now,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    };
    await insertSession(tx, row);
    // Held at once: until the transaction commits nobody knows the token, and if it rolls back
    // the caller never sees it, so the entry is unreachable.
    return { token, session: publicView(this.hold(row)) };
  }

  /** The live session a cookie token names, marked as seen now; undefined when unknown or lapsed. */
  authenticate(token: string): LiveSession | undefined {
    if (!TOKEN.test(token)) return undefined;
    const held = this.byHash.get(hashSecret(token));
    if (!held) return undefined;
    const now = this.clock.now();
    if (now - held.lastSeen > this.limits.idleMs || now - held.createdAt > this.limits.maxMs) {
      // Lapsed: forgotten now; its row is deleted at the next start.
      this.forget(held);
      return undefined;
    }
    held.lastSeen = now;
    if (now - held.savedLastSeen >= this.touchMs) this.touched.add(held.id);
    return publicView(held);
  }

  get(id: string): LiveSession | undefined {
    const held = this.byId.get(id);
    return held && publicView(held);
  }

  /** Ends one session inside `tx` (logout). */
  async end(tx: Pick<Tx, 'run'>, id: string, reason: string): Promise<void> {
    await endSessionRow(tx, id, this.clock.now(), reason);
    const held = this.byId.get(id);
    if (held) this.forget(held);
  }

  /**
   * Ends every session of a user inside `tx` (disabled, password changed). They stop working at
   * once, before the transaction commits: should it roll back, they come back only after a restart.
   */
  async endForUser(tx: Pick<Tx, 'run'>, userId: string, reason: string): Promise<number> {
    await endUserSessionRows(tx, userId, this.clock.now(), reason);
    let ended = 0;
    for (const held of [...this.byId.values()]) {
      if (held.userId !== userId) continue;
      this.forget(held);
      ended++;
    }
    return ended;
  }

  /** Drops a session from memory only (its user is gone or disabled; the store follows on restart). */
  drop(id: string): void {
    const held = this.byId.get(id);
    if (held) this.forget(held);
  }

  /** Writes the last-seen times that are due, in one transaction. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const due = [...this.touched].map((id) => this.byId.get(id)).filter((s): s is Held => s !== undefined);
      this.touched.clear();
      if (due.length === 0) return;
      const seen = due.map((s) => s.lastSeen);
      try {
        await this.db.transaction(async (tx) => {
          for (const [i, s] of due.entries()) await updateLastSeen(tx, s.id, seen[i]!);
        });
        for (const [i, s] of due.entries()) s.savedLastSeen = seen[i]!;
      } catch (err) {
        for (const s of due) this.touched.add(s.id);
        this.onError(err);
      }
    });
    return this.flushing;
  }

  /** Stops the writer and writes what is left; call before the database closes. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private hold(r: SessionRow): Held {
    const held: Held = {
      id: r.id,
      workspaceId: r.workspace_id,
      userId: r.user_id,
      csrfToken: r.csrf_token,
      createdAt: r.created_at,
      lastSeen: r.last_seen_at,
      tokenHash: r.token_hash,
      savedLastSeen: r.last_seen_at,
    };
    this.byHash.set(held.tokenHash, held);
    this.byId.set(held.id, held);
    return held;
  }

  private forget(held: Held): void {
    this.byHash.delete(held.tokenHash);
    this.byId.delete(held.id);
    this.touched.delete(held.id);
  }
}
