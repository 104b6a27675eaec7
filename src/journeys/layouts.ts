import { z } from 'zod';
import type { Database } from '../platform/db/duckdb.js';

/** Where the console's canvas places each node of a journey, by node id (step ids, `trigger`). */
export type Positions = Record<string, { x: number; y: number }>;

export interface JourneyLayout {
  positions: Positions;
  updatedAt: string | null;
  updatedBy: string | null;
}

const coordinate = z.number().finite().min(-1_000_000).max(1_000_000);

/** A layout as the API takes it: at most 1,000 nodes, ids as the definition allows them. */
export const positionsSchema = z
  .record(z.string().min(1).max(128), z.strictObject({ x: coordinate, y: coordinate }))
  .refine((p) => Object.keys(p).length <= 1_000, { message: 'at most 1000 nodes' });

/**
 * The canvas layouts of journeys, one per journey, shared by everyone who opens it. The journey
 * definition has no room for it (the engine has no use for places), so it is kept beside it.
 */
export class JourneyLayouts {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  async get(workspaceId: string, journeyId: string): Promise<JourneyLayout> {
    const [row] = await this.db.query<{ positions: string; updated_at: string; updated_by: string | null }>(
      `SELECT positions, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS updated_at, updated_by
        FROM journey_layouts WHERE workspace_id = ? AND journey_id = ?`,
      [workspaceId, journeyId],
    );
    if (!row) return { positions: {}, updatedAt: null, updatedBy: null };
    return {
      positions: JSON.parse(row.positions) as Positions,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  /** Replaces the journey's layout; coordinates are kept to whole pixels. */
  async put(
    workspaceId: string,
    journeyId: string,
    positions: Positions,
    by: string | null,
  ): Promise<JourneyLayout> {
    const rounded = Object.fromEntries(
      Object.entries(positions).map(([id, p]) => [id, { x: Math.round(p.x), y: Math.round(p.y) }]),
    );
    const at = new Date(this.now()).toISOString().replace('T', ' ').replace('Z', '');
    await this.db.run(
      `INSERT INTO journey_layouts VALUES (?, ?, ?, ?::TIMESTAMP, ?)
        ON CONFLICT (workspace_id, journey_id) DO UPDATE SET
          positions = excluded.positions, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [workspaceId, journeyId, JSON.stringify(rounded), at, by],
    );
    return this.get(workspaceId, journeyId);
  }
}
