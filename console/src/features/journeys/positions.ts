import type { XYPosition } from '@xyflow/react';
import { App } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useI18n } from '../../i18n';
import { journeysApi, type JourneyLayout } from './api';

/**
 * Where the nodes of a journey are placed on the canvas. The definition has no room for it (its
 * schema is strict and the engine has no use for it), so the server keeps it beside the journey
 * (`/api/v1/journeys/:id/layout`), shared by everyone who opens it.
 */

type Placed = ReadonlyArray<{ id: string; position: XYPosition }>;

/** How long the canvas waits after the last drag before it stores the layout. */
const SETTLE_MS = 800;

const positionsOf = (nodes: Placed): Record<string, XYPosition> =>
  Object.fromEntries(nodes.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]));

/**
 * Stores a journey's layout: `moved` after a drag (once the dragging settles), `saveNow` when the
 * journey itself is saved. A layout still waiting when the page closes is stored then. A failure
 * is said once and changes nothing else: the journey is laid out afresh next time.
 */
export function useLayoutSaver(
  journeyId: string | null,
  enabled: boolean,
): { moved: (nodes: Placed) => void; saveNow: (id: string, nodes: Placed) => void } {
  const { t } = useI18n();
  const { message } = App.useApp();
  const pending = useRef<{ id: string; nodes: Placed } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const warned = useRef(false);
  const queryClient = useQueryClient();

  const store = useCallback(
    (id: string, nodes: Placed) => {
      const positions = positionsOf(nodes);
      // The page opens the canvas from this cache entry: it must not show places from before the drag.
      queryClient.setQueryData<JourneyLayout>(['journey', id, 'layout'], (old) => ({
        updatedAt: old?.updatedAt ?? null,
        updatedBy: old?.updatedBy ?? null,
        positions,
      }));
      journeysApi.saveLayout(id, positions).catch((err: unknown) => {
        console.warn('journey layout not saved', err);
        if (!warned.current) void message.warning(t('journeys.layoutNotSaved'));
        warned.current = true;
      });
    },
    [message, t, queryClient],
  );
  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const p = pending.current;
    pending.current = null;
    if (p) store(p.id, p.nodes);
  }, [store]);

  useEffect(() => flush, [flush]);

  const moved = useCallback(
    (nodes: Placed) => {
      if (!enabled || !journeyId) return;
      pending.current = { id: journeyId, nodes };
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, SETTLE_MS);
    },
    [enabled, journeyId, flush],
  );
  const saveNow = useCallback(
    (id: string, nodes: Placed) => {
      if (!enabled) return;
      pending.current = { id, nodes };
      flush();
    },
    [enabled, flush],
  );
  return { moved, saveNow };
}
