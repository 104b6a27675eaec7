import { csrfHeaders, errorFromAnswer, ApiError, request } from '../../api';
import type { CreatedSource } from '../../api-types';

/** The reads and writes of the sources pages: debugger, rejected records, imports. */

export type LiveResult = 'accepted' | 'duplicate' | 'rejected';

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

/** One message of the live debugger (`GET /api/v1/debugger/events`). */
export interface LiveEvent {
  seq: number;
  receivedAt: string;
  sourceId: string;
  origin: 'api' | 'import' | 'replay';
  result: LiveResult;
  messageId: string | null;
  type: string | null;
  name: string | null;
  code?: string;
  reason?: string;
  issues: FieldIssue[];
  message: Record<string, unknown>;
}

export interface RejectedRecord {
  id: string;
  sourceId: string | null;
  origin: string;
  originRef: string | null;
  code: string;
  reason: string;
  payload: unknown;
  receivedAt: string;
  status: 'open' | 'replayed' | 'discarded';
  attempts: number;
  resolvedAt: string | null;
}

export interface ReplayResult {
  attempted: number;
  accepted: number;
  duplicates: number;
  stillRejected: number;
  results: Array<{ id: string; outcome: LiveResult; code?: string; reason?: string }>;
}

export interface ImportPreset {
  name: string;
  kind: string;
  format: 'csv' | 'jsonl';
  /** One text, or one per language. */
  description?: string | Partial<Record<'en' | 'zh-CN', string>>;
}

export interface PreviewRow {
  line: number;
  record?: Record<string, unknown>;
  raw?: string;
  message?: Record<string, unknown>;
  result: 'ok' | 'rejected';
  code?: string;
  reason?: string;
}

export interface ImportPreview {
  columns: string[];
  rows: PreviewRow[];
  fatal: { code: string; message: string } | null;
}

export interface ImportSummary {
  id: string;
  mapping: string;
  fileName: string | null;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  seconds: number;
  recordsPerSecond: number;
}

export interface ImportRun {
  id: string;
  sourceId: string;
  mapping: string;
  fileName: string | null;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  records: number;
  progress: { records: number; bytes: number } | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  error: string | null;
}

export interface RejectedFilter {
  status?: 'open' | 'replayed' | 'discarded';
  code?: string;
  sourceId?: string;
}

const contentType = (format: 'csv' | 'jsonl'): string =>
  format === 'csv' ? 'text/csv' : 'application/x-ndjson';

export const sourcesApi = {
  live: (
    q: { sourceId?: string; result?: LiveResult; after?: number; wait?: number; limit?: number },
    signal?: AbortSignal,
  ) =>
    request<{ events: LiveEvent[]; cursor: number }>('GET', '/api/v1/debugger/events', { query: q, signal }),

  setDisabled: (id: string, disabled: boolean) =>
    request<unknown>('POST', `/api/v1/sources/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`),
  /** A new write key, in this answer only; the old one stops now or after `graceHours`. */
  rotateKey: (id: string, graceHours: number) =>
    request<CreatedSource>('POST', `/api/v1/sources/${encodeURIComponent(id)}/rotate-key`, {
      body: { graceHours },
    }),

  rejected: (filter: RejectedFilter & { limit: number; offset: number }, signal?: AbortSignal) =>
    request<{ records: RejectedRecord[] }>('GET', '/api/v1/rejected', { query: { ...filter }, signal }),
  rejectedSummary: (filter: RejectedFilter, signal?: AbortSignal) =>
    request<{ byCode: Array<{ code: string; count: number }> }>('GET', '/api/v1/rejected/summary', {
      query: { ...filter },
      signal,
    }),
  replay: (body: { ids?: string[]; code?: string; sourceId?: string; limit?: number; payload?: unknown }) =>
    request<ReplayResult>('POST', '/api/v1/rejected/replay', { body }),
  discard: (ids: string[]) =>
    request<{ discarded: number }>('POST', '/api/v1/rejected/discard', { body: { ids } }),

  presets: (signal?: AbortSignal) =>
    request<{ presets: ImportPreset[] }>('GET', '/api/v1/imports/presets', { signal }),
  imports: (signal?: AbortSignal) => request<{ imports: ImportRun[] }>('GET', '/api/v1/imports', { signal }),
  preview: (text: Blob | string, preset: ImportPreset, fileName: string, sourceId?: string) =>
    request<ImportPreview>('POST', '/api/v1/imports/preview', {
      query: { mapping: preset.name, fileName, sourceId, limit: 20 },
      raw: { body: text, contentType: contentType(preset.format) },
    }),
};

/**
 * Uploads a whole file to `POST /api/v1/imports`, reporting the bytes sent: the server reads the
 * upload as a stream and ingests as it reads, so the bytes sent track the rows imported.
 */
export function uploadImport(
  file: File,
  preset: ImportPreset,
  sourceId: string | undefined,
  onProgress: (sent: number, total: number) => void,
): { done: Promise<ImportSummary>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const params = new URLSearchParams({ mapping: preset.name, fileName: file.name });
  if (sourceId) params.set('sourceId', sourceId);
  const done = new Promise<ImportSummary>((resolve, reject) => {
    xhr.open('POST', `/api/v1/imports?${params.toString()}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType(preset.format));
    xhr.setRequestHeader('accept', 'application/json');
    for (const [k, v] of Object.entries(csrfHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was interrupted'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        reject(new ApiError(xhr.status, 'bad_response', `HTTP ${xhr.status}: the answer is not JSON`));
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportSummary);
      else reject(errorFromAnswer(xhr.status, body));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
