import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/governance/audit.js';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, TEST_ADMIN_PASSWORD, type TestTessera } from '../support/tessera.js';

/**
 * The console's login backend through real HTTP: fetch with a cookie jar of one cookie, CSRF
 * tokens, throttling, roles, revocation, expiry on an injected clock, and the bootstrap admin.
 */

const HOUR = 3_600_000;
const WS = 'ws_default';
let ipCounter = 0;

interface Answer {
  status: number;
  body: any;
  setCookie: string[];
  ms: number;
}

/** A browser of one origin: keeps the session cookie it is given, sends it back, knows its CSRF token. */
class Browser {
  token: string | undefined;
  csrf: string | undefined;
  /** Each browser comes from its own address (the server trusts X-Forwarded-For), so IP throttling stays apart. */
  readonly ip = `198.51.100.${++ipCounter}`;

  constructor(private readonly base: () => string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${this.base()}${path}`, {
      method,
      headers: {
        'x-forwarded-for': this.ip,
        ...(this.token ? { cookie: `tessera_session=${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const m = /^tessera_session=([^;]*)/.exec(c);
      if (m) this.token = m[1] || undefined;
    }
    return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookie, ms };
  }

  /** An unsafe request with this session's CSRF token. */
  send(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.request(method, path, body, this.csrf ? { 'x-csrf-token': this.csrf } : {});
  }

  async login(username: string, password: string): Promise<Answer> {
    const r = await this.request('POST', '/api/v1/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}

describe('console login', () => {
  let t: TestTessera;
  const clock = new ManualClock(Date.now());
  const browser = (): Browser => new Browser(() => t.url);
  let n = 0;
  /** A new user through the admin API (bearer key); its username and password. */
  const newUser = async (role: string, password = 'a perfectly fine password') => {
    const username = `user${++n}`;
    const r = await t.api('POST', '/api/v1/users', { username, displayName: `User ${n}`, role, password });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, username, password };
  };

  beforeAll(async () => {
    t = await startTestTessera({}, undefined, { clock });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('logs in with a cookie and a CSRF token, answers /me, and logs out', async () => {
    const b = browser();
    const login = await b.login('admin', TEST_ADMIN_PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
    expect(login.body.user.lastLoginAt).toEqual(expect.any(String));
    expect(login.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = login.setCookie.find((c) => c.startsWith('tessera_session='))!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    expect(cookie).not.toMatch(/Secure/);
    expect(b.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Neither the token nor any hash is in the answer.
    expect(JSON.stringify(login.body)).not.toContain(b.token!);
    expect(JSON.stringify(login.body)).not.toMatch(/scrypt|hash|password/i);

    const me = await b.request('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: expect.objectContaining({ username: 'admin' }),
      csrfToken: b.csrf,
      piiRole: 'marketer',
    });

    // The session works on any management route of its role.
    expect((await b.request('GET', '/api/v1/users')).status).toBe(200);

    const out = await b.send('POST', '/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expect(out.setCookie[0]).toMatch(/^tessera_session=; .*Max-Age=0/);
    expect(b.token).toBeUndefined();

    // The old token no longer opens anything, and the server says why.
    const stale = new Browser(() => t.url);
    stale.token = login.setCookie[0]!.split(';')[0]!.split('=')[1];
    const after = await stale.request('GET', '/api/v1/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/session has expired or was ended/);

    const audit = await listAudit(t.db, WS, { action: 'user.log', limit: 50 });
    const me0 = me.body.user.id as string;
    expect(audit.filter((e) => e.actor === `user:${me0}`).map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.login', 'user.logout']),
    );
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const b = browser();
    const r = await b.request(
      'POST',
      '/api/v1/auth/login',
      { username: 'admin', password: TEST_ADMIN_PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );
    expect(r.status).toBe(200);
    expect(r.setCookie[0]).toMatch(/; Secure$/);
  });

  it('answers a wrong password and an unknown username alike, in similar time', async () => {
    const victim = await newUser('viewer');
    const wrongPassword: Answer[] = [];
    const unknownUser: Answer[] = [];
    for (let i = 0; i < 3; i++) {
      wrongPassword.push(await browser().login(victim.username, 'not the password at all'));
      unknownUser.push(await browser().login(`nobody${i}`, 'not the password at all'));
    }
    for (const r of [...wrongPassword, ...unknownUser]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toEqual({ code: 'unauthorized', message: 'wrong username or password' });
      expect(r.setCookie).toEqual([]);
    }
    const median = (rs: Answer[]): number => rs.map((r) => r.ms).sort((a, b) => a - b)[1]!;
    const ratio = median(unknownUser) / median(wrongPassword);
    // Both run one scrypt (the unknown name against a dummy hash): nothing like the ~100× of a skipped hash.
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
    const failed = await listAudit(t.db, WS, { action: 'user.login_failed', limit: 50 });
    expect(failed.some((e) => e.target === victim.id && e.detail?.reason === 'password')).toBe(true);
    expect(failed.some((e) => e.target === null && e.detail?.reason === 'unknown user')).toBe(true);
    expect(JSON.stringify(failed)).not.toContain('nobody0');
  });

  it('refuses a username for 15 minutes after 5 failed logins, even with the right password', async () => {
    const u = await newUser('viewer');
    for (let i = 0; i < 5; i++)
      expect((await browser().login(u.username, 'wrong password here')).status).toBe(401);
    const locked = await browser().login(u.username.toUpperCase(), u.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_requests');
    expect(locked.body.error.message).toMatch(
      /too many failed logins for this username; try again in 15 minutes/,
    );
    clock.advance(14 * 60_000);
    expect((await browser().login(u.username, u.password)).status).toBe(429);
    clock.advance(60_000);
    expect((await browser().login(u.username, u.password)).status).toBe(200);
  });

  it('refuses an address after 20 failed logins over any usernames', async () => {
    const b = browser();
    for (let i = 0; i < 20; i++) expect((await b.login(`spray${i}`, 'guess number one')).status).toBe(401);
    const r = await b.login('admin', TEST_ADMIN_PASSWORD);
    expect(r.status).toBe(429);
    expect(r.body.error.message).toMatch(/from this address/);
    expect((await browser().login('admin', TEST_ADMIN_PASSWORD)).status).toBe(200);
    clock.advance(15 * 60_000);
    expect((await b.login('admin', TEST_ADMIN_PASSWORD)).status).toBe(200);
  });

  it('asks cookie-authenticated unsafe requests for the CSRF token, and bearer keys not', async () => {
    const b = browser();
    await b.login('admin', TEST_ADMIN_PASSWORD);
    const missing = await b.request('POST', '/api/v1/sources', { name: 'via cookie' });
    expect(missing.status).toBe(403);
    expect(missing.body.error.message).toMatch(/missing CSRF token/);
    const wrong = await b.request(
      'POST',
      '/api/v1/sources',
      { name: 'via cookie' },
      { 'x-csrf-token': 'x'.repeat(43) },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toMatch(/invalid CSRF token/);
    // Another session's token is no good either.
    const other = browser();
    await other.login('admin', TEST_ADMIN_PASSWORD);
    const crossed = await b.request(
      'POST',
      '/api/v1/sources',
      { name: 'via cookie' },
      { 'x-csrf-token': other.csrf! },
    );
    expect(crossed.status).toBe(403);
    expect((await b.send('POST', '/api/v1/sources', { name: 'via cookie' })).status).toBe(201);
    // Safe methods need none.
    expect((await b.request('GET', '/api/v1/sources')).status).toBe(200);
    // A bearer key is no ambient credential: no CSRF token, as before.
    expect((await t.api('POST', '/api/v1/sources', { name: 'via key' })).status).toBe(201);
    // Sent together, the bearer key decides (a viewer key cannot ride on an admin cookie).
    const viewerKey = (await t.api('POST', '/api/v1/api-keys', { name: 'v', role: 'viewer' })).body
      .key as string;
    const keyWins = await b.request(
      'POST',
      '/api/v1/sources',
      { name: 'both' },
      { authorization: `Bearer ${viewerKey}` },
    );
    expect(keyWins.status).toBe(403);
    expect(keyWins.body.error.message).toMatch(/this API key has viewer/);
  });

  it('lets a viewer session call viewer routes and refuses it marketer routes', async () => {
    const u = await newUser('viewer');
    const b = browser();
    expect((await b.login(u.username, u.password)).status).toBe(200);
    expect((await b.request('GET', '/api/v1/segments')).status).toBe(200);
    const preview = await b.send('POST', '/api/v1/segments/preview', {
      condition: { trait: 'city', op: 'eq', value: '上海' },
    });
    expect(preview.status).toBe(200);
    const create = await b.send('POST', '/api/v1/segments', {
      name: 'not mine to make',
      condition: { trait: 'city', op: 'eq', value: '上海' },
    });
    expect(create.status).toBe(403);
    expect(create.body.error.message).toMatch(/needs the marketer role; this user has viewer/);
    expect((await b.request('GET', '/api/v1/users')).status).toBe(403);
    // A new role applies to the running session at once.
    expect((await t.api('PATCH', `/api/v1/users/${u.id}`, { role: 'marketer' })).status).toBe(200);
    const again = await b.send('POST', '/api/v1/segments', {
      name: 'now mine to make',
      condition: { trait: 'city', op: 'eq', value: '上海' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const segment = await t.api('GET', `/api/v1/segments/${again.body.id}`);
    expect(JSON.stringify(segment.body)).toContain(`user:${u.id}`);
  });

  it('ends a user’s sessions when they are disabled', async () => {
    const u = await newUser('analyst');
    const [b1, b2] = [browser(), browser()];
    await b1.login(u.username, u.password);
    await b2.login(u.username, u.password);
    const patched = await t.api('PATCH', `/api/v1/users/${u.id}`, { disabled: true });
    expect(patched.status).toBe(200);
    expect(patched.body.disabled).toBe(true);
    expect((await b1.request('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await b2.request('GET', '/api/v1/auth/me')).status).toBe(401);
    const refused = await browser().login(u.username, u.password);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/disabled/);
    // A wrong password for a disabled user is just a wrong password.
    expect((await browser().login(u.username, 'not the password!')).status).toBe(401);
    await t.api('PATCH', `/api/v1/users/${u.id}`, { disabled: false });
    expect((await browser().login(u.username, u.password)).status).toBe(200);
  });

  it('ends a user’s sessions when an admin sets their password', async () => {
    const u = await newUser('analyst');
    const b = browser();
    await b.login(u.username, u.password);
    expect((await t.api('PATCH', `/api/v1/users/${u.id}`, { password: 'a brand new password' })).status).toBe(
      200,
    );
    expect((await b.request('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await browser().login(u.username, u.password)).status).toBe(401);
    expect((await browser().login(u.username, 'a brand new password')).status).toBe(200);
  });

  it('changes one’s own password: every old session ends, this client gets a new one', async () => {
    const u = await newUser('viewer');
    const [b, elsewhere] = [browser(), browser()];
    await b.login(u.username, u.password);
    await elsewhere.login(u.username, u.password);
    const oldToken = b.token;
    const oldCsrf = b.csrf;
    const wrong = await b.send('POST', '/api/v1/auth/password', {
      current: 'not my password',
      next: 'my next password!',
    });
    expect(wrong.status).toBe(403);
    const weak = await b.send('POST', '/api/v1/auth/password', { current: u.password, next: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.body.error.details[0].path).toBe('body.next');
    const withName = await b.send('POST', '/api/v1/auth/password', {
      current: u.password,
      next: `${u.username}-is-my-password`,
    });
    expect(withName.status).toBe(422);
    expect(withName.body.error.message).toMatch(/must not contain the username/);
    const changed = await b.send('POST', '/api/v1/auth/password', {
      current: u.password,
      next: 'my next password!',
    });
    expect(changed.status).toBe(200);
    expect(b.token).not.toBe(oldToken);
    expect(changed.body.csrfToken).not.toBe(oldCsrf);
    b.csrf = changed.body.csrfToken;
    expect((await b.request('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/v1/auth/me')).status).toBe(401);
    const old = new Browser(() => t.url);
    old.token = oldToken;
    expect((await old.request('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await browser().login(u.username, u.password)).status).toBe(401);
    expect((await browser().login(u.username, 'my next password!')).status).toBe(200);
    const audit = await listAudit(t.db, WS, { action: 'user.password_change', target: u.id, limit: 5 });
    expect(audit[0]).toMatchObject({
      actor: `user:${u.id}`,
      detail: { password: 'changed', sessionsEnded: 2 },
    });
  });

  it('ends a session after 12 idle hours, and any session after 7 days', async () => {
    const idle = browser();
    await idle.login('admin', TEST_ADMIN_PASSWORD);
    clock.advance(11 * HOUR);
    expect((await idle.request('GET', '/api/v1/auth/me')).status).toBe(200);
    clock.advance(11 * HOUR);
    expect((await idle.request('GET', '/api/v1/auth/me')).status).toBe(200);
    clock.advance(12 * HOUR + 1000);
    const lapsed = await idle.request('GET', '/api/v1/auth/me');
    expect(lapsed.status).toBe(401);
    expect(lapsed.setCookie[0]).toMatch(/^tessera_session=; .*Max-Age=0/);

    const busy = browser();
    await busy.login('admin', TEST_ADMIN_PASSWORD);
    let hours = 0;
    while (hours + 11 <= 7 * 24) {
      clock.advance(11 * HOUR);
      hours += 11;
      expect((await busy.request('GET', '/api/v1/auth/me')).status).toBe(200);
    }
    clock.advance(11 * HOUR);
    expect((await busy.request('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('writes last-seen times in batches, at most once a minute per session', async () => {
    const b = browser();
    await b.login('admin', TEST_ADMIN_PASSWORD);
    const lastSeen = async (): Promise<number> =>
      (
        await t.db.query<{ at: number }>(
          'SELECT epoch_ms(last_seen_at) AS at FROM user_sessions WHERE token_hash = ?',
          [createHash('sha256').update(b.token!).digest('hex')],
        )
      )[0]!.at;
    const loggedIn = await lastSeen();
    clock.advance(30_000);
    await b.request('GET', '/api/v1/auth/me');
    await t.sessions.flush();
    expect(await lastSeen()).toBe(loggedIn);
    clock.advance(40_000);
    await b.request('GET', '/api/v1/auth/me');
    await t.sessions.flush();
    expect(await lastSeen()).toBe(clock.now());
  });

  it('refuses demoting or disabling the last active admin', async () => {
    const admin = (await t.api('GET', '/api/v1/users')).body.users.find((u: any) => u.username === 'admin');
    const demote = await t.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'marketer' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last active admin/);
    expect((await t.api('PATCH', `/api/v1/users/${admin.id}`, { disabled: true })).status).toBe(409);
    const second = await newUser('admin');
    // A disabled admin is not an active one.
    await t.api('PATCH', `/api/v1/users/${second.id}`, { disabled: true });
    expect((await t.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'marketer' })).status).toBe(409);
    await t.api('PATCH', `/api/v1/users/${second.id}`, { disabled: false });
    expect((await t.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'marketer' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${second.id}`, { role: 'viewer' })).status).toBe(409);
    expect((await t.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'admin' })).status).toBe(200);
  });

  it('validates new users: unique usernames ignoring case, the password policy', async () => {
    const u = await newUser('viewer');
    const dup = await t.api('POST', '/api/v1/users', {
      username: u.username.toUpperCase(),
      displayName: 'Twin',
      role: 'viewer',
      password: 'another fine password',
    });
    expect(dup.status).toBe(409);
    const short = await t.api('POST', '/api/v1/users', {
      username: 'shorty',
      displayName: 'S',
      role: 'viewer',
      password: 'too-short',
    });
    expect(short.status).toBe(422);
    expect(short.body.error.message).toMatch(/at least 10 characters/);
    const named = await t.api('POST', '/api/v1/users', {
      username: 'Carol',
      displayName: 'C',
      role: 'viewer',
      password: 'carol-likes-long-passwords',
    });
    expect(named.status).toBe(422);
    expect(named.body.error.message).toMatch(/must not contain the username/);
    const bad = await t.api('POST', '/api/v1/users', {
      username: 'a b',
      displayName: 'C',
      role: 'viewer',
      password: 'a fine long password',
    });
    expect(bad.status).toBe(422);
    expect((await t.api('PATCH', '/api/v1/users/usr_nope', { role: 'viewer' })).status).toBe(404);
    // Users are an admin matter.
    const viewerKey = (await t.api('POST', '/api/v1/api-keys', { name: 'v2', role: 'viewer' })).body
      .key as string;
    expect((await t.api('GET', '/api/v1/users', undefined, viewerKey)).status).toBe(403);
  });

  it('stores salted scrypt hashes and tokens only as hashes; lists nothing secret', async () => {
    const same = 'the very same password';
    const a = await newUser('viewer', same);
    const b = await newUser('viewer', same);
    const rows = await t.db.query<{ id: string; password_hash: string }>(
      'SELECT id, password_hash FROM users WHERE id IN (?, ?)',
      [a.id, b.id],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(r.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    expect(rows[0]!.password_hash.split('$')[4]).not.toBe(rows[1]!.password_hash.split('$')[4]);

    const listed = await t.api('GET', '/api/v1/users');
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.body);
    expect(text).not.toMatch(/scrypt|hash|password/i);
    expect(text).not.toContain(same);
    expect(Object.keys(listed.body.users[0]).sort()).toEqual(
      [
        'createdAt',
        'disabled',
        'displayName',
        'id',
        'lastLoginAt',
        'role',
        'updatedAt',
        'username',
        'workspaceId',
      ].sort(),
    );
    const patched = await t.api('PATCH', `/api/v1/users/${a.id}`, { password: 'yet another password' });
    expect(JSON.stringify(patched.body)).not.toMatch(/scrypt|hash|password/i);

    const br = browser();
    await br.login(a.username, 'yet another password');
    const stored = await t.db.query('SELECT * FROM user_sessions WHERE user_id = ?', [a.id]);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      br.token!,
    );
    expect(stored[0]!.token_hash).toBe(createHash('sha256').update(br.token!).digest('hex'));
    const audit = await listAudit(t.db, WS, { action: 'user.', limit: 1000 });
    expect(JSON.stringify(audit)).not.toMatch(/scrypt|the very same password|yet another password/);
  });

  it('answers API-key callers of session routes clearly', async () => {
    const me = await t.api('GET', '/api/v1/auth/me');
    expect(me.status).toBe(400);
    expect(me.body.error.message).toMatch(/for console sessions/);
    const res = await fetch(`${t.url}/api/v1/auth/me`);
    expect(res.status).toBe(401);
    // A login must be JSON: a cross-site form cannot log a browser in.
    const form = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=admin&password=${encodeURIComponent(TEST_ADMIN_PASSWORD)}`,
    });
    expect(form.status).toBe(415);
    expect(form.headers.getSetCookie()).toEqual([]);
  });
});

describe('the first console admin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-auth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets a generated password in DATA_DIR/admin-password (0600); sessions survive a restart', async () => {
    const first = await startTestTessera({ bootstrapAdminPassword: undefined }, dir);
    let token: string | undefined;
    let csrf: string | undefined;
    try {
      expect(first.adminPasswordFile).toBe(join(dir, 'admin-password'));
      expect(statSync(first.adminPasswordFile!).mode & 0o777).toBe(0o600);
      const password = readFileSync(first.adminPasswordFile!, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      const b = new Browser(() => first.url);
      expect((await b.login('admin', password)).status).toBe(200);
      token = b.token;
      csrf = b.csrf;
      expect((await b.request('GET', '/api/v1/auth/me')).status).toBe(200);
    } finally {
      await first.stop({ keepData: true });
    }
    const second = await startTestTessera({ bootstrapAdminPassword: undefined }, dir);
    try {
      expect(second.adminPasswordFile).toBeUndefined();
      expect((await second.api('GET', '/api/v1/users')).body.users).toHaveLength(1);
      const b = new Browser(() => second.url);
      b.token = token;
      const me = await b.request('GET', '/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.csrfToken).toBe(csrf);
    } finally {
      await second.stop();
    }
  });

  it('takes TESSERA_BOOTSTRAP_ADMIN_PASSWORD when given, and writes no file', async () => {
    const own = mkdtempSync(join(tmpdir(), 'tessera-auth-'));
    const t = await startTestTessera({}, own);
    try {
      expect(t.adminPasswordFile).toBeUndefined();
      expect(() => statSync(join(own, 'admin-password'))).toThrow();
      expect((await new Browser(() => t.url).login('admin', TEST_ADMIN_PASSWORD)).status).toBe(200);
    } finally {
      await t.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("tells the console the workspace's governance.piiRole at login and in auth/me", async () => {
    const t = await startTestTessera({ governance: { piiRole: 'admin' } });
    try {
      const b = new Browser(() => t.url);
      const login = await b.login('admin', TEST_ADMIN_PASSWORD);
      expect(login.body.piiRole).toBe('admin');
      expect((await b.request('GET', '/api/v1/auth/me')).body.piiRole).toBe('admin');
    } finally {
      await t.stop();
    }
  });
});
