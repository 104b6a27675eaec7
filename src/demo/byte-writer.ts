import { csvLine } from './csv.js';
import type { MessageSerializer } from './serialize.js';
import type { SegmentMessage } from './types.js';

const CHUNK = 1 << 18;

/**
 * Collects UTF-8 text in fixed-size chunks. Each piece is encoded straight into a chunk, which is
 * much faster than building one huge string and encoding it at the end (no rope to flatten).
 */
export class ByteWriter {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  append(text: string): void {
    if (this.pos + text.length * 3 > this.buf.length) {
      this.seal();
      if (text.length * 3 > CHUNK) {
        this.chunks.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  appendBytes(bytes: Uint8Array): void {
    if (this.pos + bytes.length > this.buf.length) {
      this.seal();
      if (bytes.length > CHUNK) {
        this.chunks.push(Buffer.from(bytes));
        return;
      }
    }
    // Short copies: a byte loop beats TypedArray#set's per-call overhead below ~64 bytes.
    const buf = this.buf;
    let pos = this.pos;
    if (bytes.length < 64) for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
    else {
      buf.set(bytes, pos);
      pos += bytes.length;
    }
    this.pos = pos;
  }

  appendMessages(serializer: MessageSerializer, messages: readonly SegmentMessage[]): void {
    for (const m of messages) serializer.write(this, m);
    serializer.reset();
  }

  appendRows<K extends string>(columns: readonly K[], rows: readonly Record<K, string>[]): void {
    const values = new Array<string>(columns.length);
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!];
      this.append(csvLine(values));
    }
  }

  /** Everything written so far as one buffer; the writer is empty afterwards. */
  take(): Buffer {
    const chunks = this.takeChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** Everything written so far as its chunks (no copy); the writer is empty afterwards. */
  takeChunks(): Buffer[] {
    this.seal();
    return this.chunks.splice(0, this.chunks.length);
  }

  private seal(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }
}
