/** The special tokens of nanoinstruct's own tokenizers, and helpers for chat markers. */
import type { Tokenizer } from "./types";

export const EOS_TOKEN = "<|endoftext|>";
export const PAD_TOKEN = "<|pad|>";
export const IM_START = "<|im_start|>";
export const IM_END = "<|im_end|>";

/** Specials given to every trained tokenizer, in id order (they take the last ids of the vocabulary). */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [EOS_TOKEN, PAD_TOKEN, IM_START, IM_END];

export interface ChatTokenIds {
  imStart: number;
  imEnd: number;
}

/** Ids of the ChatML markers, or null when the tokenizer lacks them (a stock GPT-2 tokenizer). */
export function chatTokenIds(tok: Tokenizer): ChatTokenIds | null {
  const imStart = tok.specialTokens.get(IM_START);
  const imEnd = tok.specialTokens.get(IM_END);
  return imStart === undefined || imEnd === undefined ? null : { imStart, imEnd };
}
