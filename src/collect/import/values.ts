/**
 * Cell cleaning and value coercion. Called once per cell on the hot path, so the common case
 * (a plain cell) returns without allocating.
 */
import type { ValueType } from './mapping-schema.js';

/** Returned by {@link coerce} when a value does not fit its type. */
export const INVALID: unique symbol = Symbol('invalid');

function isSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0x3000 || c === 0xfeff;
}

/** `trim()`, without its cost when there is nothing to trim (the common case). */
export function trimCell(text: string): string {
  const n = text.length;
  return n > 0 && !isSpace(text.charCodeAt(0)) && !isSpace(text.charCodeAt(n - 1)) ? text : text.trim();
}

/**
 * Remove the armour spreadsheets put around CSV cells: surrounding white space (including
 * ideographic space), an Excel formula wrapper `="0123"` (written so Excel keeps leading zeros
 * and long order numbers), a leading tab, and a leading `'` before a number.
 */
export function cleanCell(cell: string): string {
  const n = cell.length;
  if (n === 0) return cell;
  const first = cell.charCodeAt(0);
  if (!isSpace(first) && first !== 61 /* = */ && first !== 39 /* ' */ && !isSpace(cell.charCodeAt(n - 1))) {
    return cell;
  }
  let s = cell.trim();
  if (
    s.length >= 3 &&
    s.charCodeAt(0) === 61 &&
    s.charCodeAt(1) === 34 &&
    s.charCodeAt(s.length - 1) === 34
  ) {
    s = s.slice(2, -1).replaceAll('""', '"').trim();
  }
  if (s.length >= 2 && s.charCodeAt(0) === 39) {
    const next = s.charCodeAt(1);
    if ((next >= 48 && next <= 57) || next === 43 /* + */) s = s.slice(1);
  }
  return s;
}

/** Phone numbers and ids in Tmall/JD exports are masked (`138****1234`, `t**3`); never identifiers. */
export function isMasked(value: string): boolean {
  return value.includes('*');
}

/**
 * The shapes nearly every export uses — `1299`, `-12.5`, `1,299.00`, `¥1,299.00` — in one pass
 * without allocating. NaN means "not this shape", and the general parser takes over.
 * Up to 15 digits the integer and the power of ten are exact, so `int / scale` is the correctly
 * rounded value, the same double `Number(text)` gives.
 */
function parsePlainDecimal(t: string): number {
  const n = t.length;
  let i = 0;
  let c = t.charCodeAt(0);
  if (c === 0xa5 /* ¥ */ || c === 0xffe5 /* ￥ */ || c === 36 /* $ */) c = t.charCodeAt(++i);
  const negative = c === 45; /* - */
  if (negative) i++;
  let int = 0;
  let digits = 0;
  let group = 0; // digits since the last comma, or before the first
  let grouped = false;
  for (; i < n; i++) {
    c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      int = int * 10 + (c - 48);
      digits++;
      group++;
    } else if (c === 44 /* , */) {
      if (group === 0 || group > 3 || (grouped && group !== 3)) return NaN;
      grouped = true;
      group = 0;
    } else break;
  }
  if (digits === 0 || (grouped && group !== 3)) return NaN;
  let scale = 1;
  if (i < n && c === 46 /* . */) {
    const start = ++i;
    for (; i < n; i++) {
      c = t.charCodeAt(i);
      if (c < 48 || c > 57) break;
      int = int * 10 + (c - 48);
      scale *= 10;
    }
    digits += i - start;
    if (i === start) return NaN;
  }
  if (i !== n || digits > 15) return NaN;
  const v = scale === 1 ? int : int / scale;
  return negative ? -v : v;
}

const CURRENCY = /[¥$€£]|rmb|cny|元|人民币/gi;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Parse a number as people write it in exports: `1299`, `1,299.00`, `¥1,299.00`, `￥１２９９`,
 * `1299元`, `(12.50)` for a negative amount. A comma must separate thousands (`12,99` is
 * ambiguous and refused). Returns undefined when the text is not a number.
 */
export function parseNumber(text: string): number | undefined {
  const fast = parsePlainDecimal(text);
  if (fast === fast) return fast; // not NaN
  let t = text.normalize('NFKC').replace(CURRENCY, '').replace(/\s+/g, '');
  let negative = false;
  if (t.length > 2 && t.startsWith('(') && t.endsWith(')')) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.includes(',')) {
    if (!GROUPED.test(t)) return undefined;
    t = t.replaceAll(',', '');
  }
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) return undefined;
  return negative ? -n : n;
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'on', '是', '真', '√']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', 'off', '否', '假', '×']);

/** `true/false`, `yes/no`, `1/0`, `是/否`, … (case-insensitive). */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return undefined;
}

/** Coerce one source value to a rule's type; no type keeps the value as the source gave it. */
export function coerce(value: unknown, type: ValueType | undefined): unknown {
  switch (type) {
    case undefined:
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        return String(value);
      }
      return INVALID;
    case 'number':
      return toNumber(value);
    case 'integer': {
      const n = toNumber(value);
      return typeof n === 'number' && Number.isSafeInteger(n) ? n : INVALID;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      if (typeof value === 'string') return parseBoolean(value) ?? INVALID;
      return INVALID;
    case 'json':
      return typeof value === 'string' ? parseJson(value) : value;
  }
}

function toNumber(value: unknown): number | typeof INVALID {
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID;
  if (typeof value === 'string') return parseNumber(value) ?? INVALID;
  return INVALID;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

/** Header comparison key: `Order ID`, `order_id`, `ORDER-ID`, `ｏｒｄｅｒ＿ｉｄ` all meet. */
export function headerKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** Value-map comparison key: full-width punctuation folded (`，` → `,`), case and spaces ignored. */
export function valueKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
