/** A mapping prepared for the hot path: rules with their targets split and value maps indexed. */
import { isIdentifierTarget, type FieldRule, type Mapping, type MappingKind } from './mapping-schema.js';
import { headerKey, valueKey } from './values.js';

export type Slot =
  'userId' | 'anonymousId' | 'event' | 'timestamp' | 'traits' | 'properties' | 'context' | 'externalId';

export interface CompiledRule {
  target: string;
  slot: Slot;
  /** Path inside traits/properties/context; `[type]` for externalId. */
  path: readonly string[];
  from: readonly string[];
  rule: FieldRule;
  map: ReadonlyMap<string, unknown> | undefined;
  /** The value map keyed by {@link valueKey}, tried when the exact value is not a key. */
  mapByKey: ReadonlyMap<string, unknown> | undefined;
  identifier: boolean;
  /** Trait that receives a masked identifier (`phone_masked`), kept for fuzzy matching. */
  maskedTrait: string;
  /** Position in the natural key, or -1. */
  keyIndex: number;
  required: boolean;
}

export interface CompiledMapping {
  name: string;
  kind: MappingKind;
  /** An `events` mapping without fields: each record already is a message. */
  passthrough: boolean;
  rules: readonly CompiledRule[];
  keyLength: number;
  usedColumns: ReadonlySet<string>;
  keepUnmapped: 'properties' | 'traits' | undefined;
  /** For the "no usable identifier" message. */
  identifierColumns: string;
  /** {@link headerKey} of every candidate column → its spelling in the mapping. */
  aliases: ReadonlyMap<string, string>;
}

const cache = new WeakMap<Mapping, CompiledMapping>();

export function compileMapping(mapping: Mapping): CompiledMapping {
  const hit = cache.get(mapping);
  if (hit !== undefined) return hit;
  const naturalKey = mapping.naturalKey ?? (mapping.kind === 'orders' ? ['properties.order_id'] : []);
  const rules: CompiledRule[] = [];
  const usedColumns = new Set<string>();
  const aliases = new Map<string, string>();
  const identifierColumns: string[] = [];
  for (const [target, rule] of Object.entries(mapping.fields)) {
    const from = rule.from ?? [];
    for (const column of from) {
      usedColumns.add(column);
      const key = headerKey(column);
      if (!aliases.has(key)) aliases.set(key, column);
    }
    const dot = target.indexOf('.');
    const root = dot === -1 ? target : target.slice(0, dot);
    const path = dot === -1 ? [] : target.slice(dot + 1).split('.');
    const identifier = isIdentifierTarget(target);
    if (identifier) identifierColumns.push(from.length > 0 ? from.join('/') : target);
    const keyIndex = naturalKey.indexOf(target);
    let map: Map<string, unknown> | undefined;
    let mapByKey: Map<string, unknown> | undefined;
    if (rule.map !== undefined) {
      map = new Map(Object.entries(rule.map));
      mapByKey = new Map();
      for (const [k, v] of map) if (!mapByKey.has(valueKey(k))) mapByKey.set(valueKey(k), v);
    }
    rules.push({
      target,
      slot: root === 'externalIds' ? 'externalId' : (root as Slot),
      path,
      from,
      rule,
      map,
      mapByKey,
      identifier,
      maskedTrait: `${path.at(-1) ?? root}_masked`,
      keyIndex,
      // An order without its id cannot be deduplicated, so natural-key fields of orders are required.
      required: rule.required === true || (keyIndex >= 0 && mapping.kind === 'orders'),
    });
  }
  const compiled: CompiledMapping = {
    name: mapping.name,
    kind: mapping.kind,
    passthrough: mapping.kind === 'events' && rules.length === 0,
    rules,
    keyLength: naturalKey.length,
    usedColumns,
    keepUnmapped: mapping.keepUnmapped,
    identifierColumns: identifierColumns.join(', '),
    aliases,
  };
  cache.set(mapping, compiled);
  return compiled;
}

/**
 * Rename CSV headers that differ from a mapping's column names only in case, width, spaces,
 * `_` or `-` (`Order ID` → `order_id`), so rows can be read with exact lookups.
 */
export function canonicalHeader(mapping: Mapping, header: readonly string[]): string[] {
  const { aliases, usedColumns } = compileMapping(mapping);
  const taken = new Set<string>();
  return header.map((name) => {
    let out = name;
    if (!usedColumns.has(name)) {
      const alias = aliases.get(headerKey(name));
      if (alias !== undefined && !header.includes(alias) && !taken.has(alias)) out = alias;
    }
    taken.add(out);
    return out;
  });
}

/** Required rules none of whose columns is in `header` (every row would be rejected). */
export function missingRequiredColumns(mapping: Mapping, header: readonly string[]): string[] {
  const present = new Set(header);
  const missing: string[] = [];
  for (const rule of compileMapping(mapping).rules) {
    if (rule.required && rule.from.length > 0 && rule.rule.default === undefined) {
      if (!rule.from.some((c) => present.has(c))) missing.push(`${rule.target} (${rule.from.join(' / ')})`);
    }
  }
  return missing;
}
