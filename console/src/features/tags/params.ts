import type { TagSpec } from './api';

/**
 * The tunable parameters of a tag's spec (what the built-in templates of src/tags/templates.ts
 * are tuned by): model thresholds, range boundaries and the window and size of an aggregate.
 * A parameter is a path into the spec, so the form is generated from whatever the spec holds.
 */

export type ParamPath = ReadonlyArray<string | number>;

export interface Param {
  /** Stable id (the path joined by dots): form field name and test id. */
  id: string;
  path: ParamPath;
  type: 'number' | 'int' | 'share' | 'duration';
  /** Message key suffix (`tags.param.<label>`), with `vars` for its placeholders. */
  label: string;
  vars?: Record<string, string | number>;
  min?: number;
  max?: number;
  /** An empty value leaves the field out of the spec (open range ends). */
  optional?: boolean;
}

const param = (path: ParamPath, p: Omit<Param, 'id' | 'path'>): Param => ({ id: path.join('.'), path, ...p });

export function specParams(spec: TagSpec): Param[] {
  switch (spec.kind) {
    case 'model':
      switch (spec.model) {
        case 'lifecycle':
          return (['newDays', 'activeDays', 'dormantDays'] as const).map((k) =>
            param([k], { type: 'number', label: k, min: 0.01, max: 3650 }),
          );
        case 'rfm_class':
          return [param(['high'], { type: 'int', label: 'high', min: 2, max: 5 })];
        case 'top_share':
          return [param(['share'], { type: 'share', label: 'share', min: 0.001, max: 0.999 })];
        case 'rfm_score':
          return [];
      }
      return [];
    case 'range':
      return spec.ranges.flatMap((r, i) => [
        param(['ranges', i, 'min'], {
          type: 'number',
          label: 'rangeMin',
          vars: { value: String(r.value) },
          optional: true,
        }),
        param(['ranges', i, 'max'], {
          type: 'number',
          label: 'rangeMax',
          vars: { value: String(r.value) },
          optional: true,
        }),
      ]);
    case 'computed': {
      if (!('aggregate' in spec.of)) return [];
      const a = spec.of.aggregate;
      const out: Param[] = [];
      if (a.within !== undefined)
        out.push(param(['of', 'aggregate', 'within'], { type: 'duration', label: 'within' }));
      if (a.fn === 'top') {
        out.push(
          param(['of', 'aggregate', 'limit'], {
            type: 'int',
            label: 'limit',
            min: 1,
            max: 50,
            optional: true,
          }),
        );
        out.push(
          param(['of', 'aggregate', 'minCount'], {
            type: 'int',
            label: 'minCount',
            min: 1,
            max: 100_000,
            optional: true,
          }),
        );
      }
      return out;
    }
    case 'rule':
    case 'bucket':
    case 'manual':
      return [];
  }
}

export function getAt(obj: unknown, path: ParamPath): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** A copy of `obj` with the value at `path` replaced (`undefined` removes the field). */
export function setAt<T>(obj: T, path: ParamPath, value: unknown): T {
  const copy = structuredClone(obj);
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

export const paramValues = (spec: TagSpec): Record<string, unknown> =>
  Object.fromEntries(specParams(spec).map((p) => [p.id, getAt(spec, p.path)]));

export function withParams(spec: TagSpec, values: Record<string, unknown>): TagSpec {
  let out = spec;
  for (const p of specParams(spec)) {
    if (!(p.id in values)) continue;
    const v = values[p.id];
    out = setAt(out, p.path, v === null || v === '' ? undefined : v);
  }
  return out;
}

/** `newDays 30 · activeDays 90` — for tables. */
export function paramSummary(spec: TagSpec, label: (p: Param) => string): string {
  return specParams(spec)
    .map((p) => [p, getAt(spec, p.path)] as const)
    .filter(([, v]) => v !== undefined)
    .map(
      ([p, v]) => `${label(p)} ${p.type === 'share' ? `${Math.round(Number(v) * 1000) / 10}%` : String(v)}`,
    )
    .join(' · ');
}
