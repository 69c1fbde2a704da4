/**
 * Packing several examples into one row of a fixed length. Best-fit-decreasing keeps every example whole
 * in one row and separates examples by segment id (1, 2, 3...; 0 = padding) and by position ids that
 * restart at 0, so attention restricted to `blockCausalMask` sees each example exactly as if it were
 * alone. Wrapping (for pretraining) instead concatenates documents with EOS and cuts the stream into rows.
 */
import { IGNORE_INDEX } from "./templates/tokenize";

/**
 * Best-fit-decreasing: examples longest first (ties by position), each into the open bin with the least
 * room that still fits it, else a new bin. Returns bins of example indices, in the order bins were opened.
 * Lengths must be in 1..capacity.
 */
export function bestFitDecreasing(lengths: readonly number[], capacity: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const bins: number[][] = [];
  const room: number[] = [];
  // Bins by remaining room; `free` finds the smallest room >= a length in O(log capacity).
  const byRoom: number[][] = Array.from({ length: capacity + 1 }, () => []);
  const free = new RoomIndex(capacity);
  for (const i of order) {
    const len = lengths[i];
    if (!(len >= 1 && len <= capacity)) throw new RangeError(`example ${i} has length ${len}, not in [1, ${capacity}]`);
    const r = free.smallestAtLeast(len);
    let bin: number;
    if (r < 0) {
      bin = bins.length;
      bins.push([]);
      room.push(capacity);
    } else {
      // The earliest-opened bin with that room: deterministic and independent of insertion history.
      const list = byRoom[r];
      let k = 0;
      for (let j = 1; j < list.length; j++) if (list[j] < list[k]) k = j;
      bin = list[k];
      list.splice(k, 1);
      if (list.length === 0) free.set(r, false);
    }
    bins[bin].push(i);
    room[bin] -= len;
    if (room[bin] > 0) {
      byRoom[room[bin]].push(bin);
      free.set(room[bin], true);
    }
  }
  return bins;
}

/** A segment tree over 0..capacity answering "smallest value >= x that is present". */
class RoomIndex {
  private readonly size: number;
  private readonly any: Uint8Array;
  constructor(capacity: number) {
    let size = 1;
    while (size < capacity + 1) size *= 2;
    this.size = size;
    this.any = new Uint8Array(2 * size);
  }
  set(value: number, present: boolean): void {
    let i = value + this.size;
    this.any[i] = present ? 1 : 0;
    for (i >>= 1; i >= 1; i >>= 1) this.any[i] = this.any[2 * i] | this.any[2 * i + 1];
  }
  smallestAtLeast(x: number): number {
    return this.find(1, 0, this.size - 1, x);
  }
  private find(node: number, lo: number, hi: number, x: number): number {
    if (hi < x || !this.any[node]) return -1;
    if (lo === hi) return lo;
    const mid = (lo + hi) >> 1;
    const left = this.find(2 * node, lo, mid, x);
    return left >= 0 ? left : this.find(2 * node + 1, mid + 1, hi, x);
  }
}

/**
 * Whether query position q may attend to key position k: causal, same segment, never padding (segment 0).
 * A padding position attends to itself only, so its softmax stays defined.
 */
export function attends(segmentIds: ArrayLike<number>, q: number, k: number): boolean {
  if (segmentIds[q] === 0) return q === k;
  return k <= q && segmentIds[k] === segmentIds[q];
}

/** The block-diagonal causal mask of a row as a length×length 0/1 matrix (row-major, query by key). */
export function blockCausalMask(segmentIds: ArrayLike<number>): Uint8Array {
  const n = segmentIds.length;
  const mask = new Uint8Array(n * n);
  for (let q = 0; q < n; q++) for (let k = 0; k <= q; k++) if (attends(segmentIds, q, k)) mask[q * n + k] = 1;
  return mask;
}

export interface Stream {
  inputIds: number[];
  labels: number[];
}

/**
 * Documents concatenated, each followed by EOS unless it already ends with it, and cut into rows of
 * `length` (the last one shorter). A separator EOS is a target when the document's last token is; nothing
 * is ever predicted across documents. A row's last label predicts the first token of the next row (the
 * target need not be in the input).
 */
export function wrapDocuments(docs: readonly { inputIds: ArrayLike<number>; labels: ArrayLike<number> }[], length: number, eosId: number): Stream[] {
  const ids: number[] = [];
  const target: boolean[] = [];
  for (const d of docs) {
    const n = d.inputIds.length;
    for (let j = 0; j < n; j++) {
      ids.push(d.inputIds[j]);
      target.push(j > 0 && d.labels[j - 1] !== IGNORE_INDEX);
    }
    if (n > 0 && d.inputIds[n - 1] !== eosId) {
      ids.push(eosId);
      target.push(n > 1 && d.labels[n - 2] !== IGNORE_INDEX);
    }
  }
  const rows: Stream[] = [];
  for (let start = 0; start < ids.length; start += length) {
    const end = Math.min(start + length, ids.length);
    const labels: number[] = [];
    for (let i = start; i < end; i++) labels.push(i + 1 < ids.length && target[i + 1] ? ids[i + 1] : IGNORE_INDEX);
    rows.push({ inputIds: ids.slice(start, end), labels });
  }
  return rows;
}
