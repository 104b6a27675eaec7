import type { XYPosition } from '@xyflow/react';

/**
 * Where the nodes of a journey were placed on the canvas. The definition has no room for it
 * (its schema is strict and the engine has no use for it), so the console keeps it in this
 * browser's storage by journey id; a journey opened elsewhere is laid out afresh.
 */

const key = (journeyId: string): string => `tessera.journeys.positions.${journeyId}`;

export function loadPositions(journeyId: string): Record<string, XYPosition> {
  try {
    const raw = window.localStorage.getItem(key(journeyId));
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, XYPosition> = {};
    for (const [id, p] of Object.entries(parsed as Record<string, unknown>)) {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown };
      if (typeof x === 'number' && typeof y === 'number') out[id] = { x, y };
    }
    return out;
  } catch (err) {
    // Storage off or a value another version wrote: lay the journey out instead.
    console.warn('journey layout unavailable', err);
    return {};
  }
}

export function savePositions(
  journeyId: string,
  nodes: ReadonlyArray<{ id: string; position: XYPosition }>,
): void {
  try {
    const positions = Object.fromEntries(
      nodes.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]),
    );
    window.localStorage.setItem(key(journeyId), JSON.stringify(positions));
  } catch (err) {
    console.warn('journey layout not saved', err);
  }
}
