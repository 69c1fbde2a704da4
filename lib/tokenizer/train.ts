/**
 * trainBpe: learn a small byte-level BPE vocabulary from text, GPT-2 style.
 * Words are counted once (GPT-2 pre-tokenization, special tokens cut out), then merges are taken
 * greedily from a max-heap of pair counts that is updated incrementally: each merge only revisits
 * the words that contain the merged pair. Ties go to the pair with the smaller (left, right) ids,
 * so the result depends only on the word counts, never on input order or hash iteration.
 */
import { BYTE_TO_CHAR, utf8 } from "./bytes";
import { Heap } from "./heap";
import { GPT2_SPLIT_PATTERN } from "./pretokenize";
import type { AddedToken } from "./spec";
import { ByteLevelBpeTokenizer } from "./tokenizer";
import { DEFAULT_TRAIN_BPE_CONFIG, validateTrainBpeConfig, type TrainBpeConfig } from "./train-config";
import type { Tokenizer } from "./types";

/** Pair key; ids stay below 2^16 because vocabSize <= 65536. */
const key = (a: number, b: number) => a * 65536 + b;

interface Candidate {
  count: number;
  a: number;
  b: number;
}
const before = (x: Candidate, y: Candidate) => x.count > y.count || (x.count === y.count && (x.a < y.a || (x.a === y.a && x.b < y.b)));

/** Word -> occurrences, with special tokens removed so they are never learned as merges. */
export function countWords(texts: Iterable<string>, specialTokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const escaped = [...specialTokens].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const specialRe = escaped.length > 0 ? new RegExp(escaped.join("|"), "g") : null;
  const words = new RegExp(GPT2_SPLIT_PATTERN, "gu");
  const countSegment = (s: string) => {
    words.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = words.exec(s)) !== null) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  };
  for (const text of texts) {
    if (specialRe === null) countSegment(text);
    else for (const seg of text.split(specialRe)) countSegment(seg);
  }
  return counts;
}

export function trainBpe(texts: Iterable<string> | string, options: Partial<TrainBpeConfig> = {}): Tokenizer {
  const cfg = validateTrainBpeConfig({ ...DEFAULT_TRAIN_BPE_CONFIG, ...options });
  // A lone string is iterable too (by character): treat it as one text, not as many one-char texts.
  const counts = countWords(typeof texts === "string" ? [texts] : texts, cfg.specialTokens);

  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) {
    words.push(Array.from(utf8(w)));
    freq.push(c);
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  const addWhere = (k: number, w: number) => {
    const list = where.get(k);
    if (list === undefined) where.set(k, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  const bump = (k: number, by: number) => {
    const n = (pairCount.get(k) ?? 0) + by;
    if (n === 0) pairCount.delete(k);
    else pairCount.set(k, n);
  };
  words.forEach((word, w) => {
    for (let i = 0; i + 1 < word.length; i++) {
      const k = key(word[i], word[i + 1]);
      bump(k, freq[w]);
      addWhere(k, w);
    }
  });

  const heap = new Heap<Candidate>(before);
  for (const [k, count] of pairCount) heap.push({ count, a: Math.floor(k / 65536), b: k % 65536 });

  const tokens: string[] = BYTE_TO_CHAR.slice();
  const idOf = new Map<string, number>(tokens.map((t, i) => [t, i]));
  const merges: [string, string][] = [];
  const target = cfg.vocabSize - cfg.specialTokens.length;

  while (tokens.length < target) {
    const top = heap.pop();
    if (top === undefined) break;
    const k = key(top.a, top.b);
    const current = pairCount.get(k) ?? 0;
    if (current !== top.count) {
      // Stale: counts of old pairs only fall, so requeue at the lower count.
      if (current > 0 && current < top.count) heap.push({ ...top, count: current });
      continue;
    }
    if (current < cfg.minFrequency) break;

    const { a, b } = top;
    const text = tokens[a] + tokens[b];
    // Two merge paths can spell the same token ("ab"+"c", "a"+"bc"): they share one id.
    let x = idOf.get(text);
    if (x === undefined) {
      x = tokens.length;
      tokens.push(text);
      idOf.set(text, x);
    }
    merges.push([tokens[a], tokens[b]]);

    const touched = new Set<number>();
    for (const w of where.get(k) ?? []) {
      const word = words[w];
      let found = false;
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === a && word[i + 1] === b) {
          found = true;
          break;
        }
      }
      if (!found) continue; // stale entry: already merged away
      const c = freq[w];
      for (let i = 0; i + 1 < word.length; i++) bump(key(word[i], word[i + 1]), -c);
      const merged: number[] = [];
      for (let i = 0; i < word.length; ) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(x);
          i += 2;
        } else merged.push(word[i++]);
      }
      words[w] = merged;
      for (let i = 0; i + 1 < merged.length; i++) {
        const nk = key(merged[i], merged[i + 1]);
        bump(nk, c);
        // Only pairs with the new token are new to this word; the others are already indexed.
        if (merged[i] === x || merged[i + 1] === x) {
          addWhere(nk, w);
          touched.add(nk);
        }
      }
    }
    where.delete(k);
    for (const nk of touched) {
      const count = pairCount.get(nk);
      if (count !== undefined) heap.push({ count, a: Math.floor(nk / 65536), b: nk % 65536 });
    }
  }

  const vocab = new Map<string, number>(tokens.map((t, i) => [t, i]));
  const addedTokens: AddedToken[] = cfg.specialTokens.map((content, i) => ({ id: tokens.length + i, content, special: true }));
  return new ByteLevelBpeTokenizer({
    bpe: { vocab, merges, ignoreMerges: false },
    addedTokens,
    eos: cfg.eosToken,
    pad: cfg.padToken,
    bos: cfg.bosToken,
    normalizer: null,
    addPrefixSpace: false,
    useRegex: true,
    source: "trainBpe",
  });
}
