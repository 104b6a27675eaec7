import { useCallback, useEffect, useReducer, useRef } from 'react';
import { toDefinition, type Canvas } from './graph';
import { UndoStack } from './undo-stack';

/** Edits closer together than this (typing in a field) are one undo step. */
const BURST_MS = 700;

const definitionKey = (c: Canvas): string => JSON.stringify(toDefinition(c));
const placesKey = (c: Canvas): string =>
  JSON.stringify(c.nodes.map((n) => [n.id, Math.round(n.position.x), Math.round(n.position.y)]));
/** A state to go back to: nothing selected (a selection is not an edit). */
const unselected = (c: Canvas): Canvas => ({
  ...c,
  nodes: c.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
  edges: c.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
});

/**
 * The journey canvas's undo and redo: every change of the definition (a step added, connected,
 * configured, removed; the settings) is a step, and so is each finished drag. Selecting and
 * measuring nodes are not.
 */
export function useCanvasHistory(
  canvas: Canvas,
  /** `JSON.stringify(toDefinition(canvas))`, which the editor has already written. */
  key: string,
  replace: (c: Canvas) => void,
): { undo: () => void; redo: () => void; canUndo: boolean; canRedo: boolean; moved: () => void } {
  const stack = useRef<UndoStack<Canvas> | null>(null);
  stack.current ??= new UndoStack(unselected(canvas));
  const [, rendered] = useReducer((n: number) => n + 1, 0);
  const latest = useRef(canvas);
  useEffect(() => {
    latest.current = canvas;
  }, [canvas]);
  const lastAt = useRef(0);
  const recorded = useRef(key);

  useEffect(() => {
    if (key === recorded.current) return;
    recorded.current = key;
    const now = Date.now();
    stack.current!.commit(unselected(canvas), now - lastAt.current < BURST_MS);
    lastAt.current = now;
    rendered();
    // Only a new definition is an edit: `canvas` is read for it, not watched.
  }, [key]);

  const moved = useCallback(() => {
    const s = stack.current!;
    if (placesKey(latest.current) === placesKey(s.state)) return;
    s.commit(unselected(latest.current));
    lastAt.current = 0;
    rendered();
  }, []);

  const go = useCallback(
    (to: Canvas | null) => {
      if (!to) return;
      recorded.current = definitionKey(to);
      lastAt.current = 0;
      replace(to);
      rendered();
    },
    [replace],
  );
  const undo = useCallback(() => go(stack.current!.undo()), [go]);
  const redo = useCallback(() => go(stack.current!.redo()), [go]);
  return { undo, redo, canUndo: stack.current.canUndo, canRedo: stack.current.canRedo, moved };
}

/** Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z and Ctrl+Y redo, except while typing in a field (its own undo). */
export function useUndoKeys(enabled: boolean, undo: () => void, redo: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) undo();
      else if ((k === 'z' && e.shiftKey) || (k === 'y' && !e.shiftKey)) redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, undo, redo]);
}
