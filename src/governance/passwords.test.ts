import { describe, expect, it } from 'vitest';
import { checkPassword, generatePassword, hashPassword, needsRehash, verifyPassword } from './passwords.js';

const FORMAT = /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

describe('password hashes', () => {
  it('are self-describing scrypt strings with a fresh salt each time', async () => {
    const [a, b] = await Promise.all([
      hashPassword('correct horse battery'),
      hashPassword('correct horse battery'),
    ]);
    expect(a).toMatch(FORMAT);
    expect(b).toMatch(FORMAT);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('verify with the parameters they name, and ask to be re-hashed when those are not current', async () => {
    const old = await hashPassword('an older password', { N: 2 ** 10, r: 8, p: 1 });
    expect(old.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuse what they cannot read, without throwing', async () => {
    const good = await hashPassword('some password here');
    const parts = good.split('$');
    const cases = [
      '',
      'plain',
      good.replace('scrypt', 'bcrypt'),
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'), // N not a power of two
      [...parts.slice(0, 1), String(2 ** 24), ...parts.slice(2)].join('$'), // too costly
      [...parts.slice(0, 4), '!!', parts[5]].join('$'),
      parts.slice(0, 5).join('$'),
    ];
    for (const stored of cases) {
      expect(await verifyPassword('some password here', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});

describe('the password policy', () => {
  it('asks for ten characters and refuses the username inside', () => {
    expect(checkPassword('short', 'alice')).toMatchObject({
      ok: false,
      error: { code: 'password_too_short' },
    });
    // Ten characters, not ten UTF-16 units.
    expect(checkPassword('密码密码密码密码密码', 'alice').ok).toBe(true);
    expect(checkPassword('密码密码密码密码密', 'alice').ok).toBe(false);
    expect(checkPassword('my-ALICE-password', 'alice')).toMatchObject({
      ok: false,
      error: { code: 'password_contains_username' },
    });
    expect(checkPassword('x'.repeat(1025), 'alice')).toMatchObject({
      ok: false,
      error: { code: 'password_too_long' },
    });
    expect(checkPassword('a long enough passphrase', 'alice').ok).toBe(true);
  });

  it('generated passwords pass it', () => {
    for (let i = 0; i < 50; i++) {
      const p = generatePassword('admin');
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
      expect(checkPassword(p, 'admin').ok).toBe(true);
    }
  });
});
