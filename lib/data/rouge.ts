/**
 * ROUGE-L: the F-measure of the longest common subsequence of two token sequences, as self-instruct used it
 * to drop near-duplicate instructions (score > 0.7). Tokens are lowercased runs of letters and digits.
 * `NearDuplicateFinder` makes the all-pairs check affordable for thousands of texts: a prefix filter over
 * tokens ordered by rarity proposes candidates, a bag-of-tokens bound discards most of them, and only the
 * rest pay for an LCS.
 */

/** Lowercased runs of letters and digits (punctuation and spacing ignored). */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t !== "");
}

/** Length of the longest common subsequence (two-row dynamic program). */
export function lcsLength<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  if (a.length < b.length) [a, b] = [b, a];
  const m = b.length;
  if (m === 0) return 0;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    for (let j = 1; j <= m; j++) cur[j] = x === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

export interface RougeScore {
  precision: number;
  recall: number;
  f: number;
}

/** ROUGE-L of a candidate against a reference (texts or token lists); all zero when either is empty. */
export function rougeL(candidate: string | readonly string[], reference: string | readonly string[]): RougeScore {
  const c = typeof candidate === "string" ? rougeTokens(candidate) : candidate;
  const r = typeof reference === "string" ? rougeTokens(reference) : reference;
  const lcs = lcsLength(c, r);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  // 2PR/(P+R) simplifies to 2·LCS/(|c|+|r|), which rounds the same way everywhere it is computed.
  return { precision, recall, f: (2 * lcs) / (c.length + r.length) };
}

export interface NearDuplicate {
  /** Index of the text found to be a near-duplicate. */
  index: number;
  /** Index of the earlier kept text it is closest to. */
  of: number;
  /** ROUGE-L F of the two. */
  score: number;
}

/**
 * Greedy near-duplicate removal over `texts` in order: a text is a duplicate when its ROUGE-L F with some
 * earlier *kept* text exceeds `threshold`. Returns the duplicates (each with its closest kept text).
 */
export function findNearDuplicates(texts: readonly string[], threshold = 0.7): NearDuplicate[] {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`ROUGE-L threshold must be in (0, 1], got ${threshold}`);
  // Intern tokens; each occurrence becomes a distinct element (token, k-th occurrence) so bags become sets.
  const vocab = new Map<string, number>();
  const docs = texts.map((t) => rougeTokens(t).map((w) => {
    let id = vocab.get(w);
    if (id === undefined) vocab.set(w, (id = vocab.size));
    return id;
  }));
  const elements = docs.map(occurrenceElements);
  // Global order: rarest elements first, so prefixes hold the most selective elements.
  const df = new Map<number, number>();
  for (const els of elements) for (const e of els) df.set(e, (df.get(e) ?? 0) + 1);
  for (const els of elements) els.sort((x, y) => df.get(x)! - df.get(y)! || x - y);

  // F > t needs overlap > t(la+lb)/2, and the shorter text longer than t/(2-t) of the longer one.
  const minOverlap = (len: number) => Math.max(1, Math.ceil((threshold * len) / (2 - threshold) - 1e-9));
  const postings = new Map<number, number[]>();
  const out: NearDuplicate[] = [];
  const overlap = new Map<number, number>();
  for (let i = 0; i < docs.length; i++) {
    const els = elements[i];
    const len = els.length;
    if (len === 0) continue;
    const prefix = len - minOverlap(len) + 1;
    const candidates = new Set<number>();
    for (let p = 0; p < prefix; p++) for (const d of postings.get(els[p]) ?? []) candidates.add(d);
    let best: NearDuplicate | undefined;
    if (candidates.size > 0) {
      overlap.clear();
      const mine = new Set(els);
      for (const d of candidates) {
        const other = elements[d];
        const bound = (2 * Math.min(len, other.length)) / (len + other.length);
        if (bound <= threshold) continue;
        let shared = 0;
        for (const e of other) if (mine.has(e)) shared++;
        if ((2 * shared) / (len + other.length) <= threshold) continue;
        const f = (2 * lcsLength(docs[i], docs[d])) / (len + other.length);
        if (f > threshold && (best === undefined || f > best.score || (f === best.score && d < best.of))) best = { index: i, of: d, score: f };
      }
    }
    if (best) {
      out.push(best);
      continue;
    }
    for (let p = 0; p < prefix; p++) {
      const list = postings.get(els[p]);
      if (list) list.push(i);
      else postings.set(els[p], [i]);
    }
  }
  return out;
}

/** Token ids to (token, occurrence) elements, encoded as numbers: id * 2^20 + occurrence. */
function occurrenceElements(ids: readonly number[]): number[] {
  const seen = new Map<number, number>();
  return ids.map((id) => {
    const k = seen.get(id) ?? 0;
    seen.set(id, k + 1);
    return id * 1048576 + k;
  });
}
