import type { Database } from '../platform/db/duckdb.js';

/**
 * What the stored events say about the workspace's data: the event names with how often and how
 * lately they were seen and the property keys they carry, and the trait keys identifies set.
 * The console's pickers (segment builder, journey triggers) offer these instead of free text.
 * Keys are read from the newest `sample` events of each kind, so the answer stays quick on a
 * large store; the counts of events are over all of them.
 */

export interface EventSchema {
  name: string;
  count: number;
  lastSeen: string;
  /** Property keys seen on the sampled events of this name, most frequent first. */
  properties: Array<{ key: string; count: number }>;
}

export interface TraitKey {
  key: string;
  /** Sampled identify events (and context traits) that set it. */
  count: number;
}

export async function eventSchema(
  db: Database,
  workspaceId: string,
  options: { limit: number; sample: number },
): Promise<{ events: EventSchema[]; traits: TraitKey[] }> {
  const names = await db.query<{ name: string; n: number; last_seen: string }>(
    `SELECT event AS name, count(*)::DOUBLE AS n, strftime(max(timestamp), '%Y-%m-%dT%H:%M:%S.%gZ') AS last_seen
       FROM events WHERE workspace_id = ? AND type = 'track' AND event IS NOT NULL
      GROUP BY event ORDER BY n DESC, name LIMIT ?`,
    [workspaceId, options.limit],
  );
  const props = await db.query<{ name: string; key: string; n: number }>(
    `WITH recent AS (
       SELECT event, properties FROM events
        WHERE workspace_id = ? AND type = 'track' AND event IS NOT NULL AND properties IS NOT NULL
        ORDER BY seq DESC LIMIT ?)
     SELECT event AS name, k AS key, count(*)::DOUBLE AS n
       FROM (SELECT event, unnest(json_keys(properties)) AS k FROM recent)
      GROUP BY 1, 2 ORDER BY n DESC, key`,
    [workspaceId, options.sample],
  );
  const traits = await db.query<{ key: string; n: number }>(
    `WITH recent AS (
       SELECT traits FROM events
        WHERE workspace_id = ? AND traits IS NOT NULL
        ORDER BY seq DESC LIMIT ?)
     SELECT k AS key, count(*)::DOUBLE AS n
       FROM (SELECT unnest(json_keys(traits)) AS k FROM recent)
      GROUP BY 1 ORDER BY n DESC, key LIMIT ?`,
    [workspaceId, options.sample, options.limit],
  );
  const byName = new Map<string, Array<{ key: string; count: number }>>();
  for (const p of props) {
    let list = byName.get(p.name);
    if (!list) byName.set(p.name, (list = []));
    list.push({ key: p.key, count: p.n });
  }
  return {
    events: names.map((e) => ({
      name: e.name,
      count: e.n,
      lastSeen: e.last_seen,
      properties: byName.get(e.name) ?? [],
    })),
    traits: traits.map((t) => ({ key: t.key, count: t.n })),
  };
}
