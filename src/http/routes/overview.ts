import type { SourceRegistry } from '../../collect/index.js';
import { eventsByDay, sourceActivity } from '../../collect/index.js';
import { profileCounts } from '../../identity/index.js';
import type { Database } from '../../platform/db/duckdb.js';
import type { TagEngine } from '../../tags/index.js';
import { defineRoute, type RouteDef } from '../route.js';

const DAY = 86_400_000;

/**
 * The console's first page in one call: people and the identified share, events today and over
 * the last 7 days, each source's health (events today, the last one, records rejected today),
 * and how people spread over lifecycle stages and RFM classes.
 */
export function overviewRoutes(deps: {
  db: Database;
  sources: SourceRegistry;
  tags: TagEngine;
  now: () => number;
  offsetMs: (at: number) => number;
  settle: () => Promise<void>;
}): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/overview',
      role: 'viewer',
      tag: 'overview',
      summary:
        'People, identified share, events today and over 7 days, sources’ health, lifecycle and RFM distributions',
      handler: async ({ caller }) => {
        await deps.settle();
        const ws = caller.workspaceId;
        const now = deps.now();
        const offset = deps.offsetMs(now);
        const todayStart = Math.floor((now + offset) / DAY) * DAY - offset;
        const [counts, days, activity, lifecycle, rfm] = await Promise.all([
          profileCounts(deps.db, ws),
          eventsByDay(deps.db, ws, todayStart - 6 * DAY, offset),
          sourceActivity(deps.db, ws, todayStart),
          deps.tags.reads.coverage(ws, 'lifecycle_stage'),
          deps.tags.reads.coverage(ws, 'rfm_class'),
        ]);
        const today = new Date(todayStart + offset).toISOString().slice(0, 10);
        const byDay = new Map(days.map((d) => [d.day, d.events]));
        const events7d = Array.from({ length: 7 }, (_, i) => {
          const day = new Date(todayStart - (6 - i) * DAY + offset).toISOString().slice(0, 10);
          return { day, events: byDay.get(day) ?? 0 };
        });
        const act = new Map(activity.map((a) => [a.source_id, a]));
        return {
          people: counts.people,
          identified: counts.identified,
          eventsToday: byDay.get(today) ?? 0,
          events7d,
          sources: deps.sources.list(ws).map((s) => ({
            id: s.id,
            name: s.name,
            kind: s.kind,
            status: s.disabled ? 'disabled' : 'enabled',
            eventsToday: act.get(s.id)?.events ?? 0,
            lastEventAt: act.get(s.id)?.last_event_at ?? null,
            rejectedToday: act.get(s.id)?.rejected ?? 0,
          })),
          lifecycle: lifecycle?.values ?? [],
          rfm: rfm?.values ?? [],
        };
      },
    }),
  ];
}
