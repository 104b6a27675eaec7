import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../platform/errors.js';
import { decodeJsonBody, maxNesting } from './body.js';

/** Plain reference: the depth of a parsed JSON value. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

const limits = { maxBytes: 1 << 20, maxDepth: 64 };

describe('maxNesting', () => {
  it('equals the depth of the parsed value, brackets inside strings ignored', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        expect(maxNesting(Buffer.from(text), 1000)).toBe(depthOf(value));
      }),
    );
  });
});

describe('decodeJsonBody', () => {
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      return (err as AppError).code;
    }
    return 'ok';
  };

  it('decodes gzip by header or by magic bytes', () => {
    const body = gzipSync('{"a":"中文"}');
    expect(decodeJsonBody(body, 'gzip', limits)).toEqual({ a: '中文' });
    expect(decodeJsonBody(body, undefined, limits)).toEqual({ a: '中文' });
  });

  it('names each problem', () => {
    expect(code(() => decodeJsonBody(Buffer.from('{"a":'), undefined, limits))).toBe('invalid_json');
    expect(code(() => decodeJsonBody(Buffer.from([0x22, 0xff, 0x22]), undefined, limits))).toBe(
      'invalid_utf8',
    );
    expect(code(() => decodeJsonBody(Buffer.from('['.repeat(65) + ']'.repeat(65)), undefined, limits))).toBe(
      'too_deep',
    );
    expect(code(() => decodeJsonBody(Buffer.from('['.repeat(64) + ']'.repeat(64)), undefined, limits))).toBe(
      'ok',
    );
    expect(
      code(() => decodeJsonBody(gzipSync('x'.repeat(2000)), 'gzip', { ...limits, maxBytes: 1000 })),
    ).toBe('payload_too_large');
    expect(code(() => decodeJsonBody(Buffer.from('{}'), 'zstd', limits))).toBe('unsupported_encoding');
  });
});
