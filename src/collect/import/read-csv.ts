/**
 * CSV export → records keyed by header. Cells are cleaned of spreadsheet armour (`="0123"`,
 * leading tabs) here, once, so every mapping sees plain values.
 *
 * Parsing is papaparse's core parser (`Papa.Parser`, which its own streamers drive): each decoded
 * chunk is appended to the unparsed rest of the previous one and parsed with `ignoreLastRow`, as
 * papaparse's chunk streamer does. Driving it here rather than through `Papa.parse(stream)` keeps
 * what its streamers hide: the source text of each row (for line numbers and the raw text of a
 * broken row), a bound on the text held for an unfinished row, and a place to restart.
 */
import Papa from 'papaparse';
import type { ParseError, ParseStepResult, Parser } from 'papaparse';
import type { Mapping } from './mapping-schema.js';
import { canonicalHeader, missingRequiredColumns } from './compile-mapping.js';
import { decodeText } from './decode.js';
import type { ByteSource, ReadError, ReadItem, ReadOptions } from './read-records.js';
import { cleanCell } from './values.js';

const DEFAULT_MAX_RECORD_CHARS = 1 << 20;
const LF = 10;
const CR = 13;

export type CsvErrorCode = 'csv_syntax' | 'record_too_large';

interface Problem {
  code: CsvErrorCode;
  message: string;
}

/** Receives the rows of {@link CsvRows}, in order, while it parses. */
export interface CsvSink {
  /** A record; `line` is the 1-based physical line it starts on. */
  row(fields: string[], line: number): void;
  /** A broken record; parsing resumes on the line after the one it starts on. */
  error(code: CsvErrorCode, message: string, line: number, raw: string): void;
}

/** The core parser's step result: `data` holds the one row (`Papa.parse`'s step unwraps it). */
type Step = ParseStepResult<string[][]>;

/** At most this much of a broken record's text is kept in its error item. */
function preview(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

const invalidQuotes = (e: ParseError): boolean => e.code === 'InvalidQuotes';

/** Papaparse reports `InvalidQuotes` (a closing quote followed by text) and `MissingQuotes`. */
function syntaxProblem(errors: readonly ParseError[]): Problem {
  return {
    code: 'csv_syntax',
    message: errors.some(invalidQuotes)
      ? 'a quoted field has text after its closing quote'
      : 'unterminated quoted field',
  };
}

/**
 * Incremental CSV rows over decoded text: `push` chunks, then `end`. Blank lines are skipped;
 * line breaks may be LF or CRLF, mixed.
 *
 * A broken row (a quote error, a row over `maxRecordChars`) is reported and parsing resumes on the
 * next physical line, so one bad row costs one row, not the rest of the file. Papaparse keeps
 * looking for a closing quote after a malformed one, possibly to the end of the text, so after a
 * broken row the rest of the text at hand is parsed line by line, each line on its own, until a
 * line opens a quoted field that may span lines: a run of broken rows costs linear time.
 */
export class CsvRows {
  /** Text not parsed yet: starts at the start of a row. */
  private buf = '';
  /** Line number of `buf[0]`. */
  private line = 1;
  /** Inside a broken line whose end has not arrived: drop text up to its line break. */
  private skipping = false;
  private parser: Parser | undefined;
  /** Offset in `buf` where the next row starts (the cursor after the last row). */
  private rowStart = 0;
  /** Set by `step` when it stops at a broken row (at `rowStart`). */
  private problem: Problem | undefined;
  /** Source span of the row being delivered to `sink.row`. */
  private recordStart = 0;
  private recordEnd = 0;
  private readonly delimCode: number;

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars: number,
    private readonly sink: CsvSink,
  ) {
    this.delimCode = delimiter.charCodeAt(0);
  }

  /** Source text of the row being delivered, without its line break (valid during `sink.row`). */
  recordText(): string {
    return this.buf.slice(this.recordStart, this.recordEnd).replace(/\r?\n$/, '');
  }

  push(text: string): void {
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      this.skipping = false;
      text = text.slice(nl + 1);
    }
    this.buf = this.buf.length > 0 ? this.buf + text : text;
    this.parse(false);
  }

  end(): void {
    if (this.buf.length === 0) return;
    // A last line without a line break is ended, so every row ends the same way.
    if (this.buf.charCodeAt(this.buf.length - 1) !== LF) this.buf += '\n';
    this.parse(true);
    this.buf = '';
  }

  private parse(final: boolean): void {
    let lineByLine = false;
    while (this.buf.length > 0) {
      if (lineByLine) {
        const nl = this.buf.indexOf('\n');
        if (nl === -1) return; // the rest of a line yet to come; the next push parses normally
        lineByLine = this.parseLine(nl + 1);
        continue;
      }
      const problem = this.parseRows(final) ?? (final ? undefined : this.unfinished());
      if (problem === undefined) return;
      this.reject(problem);
      lineByLine = true;
    }
  }

  /** Parse `buf` with papaparse, up to its end, an unfinished row, or a broken row. */
  private parseRows(final: boolean): Problem | undefined {
    this.rowStart = 0;
    this.problem = undefined;
    // A parser that has aborted stays aborted: one per pass.
    const parser = new Papa.Parser({ delimiter: this.delimiter, newline: '\n', step: this.step });
    this.parser = parser;
    parser.parse(this.buf, 0, !final);
    this.parser = undefined;
    this.buf = final && this.problem === undefined ? '' : this.buf.slice(this.rowStart);
    return this.problem;
  }

  private readonly step = (results: Step): void => {
    const start = this.rowStart;
    const end = results.meta.cursor;
    if (results.errors.length > 0 || end - start > this.maxRecordChars) {
      this.parser!.abort();
      this.problem = results.errors.length > 0 ? syntaxProblem(results.errors) : this.tooLarge();
      return;
    }
    this.deliver(results.data[0]!, start, end);
    this.rowStart = end;
  };

  /** A problem with the unfinished row `buf` starts with, that more text cannot cure. */
  private unfinished(): Problem | undefined {
    const nl = this.buf.lastIndexOf('\n');
    const errors = nl === -1 ? [] : (this.firstRow(this.buf.slice(0, nl + 1))?.errors ?? []);
    // Once a quote is malformed, papaparse reports the row whatever follows.
    if (errors.some(invalidQuotes)) return syntaxProblem(errors);
    if (this.buf.length <= this.maxRecordChars) return undefined;
    // A runaway quote, or a line that never ends.
    return errors.length > 0 ? syntaxProblem(errors) : this.tooLarge();
  }

  /**
   * Parse the first line of `buf` (`length` characters, up to its line break) on its own.
   * Returns false when it opens a quoted field that may go on, leaving it in `buf`.
   */
  private parseLine(length: number): boolean {
    if (length > this.maxRecordChars) {
      this.reject(this.tooLarge());
      return true;
    }
    const row = this.firstRow(this.buf.slice(0, length))!;
    if (row.errors.some(invalidQuotes)) {
      this.reject(syntaxProblem(row.errors));
      return true;
    }
    if (row.errors.length > 0) return false;
    this.deliver(row.data[0]!, 0, length);
    this.buf = this.buf.slice(length);
    return true;
  }

  /** Papaparse's first row of `text`, parsed as the whole input. */
  private firstRow(text: string): Step | undefined {
    let first: Step | undefined;
    const probe: Parser = new Papa.Parser({
      delimiter: this.delimiter,
      newline: '\n',
      step: (results: Step) => {
        first = results;
        probe.abort();
      },
    });
    probe.parse(text, 0, false);
    return first;
  }

  /** Hand the row at `buf[start, end)` to the sink, counting its lines. */
  private deliver(fields: string[], start: number, end: number): void {
    const buf = this.buf;
    const line = this.line;
    // Physical lines this row spans: one, unless quoted fields hold line breaks.
    let nl = buf.indexOf('\n', start);
    if (nl === end - 1) this.line++;
    else for (; nl !== -1 && nl < end; nl = buf.indexOf('\n', nl + 1)) this.line++;
    const last = fields.length - 1;
    let f = fields[last]!;
    if (f.charCodeAt(f.length - 1) === CR) {
      // The CR of a CRLF line break, unless the field was quoted (its text is then not the source's).
      const at = end - 1 - f.length;
      if (buf.startsWith(f, at) && (at === start || buf.charCodeAt(at - 1) === this.delimCode)) {
        fields[last] = f = f.slice(0, -1);
      }
    }
    if (last === 0 && f.length === 0) return; // a blank line
    this.recordStart = start;
    this.recordEnd = end;
    this.sink.row(fields, line);
  }

  private tooLarge(): Problem {
    return { code: 'record_too_large', message: `record longer than ${this.maxRecordChars} characters` };
  }

  /** Report the row `buf` starts with and drop its first line; parsing resumes on the next. */
  private reject(problem: Problem): void {
    const buf = this.buf;
    const nl = buf.indexOf('\n');
    const raw = buf.slice(0, nl === -1 ? buf.length : nl).replace(/\r$/, '');
    this.sink.error(problem.code, problem.message, this.line, preview(raw));
    this.line++;
    if (nl === -1) {
      this.buf = '';
      this.skipping = true;
    } else this.buf = buf.slice(nl + 1);
  }
}

/** Empty, duplicate and unsafe header names get a usable, unique name. */
function uniqueHeader(cells: readonly string[]): string[] {
  const seen = new Set<string>();
  return cells.map((cell, i) => {
    let name = cleanCell(cell);
    if (name === '' || name === '__proto__') name = `column_${i + 1}`;
    let candidate = name;
    for (let n = 2; seen.has(candidate); n++) candidate = `${name}_${n}`;
    seen.add(candidate);
    return candidate;
  });
}

function allEmpty(fields: readonly string[], from: number): boolean {
  for (let i = from; i < fields.length; i++) if (cleanCell(fields[i]!) !== '') return false;
  return true;
}

export async function* readCsv(
  input: ByteSource,
  mapping: Mapping,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  const csv = mapping.csv;
  const relax = csv?.relaxColumnCount ?? false;
  let header: string[] | undefined;
  let width = 0;
  let bytesRead = 0;
  /** A fatal error has been queued: nothing after it. */
  let done = false;
  let items: ReadItem[] = [];

  const rows: CsvRows = new CsvRows(
    csv?.delimiter ?? ',',
    options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS,
    {
      error(code, message, line, raw) {
        if (done) return;
        const fatal = header === undefined;
        if (fatal) {
          done = true;
          items.push({
            error: { code, message: `the header row cannot be read: ${message}`, fatal },
            line,
            bytesRead,
            raw,
          });
        } else items.push({ error: { code, message }, line, bytesRead, raw });
      },
      row(fields, line) {
        if (done) return;
        if (header === undefined) {
          header = canonicalHeader(mapping, uniqueHeader(fields));
          width = header.length;
          options.onHeader?.(header);
          const missing = missingRequiredColumns(mapping, header);
          if (missing.length > 0) {
            done = true;
            items.push({ error: missingColumns(missing, header), line, bytesRead });
          }
          return;
        }
        const n = fields.length;
        if (n !== width) {
          if (n === 1 && fields[0]!.trim() === '') return; // a line of spaces
          if (n > width ? !allEmpty(fields, width) : !relax) {
            const message = `row has ${n} fields, the header has ${width}`;
            items.push({
              error: { code: 'csv_column_count', message },
              line,
              bytesRead,
              raw: preview(rows.recordText()),
            });
            return;
          }
        }
        const record: Record<string, string> = {};
        let empty = true;
        const m = n < width ? n : width;
        for (let i = 0; i < m; i++) {
          const v = cleanCell(fields[i]!);
          if (v !== '') empty = false;
          record[header[i]!] = v;
        }
        if (empty) return; // `,,,,` rows Excel leaves at the end
        items.push({ record, line, bytesRead });
      },
    },
  );

  const chunks = decodeText(input, options.encoding ?? csv?.encoding ?? 'auto')[Symbol.asyncIterator]();
  try {
    for (;;) {
      const chunk = await chunks.next();
      if (chunk.done === true) rows.end();
      else {
        bytesRead = chunk.value.bytesRead;
        rows.push(chunk.value.text);
      }
      const batch = items;
      items = [];
      for (const item of batch) yield item;
      if (done || chunk.done === true) return;
    }
  } finally {
    // Closes the input when the consumer stops early or the file cannot be read.
    await chunks.return?.();
  }
}

function missingColumns(missing: readonly string[], header: readonly string[]): ReadError {
  const garbled = header.some((h) => h.includes('\ufffd'));
  return {
    code: 'missing_columns',
    message:
      `required columns not found: ${missing.join(', ')}; the header has: ${header.join(', ')}` +
      (garbled ? ' (the header is not valid UTF-8: is the file GBK? set csv.encoding to "gb18030")' : ''),
    fatal: true,
  };
}
