import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import type { Collector, IngestItem } from './collector.js';
import { finishImport, insertImport, selectImports, type ImportRow } from './import-store.js';
import {
  loadMapping,
  mapRecord,
  parseMapping,
  readRecords,
  type ByteSource,
  type Mapping,
  type SourceRecord,
} from './import/index.js';
import type { RejectedInput } from './message.js';
import type { ReplayDecoder } from './rejected.js';

/** How many records go into one ingest call, and how many calls may be in flight at once. */
const BATCH = 2_000;
const IN_FLIGHT = 4;

export interface ImportRequest {
  workspaceId: string;
  sourceId: string;
  /** A preset name, or a mapping object (kept in rejected records so they can be replayed). */
  mapping: Mapping;
  presetName?: string;
  fileName?: string;
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
  /** Set when the file could not be read with this mapping at all (e.g. required columns missing). */
  fatal: { code: string; message: string } | null;
}

/** How far a running import has got. */
export interface ImportProgress {
  records: number;
  bytes: number;
}

/** One row of a mapping preview: what the file holds and what it would become. */
export interface PreviewRow {
  line: number;
  /** The row as read (columns by the mapping's names), or its raw text when it could not be read. */
  record?: SourceRecord;
  raw?: string;
  /** The message the mapping makes of it. */
  message?: unknown;
  result: 'ok' | 'rejected';
  code?: string;
  reason?: string;
}

export interface ImportPreview {
  /** The CSV header (after the mapping's renames); empty for JSONL. */
  columns: string[];
  rows: PreviewRow[];
  fatal: { code: string; message: string } | null;
}

/** What a rejected import record keeps: enough to map it again after the mapping or the data is fixed. */
interface ImportPayload {
  mapping: string | Mapping;
  file: string | null;
  line: number;
  record?: SourceRecord;
  raw?: string;
}

/**
 * Streams a CSV/JSONL export through a mapping into the collection pipeline: constant memory,
 * records go to ingest in batches with a few batches in flight, every row accepted, found
 * already present (deterministic messageIds make re-imports change nothing), or rejected with
 * its reason and the original row.
 */
export class Importer {
  private readonly running = new Map<string, ImportProgress>();

  constructor(
    private readonly db: Database,
    private readonly collector: Collector,
    private readonly clock: Clock,
  ) {}

  async run(
    input: ByteSource,
    req: ImportRequest,
    onProgress?: (records: number, bytes: number) => void,
  ): Promise<ImportSummary> {
    const id = generateId('imp');
    const started = this.clock.now();
    const mappingRef = req.presetName ?? req.mapping;
    const mappingLabel = req.presetName ?? req.mapping.name;
    await insertImport(this.db, {
      id,
      workspace_id: req.workspaceId,
      source_id: req.sourceId,
      mapping: mappingLabel,
      file_name: req.fileName ?? null,
      started_at: new Date(started),
    });
    this.running.set(id, { records: 0, bytes: 0 });
    const summary: ImportSummary = {
      id,
      mapping: mappingLabel,
      fileName: req.fileName ?? null,
      records: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      rejectedByCode: {},
      seconds: 0,
      recordsPerSecond: 0,
      fatal: null,
    };
    const countRejected = (code: string): void => {
      summary.rejected++;
      summary.rejectedByCode[code] = (summary.rejectedByCode[code] ?? 0) + 1;
    };
    const ctx = {
      workspaceId: req.workspaceId,
      sourceId: req.sourceId,
      origin: 'import' as const,
      correctClockSkew: false,
    };
    const file = req.fileName ?? null;
    const ref = (line: number): string => `${file ?? 'upload'}:${line}`;
    const payload = (p: Omit<ImportPayload, 'mapping' | 'file'>): string =>
      JSON.stringify({ mapping: mappingRef, file, ...p });

    let items: IngestItem[] = [];
    let failures: RejectedInput[] = [];
    const inFlight = new Set<Promise<void>>();
    const flush = async (): Promise<void> => {
      const batchItems = items;
      const batchFailures = failures;
      items = [];
      failures = [];
      const work = (async () => {
        if (batchFailures.length > 0) await this.collector.reject(batchFailures);
        if (batchItems.length === 0) return;
        const outcomes = await this.collector.ingest(batchItems, ctx);
        for (const o of outcomes) {
          if (o.kind === 'accepted') summary.accepted++;
          else if (o.kind === 'duplicate') summary.duplicates++;
          else countRejected(o.code);
        }
      })();
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work)).catch(() => undefined);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    };

    let status: 'done' | 'failed' = 'done';
    let error: string | null = null;
    try {
      for await (const item of readRecords(input, req.mapping)) {
        if (item.error) {
          if (item.error.fatal) {
            summary.fatal = { code: item.error.code, message: item.error.message };
            status = 'failed';
            error = item.error.message;
            break;
          }
          summary.records++;
          countRejected(item.error.code);
          failures.push(
            this.rejectedRow(
              ctx,
              ref(item.line),
              item.error.code,
              item.error.message,
              payload({ line: item.line, raw: item.raw }),
            ),
          );
        } else {
          summary.records++;
          const { line, record } = item;
          const mapped = mapRecord(req.mapping, record, { line, file: file ?? undefined });
          if (mapped.ok) {
            items.push({
              message: mapped.message,
              // Built only if the message is rejected: most rows never need them.
              ref: () => ref(line),
              rejectPayload: () => payload({ line, record }),
            });
          } else {
            countRejected(mapped.code);
            failures.push(
              this.rejectedRow(
                ctx,
                ref(item.line),
                mapped.code,
                mapped.message,
                payload({ line: item.line, record: item.record }),
              ),
            );
          }
        }
        if (items.length + failures.length >= BATCH) {
          await flush();
          this.running.set(id, { records: summary.records, bytes: item.bytesRead });
          onProgress?.(summary.records, item.bytesRead);
        }
      }
      await flush();
      await Promise.all(inFlight);
    } catch (err) {
      await Promise.allSettled(inFlight);
      status = 'failed';
      error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.running.delete(id);
      summary.seconds = (this.clock.now() - started) / 1000;
      summary.recordsPerSecond =
        summary.seconds > 0 ? Math.round(summary.records / summary.seconds) : summary.records;
      await finishImport(this.db, id, {
        status,
        finishedAt: new Date(this.clock.now()),
        records: summary.records,
        accepted: summary.accepted,
        duplicates: summary.duplicates,
        rejected: summary.rejected,
        byCode: summary.rejectedByCode,
        error,
      });
    }
    return summary;
  }

  /** Records read so far by an import still running in this process, or undefined. */
  progress(id: string): ImportProgress | undefined {
    return this.running.get(id);
  }

  /**
   * Reads the first `limit` records of a file (or of its beginning) and shows what each would
   * become under the mapping and whether ingest would take it. Stores nothing.
   */
  async preview(
    input: ByteSource,
    req: Pick<ImportRequest, 'workspaceId' | 'sourceId' | 'mapping' | 'fileName'>,
    limit: number,
  ): Promise<ImportPreview> {
    const out: ImportPreview = { columns: [], rows: [], fatal: null };
    const ctx = {
      workspaceId: req.workspaceId,
      sourceId: req.sourceId,
      origin: 'import' as const,
      correctClockSkew: false,
    };
    const reader = readRecords(input, req.mapping, { onHeader: (c) => (out.columns = [...c]) });
    for await (const item of reader) {
      if (item.error) {
        if (item.error.fatal) {
          out.fatal = { code: item.error.code, message: item.error.message };
          break;
        }
        out.rows.push({
          line: item.line,
          raw: item.raw,
          result: 'rejected',
          code: item.error.code,
          reason: item.error.message,
        });
      } else {
        const mapped = mapRecord(req.mapping, item.record, { line: item.line, file: req.fileName });
        if (!mapped.ok) {
          out.rows.push({
            line: item.line,
            record: item.record,
            result: 'rejected',
            code: mapped.code,
            reason: mapped.message,
          });
        } else {
          const checked = this.collector.check(mapped.message, ctx);
          out.rows.push({
            line: item.line,
            record: item.record,
            message: mapped.message,
            ...(checked.ok
              ? { result: 'ok' }
              : { result: 'rejected', code: checked.code, reason: checked.reason }),
          });
        }
      }
      if (out.rows.length >= limit) break;
    }
    return out;
  }

  private rejectedRow(
    ctx: { workspaceId: string; sourceId: string },
    originRef: string,
    code: string,
    reason: string,
    payload: string,
  ): RejectedInput {
    return {
      workspaceId: ctx.workspaceId,
      sourceId: ctx.sourceId,
      origin: 'import',
      originRef,
      code,
      reason,
      payload,
      receivedAt: this.clock.now(),
    };
  }

  async list(workspaceId: string, limit: number): Promise<ImportRow[]> {
    return selectImports(this.db, workspaceId, limit);
  }
}

/**
 * Replays a rejected import row: maps it again with its mapping as it is now (a preset is
 * re-read, so a fixed preset or data fixed in the payload takes effect).
 */
export const replayImportRow: ReplayDecoder = async (row) => {
  let p: ImportPayload;
  try {
    p = JSON.parse(row.payload) as ImportPayload;
  } catch (err) {
    return {
      ok: false,
      code: 'invalid_payload',
      reason: `payload is not valid JSON: ${(err as Error).message}`,
    };
  }
  if (!p.record) {
    return {
      ok: false,
      code: 'unreadable_row',
      reason:
        'this row could not be read from the file at all; fix the file and import it again (re-imports change nothing that is already in)',
    };
  }
  const mapping = typeof p.mapping === 'string' ? await loadMapping(p.mapping) : parseMapping(p.mapping);
  if (!mapping.ok) {
    const message =
      'message' in mapping.error
        ? mapping.error.message
        : mapping.error.map((i) => `${i.path}: ${i.message}`).join('; ');
    return { ok: false, code: 'invalid_mapping', reason: `the row's mapping cannot be used: ${message}` };
  }
  const mapped = mapRecord(mapping.value, p.record, { line: p.line, file: p.file ?? undefined });
  return mapped.ok
    ? { ok: true, message: mapped.message }
    : { ok: false, code: mapped.code, reason: mapped.message };
};
