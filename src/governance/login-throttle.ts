import type { Clock } from '../platform/clock.js';

/**
 * Login throttling (OWASP Authentication Cheat Sheet, "Protect against automated attacks"):
 * after too many failed logins for one username, or from one address, within a window, further
 * attempts are refused for a while — whether or not the password would be right, so a locked
 * account cannot be probed. Usernames count whether or not they exist, so the lock tells nothing.
 * Kept in memory: a restart forgets counts, which costs an attacker a restart they cannot cause.
 */

export interface ThrottleLimits {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowMs: number;
  lockoutMs: number;
}

export type ThrottleCheck = { ok: true } | { ok: false; scope: 'username' | 'ip'; retryAfterMs: number };

interface Counter {
  /** Times of failures inside the window, oldest first. */
  failures: number[];
  lockedUntil: number;
}

/** Above this many counters, stale ones are swept (bounds memory under a spray of usernames). */
const SWEEP_ABOVE = 10_000;

export class LoginThrottle {
  private readonly byUser = new Map<string, Counter>();
  private readonly byIp = new Map<string, Counter>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  /** Whether an attempt for `userKey` from `ip` may be tried now. */
  check(userKey: string, ip: string): ThrottleCheck {
    const now = this.clock.now();
    const user = this.byUser.get(userKey);
    if (user && user.lockedUntil > now)
      return { ok: false, scope: 'username', retryAfterMs: user.lockedUntil - now };
    const address = this.byIp.get(ip);
    if (address && address.lockedUntil > now)
      return { ok: false, scope: 'ip', retryAfterMs: address.lockedUntil - now };
    return { ok: true };
  }

  failed(userKey: string, ip: string): void {
    this.count(this.byUser, userKey, this.limits.maxFailuresPerUser);
    this.count(this.byIp, ip, this.limits.maxFailuresPerIp);
  }

  /** A right password clears the username's failures (not the address's: one good account must not reset a spray). */
  succeeded(userKey: string): void {
    this.byUser.delete(userKey);
  }

  private count(map: Map<string, Counter>, key: string, max: number): void {
    const now = this.clock.now();
    if (map.size > SWEEP_ABOVE) this.sweep(map, now);
    let counter = map.get(key);
    if (!counter) map.set(key, (counter = { failures: [], lockedUntil: 0 }));
    counter.failures = counter.failures.filter((t) => t > now - this.limits.windowMs);
    counter.failures.push(now);
    if (counter.failures.length >= max) {
      counter.lockedUntil = now + this.limits.lockoutMs;
      counter.failures = [];
    }
  }

  private sweep(map: Map<string, Counter>, now: number): void {
    for (const [key, c] of map) {
      const last = c.failures[c.failures.length - 1] ?? 0;
      if (c.lockedUntil <= now && last <= now - this.limits.windowMs) map.delete(key);
    }
  }
}
