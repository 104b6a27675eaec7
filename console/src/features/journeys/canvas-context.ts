import { createContext, useContext } from 'react';
import type { StepMetrics } from './api';

/** What every node of the canvas reads besides its own data: numbers, problems, the mode. */
export interface CanvasView {
  /** Per step id, when the journey has metrics to show. */
  metrics: ReadonlyMap<string, StepMetrics> | null;
  /** The server's problems by node id (the trigger's id for the trigger and the start). */
  issues: ReadonlyMap<string, string[]>;
  readOnly: boolean;
}

export const CanvasViewContext = createContext<CanvasView>({
  metrics: null,
  issues: new Map(),
  readOnly: true,
});

export const useCanvasView = (): CanvasView => useContext(CanvasViewContext);
