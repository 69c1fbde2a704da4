/** Everything that defines a byte-level BPE tokenizer: what load produces, train produces, and save writes. */
import type { BpeData } from "./bpe";

export type UnicodeNormalization = "NFC" | "NFD" | "NFKC" | "NFKD";

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  /** Special tokens are matched in text only with `allowSpecial`; plain added tokens always are. */
  readonly special: boolean;
}

export interface TokenizerSpec {
  readonly bpe: BpeData;
  readonly addedTokens: readonly AddedToken[];
  /** Role tokens, by content; each must be a special added token. pad is never the same as eos. */
  readonly eos: string;
  readonly pad: string | null;
  readonly bos: string | null;
  /** Unicode normalization applied before encoding (GPT-NeoX uses NFC); null for GPT-2. */
  readonly normalizer: UnicodeNormalization | null;
  /** Hugging Face ByteLevel options: prefix a space to each text segment; split with the GPT-2 regex. */
  readonly addPrefixSpace: boolean;
  readonly useRegex: boolean;
  /** Where this came from, for error messages ("models/gpt2/tokenizer.json", "trainBpe"). */
  readonly source: string;
}
