/**
 * The segment builder's model: a condition of the condition language (DESIGN.md "The condition
 * language (JSON)", checked by the server in src/conditions/ast.ts) as an editable tree, and back.
 * `treeFromCondition` then `conditionFromTree` gives back exactly the JSON it was given: anything
 * the builder has no editor for stays a `raw` node holding its JSON. No React here, and no
 * imports, so the integration tests can run it under Node too.
 */

export const VALUE_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'exists',
  'contains',
  'between',
  'before',
  'after',
  'within_last',
  'birthday_within',
] as const;
export type ValueOp = (typeof VALUE_OPS)[number];

export const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];

export const MEASURES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type MeasureFn = (typeof MEASURES)[number];

export type Scalar = string | number | boolean;

/** The server's patterns (src/conditions/ast.ts), so the builder catches what the server would refuse. */
export const DURATION = /^(\d{1,6})([smhd])$/;
export const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,64}){0,7}$/;
export const ISO_DATE =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** An ISO date-time with an offset (a window's `from` / `to`, zod's `iso.datetime({ offset: true })`). */
export const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export type DurationUnit = 's' | 'm' | 'h' | 'd';

export function parseDuration(text: string): { n: number; unit: DurationUnit } | null {
  const m = DURATION.exec(text);
  return m ? { n: Number(m[1]), unit: m[2] as DurationUnit } : null;
}

// --------------------------------------------------------------------------------- the tree

interface Base {
  id: string;
  /** How many `not`s wrap the node (the builder's NOT toggle makes it 0 or 1). */
  nots: number;
}

export interface GroupNode extends Base {
  type: 'group';
  op: 'all' | 'any';
  children: TreeNode[];
}

/** A comparison's value; undefined means the JSON has no `value` (exists). */
export interface Comparison {
  op: ValueOp;
  value: unknown;
}

export interface TraitLeaf extends Base, Comparison {
  type: 'trait';
  key: string;
}

export interface TagLeaf extends Base, Comparison {
  type: 'tag';
  key: string;
}

export interface Filter extends Comparison {
  id: string;
  property: string;
}

export interface Measure {
  fn: MeasureFn;
  /** The aggregated property (sum, avg, min, max); '' for count. */
  property: string;
  op: NumberOp;
  value: number | [number, number];
}

export type Window =
  { kind: 'all' } | { kind: 'last'; duration: string } | { kind: 'range'; from: string; to: string };

export interface EventSpec {
  events: string[];
  /** The JSON gave a list even for one name. */
  eventsAsList: boolean;
  /** undefined: the JSON has no `where`. */
  where: Filter[] | undefined;
}

export interface EventLeaf extends Base, EventSpec {
  type: 'event';
  /** null: the JSON gives no measure (did it at least once). */
  measure: Measure | null;
  window: Window;
}

export interface SequenceStep extends EventSpec {
  id: string;
}

export interface SequenceLeaf extends Base {
  type: 'sequence';
  steps: SequenceStep[];
  within: string;
  /** undefined: the JSON has no `completed` (the server reads true). */
  completed: boolean | undefined;
}

export interface SegmentLeaf extends Base {
  type: 'segment';
  segment: string;
}

/** JSON the builder has no editor for, kept as it is. */
export interface RawLeaf extends Base {
  type: 'raw';
  json: unknown;
}

export type LeafNode = TraitLeaf | TagLeaf | EventLeaf | SequenceLeaf | SegmentLeaf | RawLeaf;
export type TreeNode = GroupNode | LeafNode;
export type LeafType = LeafNode['type'];

let seq = 0;
export const newId = (): string => `n${++seq}`;

// ----------------------------------------------------------------------------- JSON → tree

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Json, allowed: readonly string[]): boolean =>
  Object.keys(o).every((k) => allowed.includes(k));
const isOp = (v: unknown): v is ValueOp =>
  typeof v === 'string' && (VALUE_OPS as readonly string[]).includes(v);
const isNumberOp = (v: unknown): v is NumberOp =>
  typeof v === 'string' && (NUMBER_OPS as readonly string[]).includes(v);
const isNumberValue = (v: unknown): v is number | [number, number] =>
  typeof v === 'number' || (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'));

function comparison(o: Json): Comparison | null {
  if (!isOp(o.op)) return null;
  return { op: o.op, value: 'value' in o ? o.value : undefined };
}

function filtersOf(v: unknown): Filter[] | undefined | null {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return null;
  const out: Filter[] = [];
  for (const f of v) {
    if (!isObject(f) || !onlyKeys(f, ['property', 'op', 'value']) || typeof f.property !== 'string')
      return null;
    const c = comparison(f);
    if (!c) return null;
    out.push({ id: newId(), property: f.property, ...c });
  }
  return out;
}

/**
 * Property filters on their own (a journey trigger's or wait's `where`, the same shape as an
 * event condition's): undefined for none, null when the builder cannot show them.
 */
export const filtersFromJson = (v: unknown): Filter[] | undefined | null => filtersOf(v);

export const filtersToJson = (filters: Filter[] | undefined): unknown[] | undefined =>
  filters?.map((f) => ({ property: f.property, ...comparisonJson(f) }));

function eventSpec(o: Json): EventSpec | null {
  const e = o.event;
  const names = typeof e === 'string' ? [e] : Array.isArray(e) ? e : null;
  if (!names || !names.every((n) => typeof n === 'string')) return null;
  const where = filtersOf(o.where);
  if (where === null) return null;
  return { events: names, eventsAsList: Array.isArray(e), where };
}

function eventLeaf(o: Json, nots: number): EventLeaf | null {
  if (!onlyKeys(o, ['event', 'where', 'within', ...MEASURES])) return null;
  const spec = eventSpec(o);
  if (!spec) return null;
  const given = MEASURES.filter((m) => o[m] !== undefined);
  if (given.length > 1) return null;
  let measure: Measure | null = null;
  const fn = given[0];
  if (fn) {
    const m = o[fn];
    const keys = fn === 'count' ? ['op', 'value'] : ['op', 'value', 'property'];
    if (!isObject(m) || !onlyKeys(m, keys) || !isNumberOp(m.op) || !isNumberValue(m.value)) return null;
    if (fn !== 'count' && typeof m.property !== 'string') return null;
    measure = { fn, property: fn === 'count' ? '' : (m.property as string), op: m.op, value: m.value };
  }
  let window: Window = { kind: 'all' };
  const w = o.within;
  if (typeof w === 'string') window = { kind: 'last', duration: w };
  else if (
    isObject(w) &&
    onlyKeys(w, ['from', 'to']) &&
    typeof w.from === 'string' &&
    typeof w.to === 'string'
  )
    window = { kind: 'range', from: w.from, to: w.to };
  else if (w !== undefined) return null;
  return { id: newId(), nots, type: 'event', ...spec, measure, window };
}

function sequenceLeaf(o: Json, nots: number): SequenceLeaf | null {
  if (!onlyKeys(o, ['sequence', 'within', 'completed']) || !Array.isArray(o.sequence)) return null;
  if (typeof o.within !== 'string') return null;
  if (o.completed !== undefined && typeof o.completed !== 'boolean') return null;
  const steps: SequenceStep[] = [];
  for (const s of o.sequence as unknown[]) {
    if (!isObject(s) || !onlyKeys(s, ['event', 'where'])) return null;
    const spec = eventSpec(s);
    if (!spec) return null;
    steps.push({ id: newId(), ...spec });
  }
  return { id: newId(), nots, type: 'sequence', steps, within: o.within, completed: o.completed };
}

function read(json: unknown, nots: number): TreeNode {
  const raw = (): RawLeaf => ({ id: newId(), nots, type: 'raw', json });
  if (!isObject(json)) return raw();
  const keys = Object.keys(json);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === 'all' || only === 'any') {
    const list = json[only];
    if (!Array.isArray(list)) return raw();
    return { id: newId(), nots, type: 'group', op: only, children: list.map((c) => read(c, 0)) };
  }
  if (only === 'not') return read(json.not, nots + 1);
  for (const kind of ['trait', 'tag'] as const) {
    if (kind in json) {
      const c = comparison(json);
      if (!c || typeof json[kind] !== 'string' || !onlyKeys(json, [kind, 'op', 'value'])) return raw();
      const key = json[kind];
      return kind === 'trait'
        ? { id: newId(), nots, type: 'trait', key, ...c }
        : { id: newId(), nots, type: 'tag', key, ...c };
    }
  }
  if ('event' in json) return eventLeaf(json, nots) ?? raw();
  if ('sequence' in json) return sequenceLeaf(json, nots) ?? raw();
  if (keys.length === 1 && typeof json.segment === 'string')
    return { id: newId(), nots, type: 'segment', segment: json.segment };
  return raw();
}

/** The tree of a condition's JSON (any JSON: what the builder cannot edit stays raw). */
export function treeFromCondition(json: unknown): TreeNode {
  return read(json, 0);
}

// ----------------------------------------------------------------------------- tree → JSON

function comparisonJson(c: Comparison): Json {
  return c.value === undefined ? { op: c.op } : { op: c.op, value: c.value };
}

function specJson(s: EventSpec): Json {
  const out: Json = { event: s.events.length === 1 && !s.eventsAsList ? s.events[0] : s.events };
  if (s.where !== undefined) out.where = filtersToJson(s.where);
  return out;
}

function leafJson(n: TreeNode): unknown {
  switch (n.type) {
    case 'group':
      return { [n.op]: n.children.map(conditionFromTree) };
    case 'trait':
      return { trait: n.key, ...comparisonJson(n) };
    case 'tag':
      return { tag: n.key, ...comparisonJson(n) };
    case 'event': {
      const out = specJson(n);
      if (n.measure) {
        const m = n.measure;
        out[m.fn] =
          m.fn === 'count'
            ? { op: m.op, value: m.value }
            : { property: m.property, op: m.op, value: m.value };
      }
      if (n.window.kind === 'last') out.within = n.window.duration;
      else if (n.window.kind === 'range') out.within = { from: n.window.from, to: n.window.to };
      return out;
    }
    case 'sequence': {
      const out: Json = { sequence: n.steps.map(specJson), within: n.within };
      if (n.completed !== undefined) out.completed = n.completed;
      return out;
    }
    case 'segment':
      return { segment: n.segment };
    case 'raw':
      return n.json;
  }
}

/** The condition JSON a tree stands for. */
export function conditionFromTree(n: TreeNode): unknown {
  let out = leafJson(n);
  for (let i = 0; i < n.nots; i++) out = { not: out };
  return out;
}

// -------------------------------------------------------------------------------- editing

/** A fresh leaf of a kind, with the defaults an analyst most often wants. */
export function newLeaf(type: LeafType): LeafNode {
  const id = newId();
  switch (type) {
    case 'trait':
      return { id, nots: 0, type, key: '', op: 'eq', value: '' };
    case 'tag':
      return { id, nots: 0, type, key: '', op: 'eq', value: '' };
    case 'event':
      return {
        id,
        nots: 0,
        type,
        events: [],
        eventsAsList: false,
        where: undefined,
        measure: { fn: 'count', property: '', op: 'gte', value: 1 },
        window: { kind: 'last', duration: '30d' },
      };
    case 'sequence':
      return {
        id,
        nots: 0,
        type,
        steps: [newStep(), newStep()],
        within: '1d',
        completed: true,
      };
    case 'segment':
      return { id, nots: 0, type, segment: '' };
    case 'raw':
      return { id, nots: 0, type, json: {} };
  }
}

export const newStep = (): SequenceStep => ({
  id: newId(),
  events: [],
  eventsAsList: false,
  where: undefined,
});
export const newFilter = (): Filter => ({ id: newId(), property: '', op: 'eq', value: '' });
export const newGroup = (op: 'all' | 'any' = 'all', children: TreeNode[] = []): GroupNode => ({
  id: newId(),
  nots: 0,
  type: 'group',
  op,
  children,
});

/** The tree with node `id` replaced by `fn(node)`. */
export function updateNode(root: TreeNode, id: string, fn: (n: TreeNode) => TreeNode): TreeNode {
  if (root.id === id) return fn(root);
  if (root.type !== 'group') return root;
  let changed = false;
  const children = root.children.map((c) => {
    const next = updateNode(c, id, fn);
    if (next !== c) changed = true;
    return next;
  });
  return changed ? { ...root, children } : root;
}

/** The tree without node `id` (the root removed leaves an empty AND group). */
export function removeNode(root: TreeNode, id: string): TreeNode {
  if (root.id === id) return newGroup();
  if (root.type !== 'group') return root;
  const children = root.children.filter((c) => c.id !== id).map((c) => removeNode(c, id));
  return { ...root, children };
}

/** Moves node `id` one place up (-1) or down (+1) among its siblings. */
export function moveNode(root: TreeNode, id: string, by: -1 | 1): TreeNode {
  if (root.type !== 'group') return root;
  const i = root.children.findIndex((c) => c.id === id);
  if (i >= 0) {
    const j = i + by;
    if (j < 0 || j >= root.children.length) return root;
    const children = [...root.children];
    [children[i], children[j]] = [children[j]!, children[i]!];
    return { ...root, children };
  }
  return { ...root, children: root.children.map((c) => moveNode(c, id, by)) };
}

/** Every segment id the tree refers to (to keep a segment from referring to itself). */
export function segmentRefs(n: TreeNode): string[] {
  if (n.type === 'group') return n.children.flatMap(segmentRefs);
  return n.type === 'segment' ? [n.segment] : [];
}
