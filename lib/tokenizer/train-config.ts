/** Options for trainBpe, with defaults and validation. */
import { UserError } from "../errors";
import { MAX_TOKEN_ID } from "./bpe";
import { DEFAULT_SPECIAL_TOKENS, EOS_TOKEN, PAD_TOKEN } from "./chat";

export interface TrainBpeConfig {
  /** Total ids: 256 byte tokens + merges + special tokens. */
  vocabSize: number;
  /** Special tokens, appended after the merges in this order. */
  specialTokens: readonly string[];
  /** Stop merging when the best pair occurs fewer times than this (the vocabulary may come out smaller). */
  minFrequency: number;
  /** Role tokens; each must be one of specialTokens. pad must differ from eos; null = none. */
  eosToken: string;
  padToken: string | null;
  bosToken: string | null;
}

export const DEFAULT_TRAIN_BPE_CONFIG: Readonly<TrainBpeConfig> = {
  vocabSize: 2048,
  specialTokens: DEFAULT_SPECIAL_TOKENS,
  minFrequency: 2,
  eosToken: EOS_TOKEN,
  padToken: PAD_TOKEN,
  bosToken: null,
};

/** Throws a UserError naming the bad option; returns the config for chaining. */
export function validateTrainBpeConfig(c: TrainBpeConfig): TrainBpeConfig {
  const bad = (what: string): never => {
    throw new UserError(`trainBpe: ${what}`, 1);
  };
  const specials = new Set(c.specialTokens);
  if (specials.size !== c.specialTokens.length) bad("specialTokens has duplicates");
  if (c.specialTokens.some((t) => typeof t !== "string" || t.length === 0)) bad("specialTokens must be non-empty strings");
  const floor = 256 + c.specialTokens.length;
  if (!Number.isInteger(c.vocabSize) || c.vocabSize < floor || c.vocabSize > 65536) {
    bad(`vocabSize ${c.vocabSize} must be an integer in [${floor}, 65536] (256 bytes + ${c.specialTokens.length} special tokens at least)`);
  }
  if (c.vocabSize > MAX_TOKEN_ID) bad("vocabSize too large");
  if (!Number.isInteger(c.minFrequency) || c.minFrequency < 1) bad(`minFrequency ${c.minFrequency} must be an integer >= 1`);
  if (!specials.has(c.eosToken)) bad(`eosToken ${JSON.stringify(c.eosToken)} is not in specialTokens`);
  if (c.padToken !== null && !specials.has(c.padToken)) bad(`padToken ${JSON.stringify(c.padToken)} is not in specialTokens`);
  if (c.bosToken !== null && !specials.has(c.bosToken)) bad(`bosToken ${JSON.stringify(c.bosToken)} is not in specialTokens`);
  if (c.padToken === c.eosToken) bad("padToken must differ from eosToken (PAD is never EOS)");
  return c;
}
