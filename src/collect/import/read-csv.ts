/**
 * CSV export → records keyed by header. Cells are cleaned of spreadsheet armour (`="0123"`,
 * leading tabs) here, once, so every mapping sees plain values.
 */
import type { Mapping } from './mapping-schema.js';
import { canonicalHeader, missingRequiredColumns, recordPrototype } from './compile-mapping.js';
import { CsvParser, Step } from './csv-parser.js';
import { decodeText } from './decode.js';
import type { ByteSource, ReadItem, ReadOptions } from './read-records.js';
import { cleanCell } from './values.js';

const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

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
  const parser = new CsvParser(csv?.delimiter ?? ',', options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS);
  const relax = csv?.relaxColumnCount ?? false;
  const chunks = decodeText(input, options.encoding ?? csv?.encoding ?? 'auto')[Symbol.asyncIterator]();
  let header: string[] | undefined;
  let proto: object = {};
  let width = 0;
  let bytesRead = 0;
  let final = false;

  while (!final) {
    const chunk = await chunks.next();
    if (chunk.done === true) final = true;
    else {
      parser.push(chunk.value.text);
      bytesRead = chunk.value.bytesRead;
    }
    for (;;) {
      const step = parser.next(final);
      if (step === Step.NeedMore || step === Step.End) break;
      const line = parser.recordLine;
      if (step === Step.Error) {
        yield {
          error: { code: parser.errorCode, message: parser.errorMessage },
          line,
          bytesRead,
          raw: parser.raw,
        };
        continue;
      }
      const fields = parser.fields;
      if (header === undefined) {
        header = canonicalHeader(mapping, uniqueHeader(fields));
        width = header.length;
        proto = recordPrototype(mapping, header);
        options.onHeader?.(header);
        const missing = missingRequiredColumns(mapping, header);
        if (missing.length > 0) {
          const garbled = header.some((h) => h.includes('\ufffd'));
          yield {
            error: {
              code: 'missing_columns',
              message:
                `required columns not found: ${missing.join(', ')}; the header has: ${header.join(', ')}` +
                (garbled
                  ? ' (the header is not valid UTF-8: is the file GBK? set csv.encoding to "gb18030")'
                  : ''),
              fatal: true,
            },
            line,
            bytesRead,
          };
          return;
        }
        continue;
      }
      const n = fields.length;
      if (n !== width) {
        if (n === 1 && fields[0]!.trim() === '') continue; // a line of spaces
        if (n > width ? !allEmpty(fields, width) : !relax) {
          yield {
            error: {
              code: 'csv_column_count',
              message: `row has ${n} fields, the header has ${width}`,
            },
            line,
            bytesRead,
            raw: parser.recordText(),
          };
          continue;
        }
      }
      const record = Object.create(proto) as Record<string, string>;
      let empty = true;
      const m = n < width ? n : width;
      for (let i = 0; i < m; i++) {
        const v = cleanCell(fields[i]!);
        if (v !== '') empty = false;
        record[header[i]!] = v;
      }
      if (empty) continue; // `,,,,` rows Excel leaves at the end
      yield { record, line, bytesRead };
    }
  }
}
