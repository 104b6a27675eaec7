import { describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.js';
import { LoginThrottle } from './login-throttle.js';

const MIN = 60_000;
const limits = { maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowMs: 15 * MIN, lockoutMs: 15 * MIN };

describe('login throttle', () => {
  it('locks a username after 5 failures within 15 minutes, for 15 minutes', () => {
    const clock = new ManualClock(0);
    const t = new LoginThrottle(limits, clock);
    for (let i = 0; i < 4; i++) {
      expect(t.check('alice', `10.0.0.${i}`).ok).toBe(true);
      t.failed('alice', `10.0.0.${i}`);
      clock.advance(MIN);
    }
    expect(t.check('alice', '10.0.0.9').ok).toBe(true);
    t.failed('alice', '10.0.0.9');
    expect(t.check('alice', '10.0.0.10')).toEqual({ ok: false, scope: 'username', retryAfterMs: 15 * MIN });
    expect(t.check('bob', '10.0.0.10').ok).toBe(true);
    clock.advance(15 * MIN - 1);
    expect(t.check('alice', '10.0.0.10').ok).toBe(false);
    clock.advance(1);
    expect(t.check('alice', '10.0.0.10').ok).toBe(true);
  });

  it('forgets failures older than the window', () => {
    const clock = new ManualClock(0);
    const t = new LoginThrottle(limits, clock);
    for (let i = 0; i < 4; i++) t.failed('alice', 'ip');
    clock.advance(15 * MIN + 1);
    t.failed('alice', 'ip');
    expect(t.check('alice', 'ip').ok).toBe(true);
  });

  it('locks an address after 20 failures over any usernames', () => {
    const clock = new ManualClock(0);
    const t = new LoginThrottle(limits, clock);
    for (let i = 0; i < 20; i++) t.failed(`user${i}`, '192.0.2.1');
    expect(t.check('someone-else', '192.0.2.1')).toMatchObject({ ok: false, scope: 'ip' });
    expect(t.check('someone-else', '192.0.2.2').ok).toBe(true);
  });

  it('a success clears the username, not the address', () => {
    const clock = new ManualClock(0);
    const t = new LoginThrottle({ ...limits, maxFailuresPerIp: 6 }, clock);
    for (let i = 0; i < 4; i++) t.failed('alice', 'ip');
    t.succeeded('alice');
    t.failed('alice', 'ip');
    expect(t.check('alice', 'other-ip').ok).toBe(true);
    t.failed('bob', 'ip');
    expect(t.check('carol', 'ip')).toMatchObject({ ok: false, scope: 'ip' });
  });
});
