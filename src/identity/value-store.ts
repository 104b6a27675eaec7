/**
 * The identifier values of a graph, append-only and off the V8 heap: one Latin-1 byte buffer
 * with an end offset per value (nearly every identifier is ASCII), and a side map for the rare
 * value with a character beyond U+00FF. Ten million values then cost the garbage collector
 * nothing to keep, and a lookup compares bytes in place. Each value carries a one-byte tag (the
 * identifier type) in front, so one comparison checks both.
 */
export class ValueStore {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private ends = new Float64Array(1024);
  private readonly wide = new Map<number, string>();
  count = 0;

  /** Stores the next value with its tag (0–255); returns its index. */
  append(value: string, tag = 0): number {
    const i = this.count++;
    if (i >= this.ends.length) {
      const ends = new Float64Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    let latin1 = true;
    for (let k = 0; k < value.length; k++) {
      if (value.charCodeAt(k) > 0xff) {
        latin1 = false;
        break;
      }
    }
    const need = this.used + 1 + (latin1 ? value.length : 0);
    if (need > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < need) size *= 2;
      const bytes = Buffer.alloc(size);
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    this.bytes[this.used++] = tag;
    if (latin1) this.used += this.bytes.write(value, this.used, 'latin1');
    else this.wide.set(i, value);
    this.ends[i] = this.used;
    return i;
  }

  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  get(i: number): string {
    const wide = this.wide.get(i);
    if (wide !== undefined) return wide;
    return this.bytes.toString('latin1', this.start(i) + 1, this.ends[i]);
  }

  tag(i: number): number {
    return this.bytes[this.start(i)]!;
  }

  /** Whether value `i` is `value` with `tag`, without making a string of it. */
  equals(i: number, value: string, tag = 0): boolean {
    const bytes = this.bytes;
    const start = this.start(i);
    if (bytes[start] !== tag) return false;
    const end = this.ends[i]!;
    if (end - start === 1 && this.wide.size > 0) {
      const wide = this.wide.get(i);
      if (wide !== undefined) return wide === value;
    }
    if (end - start - 1 !== value.length) return false;
    for (let k = 0, at = start + 1; k < value.length; k++, at++)
      if (bytes[at] !== value.charCodeAt(k)) return false;
    return true;
  }

  /** Orders two values as JavaScript orders their strings (UTF-16 code units). */
  compare(a: number, b: number): number {
    if (this.wide.size > 0 && (this.wide.has(a) || this.wide.has(b))) {
      const va = this.get(a);
      const vb = this.get(b);
      return va < vb ? -1 : va > vb ? 1 : 0;
    }
    const sa = this.start(a) + 1;
    const sb = this.start(b) + 1;
    const la = this.ends[a]! - sa;
    const lb = this.ends[b]! - sb;
    const bytes = this.bytes;
    for (let k = 0, n = Math.min(la, lb); k < n; k++) {
      const d = bytes[sa + k]! - bytes[sb + k]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** Bytes held (for the benchmark's memory report). */
  get byteLength(): number {
    return this.bytes.byteLength + this.ends.byteLength;
  }
}
