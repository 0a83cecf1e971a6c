/**
 * The known scheme closest to `scheme` by edit distance (insertions, deletions, substitutions and
 * swaps of two neighbouring letters), or `undefined` when none is close enough to be a typo: at
 * most one edit for schemes up to five letters, two beyond. Used to answer `htps://` or `rdis://`
 * with the scheme meant instead of a plugin package name that anyone could register.
 */
export function nearestScheme(scheme: string, known: Iterable<string>): string | undefined {
  const wanted = scheme.toLowerCase();
  const limit = wanted.length <= 5 ? 1 : 2;
  let best: { scheme: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { scheme: candidate, distance };
  }
  return best?.scheme;
}

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions, each costing 1. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
