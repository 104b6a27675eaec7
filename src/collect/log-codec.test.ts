import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLine, encodeEvent, encodeRejected } from './log-codec.js';
import type { PreparedEvent } from './message.js';

const str = fc.string({ maxLength: 20 });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
// Keys that are not array indices: JSON.parse keeps their order, so the round trip is byte-exact.
const obj = nullable(
  fc
    .dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).map((k) => `k${k}`),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map((o) => JSON.stringify(o)),
);

const event: fc.Arbitrary<PreparedEvent> = fc.record({
  workspaceId: str,
  sourceId: str,
  messageId: str,
  fpHi: fc.integer({ min: 0, max: 0xffffffff }),
  fpLo: fc.integer({ min: 0, max: 0xffffffff }),
  type: fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias'),
  event: nullable(str),
  name: nullable(str),
  userId: nullable(str),
  anonymousId: nullable(str),
  groupId: nullable(str),
  previousId: nullable(str),
  timestamp: fc.integer({ min: 0, max: 4e12 }),
  originalTimestamp: nullable(fc.integer({ min: 0, max: 4e12 })),
  sentAt: nullable(fc.integer({ min: 0, max: 4e12 })),
  receivedAt: fc.integer({ min: 0, max: 4e12 }),
  properties: obj,
  traits: obj,
  context: obj,
  integrations: obj,
  extra: obj,
});

describe('ingest log codec', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), event, (lsn, e) => {
        const line = encodeEvent(lsn, e);
        expect(line).not.toContain('\n');
        expect(decodeLine(line)).toEqual({ lsn, kind: 'event', event: e });
      }),
    );
  });

  it('round-trips rejected records', () => {
    const record = {
      id: 'rej_1',
      workspaceId: 'ws',
      sourceId: null,
      origin: 'import' as const,
      originRef: 'a.csv:3',
      code: 'invalid_phone',
      reason: 'x\ny',
      payload: '{"a":1}',
      receivedAt: 5,
    };
    expect(decodeLine(encodeRejected(7, record))).toEqual({ lsn: 7, kind: 'rejected', record });
  });
});
