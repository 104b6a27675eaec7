import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, Step } from './csv-parser.js';

type Item = { fields: string[]; line: number } | { error: string; line: number; raw: string };

/** Feed `pieces` one by one, as a stream would. */
function parseAll(pieces: readonly string[], delimiter = ',', max = 1 << 20): Item[] {
  const parser = new CsvParser(delimiter, max);
  const out: Item[] = [];
  const drain = (final: boolean): void => {
    for (;;) {
      const step = parser.next(final);
      if (step === Step.NeedMore || step === Step.End) return;
      if (step === Step.Record) out.push({ fields: parser.fields, line: parser.recordLine });
      else out.push({ error: parser.errorMessage, line: parser.recordLine, raw: parser.raw });
    }
  };
  for (const p of pieces) {
    parser.push(p);
    drain(false);
  }
  drain(true);
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

describe('CsvParser', () => {
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
    expect(parseAll(['a\n\n\r\nb'])).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 4 },
    ]);
  });

  it('takes a quote inside an unquoted field literally (Excel does write 15" screens)', () => {
    expect(parseAll(['15" screen,="0123"\n'])).toEqual([{ fields: ['15" screen', '="0123"'], line: 1 }]);
  });

  it('reports a broken record and resumes on the next line', () => {
    const text = 'id,note\n1,"ok"\n2,"bad" tail\n3,"unterminated\n4,fine\n';
    const items = parseAll([text]);
    expect(items[0]).toEqual({ fields: ['id', 'note'], line: 1 });
    expect(items[1]).toEqual({ fields: ['1', 'ok'], line: 2 });
    expect(items[2]).toMatchObject({ line: 3, raw: '2,"bad" tail' });
    expect((items[2] as { error: string }).error).toMatch(/after the closing quote/);
    // Line 4 opens a quote that never closes; its field runs on to the end of the file.
    expect(items[3]).toMatchObject({ line: 4, raw: '3,"unterminated' });
    expect(items[4]).toEqual({ fields: ['4', 'fine'], line: 5 });
  });

  it('bounds the memory a runaway quote can take', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},row ${i}`).join('\n');
    const items = parseAll(['x,"runaway\n', rows, '\n'], ',', 500);
    expect(items[0]).toMatchObject({ line: 1, raw: 'x,"runaway' });
    expect(items.slice(1).every((i) => 'fields' in i)).toBe(true);
    expect(items).toHaveLength(201);
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
});
