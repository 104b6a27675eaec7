import type { CliContext } from './index.js';

/**
 * Tables on a terminal: numbers formatted the same way in every command, and columns padded to
 * their widest cell as the terminal shows it (Chinese labels take two columns a character).
 */

/** A rate as a percentage, or the dash for "not defined" (no one to divide by). */
export const percent = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
/** A relative change, with its sign. */
export const signedPercent = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
/** A difference of rates in percentage points. */
export const points = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}pp`;
export const money = (x: number): string => x.toFixed(2);
export const pValue = (p: number | null): string => (p === null ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3));

// East Asian wide and fullwidth characters take two terminal columns (Unicode UAX #11).
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** How many terminal columns a string takes. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

// A count, rate, amount or p-value as formatted above, or the dash for "not defined".
const NUMBER = /^(?:[+<-]?\d[\d.]*%?|—)$/;

/** Columns padded to their widest cell (in terminal columns); numbers align right. */
export function printTable(
  ctx: CliContext,
  header: string[] | null,
  rows: Array<Array<string | number>>,
  indent = '',
): void {
  const cells = [...(header ? [header] : []), ...rows.map((r) => r.map(String))];
  const numeric = (header ?? rows[0] ?? []).map((_, c) =>
    rows.every((r) => typeof r[c] === 'number' || NUMBER.test(String(r[c]))),
  );
  const widths = numeric.map((_, c) => Math.max(...cells.map((r) => displayWidth(r[c] ?? ''))));
  for (const r of cells) {
    const line = r.map((cell, c) => {
      const pad = ' '.repeat((widths[c] ?? 0) - displayWidth(cell));
      if (numeric[c]) return pad + cell;
      return c === r.length - 1 ? cell : cell + pad;
    });
    ctx.out(indent + line.join('  ').trimEnd());
  }
}
