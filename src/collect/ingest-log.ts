import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The ingest log: an append-only file of JSON lines, each carrying a log sequence number (lsn).
 * A group of lines is written and `fdatasync`ed before the requests that produced it are
 * acknowledged, so an acknowledged record is on disk even if the process dies before the store
 * has loaded it. The store loads from memory in large transactions and records the highest lsn it
 * holds; at start the log is read from there on (recovery), and segments wholly loaded are deleted.
 */

const SEGMENT_BYTES = 64 * 1024 * 1024;
const NAME = /^(\d{16})\.log$/;

export interface LogEntry {
  lsn: number;
  line: string;
}

export class IngestLog {
  private handle: FileHandle | null = null;
  private segmentFirstLsn = 0;
  private segmentBytes = 0;

  private constructor(private readonly dir: string) {}

  /** Opens the log directory, truncating a torn last line (a write the crash interrupted, never acknowledged). */
  static open(dir: string): IngestLog {
    mkdirSync(dir, { recursive: true });
    const log = new IngestLog(dir);
    const segments = log.segments();
    const last = segments[segments.length - 1];
    if (last) truncateTornTail(join(dir, last.file));
    return log;
  }

  private segments(): Array<{ file: string; firstLsn: number }> {
    return readdirSync(this.dir)
      .map((file) => ({ file, m: NAME.exec(file) }))
      .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
      .map(({ file, m }) => ({ file, firstLsn: Number(m[1]) }))
      .sort((a, b) => a.firstLsn - b.firstLsn);
  }

  /** Every entry with lsn > `afterLsn`, in order (recovery). Lines are `[lsn, …]` JSON arrays. */
  *readAfter(afterLsn: number): Generator<LogEntry> {
    const segments = this.segments();
    for (let i = 0; i < segments.length; i++) {
      const next = segments[i + 1];
      if (next && next.firstLsn <= afterLsn + 1) continue; // wholly before the point
      const text = readFileSync(join(this.dir, segments[i]!.file), 'utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const lsn = Number(line.slice(1, line.indexOf(',')));
        if (lsn > afterLsn) yield { lsn, line };
      }
    }
  }

  /** Appends lines (each a JSON array starting with its lsn) and makes them durable. */
  async append(firstLsn: number, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.handle || this.segmentBytes >= SEGMENT_BYTES) await this.rotate(firstLsn);
    const data = Buffer.from(`${lines.join('\n')}\n`);
    // write() may write less than asked: loop, or an acknowledged line could be cut short.
    for (let offset = 0; offset < data.length;) {
      offset += (await this.handle!.write(data, offset, data.length - offset)).bytesWritten;
    }
    await this.handle!.datasync();
    this.segmentBytes += data.length;
  }

  private async rotate(firstLsn: number): Promise<void> {
    await this.handle?.close();
    const existing = this.segments();
    const last = existing[existing.length - 1];
    // Continue the newest segment after a restart while it is small; otherwise start a new one.
    if (!this.handle && last && statSync(join(this.dir, last.file)).size < SEGMENT_BYTES) {
      this.handle = await open(join(this.dir, last.file), 'a');
      this.segmentFirstLsn = last.firstLsn;
      this.segmentBytes = statSync(join(this.dir, last.file)).size;
      return;
    }
    this.segmentFirstLsn = firstLsn;
    this.segmentBytes = 0;
    this.handle = await open(join(this.dir, `${String(firstLsn).padStart(16, '0')}.log`), 'a');
  }

  /** Deletes segments whose every entry the store holds (all lsns < the next segment's first ≤ loadedLsn + 1). */
  prune(loadedLsn: number): void {
    const segments = this.segments();
    for (let i = 0; i + 1 < segments.length; i++) {
      if (segments[i]!.firstLsn === this.segmentFirstLsn) break;
      if (segments[i + 1]!.firstLsn <= loadedLsn + 1) unlinkSync(join(this.dir, segments[i]!.file));
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}

/** Cuts a file back to its last complete line. */
function truncateTornTail(path: string): void {
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  const lastNewline = buf.lastIndexOf(0x0a);
  truncateSync(path, lastNewline + 1);
}
