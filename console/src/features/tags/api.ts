import { queryOptions } from '@tanstack/react-query';
import { request } from '../../api';
import type { LocalName } from '../../api-types';

/**
 * The tags and computed-traits routes (src/http/routes/tags.ts) and their answers, shaped after
 * the server's zod schemas in src/tags/definitions.ts.
 */

export type Status = 'draft' | 'active' | 'deprecated';
export const STATUSES: readonly Status[] = ['draft', 'active', 'deprecated'];
export type Schedule = 'manual' | 'hourly' | 'daily';
export const SCHEDULES: readonly Schedule[] = ['daily', 'hourly', 'manual'];

export type TagValue = string | number | boolean;

export interface Aggregate {
  fn: string;
  event?: string | string[];
  property?: string;
  where?: unknown[];
  within?: string;
  limit?: number;
  minCount?: number;
}

export type ValueSource = { trait: string } | { aggregate: Aggregate };

export interface Range {
  value: TagValue;
  min?: number;
  max?: number;
}

export type TagSpec =
  | { kind: 'rule'; condition: unknown }
  | { kind: 'bucket'; rules: Array<{ value: TagValue; condition: unknown }>; otherwise?: TagValue }
  | { kind: 'range'; of: ValueSource; ranges: Range[]; otherwise?: TagValue }
  | { kind: 'computed'; of: ValueSource }
  | { kind: 'model'; model: 'rfm_score'; part: 'r' | 'f' | 'm' }
  | { kind: 'model'; model: 'rfm_class'; high: number }
  | { kind: 'model'; model: 'lifecycle'; newDays: number; activeDays: number; dormantDays: number }
  | { kind: 'model'; model: 'top_share'; of: ValueSource; share: number }
  | { kind: 'manual' };

export interface TagDefinition {
  key: string;
  name?: LocalName;
  category: string;
  description: string;
  owner: string;
  status: Status;
  schedule: Schedule;
  spec: TagSpec;
}

export interface TraitDefinition {
  key: string;
  name?: LocalName;
  description: string;
  owner: string;
  status: Status;
  schedule: Schedule;
  spec: { kind: 'aggregate'; aggregate: Aggregate } | { kind: 'purchases'; metric: string };
}

/** A stored definition: the newest version in lists, every version in `/versions`. */
export interface DefinitionInfo<T> {
  key: string;
  version: number;
  status: Status;
  createdAt: string;
  createdBy: string | null;
  definition: T;
}

export type TagInfo = DefinitionInfo<TagDefinition>;
export type TraitInfo = DefinitionInfo<TraitDefinition>;

export interface RefreshRecord {
  key: string;
  kind: 'tag' | 'trait';
  version: number;
  refreshed_at: string;
  mode: string;
  generation: number;
  profiles: number;
  valued: number;
  millis: number;
}

export interface ValueCount {
  value: unknown;
  profiles: number;
}

/** Numeric tags: min, quartiles, max and mean of the values. */
export type NumericSummary = Partial<
  Record<'min' | 'p25' | 'median' | 'p75' | 'max' | 'mean', number | null>
>;

export interface TagStats {
  key: string;
  profiles: number;
  valued: number;
  coverage: number;
  values: ValueCount[];
  summary: NumericSummary | null;
  lastRefresh: RefreshRecord | null;
}

export interface TagDetail extends TagInfo {
  stats: TagStats | null;
}

export interface PreviewResult {
  sampled: number;
  valued: number;
  coverage: number;
  values: ValueCount[];
  sample: Array<{ profileId: string; value: unknown }>;
}

export interface HistoryAnswer {
  key: string;
  from: string;
  to: string;
  /** Per day the value counts; a numeric tag has one entry whose value is its summary. */
  days: Array<{ day: string; values: ValueCount[] }>;
}

export interface RefreshReport {
  asOf: string;
  mode: string;
  tags: string[];
  traits: string[];
  profiles: number;
  tagValues: number;
  traitValues: number;
  millis: number;
}

export interface TagCategory {
  key: string;
  name: { 'zh-CN': string; en: string };
}

/** One line of a manual assignment: a profile id, or any identifier of the person. */
export type Assignment =
  { profileId: string; value?: unknown } | { type: string; value: string; tagValue?: unknown };

export interface AssignAnswer {
  assigned: number;
  unresolved: Array<{ index: number; reason: string }>;
}

export interface RemoveAnswer {
  removed: number;
  unresolved: Array<{ index: number; reason: string }>;
}

export interface AssignmentsPage {
  key: string;
  total: number;
  assignments: Array<{ profileId: string; value: unknown; assignedAt: string; assignedBy: string | null }>;
}

const enc = encodeURIComponent;

export const tagsApi = {
  categories: (signal?: AbortSignal) =>
    request<{ categories: TagCategory[] }>('GET', '/api/v1/tag-categories', { signal }),
  list: (signal?: AbortSignal) => request<{ tags: TagInfo[] }>('GET', '/api/v1/tags', { signal }),
  /** Every tag with its coverage and distribution, in one request (the catalogue). */
  listWithStats: (signal?: AbortSignal) =>
    request<{ tags: TagDetail[] }>('GET', '/api/v1/tags', { query: { stats: 'true' }, signal }),
  get: (key: string, signal?: AbortSignal) =>
    request<TagDetail>('GET', `/api/v1/tags/${enc(key)}`, { signal }),
  create: (definition: Omit<TagDefinition, 'description' | 'owner' | 'schedule'> & Partial<TagDefinition>) =>
    request<TagInfo>('POST', '/api/v1/tags', { body: definition }),
  update: (key: string, definition: TagDefinition) =>
    request<TagInfo>('PUT', `/api/v1/tags/${enc(key)}`, { body: definition }),
  setStatus: (key: string, status: Status) =>
    request<TagInfo>('POST', `/api/v1/tags/${enc(key)}/status`, { body: { status } }),
  versions: (key: string, signal?: AbortSignal) =>
    request<{ versions: TagInfo[] }>('GET', `/api/v1/tags/${enc(key)}/versions`, { signal }),
  history: (key: string, from: string | undefined, signal?: AbortSignal) =>
    request<HistoryAnswer>('GET', `/api/v1/tags/${enc(key)}/history`, { query: { from }, signal }),
  preview: (definition: TagDefinition, sample?: number) =>
    request<PreviewResult>('POST', '/api/v1/tags/preview', {
      body: sample === undefined ? { definition } : { definition, sample },
    }),
  refresh: (keys?: string[]) =>
    request<RefreshReport>('POST', '/api/v1/tags/refresh', { body: keys ? { keys } : {} }),
  assign: (key: string, profiles: Assignment[], replace: boolean) =>
    request<AssignAnswer>('POST', `/api/v1/tags/${enc(key)}/assignments`, { body: { profiles, replace } }),
  unassign: (key: string, profiles: Array<{ profileId: string } | { type: string; value: string }>) =>
    request<RemoveAnswer>('POST', `/api/v1/tags/${enc(key)}/assignments/remove`, { body: { profiles } }),
  assignments: (key: string, page: { limit: number; offset: number }, signal?: AbortSignal) =>
    request<AssignmentsPage>('GET', `/api/v1/tags/${enc(key)}/assignments`, {
      query: { limit: String(page.limit), offset: String(page.offset) },
      signal,
    }),

  traits: (signal?: AbortSignal) => request<{ traits: TraitInfo[] }>('GET', '/api/v1/traits', { signal }),
  trait: (key: string, signal?: AbortSignal) =>
    request<TraitInfo & { versions: TraitInfo[] }>('GET', `/api/v1/traits/${enc(key)}`, { signal }),
  createTrait: (definition: unknown) => request<TraitInfo>('POST', '/api/v1/traits', { body: definition }),
  updateTrait: (key: string, definition: unknown) =>
    request<TraitInfo>('PUT', `/api/v1/traits/${enc(key)}`, { body: definition }),
  setTraitStatus: (key: string, status: Status) =>
    request<TraitInfo>('POST', `/api/v1/traits/${enc(key)}/status`, { body: { status } }),
};

// Query keys: every change to tags invalidates `['tags']`, which covers the catalogue's key too.
export const tagCatalogueQuery = queryOptions({
  queryKey: ['tags', 'stats'],
  queryFn: ({ signal }) => tagsApi.listWithStats(signal),
});
export const tagCategoriesQuery = queryOptions({
  queryKey: ['tag-categories'],
  queryFn: ({ signal }) => tagsApi.categories(signal),
  staleTime: Infinity,
});
export const tagQuery = (key: string) =>
  queryOptions({ queryKey: ['tag', key], queryFn: ({ signal }) => tagsApi.get(key, signal) });
export const tagVersionsQuery = (key: string) =>
  queryOptions({
    queryKey: ['tag', key, 'versions'],
    queryFn: ({ signal }) => tagsApi.versions(key, signal),
  });
export const tagHistoryQuery = (key: string, from: string | undefined) =>
  queryOptions({
    queryKey: ['tag', key, 'history', from ?? 'default'],
    queryFn: ({ signal }) => tagsApi.history(key, from, signal),
  });
export const traitListQuery = queryOptions({
  queryKey: ['traits'],
  queryFn: ({ signal }) => tagsApi.traits(signal),
});
