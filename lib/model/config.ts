/**
 * The model's shape (`GPTConfig`) and its translation to and from the Hugging Face GPT-2 `config.json`,
 * so that a model directory we write loads with `GPT2LMHeadModel.from_pretrained` and one from the hub
 * loads here. Anything of ours that HF has no field for goes under the "nanoinstruct" key.
 */
import { join } from "node:path";
import { UserError } from "../errors";
import { readTextFileCapped } from "../fsutil";
import { parseJsonText } from "../config";
import { writeJsonAtomic } from "../fsutil";

/** The most a model's config.json may hold (GPT-2's is under 1 KB). */
export const MAX_MODEL_CONFIG_BYTES = 1024 * 1024;

export interface GPTConfig {
  vocabSize: number;
  /** Maximum sequence length (HF: n_positions). */
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** One dropout rate for embeddings, attention and residuals (HF's three *_pdrop). */
  dropout: number;
  layerNormEpsilon: number;
  /** Biases in linear layers and LayerNorms; false is not loadable by HF transformers. Default true. */
  bias?: boolean;
}

/** GPT-2 small (124M), dropout off: fine-tuning small models here is not regularisation-bound. */
export const DEFAULT_GPT_CONFIG: GPTConfig = {
  vocabSize: 50257,
  blockSize: 1024,
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  dropout: 0,
  layerNormEpsilon: 1e-5,
  bias: true,
};

/** Checks a config; throws a UserError (exit 1) that says which field is wrong and why. Returns it. */
export function validateGPTConfig(cfg: GPTConfig, where = "model config"): GPTConfig {
  const fail = (what: string): never => {
    throw new UserError(`${where}: ${what}`, 1);
  };
  for (const key of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const) {
    const v = cfg[key];
    if (!Number.isSafeInteger(v) || v <= 0) fail(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (cfg.nEmbd % cfg.nHead !== 0) {
    fail(`nEmbd (${cfg.nEmbd}) must be divisible by nHead (${cfg.nHead}) so each head gets nEmbd/nHead dimensions`);
  }
  if (typeof cfg.dropout !== "number" || !(cfg.dropout >= 0 && cfg.dropout < 1)) {
    fail(`dropout must be a number in [0, 1), got ${JSON.stringify(cfg.dropout)}`);
  }
  if (typeof cfg.layerNormEpsilon !== "number" || !(cfg.layerNormEpsilon > 0 && cfg.layerNormEpsilon < 1)) {
    fail(`layerNormEpsilon must be a small positive number, got ${JSON.stringify(cfg.layerNormEpsilon)}`);
  }
  if (cfg.bias !== undefined && typeof cfg.bias !== "boolean") fail(`bias must be true or false, got ${JSON.stringify(cfg.bias)}`);
  return cfg;
}

/** The fields of a HF GPT-2 config.json that we read or write (others are kept in `raw`). */
export interface HFGPT2Config {
  model_type: "gpt2";
  architectures: string[];
  vocab_size: number;
  n_positions: number;
  n_ctx: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner: number | null;
  activation_function: string;
  resid_pdrop: number;
  embd_pdrop: number;
  attn_pdrop: number;
  layer_norm_epsilon: number;
  initializer_range: number;
  scale_attn_weights: boolean;
  tie_word_embeddings: boolean;
  use_cache: boolean;
  bos_token_id: number;
  eos_token_id: number;
  torch_dtype: string;
  nanoinstruct?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ToHFConfigOptions {
  /** Default: 50256 (GPT-2's <|endoftext|>) or the last id when the vocabulary is smaller. */
  bosTokenId?: number;
  eosTokenId?: number;
  /** Stored under "nanoinstruct" (e.g. chat template name, training run info). Must be JSON-serialisable. */
  extra?: Record<string, unknown>;
}

export interface HFConfigInfo {
  config: GPTConfig;
  bosTokenId: number | undefined;
  eosTokenId: number | undefined;
  /** The "nanoinstruct" object minus the keys that went into `config` ({} when absent). */
  extra: Record<string, unknown>;
  /** The whole parsed config.json. */
  raw: Record<string, unknown>;
}

/** Activations that are the tanh-approximated GELU GPT-2 was trained with (HF has two names for it). */
const SUPPORTED_ACTIVATIONS = new Set(["gelu_new", "gelu_pytorch_tanh"]);
/** Keys under "nanoinstruct" that map to GPTConfig fields rather than `extra`. */
const OWN_KEYS = new Set(["bias", "dropout"]);

function defaultSpecialId(vocabSize: number): number {
  return Math.min(50256, vocabSize - 1);
}

/** Converts our config to a HF GPT-2 config.json object. */
export function toHFConfig(cfg: GPTConfig, options: ToHFConfigOptions = {}): HFGPT2Config {
  validateGPTConfig(cfg);
  const own: Record<string, unknown> = {};
  if (cfg.bias === false) own.bias = false;
  const nanoinstruct = { ...(options.extra ?? {}), ...own };
  const hf: HFGPT2Config = {
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: cfg.vocabSize,
    n_positions: cfg.blockSize,
    n_ctx: cfg.blockSize,
    n_embd: cfg.nEmbd,
    n_layer: cfg.nLayer,
    n_head: cfg.nHead,
    n_inner: null,
    activation_function: "gelu_new",
    resid_pdrop: cfg.dropout,
    embd_pdrop: cfg.dropout,
    attn_pdrop: cfg.dropout,
    layer_norm_epsilon: cfg.layerNormEpsilon,
    initializer_range: 0.02,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    use_cache: true,
    bos_token_id: options.bosTokenId ?? defaultSpecialId(cfg.vocabSize),
    eos_token_id: options.eosTokenId ?? defaultSpecialId(cfg.vocabSize),
    torch_dtype: "float32",
  };
  if (Object.keys(nanoinstruct).length > 0) hf.nanoinstruct = nanoinstruct;
  return hf;
}

/**
 * Reads a parsed HF config.json (`file` is used in messages). Refuses anything that is not plain GPT-2
 * math: other model types, other activations, untied output layer, altered attention scaling.
 */
export function parseHFConfig(json: unknown, file: string): HFConfigInfo {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new UserError(`${file}: not a JSON object`, 2);
  const raw = json as Record<string, unknown>;
  const unsupported = (what: string): never => {
    throw new UserError(`${file}: ${what}`, 1);
  };
  const modelType = raw.model_type;
  if (modelType !== "gpt2") {
    unsupported(`model_type ${JSON.stringify(modelType)} is not supported (only GPT-2 models, model_type "gpt2")`);
  }
  const int = (key: string, fallback?: unknown): number => {
    const v = raw[key] ?? fallback;
    if (v === undefined) unsupported(`missing ${key}`);
    if (!Number.isSafeInteger(v) || (v as number) <= 0) unsupported(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const num = (key: string, fallback: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) unsupported(`${key} must be a number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const act = raw.activation_function ?? "gelu_new";
  if (typeof act !== "string" || !SUPPORTED_ACTIVATIONS.has(act)) {
    unsupported(`activation_function ${JSON.stringify(act)} is not supported (GPT-2 uses "gelu_new")`);
  }
  const nEmbd = int("n_embd");
  if (raw.n_inner !== undefined && raw.n_inner !== null && raw.n_inner !== 4 * nEmbd) {
    unsupported(`n_inner ${JSON.stringify(raw.n_inner)} is not supported (the MLP must be 4*n_embd = ${4 * nEmbd} wide)`);
  }
  if (raw.tie_word_embeddings === false) unsupported("tie_word_embeddings false is not supported (the output layer must share wte)");
  if (raw.scale_attn_weights === false) unsupported("scale_attn_weights false is not supported");
  if (raw.scale_attn_by_inverse_layer_idx === true) unsupported("scale_attn_by_inverse_layer_idx true is not supported");
  if (raw.add_cross_attention === true) unsupported("add_cross_attention true is not supported (decoder-only models)");

  const nano = raw.nanoinstruct;
  if (nano !== undefined && (nano === null || typeof nano !== "object" || Array.isArray(nano))) {
    unsupported(`"nanoinstruct" must be an object`);
  }
  const nanoObj = (nano ?? {}) as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(nanoObj)) if (!OWN_KEYS.has(k)) extra[k] = v;

  const config: GPTConfig = {
    vocabSize: int("vocab_size"),
    // n_ctx is the older name; n_positions wins when both are present.
    blockSize: int("n_positions", raw.n_ctx),
    nLayer: int("n_layer"),
    nHead: int("n_head"),
    nEmbd,
    dropout: typeof nanoObj.dropout === "number" ? nanoObj.dropout : num("resid_pdrop", 0.1),
    layerNormEpsilon: num("layer_norm_epsilon", 1e-5),
    bias: nanoObj.bias === false ? false : true,
  };
  validateGPTConfig(config, file);
  const tokenId = (key: string): number | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Number.isSafeInteger(v) || (v as number) < 0) unsupported(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  return { config, bosTokenId: tokenId("bos_token_id"), eosTokenId: tokenId("eos_token_id"), extra, raw };
}

/** Reads `<dir>/config.json`. Missing or unparsable file: UserError exit 2; unsupported model: exit 1. */
export function readHFConfig(dir: string): HFConfigInfo {
  const file = join(dir, "config.json");
  let text: string;
  try {
    // A regular file of at most MAX_MODEL_CONFIG_BYTES: a link to /dev/zero or a FIFO is refused, not read for ever.
    text = readTextFileCapped(file, MAX_MODEL_CONFIG_BYTES, "config.json");
  } catch (err) {
    if (/: no such file$/.test((err as Error).message)) throw new UserError(`${file}: cannot read (no such file)`, 2);
    throw err;
  }
  // The error quotes a short escaped excerpt at most (the file may be anything, e.g. a link to /etc/passwd).
  return parseHFConfig(parseJsonText(text, file), file);
}

/** Writes `<dir>/config.json` atomically from our config. */
export function writeHFConfig(dir: string, cfg: GPTConfig, options: ToHFConfigOptions = {}): void {
  writeJsonAtomic(join(dir, "config.json"), toHFConfig(cfg, options));
}
