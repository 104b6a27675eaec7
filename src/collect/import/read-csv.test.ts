import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRows, type CsvErrorCode } from './read-csv.js';

type Item =
  { fields: string[]; line: number } | { error: CsvErrorCode; message: string; line: number; raw: string };

/** Feed `pieces` one by one, as a stream would. */
function parseAll(pieces: readonly string[], delimiter = ',', max = 1 << 20): Item[] {
  const out: Item[] = [];
  const rows = new CsvRows(delimiter, max, {
    row: (fields, line) => out.push({ fields, line }),
    error: (error, message, line, raw) => out.push({ error, message, line, raw }),
  });
  for (const p of pieces) rows.push(p);
  rows.end();
  return out;
}

function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

const quote = (field: string, always: boolean): string =>
  always || /[",\r\n]/.test(field) || field.startsWith(' ') ? `"${field.replaceAll('"', '""')}"` : field;

describe('CsvRows', () => {
  it('reads quoted fields with delimiters, quotes and line breaks, counting physical lines', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",z\r\n3,,\n';
    expect(parseAll([text])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', 'x, y', 'say "hi"'], line: 2 },
      { fields: ['2', 'two\nlines', 'z'], line: 3 },
      { fields: ['3', '', ''], line: 5 },
    ]);
  });

  it('skips blank lines and reads a last line without a line break', () => {
    expect(parseAll(['\na\n\n\r\nb'])).toEqual([
      { fields: ['a'], line: 2 },
      { fields: ['b'], line: 5 },
    ]);
  });

  it('reads mixed LF and CRLF line breaks, keeping a CR inside quotes', () => {
    expect(parseAll(['a,b\r\n1,2\n3,"4\r"\r\n5,"6\r"\n7,8\r'])).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4\r'], line: 3 },
      { fields: ['5', '6\r'], line: 4 },
      { fields: ['7', '8'], line: 5 },
    ]);
  });

  it('takes a quote inside an unquoted field literally (Excel does write 15" screens)', () => {
    expect(parseAll(['15" screen,="0123"\n'])).toEqual([{ fields: ['15" screen', '="0123"'], line: 1 }]);
  });

  it('tolerates spaces between a closing quote and the delimiter', () => {
    expect(parseAll(['"a" ,"b"  \n'])).toEqual([{ fields: ['a', 'b'], line: 1 }]);
  });

  it('reports a broken record and resumes on the next line', () => {
    const text = 'id,note\n1,"ok"\n2,"bad" tail\n3,"unterminated\n4,fine\n5,"x",y\n';
    for (const pieces of [[text], split(text, [5, 20, 33, 40])]) {
      const items = parseAll(pieces);
      expect(items[0]).toEqual({ fields: ['id', 'note'], line: 1 });
      expect(items[1]).toEqual({ fields: ['1', 'ok'], line: 2 });
      expect(items[2]).toMatchObject({ error: 'csv_syntax', line: 3, raw: '2,"bad" tail' });
      expect((items[2] as { message: string }).message).toMatch(/after its closing quote/);
      // Line 4 opens a quote papaparse closes on line 6; the row is reported, line 5 is read again.
      expect(items[3]).toMatchObject({ error: 'csv_syntax', line: 4, raw: '3,"unterminated' });
      expect(items.slice(4)).toEqual([
        { fields: ['4', 'fine'], line: 5 },
        { fields: ['5', 'x', 'y'], line: 6 },
      ]);
    }
  });

  it('reports a quote left open at the end of the file', () => {
    expect(parseAll(['a\n"open\nb\n'])).toEqual([
      { fields: ['a'], line: 1 },
      { error: 'csv_syntax', message: 'unterminated quoted field', line: 2, raw: '"open' },
      { fields: ['b'], line: 3 },
    ]);
  });

  it('bounds the memory a runaway quote can take', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},row ${i}`).join('\n');
    const items = parseAll(['x,"runaway\n', rows, '\n'], ',', 500);
    expect(items[0]).toEqual({
      error: 'csv_syntax',
      message: 'unterminated quoted field',
      line: 1,
      raw: 'x,"runaway',
    });
    expect(items.slice(1).every((i) => 'fields' in i)).toBe(true);
    expect(items).toHaveLength(201);
    expect(items[200]).toEqual({ fields: ['199', 'row 199'], line: 201 });
  });

  it('skips a line that is too long, across chunks, in bounded memory', () => {
    const long = 'y'.repeat(300);
    const items = parseAll(['a,b\n1,', long, long, long, 'z\n2,3\n'], ',', 500);
    expect(items).toEqual([
      { fields: ['a', 'b'], line: 1 },
      {
        error: 'record_too_large',
        message: 'record longer than 500 characters',
        line: 2,
        raw: `1,${long}${long}`,
      },
      { fields: ['2', '3'], line: 3 },
    ]);
  });

  it('reports each of a run of broken rows once, reading the rows between them', () => {
    const lines = ['id,title'];
    const expected: Item[] = [{ fields: ['id', 'title'], line: 1 }];
    let line = 2;
    for (let i = 0; i < 40; i++) {
      if (i % 2 === 1) {
        lines.push(`${i},"Special" edition`);
        expected.push({
          error: 'csv_syntax',
          message: 'a quoted field has text after its closing quote',
          line: line++,
          raw: `${i},"Special" edition`,
        });
      } else if (i % 4 === 0) {
        lines.push(`${i},"two\nlines"`);
        expected.push({ fields: [String(i), 'two\nlines'], line });
        line += 2;
      } else {
        lines.push(`${i},plain`);
        expected.push({ fields: [String(i), 'plain'], line: line++ });
      }
    }
    const text = lines.join('\n') + '\n';
    expect(parseAll([text])).toEqual(expected);
    expect(parseAll(split(text, [17, 100, 101, 250, 400, 555]))).toEqual(expected);
  });

  it('uses other delimiters', () => {
    expect(parseAll(['a\tb\n"1\t2"\t3\n'], '\t')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1\t2', '3'], line: 2 },
    ]);
  });

  it('agrees with csv-parse on well-formed files, however the text is chunked', () => {
    const field = fc.stringMatching(/^[a-z中文 ,"\n\r]{0,6}$/);
    const row = fc.array(field, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, crlf, alwaysQuote, cuts) => {
          // A row of one empty field is a blank line, which both parsers skip.
          const kept = rows.filter((r) => !(r.length === 1 && r[0] === ''));
          const eol = crlf ? '\r\n' : '\n';
          const text = kept.map((r) => r.map((f) => quote(f, alwaysQuote)).join(',')).join(eol) + eol;
          const expected: string[][] = parse(text, {
            relax_column_count: true,
            skip_empty_lines: true,
            record_delimiter: eol,
          });
          const actual = parseAll(split(text, cuts)).map((i) => ('fields' in i ? i.fields : i));
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same rows and errors however any text is chunked', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab ,"\n\r]{0,40}$/),
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, cuts) => {
          expect(parseAll(split(text, cuts), ',', 16)).toEqual(parseAll([text], ',', 16));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
