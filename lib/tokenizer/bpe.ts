/**
 * The BPE merge core over token ids: given a word's byte ids, apply merges lowest-rank first,
 * all occurrences left to right (GPT-2's rule). Words are cached, since natural text repeats
 * the same few thousand words over and over.
 */
import { UserError } from "../errors";
import { BYTE_TO_CHAR, bytesToSymbols, utf8 } from "./bytes";
import { Heap } from "./heap";

/** Ids must stay below this so a pair packs into one exact double key. */
export const MAX_TOKEN_ID = 1 << 21;

/** Words longer than this (in UTF-16 units) are not cached: they are rare and would bloat memory. */
const MAX_CACHED_WORD = 256;
/** Cache entries before the cache is dropped and refilled (cheap, bounded memory). */
const MAX_CACHE_ENTRIES = 200_000;
/** Above this many symbols the O(n^2) scan gives way to a heap (long runs of digits, base64...). */
const SCAN_LIMIT = 48;

const pairKey = (a: number, b: number) => a * MAX_TOKEN_ID + b;

export interface BpeData {
  /** Byte-level token string -> id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, as pairs of byte-level token strings. */
  readonly merges: ReadonlyArray<readonly [string, string]>;
  /** Hugging Face's `ignore_merges`: a word that is itself in the vocabulary is emitted whole. */
  readonly ignoreMerges: boolean;
}

export class BpeModel {
  private readonly ranks = new Map<number, number>();
  private readonly mergedId: Int32Array;
  private readonly byteIds = new Int32Array(256);
  private readonly cache = new Map<string, number[]>();

  /** `source` names the file the data came from, for error messages. */
  constructor(
    readonly data: BpeData,
    source: string,
  ) {
    for (const [tok, id] of data.vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= MAX_TOKEN_ID) {
        throw new UserError(`${source}: token ${JSON.stringify(tok)} has invalid id ${id}`);
      }
    }
    for (let b = 0; b < 256; b++) {
      const id = data.vocab.get(BYTE_TO_CHAR[b]);
      if (id === undefined) {
        throw new UserError(
          `${source}: vocabulary lacks byte token ${JSON.stringify(BYTE_TO_CHAR[b])} (byte ${b}); not a byte-level BPE vocabulary`,
        );
      }
      this.byteIds[b] = id;
    }
    this.mergedId = new Int32Array(data.merges.length);
    data.merges.forEach(([l, r], rank) => {
      const a = data.vocab.get(l);
      const b = data.vocab.get(r);
      const m = data.vocab.get(l + r);
      if (a === undefined || b === undefined || m === undefined) {
        const missing = a === undefined ? l : b === undefined ? r : l + r;
        throw new UserError(`${source}: merge #${rank + 1} "${l} ${r}": token ${JSON.stringify(missing)} is not in the vocabulary`);
      }
      const key = pairKey(a, b);
      // A repeated merge keeps its first (lowest) rank, as Hugging Face does.
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
      this.mergedId[rank] = m;
    });
  }

  /** Appends the ids of one pre-tokenized word to `out`. */
  encodeWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.bpe(word);
      if (word.length <= MAX_CACHED_WORD) {
        if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
        this.cache.set(word, ids);
      }
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  private bpe(word: string): number[] {
    const bytes = utf8(word);
    if (this.data.ignoreMerges) {
      const whole = this.data.vocab.get(bytesToSymbols(bytes));
      if (whole !== undefined) return [whole];
    }
    const ids = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = this.byteIds[bytes[i]];
    return ids.length <= SCAN_LIMIT ? this.mergeByScan(ids) : this.mergeByHeap(ids);
  }

  /** Short words: find the lowest-rank pair, merge all its occurrences left to right, repeat. */
  private mergeByScan(ids: number[]): number[] {
    let n = ids.length;
    while (n > 1) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < n - 1; i++) {
        const r = this.ranks.get(pairKey(ids[i], ids[i + 1]));
        if (r !== undefined && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) break;
      const a = ids[at];
      const b = ids[at + 1];
      const m = this.mergedId[best];
      let w = at;
      for (let i = at; i < n; ) {
        if (i < n - 1 && ids[i] === a && ids[i + 1] === b) {
          ids[w++] = m;
          i += 2;
        } else {
          ids[w++] = ids[i++];
        }
      }
      n = w;
    }
    ids.length = n;
    return ids;
  }

  /**
   * Long words: a linked list plus a heap of (rank, position). Popping in that order merges the
   * lowest rank first and its occurrences left to right; a merge only creates pairs of higher rank,
   * so this gives exactly the scan's result in O(n log n).
   */
  private mergeByHeap(ids: number[]): number[] {
    const n = ids.length;
    const sym = Int32Array.from(ids);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // key = rank * 2^31 + position: exact in a double since rank < 2^21.
    const heap = new Heap<number>((x, y) => x < y);
    const consider = (p: number) => {
      const q = next[p];
      if (q < 0) return;
      const r = this.ranks.get(pairKey(sym[p], sym[q]));
      if (r !== undefined) heap.push(r * 2 ** 31 + p);
    };
    for (let i = 0; i < n - 1; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop() as number;
      const r = Math.floor(key / 2 ** 31);
      const p = key - r * 2 ** 31;
      const q = next[p];
      // Stale entry: p was absorbed, or its pair changed since it was pushed.
      if (sym[p] < 0 || q < 0 || this.ranks.get(pairKey(sym[p], sym[q])) !== r) continue;
      sym[p] = this.mergedId[r];
      sym[q] = -1;
      next[p] = next[q];
      if (next[q] >= 0) prev[next[q]] = p;
      if (prev[p] >= 0) consider(prev[p]);
      consider(p);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
    return out;
  }
}
