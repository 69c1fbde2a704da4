/** Corpus -> training rows for pretraining: documents joined by EOS, cut into windows of blockSize + 1. */
import type { Tokenizer } from "../tokenizer";
import type { Row } from "../data/collate";
import type { RowSource } from "../train/trainer";

/** Token ids of documents, each followed by EOS. */
export function encodeDocuments(texts: readonly string[], tokenizer: Tokenizer): Int32Array {
  const parts: number[][] = [];
  let n = 0;
  for (const t of texts) {
    const ids = tokenizer.encode(t);
    ids.push(tokenizer.eosId);
    parts.push(ids);
    n += ids.length;
  }
  const out = new Int32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Non-overlapping windows over a token stream: row i reads tokens [i T, i T + T] and predicts each next
 * token (every position trained). The remainder shorter than a window is dropped.
 */
export function windowSource(tokens: Int32Array, blockSize: number): RowSource {
  const size = Math.max(0, Math.floor((tokens.length - 1) / blockSize));
  return {
    size,
    row(i: number): Row {
      const start = i * blockSize;
      return { inputIds: tokens.subarray(start, start + blockSize), labels: tokens.subarray(start + 1, start + blockSize + 1) };
    },
  };
}
