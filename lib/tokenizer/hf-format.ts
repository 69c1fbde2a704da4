/**
 * Hugging Face tokenizer.json (and its two companion configs): parse the byte-level BPE subset we
 * support, and write it back out in a form both the Rust `tokenizers` and @huggingface/tokenizers load.
 */
import { located, UserError } from "../errors";
import { isObject } from "../json";
import { MAX_TOKEN_ID } from "./bpe";
import type { AddedToken, TokenizerSpec, UnicodeNormalization } from "./spec";

type Json = Record<string, unknown>;

/** What tokenizer.json itself says; special-token roles live in the companion configs. */
export interface ParsedTokenizerJson {
  vocab: Map<string, number>;
  merges: [string, string][];
  addedTokens: AddedToken[];
  normalizer: UnicodeNormalization | null;
  addPrefixSpace: boolean;
  useRegex: boolean;
  ignoreMerges: boolean;
}

export function parseVocab(v: unknown, file: string, where: string): Map<string, number> {
  if (!isObject(v)) throw new UserError(located(file, undefined, `${where} must be an object of token -> id`));
  const vocab = new Map<string, number>();
  const seen: string[] = [];
  for (const tok in v) {
    const id = v[tok];
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= MAX_TOKEN_ID) {
      throw new UserError(located(file, undefined, `${where}[${JSON.stringify(tok)}] is not a valid token id (integer in [0, ${MAX_TOKEN_ID}))`));
    }
    const other = seen[id];
    if (other !== undefined) {
      throw new UserError(located(file, undefined, `${where}: id ${id} is used by both ${JSON.stringify(other)} and ${JSON.stringify(tok)}`));
    }
    seen[id] = tok;
    vocab.set(tok, id);
  }
  return vocab;
}

/** A merge written either as "left right" (classic) or ["left", "right"] (tokenizers >= 0.20). */
export function parseMerge(m: unknown, file: string, line: number | undefined, where: string): [string, string] {
  if (typeof m === "string") {
    const parts = m.split(" ");
    if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return [parts[0], parts[1]];
  } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === "string" && typeof m[1] === "string" && m[0] && m[1]) {
    return [m[0], m[1]];
  }
  throw new UserError(located(file, line, `${where}: ${JSON.stringify(m)} is not a merge of two tokens`));
}

export function parseAddedTokens(v: unknown, file: string): AddedToken[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UserError(located(file, undefined, "added_tokens must be an array"));
  return v.map((t, i) => {
    if (!isObject(t) || typeof t.content !== "string" || t.content === "" || typeof t.id !== "number" || !Number.isInteger(t.id) || t.id < 0) {
      throw new UserError(located(file, undefined, `added_tokens[${i}] needs a non-empty "content" and an integer "id"`));
    }
    return { id: t.id, content: t.content, special: t.special === true };
  });
}

function unsupported(file: string, what: string): never {
  throw new UserError(located(file, undefined, `${what} is not supported (nanoinstruct loads byte-level BPE tokenizers, GPT-2 style)`), 1);
}

/** Checks a pre_tokenizer (or decoder) is ByteLevel, possibly alone inside a Sequence. */
function byteLevel(v: unknown, file: string, field: string): Json | null {
  if (v === null || v === undefined) return null;
  if (!isObject(v)) unsupported(file, `${field} ${JSON.stringify(v)}`);
  if (v.type === "Sequence") {
    const inner = v.pretokenizers ?? v.decoders;
    if (Array.isArray(inner) && inner.length === 1) return byteLevel(inner[0], file, field);
    unsupported(file, `${field} Sequence of ${Array.isArray(inner) ? inner.length : "?"} steps`);
  }
  if (v.type !== "ByteLevel") unsupported(file, `${field} type ${JSON.stringify(v.type)}`);
  return v;
}

const UNICODE_FORMS: readonly string[] = ["NFC", "NFD", "NFKC", "NFKD"];

/** null, or one of the Unicode normalization forms (alone or as a one-step Sequence). */
function parseNormalizer(v: unknown, file: string): UnicodeNormalization | null {
  if (v === undefined || v === null) return null;
  if (isObject(v) && v.type === "Sequence" && Array.isArray(v.normalizers) && v.normalizers.length <= 1) {
    return parseNormalizer(v.normalizers[0] ?? null, file);
  }
  if (isObject(v) && typeof v.type === "string" && UNICODE_FORMS.includes(v.type)) return v.type as UnicodeNormalization;
  return unsupported(file, `normalizer ${JSON.stringify(isObject(v) ? v.type : v)}`);
}

export function parseTokenizerJson(root: unknown, file: string): ParsedTokenizerJson {
  if (!isObject(root)) throw new UserError(located(file, undefined, "expected a JSON object"));
  const model = root.model;
  if (!isObject(model)) throw new UserError(located(file, undefined, 'missing "model" object'));
  if (model.type !== undefined && model.type !== "BPE") unsupported(file, `model type ${JSON.stringify(model.type)}`);
  if (!Array.isArray(model.merges)) throw new UserError(located(file, undefined, 'model.merges must be an array'));
  if (typeof model.dropout === "number" && model.dropout > 0) unsupported(file, "BPE dropout");
  if (model.byte_fallback === true) unsupported(file, "byte_fallback");
  for (const k of ["continuing_subword_prefix", "end_of_word_suffix"] as const) {
    if (model[k] !== undefined && model[k] !== null && model[k] !== "") unsupported(file, `model.${k}`);
  }
  const normalizer = parseNormalizer(root.normalizer, file);
  const pre = byteLevel(root.pre_tokenizer, file, "pre_tokenizer");
  if (pre === null) unsupported(file, "a tokenizer without a ByteLevel pre_tokenizer");
  byteLevel(root.decoder, file, "decoder");

  const vocab = parseVocab(model.vocab, file, "model.vocab");
  const merges = (model.merges as unknown[]).map((m, i) => parseMerge(m, file, undefined, `model.merges[${i}]`));
  return {
    vocab,
    merges,
    addedTokens: parseAddedTokens(root.added_tokens, file),
    normalizer,
    addPrefixSpace: pre.add_prefix_space === true,
    useRegex: pre.use_regex !== false,
    ignoreMerges: model.ignore_merges === true,
  };
}

const BYTE_LEVEL_FLAGS = { add_prefix_space: false, trim_offsets: true, use_regex: true };

/** tokenizer.json for `spec`; the vocab holds BPE tokens only, special tokens live in added_tokens. */
export function toTokenizerJson(spec: TokenizerSpec): Json {
  const vocab: Record<string, number> = {};
  for (const [tok, id] of [...spec.bpe.vocab].sort((a, b) => a[1] - b[1])) vocab[tok] = id;
  const byteLevelStep = { type: "ByteLevel", ...BYTE_LEVEL_FLAGS, add_prefix_space: spec.addPrefixSpace, use_regex: spec.useRegex };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...spec.addedTokens]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special })),
    normalizer: spec.normalizer === null ? null : { type: spec.normalizer },
    pre_tokenizer: byteLevelStep,
    post_processor: { type: "ByteLevel", ...BYTE_LEVEL_FLAGS, trim_offsets: false },
    decoder: { type: "ByteLevel", ...BYTE_LEVEL_FLAGS },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: spec.bpe.ignoreMerges,
      vocab,
      // Byte-level tokens never contain a literal space, so the classic "a b" form is unambiguous
      // and readable by every tokenizers version.
      merges: spec.bpe.merges.map(([l, r]) => `${l} ${r}`),
    },
  };
}

function specialTokenFields(spec: TokenizerSpec): Json {
  const roles = new Set([spec.eos, spec.pad, spec.bos]);
  const additional = spec.addedTokens.filter((t) => t.special && !roles.has(t.content)).map((t) => t.content);
  return {
    bos_token: spec.bos,
    eos_token: spec.eos,
    pad_token: spec.pad,
    unk_token: null,
    additional_special_tokens: additional,
  };
}

/** special_tokens_map.json: the role tokens (nulls left out, as transformers writes it). */
export function toSpecialTokensMap(spec: TokenizerSpec): Json {
  return Object.fromEntries(Object.entries(specialTokenFields(spec)).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
}

export function toTokenizerConfig(spec: TokenizerSpec): Json {
  const decoder: Record<string, Json> = {};
  for (const t of [...spec.addedTokens].sort((a, b) => a.id - b.id)) {
    decoder[String(t.id)] = { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: t.special };
  }
  return {
    tokenizer_class: "PreTrainedTokenizerFast",
    add_prefix_space: spec.addPrefixSpace,
    clean_up_tokenization_spaces: false,
    ...specialTokenFields(spec),
    added_tokens_decoder: decoder,
  };
}
