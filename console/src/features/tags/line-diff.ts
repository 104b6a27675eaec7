/** One line of a diff: in both texts, only in the old one, or only in the new one. */
export type DiffLine = { kind: 'same' | 'del' | 'add'; text: string };

/**
 * A line diff by longest common subsequence: definitions are a few dozen lines of JSON, so the
 * quadratic table is small.
 */
export function lineDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ kind: 'del', text: a[i++]! });
    else out.push({ kind: 'add', text: b[j++]! });
  }
  while (i < n) out.push({ kind: 'del', text: a[i++]! });
  while (j < m) out.push({ kind: 'add', text: b[j++]! });
  return out;
}

/** The diff as rows of a side-by-side view: removed lines beside the lines that replaced them. */
export function sideBySide(
  diff: readonly DiffLine[],
): Array<{ left: DiffLine | null; right: DiffLine | null }> {
  const rows: Array<{ left: DiffLine | null; right: DiffLine | null }> = [];
  let k = 0;
  while (k < diff.length) {
    const d = diff[k]!;
    if (d.kind === 'same') {
      rows.push({ left: d, right: d });
      k++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (k < diff.length && diff[k]!.kind !== 'same') {
      const x = diff[k++]!;
      (x.kind === 'del' ? dels : adds).push(x);
    }
    for (let r = 0; r < Math.max(dels.length, adds.length); r++)
      rows.push({ left: dels[r] ?? null, right: adds[r] ?? null });
  }
  return rows;
}
