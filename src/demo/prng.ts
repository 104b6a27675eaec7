/**
 * A small, fast, seeded PRNG (sfc32, Chris Doty-Humphrey's "small fast chaotic" generator, as in
 * PractRand) and the hashing that derives independent sub-seeds. Every person gets its own stream
 * from `(seed, person index)`, so person i's data never depends on how many people came before it.
 */

/** Mixes 32-bit words into one well-distributed 32-bit hash (murmur3 finaliser per word). */
export function hash32(...words: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) {
    let k = Math.imul(w | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable 32-bit number for a short label, so streams can be named (`stream('household')`). */
export function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Scratch char codes of a UUID; the dashes and the version digit never change. */
const UUID_CODES: number[] = Array.from('00000000-0000-4000-8000-000000000000', (c) => c.charCodeAt(0));
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seedA: number, seedB = 0x9e3779b9, seedC = 0x243f6a88, seedD = 1) {
    this.a = seedA | 0;
    this.b = seedB | 0;
    this.c = seedC | 0;
    this.d = seedD | 0;
    // Discard the first outputs so that similar seeds diverge (recommended for sfc32).
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A generator for one named stream of one seed, e.g. `Rng.for(seed, index, STREAM_PERSON)`. */
  static for(...words: readonly number[]): Rng {
    return new Rng(hash32(...words, 1), hash32(...words, 2), hash32(...words, 3), hash32(...words, 4));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by cumulative weights (ascending, last = total), as built by `cumulative`. */
  pickWeighted<T>(items: readonly T[], cumulativeWeights: readonly number[]): T {
    const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 0;
    const x = this.float() * total;
    let lo = 0;
    let hi = cumulativeWeights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulativeWeights[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    const item = items[lo];
    if (item === undefined) throw new Error('pickWeighted from an empty list');
    return item;
  }

  /** Poisson-ish small count with the given mean (Knuth; fine for means below ~30). */
  poisson(mean: number): number {
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.float();
    } while (p > l);
    return k - 1;
  }

  /** A random (version 4) UUID, lower case. */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    const out = UUID_CODES;
    for (let i = 0; i < 8; i++) out[i] = HEX_CODES[(a >>> (28 - 4 * i)) & 15]!;
    for (let i = 0; i < 4; i++) out[9 + i] = HEX_CODES[(b >>> (28 - 4 * i)) & 15]!;
    for (let i = 0; i < 3; i++) out[15 + i] = HEX_CODES[(b >>> (8 - 4 * i)) & 15]!;
    out[19] = HEX_CODES[8 | ((c >>> 28) & 3)]!;
    for (let i = 0; i < 3; i++) out[20 + i] = HEX_CODES[(c >>> (24 - 4 * i)) & 15]!;
    for (let i = 0; i < 4; i++) out[24 + i] = HEX_CODES[(c >>> (12 - 4 * i)) & 15]!;
    for (let i = 0; i < 8; i++) out[28 + i] = HEX_CODES[(d >>> (28 - 4 * i)) & 15]!;
    // One flat string from char codes: concatenating 20 pieces would make a rope that costs
    // more to build and to read than everything else about a message id.
    return String.fromCharCode.apply(null, out);
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += HEX[this.u32() & 255]!;
    return out.slice(0, n);
  }

  /** `n` characters of [0-9A-Za-z]. */
  base62(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += BASE62.charAt(this.int(62));
    return out;
  }
}

/** Running sums of weights, for `Rng.pickWeighted`. */
export function cumulative(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    out.push(sum);
  }
  return out;
}

/**
 * A low-discrepancy flag: over any run of consecutive keys the share of flagged keys is within
 * O(1/n) of `share` (a Weyl sequence), which needs no global state. `multiplier` must be
 * irrational-ish and differ between unrelated flags so they do not correlate.
 */
export function weylFlag(key: number, share: number, multiplier: number, offset: number): boolean {
  const x = (key + 1) * multiplier + offset;
  return x - Math.floor(x) < share;
}

/** Multiplies modulo m without losing precision for m < 2^36 and a < 2^32. */
function mulMod(x: number, a: number, m: number): number {
  const hi = Math.floor(a / 65536);
  const lo = a % 65536;
  return (((x * hi) % m) * 65536 + x * lo) % m;
}

/**
 * A keyed bijection of [0, m): `x ↦ (x·a + b) mod m` with `a` coprime to m. Used to turn
 * (person index, slot) into phone numbers, member numbers and ids that are unique by
 * construction yet look random.
 */
export class Permutation {
  private readonly a: number;
  private readonly b: number;

  constructor(
    readonly modulus: number,
    key: number,
  ) {
    if (!Number.isInteger(modulus) || modulus < 1) throw new RangeError(`bad permutation modulus ${modulus}`);
    let a = modulus <= 2 ? 1 : (hash32(key, 0x51ed) % (modulus - 1)) + 1;
    while (gcd(a, modulus) !== 1) a = (a % (modulus - 1)) + 1;
    this.a = a;
    this.b = hash32(key, 0x1234) % modulus;
  }

  apply(x: number): number {
    if (x < 0 || x >= this.modulus) throw new RangeError(`permutation input ${x} out of range`);
    return (mulMod(x, this.a, this.modulus) + this.b) % this.modulus;
  }
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
