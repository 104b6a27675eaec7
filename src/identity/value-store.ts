/**
 * The identifier values of a graph, append-only and off the V8 heap: one Latin-1 byte buffer
 * with an end offset per value (nearly every identifier is ASCII), and a side map for the rare
 * value with a character beyond U+00FF. Ten million values then cost the garbage collector
 * nothing to keep, and a lookup compares bytes in place.
 */
export class ValueStore {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private ends = new Float64Array(1024);
  private readonly wide = new Map<number, string>();
  count = 0;

  /** Stores the next value; returns its index. */
  append(value: string): number {
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
    if (latin1) {
      if (this.used + value.length > this.bytes.length) {
        let size = this.bytes.length * 2;
        while (size < this.used + value.length) size *= 2;
        const bytes = Buffer.alloc(size);
        this.bytes.copy(bytes, 0, 0, this.used);
        this.bytes = bytes;
      }
      this.used += this.bytes.write(value, this.used, 'latin1');
    } else {
      this.wide.set(i, value);
    }
    this.ends[i] = this.used;
    return i;
  }

  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  get(i: number): string {
    const wide = this.wide.get(i);
    if (wide !== undefined) return wide;
    return this.bytes.toString('latin1', this.start(i), this.ends[i]);
  }

  /** Whether value `i` is `value`, without making a string of it. */
  equals(i: number, value: string): boolean {
    const start = this.start(i);
    const end = this.ends[i]!;
    if (start === end && this.wide.size > 0) {
      const wide = this.wide.get(i);
      if (wide !== undefined) return wide === value;
    }
    if (end - start !== value.length) return false;
    const bytes = this.bytes;
    for (let k = 0; k < value.length; k++) if (bytes[start + k] !== value.charCodeAt(k)) return false;
    return true;
  }

  /** Orders two values as JavaScript orders their strings (UTF-16 code units). */
  compare(a: number, b: number): number {
    if (this.wide.size > 0 && (this.wide.has(a) || this.wide.has(b))) {
      const va = this.get(a);
      const vb = this.get(b);
      return va < vb ? -1 : va > vb ? 1 : 0;
    }
    const sa = this.start(a);
    const sb = this.start(b);
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
