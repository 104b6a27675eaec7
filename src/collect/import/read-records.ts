/**
 * Streaming readers: a byte stream in, one item per record out, in constant memory.
 * Broken records become error items (with their line and raw text) and reading goes on.
 */
import { assertNever } from '../../platform/errors.js';
import type { Encoding, Mapping } from './mapping-schema.js';
import type { SourceRecord } from './map-record.js';
import { readCsv } from './read-csv.js';
import { readJsonl } from './read-jsonl.js';

export type ReadErrorCode =
  | 'csv_syntax'
  | 'csv_column_count'
  | 'record_too_large'
  | 'invalid_json'
  | 'not_an_object'
  | 'missing_columns';

export interface ReadError {
  code: ReadErrorCode;
  message: string;
  /** The file cannot be imported with this mapping; no more items follow. */
  fatal?: boolean;
}

/** One record, or one broken record, with its 1-based line and the input bytes consumed so far. */
export type ReadItem =
  | { record: SourceRecord; line: number; bytesRead: number; error?: undefined }
  | { error: ReadError; line: number; bytesRead: number; raw?: string; record?: undefined };

export interface ReadOptions {
  /** Overrides the mapping's `csv.encoding` (JSONL: `auto` unless given). */
  encoding?: Encoding;
  /** A record longer than this (characters) is reported and skipped; default 1 MiB for CSV, 16 MiB for JSONL. */
  maxRecordChars?: number;
  /** Called once with the CSV header, after renaming to the mapping's spelling. */
  onHeader?: (columns: readonly string[]) => void;
}

/** Input accepted by the readers: a `Readable` (of Buffers or strings) or any async iterable of chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/** Read records in the mapping's format (`csv` or `jsonl`). */
export function readRecords(
  input: ByteSource,
  mapping: Mapping,
  options: ReadOptions = {},
): AsyncIterable<ReadItem> {
  switch (mapping.format) {
    case 'csv':
      return readCsv(input, mapping, options);
    case 'jsonl':
      return readJsonl(input, options);
    default:
      return assertNever(mapping.format);
  }
}
