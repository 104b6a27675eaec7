import type { StoredRejected } from './event-store.js';
import type { MessageType, PreparedEvent } from './message.js';

/**
 * The ingest log's line format. An event is `[lsn,"e",…scalars…,properties,traits,context,integrations,extra]`
 * with the payload objects embedded as JSON (not re-escaped strings: they are JSON already, and
 * escaping them again would cost a second pass over every byte). A rejected record is `[lsn,"r",{…}]`.
 */

export function encodeEvent(lsn: number, e: PreparedEvent): string {
  const scalars = JSON.stringify([
    e.workspaceId,
    e.sourceId,
    e.messageId,
    e.fpHi,
    e.fpLo,
    e.type,
    e.event,
    e.name,
    e.userId,
    e.anonymousId,
    e.groupId,
    e.previousId,
    e.timestamp,
    e.originalTimestamp,
    e.sentAt,
    e.receivedAt,
  ]);
  return `[${lsn},"e",${scalars.slice(1, -1)},${e.properties ?? 'null'},${e.traits ?? 'null'},${e.context ?? 'null'},${e.integrations ?? 'null'},${e.extra ?? 'null'}]`;
}

export function encodeRejected(lsn: number, r: StoredRejected): string {
  return JSON.stringify([lsn, 'r', r]);
}

export type Decoded =
  | { lsn: number; kind: 'event'; event: PreparedEvent }
  | { lsn: number; kind: 'rejected'; record: StoredRejected };

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export function decodeLine(line: string): Decoded {
  const a = JSON.parse(line) as unknown[];
  const lsn = a[0] as number;
  if (a[1] === 'r') return { lsn, kind: 'rejected', record: a[2] as StoredRejected };
  if (a[1] !== 'e') throw new Error(`ingest log line ${lsn} has an unknown kind ${JSON.stringify(a[1])}`);
  return {
    lsn,
    kind: 'event',
    event: {
      workspaceId: a[2] as string,
      sourceId: a[3] as string,
      messageId: a[4] as string,
      fpHi: a[5] as number,
      fpLo: a[6] as number,
      type: a[7] as MessageType,
      event: a[8] as string | null,
      name: a[9] as string | null,
      userId: a[10] as string | null,
      anonymousId: a[11] as string | null,
      groupId: a[12] as string | null,
      previousId: a[13] as string | null,
      timestamp: a[14] as number,
      originalTimestamp: a[15] as number | null,
      sentAt: a[16] as number | null,
      receivedAt: a[17] as number,
      properties: json(a[18]),
      traits: json(a[19]),
      context: json(a[20]),
      integrations: json(a[21]),
      extra: json(a[22]),
    },
  };
}
