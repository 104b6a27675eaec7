/**
 * Jaro–Winkler similarity (Winkler 1990, "String Comparator Metrics and Enhanced Decision Rules in
 * the Fellegi-Sunter Model of Record Linkage"): 1 for equal strings, 0 for nothing in common, with a
 * bonus of up to four shared leading characters. Works on UTF-16 code units, which is enough for
 * the Latin names it is used on.
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  // Computed on a canonical order: greedy matching is not guaranteed symmetric otherwise.
  const [s, t] = a <= b ? [a, b] : [b, a];
  const j = jaro(s, t);
  let prefix = 0;
  const max = Math.min(4, s.length, t.length);
  while (prefix < max && s.charCodeAt(prefix) === t.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

function jaro(s: string, t: string): number {
  if (s.length === 0 || t.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Uint8Array(s.length);
  const tMatched = new Uint8Array(t.length);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(t.length - 1, i + window);
    for (let k = lo; k <= hi; k++) {
      if (tMatched[k] === 1 || s.charCodeAt(i) !== t.charCodeAt(k)) continue;
      sMatched[i] = 1;
      tMatched[k] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (sMatched[i] !== 1) continue;
    while (tMatched[k] !== 1) k++;
    if (s.charCodeAt(i) !== t.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const m = matches;
  return (m / s.length + m / t.length + (m - halfTranspositions / 2) / m) / 3;
}
