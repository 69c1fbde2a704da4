/**
 * GPT-2's pre-tokenization: split text into "words" that BPE never merges across.
 * Contractions, optional-space + letters/numbers/other, and whitespace runs where the last
 * space is left to prefix the next word (`\s+(?!\S)`).
 *
 * `\s` is spelled `\p{White_Space}` on purpose: the reference implementations (Python `regex`,
 * the Rust `tokenizers` crate, tiktoken) use the Unicode White_Space property, while JavaScript's
 * `\s` also matches U+FEFF and misses U+0085 (NEL). This keeps us identical to Hugging Face's output.
 */
export const GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+`;

/** Pre-tokens of `text` as an array. */
export function splitWords(text: string): string[] {
  return text.match(new RegExp(GPT2_SPLIT_PATTERN, "gu")) ?? [];
}
