import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { hashIdentifier } from '../channels/audience-hash.js';
import { normalisePhone } from '../collect/index.js';
import { csvChunk, hashed, type AudienceColumns } from './audience.js';

describe('audience hashing of stored identifiers', () => {
  it('hashes a stored phone exactly as the platforms’ normalisation would (no parsing on the fast path)', () => {
    const mobile = fc
      .tuple(fc.constantFrom('138', '139', '150', '186', '199'), fc.stringMatching(/^\d{8}$/))
      .map(([p, rest]) => `${p}${rest}`);
    fc.assert(
      fc.property(mobile, fc.constantFrom<'md5' | 'sha256'>('md5', 'sha256'), (national, alg) => {
        const stored = normalisePhone(national, { defaultRegion: 'CN' });
        if (!stored.ok) throw new Error(`${national}: ${stored.message}`);
        expect(hashed('phone', stored.value, alg)).toBe(hashIdentifier('phone', national, alg));
      }),
      { numRuns: 500 },
    );
  });

  it('drops what has no audience form and hashes other types as stored', () => {
    expect(hashed('phone', '+85291234567', 'md5')).toBeNull();
    expect(hashed('idfa', '00000000-0000-0000-0000-000000000000', 'md5')).toBeNull();
    expect(hashed('member_no', 'M-1', 'none')).toBe('M-1');
    // printf %s M-1 | md5sum
    expect(hashed('member_no', 'M-1', 'md5')).toBe('7f8e22c19b2513613769168973edab29');
  });

  it('writes CSV that reads back to the same cells, quotes and separators included', () => {
    const columns: AudienceColumns = {
      identifiers: [{ type: 'phone', hash: 'none' }],
      traits: ['name'],
      tags: ['rfm_class'],
    };
    const rows = [
      {
        profileId: 'prof_1',
        identifiers: { phone: ['+8613817263549', '+8613955512837'] },
        traits: { name: '王"小,明' },
        tags: { rfm_class: '重要价值客户' },
      },
      {
        profileId: 'prof_2',
        identifiers: { phone: [] },
        traits: { name: null },
        tags: { rfm_class: ['a', 'b'] },
      },
    ];
    const text = csvChunk(rows, columns, true);
    const back = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    expect(back).toEqual([
      {
        profile_id: 'prof_1',
        phone: '+8613817263549|+8613955512837',
        name: '王"小,明',
        'tag:rfm_class': '重要价值客户',
      },
      { profile_id: 'prof_2', phone: '', name: '', 'tag:rfm_class': '["a","b"]' },
    ]);
  });
});
