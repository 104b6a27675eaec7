import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

const CHUNK = 1 << 20;

/**
 * A file written through a 1 MiB buffer: strings are encoded straight into it (no huge
 * concatenated strings), and a full buffer is handed to the stream, waiting for it to drain when
 * the stream says so (backpressure). The first stream error is reported on the next write.
 */
class Output {
  private readonly stream: WriteStream;
  private error: Error | undefined;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (err) => {
      this.error = err;
    });
  }

  /** Appends a string; returns a promise only when the buffer had to be flushed. */
  append(text: string): Promise<void> | undefined {
    if (this.pos + text.length * 3 <= this.buf.length) {
      this.pos += this.buf.write(text, this.pos, 'utf8');
      return undefined;
    }
    return this.appendSlow(text);
  }

  private async appendSlow(text: string): Promise<void> {
    await this.flush();
    if (text.length * 3 > this.buf.length) await this.writeChunk(Buffer.from(text, 'utf8'));
    else this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  async appendRows<K extends string>(columns: readonly K[], rows: readonly Record<K, string>[]): Promise<void> {
    const values = new Array<string>(columns.length);
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!];
      const pending = this.append(csvLine(values));
      if (pending !== undefined) await pending;
    }
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
    await this.writeChunk(chunk);
  }

  private async writeChunk(chunk: Buffer): Promise<void> {
    if (this.error !== undefined) throw this.error;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.error !== undefined) throw this.error;
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }
}

/**
 * Writes the demo brand's files into a directory (created if missing): JSONL for Segment
 * messages, RFC 4180 CSV with the fixed headers, and `manifest.json` on close.
 */
export class FileSink implements DemoSink {
  private readonly out: {
    events: Output;
    tickets: Output;
    crmMembers: Output;
    posOrders: Output;
    tmallOrders: Output;
    groundTruth: Output;
    people: Output;
  };
  private readonly serializer = new MessageSerializer();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    const open = (name: string): Output => new Output(join(dir, name));
    this.out = {
      events: open(DEMO_FILES.events),
      tickets: open(DEMO_FILES.tickets),
      crmMembers: open(DEMO_FILES.crmMembers),
      posOrders: open(DEMO_FILES.posOrders),
      tmallOrders: open(DEMO_FILES.tmallOrders),
      groundTruth: open(DEMO_FILES.groundTruth),
      people: open(DEMO_FILES.people),
    };
    // Buffered appends of a few bytes: these never wait on the stream.
    void this.out.crmMembers.append(csvLine(CRM_MEMBER_COLUMNS));
    void this.out.posOrders.append(csvLine(POS_ORDER_COLUMNS));
    void this.out.tmallOrders.append(csvLine(TMALL_ORDER_COLUMNS));
    void this.out.groundTruth.append(csvLine(GROUND_TRUTH_COLUMNS));
    void this.out.people.append(csvLine(PEOPLE_COLUMNS));
  }

  async events(messages: readonly SegmentMessage[]): Promise<void> {
    await this.writeMessages(this.out.events, messages);
  }

  async tickets(messages: readonly SegmentMessage[]): Promise<void> {
    await this.writeMessages(this.out.tickets, messages);
  }

  private async writeMessages(out: Output, messages: readonly SegmentMessage[]): Promise<void> {
    for (const m of messages) {
      const pending = out.append(this.serializer.line(m));
      if (pending !== undefined) await pending;
    }
    this.serializer.reset();
  }

  async crmMembers(rows: readonly CrmMemberRow[]): Promise<void> {
    await this.out.crmMembers.appendRows(CRM_MEMBER_COLUMNS, rows);
  }

  async posOrders(rows: readonly PosOrderRow[]): Promise<void> {
    await this.out.posOrders.appendRows(POS_ORDER_COLUMNS, rows);
  }

  async tmallOrders(rows: readonly TmallOrderRow[]): Promise<void> {
    await this.out.tmallOrders.appendRows(TMALL_ORDER_COLUMNS, rows);
  }

  async groundTruth(rows: readonly GroundTruthRow[]): Promise<void> {
    await this.out.groundTruth.appendRows(GROUND_TRUTH_COLUMNS, rows);
  }

  async people(rows: readonly PersonRow[]): Promise<void> {
    await this.out.people.appendRows(PEOPLE_COLUMNS, rows);
  }

  async close(manifest: DemoManifest): Promise<void> {
    await Promise.all(Object.values(this.out).map((o) => o.end()));
    await writeFile(join(this.dir, DEMO_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  }
}
