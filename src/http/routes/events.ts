import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { z } from 'zod';
import { eventSchema, listEvents, type EventRow } from '../../collect/index.js';
import type { Database } from '../../platform/db/duckdb.js';
import { defineRoute, type RouteDef } from '../route.js';

const parseJson = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

/** A stored event in the Segment message shape it came in, plus where and when it was stored. */
export function eventToMessage(r: EventRow): Record<string, unknown> {
  const message: Record<string, unknown> = {
    ...(parseJson(r.extra) as Record<string, unknown> | undefined),
    type: r.type,
    messageId: r.message_id,
  };
  const set = (key: string, v: unknown): void => {
    if (v !== null && v !== undefined) message[key] = v;
  };
  set('event', r.event);
  set('name', r.name);
  set('userId', r.user_id);
  set('anonymousId', r.anonymous_id);
  set('groupId', r.group_id);
  set('previousId', r.previous_id);
  set('properties', parseJson(r.properties));
  set('traits', parseJson(r.traits));
  set('context', parseJson(r.context));
  set('integrations', parseJson(r.integrations));
  message.timestamp = r.timestamp.toISOString();
  set('originalTimestamp', r.original_timestamp?.toISOString());
  set('sentAt', r.sent_at?.toISOString());
  message.receivedAt = r.received_at.toISOString();
  message.sourceId = r.source_id;
  message.seq = r.seq;
  return message;
}

export function eventRoutes(db: Database, settle: () => Promise<void>, pii: PiiConfig): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/events',
      role: 'analyst',
      tag: 'events',
      summary: 'List stored events, newest first, filtered by message id, user, anonymous id, type or name',
      query: z.strictObject({
        messageId: z.string().optional(),
        userId: z.string().optional(),
        anonymousId: z.string().optional(),
        type: z.enum(['identify', 'track', 'page', 'screen', 'group', 'alias']).optional(),
        event: z.string().optional(),
        sourceId: z.string().optional(),
        before: z.coerce.number().int().positive().optional().describe('seq to page before (newest first)'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      success: { description: '{ events: [...], next: seq to pass as "before" for the next page, or null }' },
      handler: async ({ query, caller }) => {
        await settle(); // read your writes: everything acknowledged is visible
        const rows = await listEvents(db, {
          ...query,
          beforeSeq: query.before,
          workspaceId: caller.workspaceId,
        });
        const view = PiiView.for(caller.role, pii);
        const events = rows.map((r) => view.event(eventToMessage(r)));
        return { events, next: rows.length === query.limit ? (rows[rows.length - 1]?.seq ?? null) : null };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/schema',
      role: 'viewer',
      tag: 'events',
      summary:
        'The event names the store holds (how often, last seen, their property keys) and the trait keys identifies set: what pickers offer',
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(2000).default(500),
        sample: z.coerce
          .number()
          .int()
          .min(100)
          .max(1_000_000)
          .default(50_000)
          .describe('how many of the newest events property and trait keys are read from'),
      }),
      handler: async ({ query, caller }) => {
        await settle();
        return eventSchema(db, caller.workspaceId, query);
      },
    }),
  ];
}
