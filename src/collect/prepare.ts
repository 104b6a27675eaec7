import { randomUUID } from 'node:crypto';
import { fingerprint } from '../platform/hash.js';
import { governExternalIds, governTraits, type FieldIssue, type GovernanceRules } from './govern.js';
import { isMessageType, type MessageType, type Origin, type PreparedEvent } from './message.js';
import { messageIdentifiers } from './identifiers.js';
import { normaliseTimestamp } from './normalise/index.js';

/** What the pipeline knows about a message besides the message itself. */
export interface MessageContext {
  workspaceId: string;
  sourceId: string;
  origin: Origin;
  receivedAt: number;
  /**
   * Segment's clock-skew correction, for messages sent live by a client with its own clock.
   * Off for imported history, whose timestamps are the truth.
   */
  correctClockSkew: boolean;
  /** The type fixed by the endpoint (`/v1/track`), or undefined for `/v1/batch` and imports. */
  routeType?: MessageType;
  /** Batch-level `sentAt`, `context` and `integrations` (Segment batch request). */
  batchSentAt?: unknown;
  batchContext?: Record<string, unknown>;
  batchIntegrations?: Record<string, unknown>;
  /** The client address, for `context.ip` when the client did not set one (as Segment does). */
  requestIp?: string;
}

export interface PrepareLimits {
  maxEventBytes: number;
}

export type Prepared =
  | { kind: 'accepted'; event: PreparedEvent }
  | { kind: 'rejected'; messageId: string | null; code: string; reason: string };

type Obj = Record<string, unknown>;

/** Top-level keys that have a column or are dropped; anything else is kept in `extra`. */
const KNOWN_KEYS = new Set([
  'type',
  'messageId',
  'event',
  'name',
  'userId',
  'anonymousId',
  'groupId',
  'previousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'properties',
  'traits',
  'context',
  'integrations',
  'writeKey', // a secret: never stored
]);

const MAX_ID_LENGTH = 256;
const MAX_EVENT_NAME_LENGTH = 256;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function reject(messageId: string | null, code: string, reason: string): Prepared {
  return { kind: 'rejected', messageId, code, reason };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** A string id from a string or a finite number; '' and whitespace count as absent. */
function idValue(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' ? null : s;
}

function hasIdentityTrait(traits: unknown): boolean {
  return isObject(traits) && (Boolean(traits.email) || Boolean(traits.phone));
}

/**
 * Validates and governs one Segment-spec message. Never throws for bad input: a message that
 * cannot be accepted comes back as `rejected` with a code and a sentence naming the problem.
 * `raw` is not modified.
 */
export function prepareMessage(
  raw: unknown,
  ctx: MessageContext,
  rules: GovernanceRules,
  limits: PrepareLimits,
): Prepared {
  if (!isObject(raw))
    return reject(null, 'invalid_message', `a message must be a JSON object, got ${describe(raw)}`);
  const rawMessageId = idValue(raw.messageId);
  const reportedId = typeof rawMessageId === 'string' ? rawMessageId : null;
  // `raw` stays untouched (it is the rejected-records payload): everything governance rewrites
  // (traits, context, context.traits, externalIds) is copied below before it is changed.
  const msg = raw;

  const type = ctx.routeType ?? msg.type;
  if (!isMessageType(type)) {
    return reject(
      reportedId,
      'invalid_type',
      msg.type === undefined
        ? 'message has no "type" (one of identify, track, page, screen, group, alias)'
        : `"type" must be one of identify, track, page, screen, group, alias; got ${JSON.stringify(msg.type)}`,
    );
  }
  if (rawMessageId === undefined) {
    return reject(null, 'invalid_field_type', `"messageId" must be a string, got ${describe(raw.messageId)}`);
  }
  if (rawMessageId && rawMessageId.length > MAX_ID_LENGTH) {
    return reject(null, 'invalid_message_id', `"messageId" is longer than ${MAX_ID_LENGTH} characters`);
  }
  const messageId = rawMessageId ?? `tsr-${randomUUID()}`;

  for (const key of ['properties', 'traits', 'context', 'integrations'] as const) {
    const v = msg[key];
    if (v !== undefined && v !== null && !isObject(v)) {
      return reject(messageId, 'invalid_field_type', `"${key}" must be an object, got ${describe(v)}`);
    }
  }
  const ids: Record<'userId' | 'anonymousId' | 'groupId' | 'previousId', string | null> = {
    userId: null,
    anonymousId: null,
    groupId: null,
    previousId: null,
  };
  for (const key of ['userId', 'anonymousId', 'groupId', 'previousId'] as const) {
    const v = idValue(msg[key]);
    if (v === undefined) {
      return reject(messageId, 'invalid_field_type', `"${key}" must be a string, got ${describe(msg[key])}`);
    }
    if (v !== null && v.length > MAX_ID_LENGTH) {
      return reject(messageId, 'invalid_field_type', `"${key}" is longer than ${MAX_ID_LENGTH} characters`);
    }
    ids[key] = v;
  }

  let event: string | null = null;
  let name: string | null = null;
  switch (type) {
    case 'track': {
      if (typeof msg.event !== 'string' || msg.event.trim() === '') {
        return reject(
          messageId,
          'missing_event',
          msg.event === undefined || msg.event === null || msg.event === ''
            ? 'a track message needs a non-empty "event" name'
            : `"event" must be a string, got ${describe(msg.event)}`,
        );
      }
      event = msg.event.trim();
      if (event.length > MAX_EVENT_NAME_LENGTH) {
        return reject(
          messageId,
          'invalid_field_type',
          `"event" is longer than ${MAX_EVENT_NAME_LENGTH} characters`,
        );
      }
      break;
    }
    case 'page':
    case 'screen':
      if (msg.name !== undefined && msg.name !== null && typeof msg.name !== 'string') {
        return reject(messageId, 'invalid_field_type', `"name" must be a string, got ${describe(msg.name)}`);
      }
      name = typeof msg.name === 'string' ? msg.name : null;
      break;
    case 'group':
      if (!ids.groupId) return reject(messageId, 'missing_group_id', 'a group message needs a "groupId"');
      break;
    case 'alias':
      if (!ids.previousId)
        return reject(messageId, 'missing_previous_id', 'an alias message needs a "previousId"');
      if (!ids.userId) return reject(messageId, 'missing_user_id', 'an alias message needs a "userId"');
      break;
    case 'identify':
      break;
  }

  // Context: the batch's context under the message's own, then the request address.
  const context: Obj = { ...(ctx.batchContext ?? {}), ...(isObject(msg.context) ? msg.context : {}) };
  if (ctx.requestIp && context.ip === undefined) context.ip = ctx.requestIp;
  const integrations = isObject(msg.integrations) ? msg.integrations : (ctx.batchIntegrations ?? null);
  const traits = isObject(msg.traits) ? { ...msg.traits } : null;
  if (isObject(context.traits)) context.traits = { ...context.traits };
  const properties = isObject(msg.properties) ? msg.properties : null;

  if (context.externalIds !== undefined && !Array.isArray(context.externalIds)) {
    return reject(
      messageId,
      'invalid_field_type',
      `"context.externalIds" must be an array, got ${describe(context.externalIds)}`,
    );
  }
  const externalIds = Array.isArray(context.externalIds)
    ? (context.externalIds as unknown[]).map((e) => (isObject(e) ? { ...e } : e))
    : undefined;
  if (externalIds) context.externalIds = externalIds;
  const device = isObject(context.device) ? context.device : null;
  const hasIdentity =
    ids.userId !== null ||
    ids.anonymousId !== null ||
    (Array.isArray(externalIds) && externalIds.length > 0) ||
    hasIdentityTrait(traits) ||
    hasIdentityTrait(context.traits) ||
    (device !== null && idValue(device.id) !== null && idValue(device.id) !== undefined);
  if (!hasIdentity) {
    return reject(
      messageId,
      'missing_identity',
      'message has no "userId" or "anonymousId" (nor any other identifier: traits.email, traits.phone, context.device.id, context.externalIds)',
    );
  }

  // Times (Segment's clock-skew correction: timestamp = receivedAt - (sentAt - originalTimestamp)).
  const zone = { timeZone: rules.timeZone };
  const times: Record<'timestamp' | 'sentAt', number | null> = { timestamp: null, sentAt: null };
  for (const key of ['timestamp', 'sentAt'] as const) {
    const v = key === 'sentAt' ? (msg.sentAt ?? ctx.batchSentAt) : (msg.timestamp ?? msg.originalTimestamp);
    if (v === undefined || v === null || v === '') continue;
    const t = normaliseTimestamp(v, zone);
    if (!t.ok) return reject(messageId, 'invalid_timestamp', `"${key}": ${t.message}`);
    times[key] = t.value;
  }
  const originalTimestamp = times.timestamp;
  let timestamp: number;
  if (originalTimestamp === null) timestamp = ctx.receivedAt;
  else if (times.sentAt === null || !ctx.correctClockSkew) timestamp = originalTimestamp;
  else timestamp = ctx.receivedAt - (times.sentAt - originalTimestamp);

  // Governance of the fields that describe a person.
  const issues: FieldIssue[] = [];
  if (traits) issues.push(...governTraits(traits, 'traits', rules));
  if (isObject(context.traits)) issues.push(...governTraits(context.traits, 'context.traits', rules));
  if (Array.isArray(externalIds)) issues.push(...governExternalIds(externalIds));
  if (issues.length > 0) {
    const structural = issues.find((i) => i.field.startsWith('context.externalIds'));
    if (rules.invalidField === 'reject' || structural) {
      const first = structural ?? issues[0]!;
      const more =
        issues.length > 1
          ? ` (and ${issues.length - 1} more: ${issues
              .slice(1)
              .map((i) => i.field)
              .join(', ')})`
          : '';
      return reject(messageId, first.code, `${first.field}: ${first.message}${more}`);
    }
    for (const issue of issues) dropField(traits, context, issue.field);
    const tessera = isObject(context.tessera) ? context.tessera : {};
    tessera.issues = issues;
    context.tessera = tessera;
  }

  let extra: Obj | null = null;
  for (const key of Object.keys(msg)) {
    if (KNOWN_KEYS.has(key)) continue;
    (extra ??= {})[key] = msg[key];
  }

  // The size limit applies to what is stored: the serialised parts plus the scalar fields
  // (measured on what we serialise anyway, instead of serialising the message twice).
  const json = {
    properties: properties ? JSON.stringify(properties) : null,
    traits: traits ? JSON.stringify(traits) : null,
    context: Object.keys(context).length > 0 ? JSON.stringify(context) : null,
    integrations: integrations ? JSON.stringify(integrations) : null,
    extra: extra ? JSON.stringify(extra) : null,
  };
  const parts = [
    messageId,
    json.properties,
    json.traits,
    json.context,
    json.integrations,
    json.extra,
    event,
    name,
    ids.userId,
    ids.anonymousId,
  ];
  // UTF-16 length undercounts multi-byte text (by 3× at most); count bytes only when it could matter.
  if (storedSize(parts, (p) => p.length) * 3 > limits.maxEventBytes) {
    const size = storedSize(parts, (p) => Buffer.byteLength(p));
    if (size > limits.maxEventBytes) {
      return reject(
        messageId,
        'event_too_large',
        `message is about ${size} bytes; the limit is ${limits.maxEventBytes} bytes`,
      );
    }
  }

  const [fpHi, fpLo] = fingerprint(`${ctx.workspaceId}\u0000${messageId}`);
  return {
    kind: 'accepted',
    event: {
      workspaceId: ctx.workspaceId,
      sourceId: ctx.sourceId,
      messageId,
      fpHi,
      fpLo,
      type,
      event,
      name,
      userId: ids.userId,
      anonymousId: ids.anonymousId,
      groupId: ids.groupId,
      previousId: ids.previousId,
      timestamp,
      originalTimestamp,
      sentAt: times.sentAt,
      receivedAt: ctx.receivedAt,
      ...json,
      identifiers: messageIdentifiers({
        type,
        userId: ids.userId,
        anonymousId: ids.anonymousId,
        previousId: ids.previousId,
        traits,
        context,
      }),
    },
  };
}

/** Approximate stored size of a message: its parts plus room for the fixed columns. */
function storedSize(parts: ReadonlyArray<string | null>, measure: (part: string) => number): number {
  let size = 200;
  for (const part of parts) if (part) size += measure(part);
  return size;
}

function dropField(traits: Obj | null, context: Obj, field: string): void {
  const [head, ...rest] = field.split('.');
  if (head === 'traits' && traits) delete traits[rest[0]!];
  else if (head === 'context' && rest[0] === 'traits' && isObject(context.traits))
    delete context.traits[rest[1]!];
}

/** The payload kept for a rejected message: the original, minus the write key. */
export function rejectedPayload(raw: unknown): string {
  if (isObject(raw) && 'writeKey' in raw) {
    const { writeKey: _secret, ...rest } = raw;
    return JSON.stringify(rest);
  }
  return JSON.stringify(raw) ?? String(raw);
}
