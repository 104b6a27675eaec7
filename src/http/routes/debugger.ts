import { z } from 'zod';
import type { LiveEvents } from '../../collect/live-events.js';
import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { defineRoute, type RouteDef } from '../route.js';

/** The longest a debugger's long poll is held open. */
const MAX_WAIT_MS = 25_000;

export function debuggerRoutes(live: LiveEvents, pii: PiiConfig): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/debugger/events',
      role: 'analyst',
      tag: 'events',
      summary:
        'The source debugger: messages received a moment ago, accepted, duplicate or rejected, with their validation result, newest first (kept in memory, the last few hundred per workspace)',
      query: z.strictObject({
        sourceId: z.string().optional(),
        result: z.enum(['accepted', 'duplicate', 'rejected']).optional(),
        after: z.coerce.number().int().min(0).optional().describe('the cursor of the previous answer'),
        wait: z.coerce
          .number()
          .int()
          .min(0)
          .max(MAX_WAIT_MS)
          .default(0)
          .describe('ms to hold the request open until a message arrives after "after" (long poll)'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      success: {
        description: '{ events: [...newest first], cursor: pass as "after" to get what comes next }',
      },
      handler: async ({ query, caller, request }) => {
        const ws = caller.workspaceId;
        const cursor = live.cursor;
        let events = live.read(ws, query);
        if (events.length === 0 && query.wait > 0 && query.after !== undefined) {
          const gone = new AbortController();
          request.raw.once('close', () => gone.abort());
          const deadline = Date.now() + query.wait;
          // Other workspaces' and other sources' traffic wakes the poll too; wait again until it matches.
          while (events.length === 0 && !gone.signal.aborted && Date.now() < deadline) {
            await live.wait(ws, deadline - Date.now(), gone.signal);
            events = live.read(ws, query);
          }
        }
        const view = PiiView.for(caller.role, pii);
        return {
          events: events.map((e) => ({ ...e, message: view.event(e.message) })),
          cursor:
            events.length > 0
              ? Math.max(events[0]!.seq, query.after ?? 0)
              : Math.max(cursor, query.after ?? 0),
        };
      },
    }),
  ];
}
