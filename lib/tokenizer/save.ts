/** Writes a tokenizer directory: tokenizer.json + tokenizer_config.json + special_tokens_map.json. */
import { writeAtomic } from "./files";
import { toSpecialTokensMap, toTokenizerConfig, toTokenizerJson } from "./hf-format";
import type { TokenizerSpec } from "./spec";

export function saveTokenizer(spec: TokenizerSpec, dir: string): void {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  // tokenizer.json last: loadTokenizer prefers it, so a reader racing with us sees old or new configs
  // next to a complete file, never a half-written one (each file is itself replaced atomically).
  writeAtomic(dir, "tokenizer_config.json", json(toTokenizerConfig(spec)));
  writeAtomic(dir, "special_tokens_map.json", json(toSpecialTokensMap(spec)));
  writeAtomic(dir, "tokenizer.json", json(toTokenizerJson(spec)));
}
