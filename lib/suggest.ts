/** "Did you mean ...?" for names a person types: commands, options, config keys, model and template names. */

/** Edit distance (insertions, deletions, substitutions, and a swap of two neighbours), case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `typed` when it is a plausible typo (one edit for short names, two for longer). */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const d = editDistance(typed, k);
    if (d < bestD) (best = k), (bestD = d);
  }
  return best !== undefined && best !== typed && bestD <= (typed.length > 5 ? 2 : 1) ? best : undefined;
}

/** " (did you mean 'learningRate'?)" when `typed` is a typo of a known name, else "". */
export function didYouMean(typed: string, known: readonly string[]): string {
  const best = closest(typed, known);
  return best === undefined ? "" : ` (did you mean '${best}'?)`;
}
