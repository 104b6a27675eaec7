import { ApiError, csrfHeaders, errorFromAnswer, request } from '../../api';
import type { Segment, Tag } from '../../api-types';

/**
 * The segment routes the pages call (src/http/routes/segments.ts), with their answers' shapes
 * (src/segments/engine.ts SegmentInfo, segment-reads.ts, destinations.ts).
 */

export type SegmentSchedule = 'hourly' | 'daily' | 'manual';
export const SCHEDULES: readonly SegmentSchedule[] = ['hourly', 'daily', 'manual'];

export interface SegmentDetail extends Segment {
  condition: unknown;
  createdBy: string | null;
  origin: { kind: 'upload' } | { kind: 'snapshot'; of: string; at: string } | null;
}

export interface SegmentInput {
  name: string;
  description?: string;
  kind?: 'dynamic' | 'static';
  condition?: unknown;
  realtime?: boolean;
  schedule?: SegmentSchedule;
  members?: MemberList;
  owner?: string;
}

export interface MemberList {
  profileIds?: string[];
  identifiers?: Array<{ type: string; value: string }>;
}

/** How a list matched people (src/segments/member-lists.ts). */
export interface ListReport {
  matched: number;
  unmatched: number;
  problems: Array<{ entry: string; reason: string }>;
}

export interface SegmentVersion {
  id: string;
  version: number;
  status: string;
  createdAt: string;
  createdBy: string | null;
  definition: {
    name: string;
    description: string;
    kind: string;
    condition: unknown;
    realtime: boolean;
    schedule: string;
    owner: string | null;
  };
}

export interface Preview {
  count: number;
  sample: Array<{ profileId: string }>;
  millis: number;
}

export interface Member {
  profileId: string;
  enteredAt: string;
  traits?: Record<string, unknown>;
  tags?: Record<string, unknown>;
}

export interface SizePoint {
  at: string;
  size: number;
  entered: number;
  exited: number;
  cause: string;
}

/** A segment's TGI on a tag (src/segments/tgi.ts). */
export interface TgiReport {
  segmentId: string;
  tag: string;
  size: number;
  population: number;
  values: Array<{
    value: unknown;
    members: number;
    memberShare: number;
    population: number;
    populationShare: number;
    tgi: number | null;
  }>;
}

export interface Overlap {
  a: { id: string; size: number; only: number };
  b: { id: string; size: number; only: number };
  both: number;
  union: number;
  jaccard: number;
}

export type Hash = 'none' | 'md5' | 'sha256';
export const HASHES: readonly Hash[] = ['none', 'md5', 'sha256'];

export interface AudienceColumns {
  identifiers: Array<{ type: string; hash: Hash }>;
  traits: string[];
  tags: string[];
}

export interface Destination {
  id: string;
  segmentId: string;
  status: 'active' | 'paused';
  createdAt: string;
  definition: {
    name: string;
    url: string;
    columns: AudienceColumns;
    batchSize: number;
    retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  };
}

export interface DestinationInput {
  name: string;
  url: string;
  secret?: string;
  columns: AudienceColumns;
  batchSize?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}

export interface SyncReport {
  destinationId: string;
  added: number;
  removed: number;
  batches: number;
  status: 'delivered' | 'failed' | 'nothing_to_send';
  error: string | null;
}

export interface Delivery {
  id: string;
  at: string;
  added: number;
  removed: number;
  status: string;
  error: string | null;
  attempts: Array<{
    attempt: number;
    at: number;
    status: number | null;
    error: string | null;
    millis: number;
  }>;
}

export interface ComputedTrait {
  key: string;
  status: string;
  definition: {
    key: string;
    name?: string | { 'zh-CN'?: string; en?: string };
    description: string;
    spec: { kind: 'purchases'; metric: string } | { kind: 'aggregate'; aggregate: { fn: string } };
  };
}

/** GET /api/v1/schema (src/collect/event-schema.ts): what the stored events say about the data. */
export interface DataSchema {
  events: Array<{ name: string; count: number; lastSeen: string; properties: KeyCount[] }>;
  traits: KeyCount[];
}

export interface KeyCount {
  key: string;
  count: number;
}

export interface TagStats {
  stats: { values: Array<{ value: unknown; profiles: number }>; summary: unknown } | null;
}

const enc = encodeURIComponent;
const base = (id: string) => `/api/v1/segments/${enc(id)}`;

export const segmentsApi = {
  list: (signal?: AbortSignal) =>
    request<{ segments: SegmentDetail[] }>('GET', '/api/v1/segments', { signal }),
  get: (id: string, signal?: AbortSignal) => request<SegmentDetail>('GET', base(id), { signal }),
  create: (body: SegmentInput) =>
    request<SegmentDetail & { list?: ListReport }>('POST', '/api/v1/segments', { body }),
  update: (id: string, body: SegmentInput) => request<SegmentDetail>('PUT', base(id), { body }),
  setStatus: (id: string, action: 'archive' | 'activate') =>
    request<SegmentDetail>('POST', `${base(id)}/${action}`),
  refresh: (id: string) => request<unknown>('POST', '/api/v1/segments/refresh', { body: { ids: [id] } }),
  snapshot: (id: string, name?: string) =>
    request<SegmentDetail>('POST', `${base(id)}/snapshot`, { body: name ? { name } : {} }),
  versions: (id: string, signal?: AbortSignal) =>
    request<{ versions: SegmentVersion[] }>('GET', `${base(id)}/versions`, { signal }),
  preview: (condition: unknown, sample: number, signal?: AbortSignal) =>
    request<Preview>('POST', '/api/v1/segments/preview', { body: { condition, sample }, signal }),
  members: (
    id: string,
    q: { after?: string; limit: number; traits: string[]; tags: string[] },
    signal?: AbortSignal,
  ) =>
    request<{ members: Member[]; next: string | null }>('GET', `${base(id)}/members`, {
      query: {
        after: q.after,
        limit: q.limit,
        traits: q.traits.join(',') || undefined,
        tags: q.tags.join(',') || undefined,
      },
      signal,
    }),
  editMembers: (id: string, body: { add?: MemberList; remove?: MemberList }) =>
    request<{ added: ListReport; removed: ListReport; size: number }>('POST', `${base(id)}/members`, {
      body,
    }),
  sizes: (id: string, signal?: AbortSignal) =>
    request<{ sizes: SizePoint[] }>('GET', `${base(id)}/sizes`, { query: { limit: 2000 }, signal }),
  overlap: (id: string, other: string, signal?: AbortSignal) =>
    request<Overlap>('GET', `${base(id)}/overlap/${enc(other)}`, { signal }),
  tgi: (id: string, tag: string, signal?: AbortSignal) =>
    request<TgiReport>('GET', `${base(id)}/tgi`, { query: { tag }, signal }),
  destinations: (id: string, signal?: AbortSignal) =>
    request<{ destinations: Destination[] }>('GET', `${base(id)}/destinations`, { signal }),
  createDestination: (id: string, body: DestinationInput) =>
    request<Destination & { secret: string }>('POST', `${base(id)}/destinations`, { body }),
  sync: (id: string, destination: string) =>
    request<SyncReport>('POST', `${base(id)}/destinations/${enc(destination)}/sync`),
  deliveries: (id: string, destination: string, signal?: AbortSignal) =>
    request<{ deliveries: Delivery[] }>('GET', `${base(id)}/destinations/${enc(destination)}/deliveries`, {
      query: { limit: 50 },
      signal,
    }),

  // What the builder offers in its pickers.
  tags: (signal?: AbortSignal) => request<{ tags: Tag[] }>('GET', '/api/v1/tags', { signal }),
  tagStats: (key: string, signal?: AbortSignal) =>
    request<TagStats>('GET', `/api/v1/tags/${enc(key)}`, { signal }),
  traits: (signal?: AbortSignal) => request<{ traits: ComputedTrait[] }>('GET', '/api/v1/traits', { signal }),
  /** The event names, their property keys and the trait keys the store holds (any role). */
  schema: (signal?: AbortSignal) => request<DataSchema>('GET', '/api/v1/schema', { signal }),
};

/** The members as CSV. `request` reads JSON answers only, so this one fetches itself. */
export async function exportCsv(
  id: string,
  columns: AudienceColumns,
): Promise<{ csv: string; rows: number; filename: string }> {
  const res = await fetch(`${base(id)}/export`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'text/csv', ...csrfHeaders() },
    body: JSON.stringify(columns),
  });
  const text = await res.text();
  if (!res.ok) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}: ${String(err)}`);
    }
    throw errorFromAnswer(res.status, body);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${id}.csv`;
  return { csv: text, rows: Number(res.headers.get('x-tessera-rows') ?? 0), filename };
}
