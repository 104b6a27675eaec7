import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashIdentifier, type AudienceIdType } from '../channels/audience-hash.js';
import { normaliseEmail, normalisePhone } from '../collect/index.js';
import { Database } from '../platform/db/duckdb.js';
import { raw, sql } from '../platform/db/sql.js';
import { audienceForm } from './audience.js';

/*
 * Exports hash in SQL (millions of rows); ad platforms match only if that is exactly the form
 * channels/audience-hash.ts documents. Random identifiers in the form OneID stores them, both ways.
 */

describe('audience hashing in SQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(async () => {
    await db.close();
  });

  const inSql = async (type: string, stored: string, alg: 'md5' | 'sha256'): Promise<string | null> => {
    const form = audienceForm(type, sql`${stored}`);
    const q = sql`SELECT ${form} IS NOT NULL AS ok, ${raw(alg)}(${form}) AS h`;
    const r = (await db.query<{ ok: boolean; h: string | null }>(q.text, q.params))[0]!;
    return r.ok ? r.h : null;
  };

  const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
  const stored: Record<AudienceIdType, fc.Arbitrary<string>> = {
    phone: fc
      .oneof(
        fc
          .tuple(fc.constantFrom('138', '139', '150', '186', '199'), fc.stringMatching(/^\d{8}$/))
          .map(([a, b]) => a + b),
        fc.constantFrom('+85291234567', '+14155550123', '010-62345678'),
      )
      .map((raw) => {
        const p = normalisePhone(raw, { defaultRegion: 'CN' });
        return p.ok ? p.value : raw;
      }),
    email: fc.emailAddress().map((e) => {
      const n = normaliseEmail(e);
      return n.ok ? n.value : e.toLowerCase();
    }),
    idfa: fc.oneof(
      fc.uuid().map((u) => u.toLowerCase()),
      fc.constant('00000000-0000-0000-0000-000000000000'),
    ),
    oaid: fc.oneof(fc.uuid(), hex(16), hex(64), hex(10), fc.constant('00000000-0000-0000-0000-000000000000')),
  };

  it('gives the documented form and digest for every type, or none when JS gives none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom<AudienceIdType>('phone', 'email', 'idfa', 'oaid')
          .chain((type) =>
            fc.tuple(fc.constant(type), stored[type], fc.constantFrom<'md5' | 'sha256'>('md5', 'sha256')),
          ),
        async ([type, value, alg]) => {
          expect(await inSql(type, value, alg)).toBe(hashIdentifier(type, value, alg));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('hashes other identifier types as stored', async () => {
    // printf %s M-1 | md5sum
    expect(await inSql('member_no', 'M-1', 'md5')).toBe('7f8e22c19b2513613769168973edab29');
  });
});
