/**
 * CSV as RFC 4180 writes it: fields with a comma, a double quote, a line break or surrounding
 * spaces are quoted, and quotes inside are doubled. Lines end with `\n`.
 */

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/u;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += csvField(values[i] ?? '');
  }
  return out + '\n';
}

/** One line per row, columns in header order. */
export function csvRows<K extends string>(columns: readonly K[], rows: readonly Record<K, string>[]): string {
  let out = '';
  const values: string[] = new Array<string>(columns.length);
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!];
    out += csvLine(values);
  }
  return out;
}
