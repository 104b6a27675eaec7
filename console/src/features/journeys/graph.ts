import type { Edge, Node, XYPosition } from '@xyflow/react';
import type { JourneyDefinition, Reentry, Step, Trigger } from './api';

/**
 * A journey definition ⇄ the canvas's nodes and edges, as plain functions (no React): one node
 * for the trigger and one per step; each way out of a step (`next`, a split's yes / no, a wait
 * for an event's event / timeout, an A/B variant) is a source handle of its own, and an edge
 * from it is that field of the definition. Positions are not part of the definition (its schema
 * is strict), so they live in the console beside it; definitions without any are laid out in
 * layers by their distance from the trigger.
 */

/** The trigger node's id: step ids start with a letter, so this one is never a step's. */
export const TRIGGER_ID = '_trigger';

/** An A/B variant on the canvas: `key` names its handle and survives renames and reorders. */
export interface CanvasVariant {
  key: string;
  name: string;
  weight: number;
}

type Successors = 'next' | 'timeoutNext' | 'yes' | 'no';
type WithoutSuccessors<S> = S extends { kind: 'ab' }
  ? Omit<S, 'variants'> & { variants: CanvasVariant[] }
  : Omit<S, Successors>;

/** A step's own settings: everything but where it goes, which the edges say. */
export type StepConfig = WithoutSuccessors<Step>;

export type TriggerData = { trigger: Trigger };
export type StepData = { config: StepConfig };
export type TriggerNode = Node<TriggerData, 'trigger'>;
export type StepNode = Node<StepData, 'step'>;
export type JourneyNode = TriggerNode | StepNode;
export type JourneyEdge = Edge;

/** What a journey is besides its graph (the settings drawer edits it). */
export interface JourneySettings {
  name: string;
  description: string;
  reentry: Reentry;
  cooldown?: string;
  goal?: JourneyDefinition['goal'];
}

export interface Canvas {
  nodes: JourneyNode[];
  edges: JourneyEdge[];
  settings: JourneySettings;
}

/** How an edge's label reads: a known outcome (translated by the page) or a variant's name. */
export type OutcomeLabel = 'start' | 'next' | 'event' | 'timeout' | 'yes' | 'no' | { variant: string };

export interface Outcome {
  /** The source handle's id. */
  handle: string;
  label: OutcomeLabel;
  /** The step may end here with nothing connected. */
  optional: boolean;
  /** The `journey_step_log` outcome counted for this way out, when there is one. */
  counted?: string;
}

/** The ways out of a node, in the order its handles are drawn. */
export function outcomesOf(node: JourneyNode): Outcome[] {
  if (node.type === 'trigger') return [{ handle: 'start', label: 'start', optional: false }];
  const c = node.data.config;
  switch (c.kind) {
    case 'wait':
      return [{ handle: 'next', label: 'next', optional: false }];
    case 'wait_for_event':
      return [
        { handle: 'next', label: 'event', optional: false, counted: 'event' },
        { handle: 'timeoutNext', label: 'timeout', optional: false, counted: 'timeout' },
      ];
    case 'split':
      return [
        { handle: 'yes', label: 'yes', optional: false, counted: 'yes' },
        { handle: 'no', label: 'no', optional: false, counted: 'no' },
      ];
    case 'ab':
      return c.variants.map((v) => ({
        handle: `v:${v.key}`,
        label: { variant: v.name },
        optional: false,
        counted: v.name,
      }));
    case 'send':
    case 'update':
    case 'webhook':
      return [{ handle: 'next', label: 'next', optional: true }];
    case 'exit':
      return [];
  }
}

export const edgeId = (source: string, handle: string): string => `e:${source}:${handle}`;

export function edge(source: string, handle: string, target: string): JourneyEdge {
  return { id: edgeId(source, handle), source, sourceHandle: handle, target, targetHandle: 'in' };
}

function configOf(step: Step): StepConfig {
  switch (step.kind) {
    case 'wait': {
      const { next: _n, ...rest } = step;
      return rest;
    }
    case 'wait_for_event': {
      const { next: _n, timeoutNext: _t, ...rest } = step;
      return rest;
    }
    case 'split': {
      const { yes: _y, no: _n, ...rest } = step;
      return rest;
    }
    case 'ab':
      return {
        ...step,
        variants: step.variants.map((v, i) => ({ key: `v${i}`, name: v.name, weight: v.weight })),
      };
    case 'send':
    case 'update':
    case 'webhook': {
      const { next: _n, ...rest } = step;
      return rest;
    }
    case 'exit':
      return step;
  }
}

/** Where each of a step's ways out goes in the definition, by handle. */
function successorsOf(step: Step): Array<[string, string | undefined]> {
  switch (step.kind) {
    case 'wait':
      return [['next', step.next]];
    case 'wait_for_event':
      return [
        ['next', step.next],
        ['timeoutNext', step.timeoutNext],
      ];
    case 'split':
      return [
        ['yes', step.yes],
        ['no', step.no],
      ];
    case 'ab':
      return step.variants.map((v, i) => [`v:v${i}`, v.next]);
    case 'send':
    case 'update':
    case 'webhook':
      return [['next', step.next]];
    case 'exit':
      return [];
  }
}

/** The canvas of a definition; `positions` (by node id) from an earlier save, missing ones laid out. */
export function fromDefinition(def: JourneyDefinition, positions: Record<string, XYPosition> = {}): Canvas {
  const nodes: JourneyNode[] = [
    {
      id: TRIGGER_ID,
      type: 'trigger',
      position: { x: 0, y: 0 },
      deletable: false,
      data: { trigger: def.trigger },
    },
    ...Object.entries(def.steps).map(([id, step]): StepNode => ({
      id,
      type: 'step',
      position: { x: 0, y: 0 },
      data: { config: configOf(step) },
    })),
  ];
  const edges: JourneyEdge[] = [];
  if (def.steps[def.start]) edges.push(edge(TRIGGER_ID, 'start', def.start));
  for (const [id, step] of Object.entries(def.steps))
    for (const [handle, target] of successorsOf(step))
      if (target !== undefined && def.steps[target]) edges.push(edge(id, handle, target));
  const laid = layout(nodes, edges);
  return {
    nodes: nodes.map((n) => ({ ...n, position: positions[n.id] ?? laid[n.id] ?? { x: 0, y: 0 } })),
    edges,
    settings: {
      name: def.name,
      description: def.description ?? '',
      reentry: def.entry?.reentry ?? 'after_exit',
      ...(def.entry?.cooldown ? { cooldown: def.entry.cooldown } : {}),
      ...(def.goal ? { goal: def.goal } : {}),
    },
  };
}

/**
 * The definition the canvas draws. A way out with no edge is left out: where the schema needs
 * it, the server's check names the step (`journey.steps.<id>.next`), and the canvas marks it.
 */
export function toDefinition(canvas: Canvas): JourneyDefinition {
  const target = new Map<string, string>();
  for (const e of canvas.edges) target.set(`${e.source}\u0000${e.sourceHandle ?? ''}`, e.target);
  const to = (source: string, handle: string): string | undefined => target.get(`${source}\u0000${handle}`);
  const trigger = canvas.nodes.find((n): n is TriggerNode => n.type === 'trigger');
  const steps: Record<string, Step> = {};
  for (const n of canvas.nodes) {
    if (n.type !== 'step') continue;
    steps[n.id] = stepOf(n.id, n.data.config, to);
  }
  const { settings: s } = canvas;
  return {
    name: s.name,
    description: s.description,
    trigger: trigger?.data.trigger ?? { kind: 'event', event: '' },
    entry: { reentry: s.reentry, ...(s.cooldown ? { cooldown: s.cooldown } : {}) },
    ...(s.goal ? { goal: s.goal } : {}),
    start: to(TRIGGER_ID, 'start') ?? '',
    steps,
  };
}

function stepOf(id: string, c: StepConfig, to: (source: string, handle: string) => string | undefined): Step {
  // Casts: a required way out left unconnected stays undefined for the server to name.
  const need = (handle: string): string => to(id, handle) as string;
  const may = (handle: string): { next?: string } => {
    const next = to(id, handle);
    return next === undefined ? {} : { next };
  };
  switch (c.kind) {
    case 'wait':
      return { ...c, next: need('next') };
    case 'wait_for_event':
      return { ...c, next: need('next'), timeoutNext: need('timeoutNext') };
    case 'split':
      return { ...c, yes: need('yes'), no: need('no') };
    case 'ab':
      return {
        ...c,
        variants: c.variants.map((v) => ({ name: v.name, weight: v.weight, next: need(`v:${v.key}`) })),
      };
    case 'send':
    case 'update':
    case 'webhook':
      return { ...c, ...may('next') };
    case 'exit':
      return c;
  }
}

export const NODE_WIDTH = 240;
const LAYER_GAP = 150;
const COLUMN_GAP = 60;

/**
 * A layered layout, top to bottom: each node one layer below the deepest step that leads to it
 * (the longest path from the trigger, loops ignored), so a step that several branches share sits
 * below all of them. In a layer, a node goes under its parents, shifted left or right by the
 * handle it hangs from (a split's yes left of its no), and pushed aside only as far as the
 * nodes beside it need. Nodes nothing reaches go in a last row.
 */
export function layout(
  nodes: readonly JourneyNode[],
  edges: readonly JourneyEdge[],
): Record<string, XYPosition> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const handleIndex = (e: JourneyEdge): number => {
    const n = byId.get(e.source);
    const i = n ? outcomesOf(n).findIndex((o) => o.handle === e.sourceHandle) : -1;
    return i < 0 ? 0 : i;
  };
  const out = new Map<string, JourneyEdge[]>();
  for (const e of edges)
    if (byId.has(e.source) && byId.has(e.target)) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  for (const list of out.values()) list.sort((a, b) => handleIndex(a) - handleIndex(b));

  // Depth-first from the trigger: edges back to a node on the path are loops; the rest, in
  // reverse post-order, are a topological order for the longest paths.
  const root = nodes.find((n) => n.type === 'trigger')?.id;
  const state = new Map<string, 'open' | 'done'>();
  const loops = new Set<JourneyEdge>();
  const post: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const e of out.get(id) ?? []) {
      const s = state.get(e.target);
      if (s === 'open') loops.add(e);
      else if (s === undefined) visit(e.target);
    }
    state.set(id, 'done');
    post.push(id);
  };
  if (root) visit(root);
  const depth = new Map<string, number>(root ? [[root, 0]] : []);
  const parents = new Map<string, JourneyEdge[]>();
  for (const id of [...post].reverse())
    for (const e of out.get(id) ?? []) {
      if (loops.has(e)) continue;
      depth.set(e.target, Math.max(depth.get(e.target) ?? 0, (depth.get(id) ?? 0) + 1));
      parents.set(e.target, [...(parents.get(e.target) ?? []), e]);
    }

  const span = NODE_WIDTH + COLUMN_GAP;
  const layers: string[][] = [];
  for (const id of [...post].reverse()) (layers[depth.get(id)!] ??= []).push(id);
  const x = new Map<string, number>();
  const positions: Record<string, XYPosition> = {};
  layers.forEach((layer, d) => {
    const wanted = layer.map((id) => {
      const from = (parents.get(id) ?? []).filter((e) => x.has(e.source));
      if (from.length === 0) return { id, at: 0 };
      const at =
        from.reduce((sum, e) => {
          const k = out.get(e.source)?.length ?? 1;
          return sum + x.get(e.source)! + (handleIndex(e) - (k - 1) / 2) * span;
        }, 0) / from.length;
      return { id, at };
    });
    wanted.sort((a, b) => a.at - b.at);
    // Pushed apart left to right, then the row moved back so it is centred where it wanted to be.
    const placed: number[] = [];
    wanted.forEach((w, i) => placed.push(i === 0 ? w.at : Math.max(w.at, placed[i - 1]! + span)));
    const shift =
      (wanted.reduce((s, w) => s + w.at, 0) - placed.reduce((s, p) => s + p, 0)) / Math.max(1, wanted.length);
    wanted.forEach((w, i) => {
      x.set(w.id, placed[i]! + shift);
      positions[w.id] = { x: placed[i]! + shift, y: d * LAYER_GAP };
    });
  });
  const rest = nodes.filter((n) => !(n.id in positions));
  rest.forEach((n, i) => {
    positions[n.id] = { x: (i - (rest.length - 1) / 2) * span, y: layers.length * LAYER_GAP };
  });
  return positions;
}
