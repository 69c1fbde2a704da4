/**
 * loadTokenizer(dir): a Hugging Face / GPT-2 tokenizer directory -> Tokenizer.
 * tokenizer.json is preferred; otherwise vocab.json + merges.txt (+ added_tokens.json).
 * Special-token roles come from tokenizer_config.json, then special_tokens_map.json.
 * Only these fixed file names are read: names found inside configs (tokenizer_file, vocab_file...)
 * are ignored, as transformers does for local directories, so a config cannot point outside `dir`.
 */
import { statSync } from "node:fs";
import { located, UserError } from "../errors";
import { exists, fileIn, readJson, readText } from "./files";
import { parseAddedTokens, parseMerge, parseTokenizerJson, parseVocab, type ParsedTokenizerJson } from "./hf-format";
import type { AddedToken, TokenizerSpec } from "./spec";
import { isObject } from "../json";
import { ByteLevelBpeTokenizer } from "./tokenizer";
import type { Tokenizer } from "./types";

type Json = Record<string, unknown>;

/** The conventional GPT-2 end-of-text token, used as eos when no config names one. */
export const GPT2_EOS = "<|endoftext|>";

export function loadTokenizer(dir: string): Tokenizer {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(`${dir}: tokenizer directory not found`);
  }
  if (!isDir) throw new UserError(`${dir}: not a directory (expected a tokenizer directory)`);

  const config = optionalJsonObject(fileIn(dir, "tokenizer_config.json"));
  const tokenizerJson = fileIn(dir, "tokenizer.json");
  let parsed: ParsedTokenizerJson;
  let source: string;
  if (exists(tokenizerJson)) {
    parsed = parseTokenizerJson(readJson(tokenizerJson), tokenizerJson);
    source = tokenizerJson;
  } else if (exists(fileIn(dir, "vocab.json"))) {
    parsed = loadVocabAndMerges(dir, config);
    source = fileIn(dir, "vocab.json");
  } else {
    throw new UserError(`${dir}: no tokenizer.json, nor vocab.json + merges.txt`);
  }
  return new ByteLevelBpeTokenizer(resolveSpecials(dir, parsed, source, config));
}

function optionalJsonObject(path: string): { path: string; json: Json } | null {
  if (!exists(path)) return null;
  const json = readJson(path);
  if (!isObject(json)) throw new UserError(located(path, undefined, "expected a JSON object"));
  return { path, json };
}

function loadVocabAndMerges(dir: string, config: { path: string; json: Json } | null): ParsedTokenizerJson {
  const vocabPath = fileIn(dir, "vocab.json");
  const vocab = parseVocab(readJson(vocabPath), vocabPath, "vocab.json");
  const mergesPath = fileIn(dir, "merges.txt");
  const merges: [string, string][] = [];
  readText(mergesPath)
    .split("\n")
    .forEach((raw, i) => {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line === "" || (i === 0 && line.startsWith("#version"))) return;
      merges.push(parseMerge(line, mergesPath, i + 1, "merge"));
    });

  const added: AddedToken[] = [];
  const addedPath = fileIn(dir, "added_tokens.json");
  if (exists(addedPath)) {
    for (const [content, id] of parseVocab(readJson(addedPath), addedPath, "added_tokens.json")) added.push({ id, content, special: false });
  }
  const decoder = config?.json.added_tokens_decoder;
  if (isObject(decoder) && config) {
    const list = Object.entries(decoder).map(([id, t]) => ({ ...(isObject(t) ? t : {}), id: Number(id) }));
    added.push(...parseAddedTokens(list, config.path));
  }
  return { vocab, merges, addedTokens: added, normalizer: null, addPrefixSpace: config?.json.add_prefix_space === true, useRegex: true, ignoreMerges: false };
}

/** A special-token config value: "<tok>", {"content": "<tok>"}, or null/absent. */
function tokenText(v: unknown, file: string, key: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.content === "string") return v.content;
  throw new UserError(located(file, undefined, `${key} must be a string or {"content": ...}`), 1);
}

function resolveSpecials(dir: string, parsed: ParsedTokenizerJson, source: string, config: { path: string; json: Json } | null): TokenizerSpec {
  const map = optionalJsonObject(fileIn(dir, "special_tokens_map.json"));
  const sources = [config, map].filter((s): s is { path: string; json: Json } => s !== null);

  // Added tokens keyed by content; later entries for the same content must agree on the id.
  const added = new Map<string, AddedToken>();
  const byId = new Map<number, string>();
  for (const [tok, id] of parsed.vocab) byId.set(id, tok);
  const addToken = (t: AddedToken, file: string) => {
    const prev = added.get(t.content);
    if (prev && prev.id !== t.id) {
      throw new UserError(located(file, undefined, `token ${JSON.stringify(t.content)} has two ids, ${prev.id} and ${t.id}`), 1);
    }
    const owner = byId.get(t.id);
    if (owner !== undefined && owner !== t.content) {
      throw new UserError(located(file, undefined, `id ${t.id} is both ${JSON.stringify(owner)} and ${JSON.stringify(t.content)}`), 1);
    }
    byId.set(t.id, t.content);
    added.set(t.content, { ...t, special: t.special || (prev?.special ?? false) });
  };
  for (const t of parsed.addedTokens) addToken(t, source);

  const idOf = (content: string) => added.get(content)?.id ?? parsed.vocab.get(content);
  /** Marks a token named by a config as special (GPT-2's vocab.json keeps <|endoftext|> as a plain entry). */
  const makeSpecial = (content: string, file: string, key: string) => {
    const id = idOf(content);
    if (id === undefined) throw new UserError(located(file, undefined, `${key} ${JSON.stringify(content)} is not in the vocabulary`), 1);
    addToken({ id, content, special: true }, file);
  };

  const role = (key: string): string | null => {
    for (const s of sources) {
      const v = tokenText(s.json[key], s.path, key);
      if (v !== null) {
        makeSpecial(v, s.path, key);
        return v;
      }
    }
    return null;
  };
  let eos = role("eos_token");
  if (eos === null) {
    if (idOf(GPT2_EOS) === undefined) {
      throw new UserError(`${dir}: no eos token (set "eos_token" in tokenizer_config.json; ${GPT2_EOS} is not in the vocabulary either)`, 1);
    }
    makeSpecial(GPT2_EOS, source, "eos token");
    eos = GPT2_EOS;
  }
  const bos = role("bos_token");
  // A pad that is the eos would make collation mask the real end of every answer: treat it as absent.
  const padNamed = role("pad_token");
  const pad = padNamed === eos ? null : padNamed;
  for (const s of sources) {
    const extra = s.json.additional_special_tokens;
    if (!Array.isArray(extra)) continue;
    extra.forEach((v, i) => {
      const content = tokenText(v, s.path, `additional_special_tokens[${i}]`);
      if (content !== null) makeSpecial(content, s.path, "additional special token");
    });
  }

  return {
    bpe: { vocab: parsed.vocab, merges: parsed.merges, ignoreMerges: parsed.ignoreMerges },
    addedTokens: [...added.values()].sort((a, b) => a.id - b.id),
    eos,
    pad,
    bos,
    normalizer: parsed.normalizer,
    addPrefixSpace: parsed.addPrefixSpace,
    useRegex: parsed.useRegex,
    source,
  };
}
