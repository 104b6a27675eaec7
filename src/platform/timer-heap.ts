/** A binary min-heap of timers by time (many profiles, each with its next re-test). */
export class TimerHeap<T> {
  private readonly times: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.times.length;
  }

  push(at: number, value: T): void {
    let i = this.times.length;
    this.times.push(at);
    this.values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= at) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peek(): { at: number; value: T } | undefined {
    return this.times.length === 0 ? undefined : { at: this.times[0]!, value: this.values[0]! };
  }

  pop(): { at: number; value: T } | undefined {
    const top = this.peek();
    if (!top) return undefined;
    const lastAt = this.times.pop()!;
    const lastValue = this.values.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastAt;
      this.values[0] = lastValue;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.times.length && this.times[l]! < this.times[m]!) m = l;
        if (r < this.times.length && this.times[r]! < this.times[m]!) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.values[a], this.values[b]] = [this.values[b]!, this.values[a]!];
  }
}
