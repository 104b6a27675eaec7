import type { Connection, XYPosition } from '@xyflow/react';
import type { StepKind, Trigger } from './api';
import {
  NODE_WIDTH,
  TRIGGER_ID,
  edge,
  edgeId,
  outcomesOf,
  type Canvas,
  type JourneyEdge,
  type JourneyNode,
  type StepConfig,
  type StepNode,
} from './graph';

/**
 * What the canvas's gestures do to it, as plain functions: a new step where it was dropped (or
 * below the selected one), a connection, a changed step or trigger, a rename, a removal; and
 * which node a problem of the server's check is about.
 */

/** The nearest free place at or below `p`, so that a new node does not land on another. */
export function freePosition(nodes: readonly JourneyNode[], p: XYPosition): XYPosition {
  const at = { ...p };
  const taken = (q: XYPosition) =>
    nodes.some((n) => Math.abs(n.position.x - q.x) < NODE_WIDTH && Math.abs(n.position.y - q.y) < 100);
  for (let i = 0; i < 50 && taken(at); i++) at.y += 110;
  return at;
}

const PREFIX: Record<StepKind, string> = {
  wait: 'wait',
  wait_for_event: 'wait_event',
  split: 'split',
  ab: 'ab',
  send: 'send',
  update: 'update',
  webhook: 'webhook',
  exit: 'exit',
};

export const STEP_ID = /^[a-z][a-z0-9_]{0,63}$/;

/** A fresh step id for a kind: `send_1`, `send_2`, … */
export function newStepId(kind: StepKind, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const id = `${PREFIX[kind]}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** What a step dropped from the palette starts with (what is left empty the check names). */
export function defaultConfig(kind: StepKind): StepConfig {
  switch (kind) {
    case 'wait':
      return { kind, duration: '1d' };
    case 'wait_for_event':
      return { kind, event: 'Order Completed', timeout: '3d' };
    case 'split':
      return { kind, condition: { event: 'Order Completed', within: '7d' } };
    case 'ab':
      return {
        kind,
        control: 0,
        variants: [
          { key: 'v0', name: 'A', weight: 1 },
          { key: 'v1', name: 'B', weight: 1 },
        ],
      };
    case 'send':
      return { kind, channel: 'email', template: { subject: '', html: '' } };
    case 'update':
      return { kind, set: { kind: 'trait', key: '', value: '' } };
    case 'webhook':
      return { kind, url: '' };
    case 'exit':
      return { kind };
  }
}

/** The step node for a new step at a position. */
export function newStepNode(kind: StepKind, nodes: readonly JourneyNode[], position: XYPosition): StepNode {
  return {
    id: newStepId(kind, new Set(nodes.map((n) => n.id))),
    type: 'step',
    position: freePosition(nodes, position),
    data: { config: defaultConfig(kind) },
  };
}

/** A new connection from a handle replaces the edge that handle had (one target per way out). */
export function connect(edges: readonly JourneyEdge[], c: Connection): JourneyEdge[] {
  if (!c.sourceHandle || c.target === TRIGGER_ID) return [...edges];
  const kept = edges.filter((e) => !(e.source === c.source && e.sourceHandle === c.sourceHandle));
  return [...kept, edge(c.source, c.sourceHandle, c.target)];
}

/** A step's settings changed: edges from handles it no longer has (a removed variant) go. */
export function setConfig(canvas: Canvas, id: string, config: StepConfig): Canvas {
  const nodes = canvas.nodes.map((n) => (n.id === id && n.type === 'step' ? { ...n, data: { config } } : n));
  const node = nodes.find((n) => n.id === id);
  const handles = new Set(node ? outcomesOf(node).map((o) => o.handle) : []);
  return {
    ...canvas,
    nodes,
    edges: canvas.edges.filter((e) => e.source !== id || handles.has(e.sourceHandle ?? '')),
  };
}

export function setTrigger(canvas: Canvas, trigger: Trigger): Canvas {
  return {
    ...canvas,
    nodes: canvas.nodes.map((n) => (n.type === 'trigger' ? { ...n, data: { trigger } } : n)),
  };
}

/** Renames a step and every edge to and from it; null when the id is not free or not valid. */
export function renameStep(canvas: Canvas, from: string, to: string): Canvas | null {
  if (from === to) return canvas;
  if (!STEP_ID.test(to) || canvas.nodes.some((n) => n.id === to)) return null;
  const swap = (id: string): string => (id === from ? to : id);
  return {
    ...canvas,
    nodes: canvas.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: canvas.edges.map((e) => {
      const source = swap(e.source);
      return { ...e, id: edgeId(source, e.sourceHandle ?? ''), source, target: swap(e.target) };
    }),
  };
}

export function removeNodes(canvas: Canvas, ids: ReadonlySet<string>): Canvas {
  return {
    ...canvas,
    nodes: canvas.nodes.filter((n) => n.type === 'trigger' || !ids.has(n.id)),
    edges: canvas.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  };
}

/**
 * The node a problem of the server's check is about (`journey.steps.<id>…`, the trigger and the
 * start), or null for the journey's own settings.
 */
export function nodeOfIssue(path: string): string | null {
  const step = /^journey\.steps\.([a-z][a-z0-9_]{0,63})(\.|$)/.exec(path);
  if (step) return step[1]!;
  if (path === 'journey.start' || path.startsWith('journey.trigger')) return TRIGGER_ID;
  return null;
}
