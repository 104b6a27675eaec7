import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashIdentifier, normaliseForAudience, type AudienceIdType } from './audience-hash.js';

/*
 * Digests computed outside Node with coreutils (`printf %s VALUE | md5sum`, `| sha256sum`), so
 * these check node:crypto's use here against an independent implementation.
 */
describe('known vectors', () => {
  it.each<[AudienceIdType, string, 'md5' | 'sha256', string]>([
    // Tencent's own example for HASH_IDFA (developers.e.qq.com/docs/audience_management/file).
    ['idfa', 'FF1999CD-7177-4937-A474-74937A102630', 'md5', '2c010ed96aef2fc34983e1e7e9176b7e'],
    [
      'idfa',
      'FF1999CD-7177-4937-A474-74937A102630',
      'sha256',
      '1c97a17ddd0e80a47fed835051a12787535b0059885f0a04c379321adeeda545',
    ],
    // Tencent DataNexus's test case for hash_oaid (datanexus.qq.com/doc/develop/guider/interface/user_id).
    ['oaid', '1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5', 'md5', '83e9158a4fb54c0e1ef0b238639a23ae'],
    [
      'oaid',
      '1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5',
      'sha256',
      '40e4500683ede7d20bfd74c2415176234f751d38013e1542f21fed793fe9a2ee',
    ],
    ['phone', '13800138000', 'md5', '7945bd83237335e5376ff44d62e4f0ae'],
    ['phone', '13800138000', 'sha256', 'a6942f9771d67f34034d2f1926988ed3fad3bf1b4e7cedb9a31f31398dea43bc'],
    ['email', 'foo@example.com', 'md5', 'b48def645758b95537d4424c84d1a9ff'],
    [
      'email',
      'foo@example.com',
      'sha256',
      '321ba197033e81286fedb719d60d4ed5cecaed170733cb4a92013811afc0e3b6',
    ],
  ])('%s %s %s', (type, raw, algorithm, expected) => {
    expect(hashIdentifier(type, raw, algorithm)).toBe(expected);
  });
});

describe('one person written different ways hashes the same', () => {
  it.each<[AudienceIdType, string, string[]]>([
    [
      'phone',
      '13800138000',
      [
        '+86 138 0013 8000',
        '13800138000',
        '86-138-0013-8000',
        '+8613800138000',
        '008613800138000',
        '１３８００１３８０００',
      ],
    ],
    ['email', 'foo@example.com', [' Foo@Example.COM ', 'foo@example.com', 'ＦＯＯ＠ｅｘａｍｐｌｅ。com']],
    [
      'idfa',
      'FF1999CD-7177-4937-A474-74937A102630',
      ['ff1999cd-7177-4937-a474-74937a102630', ' FF1999CD71774937A47474937A102630\n'],
    ],
    ['oaid', '1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5', ['1FE9A970-EFBB-29E0-0BDD-F5DBBF751AB5 ']],
  ])('%s → %s', (type, form, spellings) => {
    for (const raw of spellings) {
      expect(normaliseForAudience(type, raw), raw).toBe(form);
      expect(hashIdentifier(type, raw, 'md5'), raw).toBe(hashIdentifier(type, form, 'md5'));
      expect(hashIdentifier(type, raw, 'sha256'), raw).toBe(hashIdentifier(type, form, 'sha256'));
    }
  });

  it('keeps the other OAID shapes vendors return', () => {
    expect(normaliseForAudience('oaid', 'A1B2C3D4E5F60718')).toBe('a1b2c3d4e5f60718');
    const long = 'ab'.repeat(32);
    expect(normaliseForAudience('oaid', long)).toBe(long);
  });
});

describe('invalid input has no audience form', () => {
  it.each<[AudienceIdType, string]>([
    ['phone', ''],
    ['phone', '138****8000'],
    ['phone', '1380013800'], // 10 digits
    ['phone', '+1 650 253 0000'], // valid, but not a mainland mobile
    ['phone', '010 6552 9988'], // a Beijing landline
    ['phone', '+852 9123 4567'], // Hong Kong mobile: not on the mainland platforms
    ['email', 'foo@'],
    ['email', 'foo example@example.com'],
    ['idfa', '00000000-0000-0000-0000-000000000000'],
    ['idfa', '00000000000000000000000000000000'],
    ['idfa', 'FF1999CD-7177-4937-A474'],
    ['idfa', 'GG1999CD-7177-4937-A474-74937A102630'],
    ['oaid', '00000000-0000-0000-0000-000000000000'],
    ['oaid', '0000000000000000'],
    ['oaid', 'abc123'], // too short for any vendor's format
    ['oaid', 'ab'.repeat(33)],
    ['oaid', '1fe9a970--efbb'],
    ['oaid', 'not-an-oaid-value'],
  ])('%s %j', (type, raw) => {
    expect(normaliseForAudience(type, raw)).toBeNull();
    expect(hashIdentifier(type, raw, 'md5')).toBeNull();
    expect(hashIdentifier(type, raw, 'sha256')).toBeNull();
  });
});

it('returns lowercase hex of the right length', () => {
  expect(hashIdentifier('idfa', 'FF1999CD-7177-4937-A474-74937A102630', 'md5')).toMatch(/^[0-9a-f]{32}$/);
  expect(hashIdentifier('idfa', 'FF1999CD-7177-4937-A474-74937A102630', 'sha256')).toMatch(/^[0-9a-f]{64}$/);
});

describe('normalisation is idempotent', () => {
  const types = fc.constantFrom<AudienceIdType>('phone', 'email', 'idfa', 'oaid');
  const hex = (n: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n });
  const mobile = fc.tuple(fc.constantFrom('', '+86 ', '86-', '0086'), fc.stringMatching(/^1[3-9]\d{9}$/));
  const candidates = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    mobile.map(([prefix, digits]) => prefix + digits),
    fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.uuid(),
    hex(16),
    hex(64),
  );

  it('applying it to its own output changes nothing', () => {
    fc.assert(
      fc.property(types, candidates, (type, raw) => {
        const once = normaliseForAudience(type, raw);
        if (once !== null) expect(normaliseForAudience(type, once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});
