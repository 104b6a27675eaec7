import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteWriter } from './byte-writer.js';
import { csvLine } from './csv.js';
import { MessageSerializer } from './serialize.js';
import {
  CRM_MEMBER_COLUMNS,
  DEMO_FILES,
  GROUND_TRUTH_COLUMNS,
  PEOPLE_COLUMNS,
  POS_ORDER_COLUMNS,
  TMALL_ORDER_COLUMNS,
  type CrmMemberRow,
  type DemoManifest,
  type DemoSink,
  type GroundTruthRow,
  type PersonRow,
  type PosOrderRow,
  type SegmentMessage,
  type TmallOrderRow,
} from './types.js';

export type DataFileKey =
  'events' | 'tickets' | 'crmMembers' | 'posOrders' | 'tmallOrders' | 'groundTruth' | 'people';
export const DATA_FILE_KEYS: readonly DataFileKey[] = [
  'events',
  'tickets',
  'crmMembers',
  'posOrders',
  'tmallOrders',
  'groundTruth',
  'people',
];

const HEADERS: Partial<Record<DataFileKey, readonly string[]>> = {
  crmMembers: CRM_MEMBER_COLUMNS,
  posOrders: POS_ORDER_COLUMNS,
  tmallOrders: TMALL_ORDER_COLUMNS,
  groundTruth: GROUND_TRUTH_COLUMNS,
  people: PEOPLE_COLUMNS,
};

/** One output file; the first stream error is reported on the next write. */
class Output {
  private readonly stream: WriteStream;
  private error: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 22 });
    this.stream.on('error', (err) => {
      this.error = err;
    });
  }

  /** Writes, and waits for the stream to drain when its buffer is full (backpressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.error !== undefined) throw this.error;
    if (chunk.length === 0) return;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Closes the file without waiting (after a failure elsewhere). */
  abort(): void {
    this.stream.destroy();
  }

  async end(): Promise<void> {
    if (this.error !== undefined) throw this.error;
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }
}

/** The demo's files in one directory (created if missing), headers written on open. */
export class DemoFileSet {
  private readonly out: Record<DataFileKey, Output>;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.out = {} as Record<DataFileKey, Output>;
    for (const key of DATA_FILE_KEYS) {
      this.out[key] = new Output(join(dir, DEMO_FILES[key]));
      const header = HEADERS[key];
      // A few bytes into an empty stream: never needs to wait.
      if (header !== undefined) void this.out[key].write(Buffer.from(csvLine(header), 'utf8'));
    }
  }

  write(key: DataFileKey, bytes: Buffer): Promise<void> {
    return this.out[key].write(bytes);
  }

  /** Closes every file without a manifest (the run failed; the files are incomplete). */
  abort(): void {
    for (const key of DATA_FILE_KEYS) this.out[key].abort();
  }

  /** Ends every file, then writes `manifest.json`. */
  async close(manifest: DemoManifest): Promise<void> {
    await Promise.all(DATA_FILE_KEYS.map((k) => this.out[k].end()));
    await writeFile(join(this.dir, DEMO_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  }
}

/**
 * Writes the demo brand's files into a directory: one Segment message per line in the JSONL
 * files, RFC 4180 CSV with the fixed headers, and `manifest.json` on close.
 */
export class FileSink implements DemoSink {
  private readonly files: DemoFileSet;
  private readonly serializer = new MessageSerializer();
  private readonly writer = new ByteWriter();

  constructor(readonly dir: string) {
    this.files = new DemoFileSet(dir);
  }

  events(messages: readonly SegmentMessage[]): Promise<void> {
    this.writer.appendMessages(this.serializer, messages);
    return this.files.write('events', this.writer.take());
  }

  tickets(messages: readonly SegmentMessage[]): Promise<void> {
    this.writer.appendMessages(this.serializer, messages);
    return this.files.write('tickets', this.writer.take());
  }

  crmMembers(rows: readonly CrmMemberRow[]): Promise<void> {
    this.writer.appendRows(CRM_MEMBER_COLUMNS, rows);
    return this.files.write('crmMembers', this.writer.take());
  }

  posOrders(rows: readonly PosOrderRow[]): Promise<void> {
    this.writer.appendRows(POS_ORDER_COLUMNS, rows);
    return this.files.write('posOrders', this.writer.take());
  }

  tmallOrders(rows: readonly TmallOrderRow[]): Promise<void> {
    this.writer.appendRows(TMALL_ORDER_COLUMNS, rows);
    return this.files.write('tmallOrders', this.writer.take());
  }

  groundTruth(rows: readonly GroundTruthRow[]): Promise<void> {
    this.writer.appendRows(GROUND_TRUTH_COLUMNS, rows);
    return this.files.write('groundTruth', this.writer.take());
  }

  people(rows: readonly PersonRow[]): Promise<void> {
    this.writer.appendRows(PEOPLE_COLUMNS, rows);
    return this.files.write('people', this.writer.take());
  }

  close(manifest: DemoManifest): Promise<void> {
    return this.files.close(manifest);
  }
}
