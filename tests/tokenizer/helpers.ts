/** Shared test helpers: a seeded PRNG and random well-formed Unicode text. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../../lib/random";

/** The property tests' generator: lib/random.ts's mulberry32 (tiny, fast, seedable). */
export const rng = mulberry32;

const range = (lo: number, hi: number) => (r: () => number) => String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
const pick = (xs: readonly string[]) => (r: () => number) => xs[Math.floor(r() * xs.length)];

/** Pieces random text is built from: scripts, marks, emoji sequences, odd whitespace and controls. */
const POOLS: ((r: () => number) => string)[] = [
  range(0x20, 0x7e), range(0x20, 0x7e), range(0x61, 0x7a), range(0x61, 0x7a),
  pick([" ", " ", "  ", "\n", "\n\n", "\r\n", "\t", " \n", "\u00a0", "\u3000", "\u2028", "\u000b", "\f"]),
  pick(["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "n't", "''"]),
  range(0x30, 0x39), range(0x660, 0x669), range(0xbc, 0xbe),
  range(0xc0, 0x24f), range(0x300, 0x36f), range(0x370, 0x3ff), range(0x400, 0x4ff),
  range(0x590, 0x5ff), range(0x600, 0x6ff), range(0x900, 0x97f), range(0xe00, 0xe7f),
  range(0x3040, 0x30ff), range(0x4e00, 0x9fff), range(0xac00, 0xd7a3),
  range(0x1f300, 0x1faff), pick(["👩‍👩‍👧‍👦", "👍🏽", "🇯🇵", "❤️", "e\u0301", "\u200d", "\u200b"]),
  range(0x10000, 0x10ffff), range(0xe000, 0xf8ff), pick(["\0", "\u0001", "\u007f", "\u0085", "\ufeff", "\ufffd", "\uffff", "\u2029"]),
];

/** Random well-formed (no lone surrogates) text of about `pieces` pieces. */
export function randomText(r: () => number, pieces: number, exclude?: RegExp): string {
  let s = "";
  for (let i = 0; i < pieces; i++) s += POOLS[Math.floor(r() * POOLS.length)](r);
  return exclude ? s.replace(exclude, "") : s;
}

export function prose(): string {
  return readFileSync(join(import.meta.dirname, "fixtures", "prose.txt"), "utf8");
}

/** A tiny valid byte-level vocabulary: 256 byte tokens, merges "Ġ t" and "h e", plus <|endoftext|>. */
export function tinyModel() {
  const vocab: Record<string, number> = {};
  const chars: string[] = [];
  for (let b = 0; b < 256; b++) {
    const keep = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.push(keep ? String.fromCharCode(b) : "");
  }
  let n = 0;
  chars.forEach((c, b) => (chars[b] = c || String.fromCharCode(256 + n++)));
  chars.forEach((c, b) => (vocab[c] = b));
  vocab["Ġt"] = 256;
  vocab["he"] = 257;
  return { vocab, merges: ["Ġ t", "h e"] };
}
