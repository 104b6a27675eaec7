import type { IdentifierClaim } from './identifiers.js';

/** Segment-spec message types (https://segment.com/docs/connections/spec/). */
export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export function isMessageType(v: unknown): v is MessageType {
  return typeof v === 'string' && (MESSAGE_TYPES as readonly string[]).includes(v);
}

/** Where a record came from: the collection API, a file import, or a replay of a rejected record. */
export type Origin = 'api' | 'import' | 'replay';

/** An accepted message, governed and ready to be stored. Times are epoch milliseconds. */
export interface PreparedEvent {
  workspaceId: string;
  sourceId: string;
  messageId: string;
  /** 64-bit fingerprint of (workspace, messageId), the dedup key. */
  fpHi: number;
  fpLo: number;
  type: MessageType;
  event: string | null;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  groupId: string | null;
  previousId: string | null;
  timestamp: number;
  originalTimestamp: number | null;
  sentAt: number | null;
  receivedAt: number;
  properties: string | null;
  traits: string | null;
  context: string | null;
  integrations: string | null;
  extra: string | null;
  /**
   * The identifiers the message carries (see `identifiers.ts`), worked out while the message was
   * still parsed. Not logged: a record recovered from the ingest log derives them again.
   */
  identifiers?: IdentifierClaim[];
}

/** A record that failed governance: kept with its reason and its original payload, replayable. */
export interface RejectedInput {
  workspaceId: string;
  sourceId: string | null;
  origin: Origin;
  /** e.g. `batch[3]`, `orders.csv:1042` */
  originRef: string | null;
  code: string;
  reason: string;
  payload: string;
  receivedAt: number;
}

/** The outcome for one message, in the order the messages came. */
export type MessageOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'duplicate'; messageId: string }
  | { kind: 'rejected'; messageId: string | null; code: string; reason: string };
