/**
 * withSpecialTokens: give a loaded tokenizer (typically stock GPT-2, which has only <|endoftext|>)
 * extra special tokens such as <|pad|> and the ChatML markers. New tokens take the next free ids,
 * so the model's embedding table must grow to the new vocabSize (the model code's job).
 */
import { UserError } from "../errors";
import type { AddedToken } from "./spec";
import { ByteLevelBpeTokenizer } from "./tokenizer";
import type { Tokenizer } from "./types";

export interface SpecialTokenRoles {
  /** Make this (new or existing) special token the pad token. Must not be the eos token. */
  pad?: string;
}

export function withSpecialTokens(tok: Tokenizer, tokens: readonly string[], roles: SpecialTokenRoles = {}): Tokenizer {
  if (!(tok instanceof ByteLevelBpeTokenizer)) throw new TypeError("withSpecialTokens needs a tokenizer from loadTokenizer or trainBpe");
  const spec = tok.spec;
  const added = new Map<string, AddedToken>(spec.addedTokens.map((t) => [t.content, t]));
  let next = tok.vocabSize;
  for (const content of tokens) {
    if (content.length === 0) throw new UserError("withSpecialTokens: special tokens must be non-empty", 1);
    const existing = tok.tokenToId(content);
    // A token already in the vocabulary keeps its id (and becomes special); a new one is appended.
    added.set(content, { id: existing ?? next++, content, special: true });
  }
  const pad = roles.pad ?? spec.pad;
  if (pad !== null && !added.get(pad)?.special) throw new UserError(`withSpecialTokens: pad ${JSON.stringify(pad)} is not a special token`, 1);
  if (pad === spec.eos) throw new UserError("withSpecialTokens: pad must differ from eos (PAD is never EOS)", 1);
  return new ByteLevelBpeTokenizer({ ...spec, addedTokens: [...added.values()].sort((a, b) => a.id - b.id), pad });
}
