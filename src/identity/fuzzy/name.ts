import { jaroWinkler } from './jaro-winkler.js';
import { defaultReading, fuzzyReading, hasHan, readingsOf } from './pinyin.js';

/**
 * Person names as Chinese shipping labels, CRM forms and order reports write them: 王静, 王 静,
 * 王静女士, 王婧 (a homophone typo), `Bella Wang`, `WANG BELLA`, `Vivan Wang` (a dropped letter).
 */

export type NameMatchKind = 'exact' | 'homophone' | 'similar' | 'different';

export interface NameSimilarity {
  /** 0..1: 1 exact, ~0.9 homophone, 0.5–0.9 similar, below 0.5 different. */
  score: number;
  kind: NameMatchKind;
}

/** A name normalised once, with what comparisons and blocking keys need. */
export interface PreparedName {
  readonly normalised: string;
  readonly script: 'han' | 'latin' | 'empty';
  /** Code points of a Chinese name. */
  readonly chars: readonly string[];
  /** Per character: every toneless reading, and the same folded by `fuzzyReading`. */
  readonly readings: readonly (readonly string[])[];
  readonly fuzzy: readonly (readonly string[])[];
  /** Sorted tokens of a Latin name; for a Chinese name, its pinyin as surname and given name. */
  readonly tokens: readonly string[];
  /** Stable across homophone typos: fuzzy default pinyin of a Chinese name, else `normalised`. */
  readonly key: string;
}

/** Suffixes that are forms of address, not part of the name (`王女士` is Ms Wang). */
const HAN_HONORIFICS = ['女士', '先生', '小姐', '老师', '太太', '夫人'];
/** What a Chinese name loses: whitespace, punctuation (but the middle dot) and symbols. */
const JUNK_CLASS = '[\\s\\p{P}\\p{S}]';
const JUNK = new RegExp(JUNK_CLASS, 'gu');
/** An honorific at the end, with anything a name loses around and inside it (`女 士`). */
const HAN_HONORIFIC_TAIL = new RegExp(
  `(?:${HAN_HONORIFICS.map((h) => Array.from(h).join(`${JUNK_CLASS}*`)).join('|')})${JUNK_CLASS}*$`,
  'u',
);
const LATIN_HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx']);
/** Two-character surnames, so that a romanised 欧阳娜娜 reads `ouyang nana`. */
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '端木',
  '西门',
]);
/** Dots between the parts of a transliterated name (买买提·艾力) in their many encodings. */
const MIDDLE_DOTS = /[•・‧∙⋅]/gu;

/**
 * The canonical form of a name: NFKC (full-width to half-width), lower case, forms of address
 * removed (女士, 先生, 小姐, 老师, Mr, Ms, Mrs, Miss); a Chinese name loses all whitespace and
 * punctuation (`王 静` → `王静`), a Latin name loses accents and punctuation and has its tokens
 * sorted (`Wang Bella` and `BELLA WANG` → `bella wang`). Idempotent.
 */
export function normaliseName(raw: string): string {
  let s = raw
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    // Accents off (Müller → muller) first, so that no later step can recompose them.
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
  s = stripHanHonorifics(s);
  const compact = s.replace(MIDDLE_DOTS, '·').replace(/(?!·)[\s\p{P}\p{S}]/gu, '');
  // Decided on the compacted form: a Han radical is a symbol and must not make a name Chinese.
  if (hasHan(compact)) return compact;
  const tokens = s.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
  const kept = tokens.filter((t) => !LATIN_HONORIFICS.has(t));
  return (kept.length > 0 ? kept : tokens).sort().join(' ');
}

function stripHanHonorifics(s: string): string {
  let out = s;
  for (;;) {
    const m = HAN_HONORIFIC_TAIL.exec(out);
    if (m === null) return out;
    const rest = out.slice(0, m.index);
    if (rest.replace(JUNK, '').length === 0) return out;
    out = rest;
  }
}

/** Normalises a name and precomputes its pinyin, for many comparisons of the same name. */
export function prepareName(raw: string): PreparedName {
  const normalised = normaliseName(raw);
  if (normalised.length === 0) {
    return { normalised, script: 'empty', chars: [], readings: [], fuzzy: [], tokens: [], key: '' };
  }
  if (!hasHan(normalised)) {
    const tokens = normalised.split(' ');
    return { normalised, script: 'latin', chars: [], readings: [], fuzzy: [], tokens, key: normalised };
  }
  const chars = Array.from(normalised);
  const readings = chars.map(readingsOf);
  const fuzzy = readings.map((rs) => [...new Set(rs.map(fuzzyReading))]);
  const defaults = chars.map(defaultReading);
  const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  const tokens = [defaults.slice(0, surnameLength).join(''), defaults.slice(surnameLength).join('')]
    .filter((t) => t.length > 0)
    .sort();
  const key = defaults.map(fuzzyReading).join('');
  return { normalised, script: 'han', chars, readings, fuzzy, tokens, key };
}

const HOMOPHONE = 0.9;
const FUZZY_HOMOPHONE = 0.85;
/** A three-character name with one other character (王静怡 / 王静雯: often sisters). */
const ONE_CHAR_DIFFERENT = 0.55;
/** A surname alone (陈小姐 → 陈) or a name that is the start of the other. */
const PREFIX = 0.6;
/** Latin names whose aligned tokens are at least this close (Jaro–Winkler) are `similar`. */
const LATIN_SIMILAR = 0.85;
const LATIN_TOKEN_FLOOR = 0.8;

/**
 * How alike two names are. Exact after `normaliseName` → 1; Chinese names that read the same in
 * toneless pinyin (静/婧, 丽/莉) → 0.9, or the same after folding southern confusions (陈/程) →
 * 0.85; a 3+ character Chinese name with one other non-surname character → 0.55; Latin names
 * by token-aligned Jaro–Winkler (`similar` from 0.85 on); a Chinese and a Latin name compare
 * by pinyin. Exactly symmetric.
 */
export function nameSimilarity(a: string | PreparedName, b: string | PreparedName): NameSimilarity {
  const pa = typeof a === 'string' ? prepareName(a) : a;
  const pb = typeof b === 'string' ? prepareName(b) : b;
  // A canonical order makes the result exactly symmetric whatever the floating point does.
  return pa.normalised <= pb.normalised ? compareNames(pa, pb) : compareNames(pb, pa);
}

function compareNames(a: PreparedName, b: PreparedName): NameSimilarity {
  if (a.script === 'empty' || b.script === 'empty') return { score: 0, kind: 'different' };
  if (a.normalised === b.normalised) return { score: 1, kind: 'exact' };
  if (a.script === 'han' && b.script === 'han') return compareHan(a, b);
  if (a.script === 'latin' && b.script === 'latin') return compareTokens(a.tokens, b.tokens);
  // One Chinese, one Latin (王静 / Jing Wang): only an exact pinyin spelling counts.
  if (a.tokens.join(' ') === b.tokens.join(' ')) return { score: FUZZY_HOMOPHONE, kind: 'homophone' };
  return { score: Math.min(0.45, compareTokens(a.tokens, b.tokens).score / 2), kind: 'different' };
}

type CharMatch = 'same' | 'homophone' | 'fuzzy' | 'different';

function compareChar(a: PreparedName, b: PreparedName, i: number, k: number): CharMatch {
  if (a.chars[i] === b.chars[k]) return 'same';
  if (intersects(a.readings[i] ?? [], b.readings[k] ?? [])) return 'homophone';
  if (intersects(a.fuzzy[i] ?? [], b.fuzzy[k] ?? [])) return 'fuzzy';
  return 'different';
}

function intersects(x: readonly string[], y: readonly string[]): boolean {
  for (const v of x) if (y.includes(v)) return true;
  return false;
}

function compareHan(a: PreparedName, b: PreparedName): NameSimilarity {
  const la = a.chars.length;
  const lb = b.chars.length;
  if (la !== lb) {
    const [short, long] = la < lb ? [a, b] : [b, a];
    let prefix = true;
    for (let i = 0; i < short.chars.length && prefix; i++)
      prefix = compareChar(short, long, i, i) !== 'different';
    return prefix ? { score: PREFIX, kind: 'similar' } : { score: 0.2, kind: 'different' };
  }
  let fuzzy = 0;
  let different = 0;
  let firstDifferent = -1;
  for (let i = 0; i < la; i++) {
    const m = compareChar(a, b, i, i);
    if (m === 'fuzzy') fuzzy++;
    else if (m === 'different') {
      different++;
      if (firstDifferent < 0) firstDifferent = i;
    }
  }
  if (different === 0) return { score: fuzzy > 0 ? FUZZY_HOMOPHONE : HOMOPHONE, kind: 'homophone' };
  if (different === 1 && la >= 3 && firstDifferent > 0) return { score: ONE_CHAR_DIFFERENT, kind: 'similar' };
  return { score: (0.45 * (la - different)) / la, kind: 'different' };
}

/** Token-aligned Jaro–Winkler, each token weighted by its length. */
function compareTokens(x: readonly string[], y: readonly string[]): NameSimilarity {
  if (x.length === 0 || y.length === 0) return { score: 0, kind: 'different' };
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  let best = 0;
  let bestFloor = 0;
  for (const order of alignments(short.length, long.length)) {
    let sum = 0;
    let weight = 0;
    let floor = 1;
    for (let i = 0; i < short.length; i++) {
      const s = short[i] ?? '';
      const t = long[order[i] ?? 0] ?? '';
      const jw = jaroWinkler(s, t);
      const w = s.length + t.length;
      sum += jw * w;
      weight += w;
      floor = Math.min(floor, jw);
    }
    const sim = (sum / weight) * Math.sqrt(short.length / long.length);
    if (sim > best) {
      best = sim;
      bestFloor = floor;
    }
  }
  if (best >= LATIN_SIMILAR && bestFloor >= LATIN_TOKEN_FLOOR) {
    return {
      score: Math.min(0.89, 0.5 + (0.4 * (best - LATIN_SIMILAR)) / (1 - LATIN_SIMILAR)),
      kind: 'similar',
    };
  }
  return { score: best / 2, kind: 'different' };
}

/** Injective maps from `k` short tokens into `n` long ones (k ≤ n); the identity past 5 tokens. */
function alignments(k: number, n: number): number[][] {
  if (n > 5) return [Array.from({ length: k }, (_, i) => i)];
  const out: number[][] = [];
  const pick = (prefix: number[]): void => {
    if (prefix.length === k) {
      out.push(prefix);
      return;
    }
    for (let j = 0; j < n; j++) if (!prefix.includes(j)) pick([...prefix, j]);
  };
  pick([]);
  return out;
}
