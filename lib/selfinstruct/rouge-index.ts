/**
 * The nearest earlier instructions of a new one by ROUGE-L F, exactly, against a pool that grows one
 * instruction at a time. Self-instruct compares every candidate with every instruction kept so far, which is
 * quadratic in LCS computations; here each text is tokenized once (lib/data/rouge.ts's tokens, interned to
 * integers) and an inverted index over (token, k-th occurrence) elements gives each pool text's bag overlap
 * with the query. The overlap bounds the LCS, F <= 2·overlap/(|a|+|b|), so only a few LCS are ever computed:
 * - `above(t)` (deduplication alone): F > t needs an overlap above t·|q|/(2-t) elements, so a near-duplicate
 *   must hold one of any |q| - that + 1 of the query's elements; the query reads only its rarest ones'
 *   posting lists (shortest first), and bag and length bounds discard most texts before any LCS.
 * - `nearest(k)` (the log's neighbours): every sharing text gets its overlap counted, texts are visited from
 *   the highest bound down, and LCS stops once the bound falls below the k-th best score.
 */
import { lcsLength, rougeTokens } from "../data/rouge";

export interface Neighbour {
  /** Position in the pool (order of `add`). */
  index: number;
  /** ROUGE-L F with the query. */
  score: number;
}

/** Bound buckets of `nearest`: 1/1024 wide, so almost only texts whose bound beats the k-th score are visited. */
const BUCKETS = 1024;

export class RougeIndex {
  private readonly vocab = new Map<string, number>();
  private readonly docs: Int32Array[] = [];
  private readonly elements: Float64Array[] = [];
  /** Element -> pool positions holding it. */
  private readonly postings = new Map<number, number[]>();
  /** Scratch space indexed by pool position; all zero between queries. */
  private counts = new Int32Array(64);
  private order = new Int32Array(64);
  /** LCS computations done so far (tests check the pruning with it). */
  lcsCalls = 0;

  get size(): number {
    return this.docs.length;
  }

  /** ROUGE tokens of `text` as interned ids (new tokens get new ids). */
  tokenize(text: string): Int32Array {
    const words = rougeTokens(text);
    const ids = new Int32Array(words.length);
    words.forEach((w, i) => {
      let id = this.vocab.get(w);
      if (id === undefined) this.vocab.set(w, (id = this.vocab.size));
      ids[i] = id;
    });
    return ids;
  }

  /** Adds tokens (from `tokenize`) to the pool; returns the new text's index. */
  add(tokens: Int32Array): number {
    const index = this.docs.length;
    const els = occurrenceElements(tokens);
    this.docs.push(tokens);
    this.elements.push(els);
    for (const e of els) {
      const list = this.postings.get(e);
      if (list) list.push(index);
      else this.postings.set(e, [index]);
    }
    if (this.counts.length < this.docs.length) {
      // Scratch arrays are all zero between queries, so growing needs no copy.
      this.counts = new Int32Array(this.counts.length * 2);
      this.order = new Int32Array(this.counts.length);
    }
    return index;
  }

  private score(tokens: Int32Array, d: number): number {
    this.lcsCalls++;
    const other = this.docs[d];
    return (2 * lcsLength(tokens, other)) / (tokens.length + other.length);
  }

  /**
   * The `k` pool texts with the highest ROUGE-L F against `tokens` (score > 0 only), best first; ties go
   * to the earlier text. Exact: the same as computing ROUGE-L against every pool text.
   */
  nearest(tokens: Int32Array, k: number): Neighbour[] {
    if (k <= 0 || tokens.length === 0 || this.docs.length === 0) return [];
    const counts = this.counts;
    const touched: number[] = [];
    for (const e of occurrenceElements(tokens)) {
      const list = this.postings.get(e);
      if (list) for (const d of list) if (counts[d]++ === 0) touched.push(d);
    }
    // Counting sort of the touched texts by bound bucket, highest first, without per-bucket arrays.
    const len = tokens.length;
    const bucketOf = new Int32Array(touched.length);
    const starts = new Int32Array(BUCKETS + 1);
    touched.forEach((d, i) => {
      const bound = (2 * counts[d]) / (len + this.docs[d].length);
      counts[d] = 0;
      const b = BUCKETS - 1 - Math.min(BUCKETS - 1, Math.floor(bound * BUCKETS));
      bucketOf[i] = b;
      starts[b + 1]++;
    });
    for (let b = 0; b < BUCKETS; b++) starts[b + 1] += starts[b];
    const fill = starts.slice(0, BUCKETS);
    const order = this.order;
    touched.forEach((d, i) => (order[fill[bucketOf[i]]++] = d));
    const best: Neighbour[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      // Texts in this bucket and later ones have F < upper: stop once that cannot enter the top k.
      const upper = (BUCKETS - b) / BUCKETS;
      if (best.length === k && upper < best[k - 1].score) break;
      for (let i = starts[b]; i < starts[b + 1]; i++) {
        const d = order[i];
        const score = this.score(tokens, d);
        if (score > 0) insertTop(best, { index: d, score }, k);
      }
    }
    return best;
  }

  /** The pool text with the highest ROUGE-L F above `threshold` (earliest on ties), or undefined if none is. */
  above(tokens: Int32Array, threshold: number): Neighbour | undefined {
    const m = tokens.length;
    if (m === 0 || this.docs.length === 0 || !(threshold < 1)) return undefined;
    const els = occurrenceElements(tokens);
    const lists = Array.from(els, (e) => this.postings.get(e) ?? []).sort((a, b) => a.length - b.length);
    const seen = this.counts;
    const visited: number[] = [];
    let best: Neighbour | undefined;
    for (let p = 0; p < prefixLength(m, threshold); p++) {
      for (const d of lists[p]) {
        if (seen[d] !== 0) continue;
        seen[d] = 1;
        visited.push(d);
        const other = this.elements[d];
        if ((2 * Math.min(m, other.length)) / (m + other.length) <= threshold) continue;
        if ((2 * overlap(els, other)) / (m + other.length) <= threshold) continue;
        const score = this.score(tokens, d);
        if (score > threshold && (!best || score > best.score || (score === best.score && d < best.index))) best = { index: d, score };
      }
    }
    for (const d of visited) seen[d] = 0;
    return best;
  }
}

/**
 * Elements of a text of `len` tokens that a text with ROUGE-L F > t must share at least one of: all but
 * (the overlap F > t requires) - 1. Rounding the requirement down a hair only lengthens the prefix (safe).
 */
function prefixLength(len: number, t: number): number {
  const need = Math.max(1, Math.floor((t * len) / (2 - t) - 1e-9) + 1);
  return Math.max(0, len - need + 1);
}

/** Size of the intersection of two element lists sorted in descending order. */
function overlap(a: Float64Array, b: Float64Array): number {
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      n++;
      i++;
      j++;
    } else if (a[i] > b[j]) i++;
    else j++;
  }
  return n;
}

/** Keeps `best` sorted (score descending, index ascending) and at most k long. */
function insertTop(best: Neighbour[], n: Neighbour, k: number): void {
  let i = best.length;
  while (i > 0 && (best[i - 1].score < n.score || (best[i - 1].score === n.score && best[i - 1].index > n.index))) i--;
  if (i >= k) return;
  best.splice(i, 0, n);
  if (best.length > k) best.pop();
}

/** Token ids to (token, k-th occurrence) elements, so a bag of tokens becomes a set: id * 2^20 + k, sorted descending. */
function occurrenceElements(ids: Int32Array): Float64Array {
  const seen = new Map<number, number>();
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const k = seen.get(ids[i]) ?? 0;
    seen.set(ids[i], k + 1);
    out[i] = ids[i] * 1048576 + k;
  }
  return out.sort().reverse();
}
