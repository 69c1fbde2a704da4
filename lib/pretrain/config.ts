/**
 * A pretraining recipe: world + corpus + tokenizer + model shape + training loop, as one JSON file
 * (experiments/pretrain-*.json). Every field has a default; unknown keys are errors.
 */
import { UserError } from "../errors";
import { DEFAULT_LOOP, validateLoop, type LoopConfig } from "../train/trainer";
import { checkKnownKeys, checkTypes, isPlainObject, loopLimitProblems, memoryProblem, stripComments } from "../config";
import { DEFAULT_CORPUS_OPTIONS, type CorpusOptions, type DocumentKind } from "../world/corpus";

export interface PretrainConfig {
  /** Run directory: checkpoints, metrics.jsonl, the resolved config, and the final model in model/. */
  outDir: string;
  /** Seed of the synthetic world. */
  worldSeed: number;
  /** Seed of the corpus drawn from it. */
  corpusSeed: number;
  /** Approximate size of the training corpus in characters. */
  corpusChars: number;
  /** Share of dialogue answers given alone rather than in a sentence (the corpus option of that name). */
  shortAnswers: number;
  /**
   * Document-kind weights that replace the corpus's defaults for the kinds named (`{"dialogue": 30}`); the
   * kinds left out keep their default weight. `{}` is the default corpus.
   */
  mix: Partial<Record<DocumentKind, number>>;
  /** BPE vocabulary size, special tokens included. */
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  dropout: number;
  /** Model initialization seed. */
  initSeed: number;
  /** The training loop (lr, schedule, steps, batch...). */
  train: LoopConfig;
  /** Also copy the final model directory here (e.g. data/models/nano-base); "" = don't. */
  exportDir: string;
  /** Name used in the model card. */
  name: string;
  /** How the exported weights are stored: "float32", or "float16" (half the disk; loading converts to float32). */
  weightsDtype: "float32" | "float16";
}

export const DEFAULT_PRETRAIN: PretrainConfig = {
  outDir: "runs/pretrain",
  worldSeed: 0,
  corpusSeed: 0,
  corpusChars: 6_000_000,
  shortAnswers: 0,
  mix: {},
  vocabSize: 1024,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  blockSize: 256,
  dropout: 0,
  initSeed: 0,
  train: { ...DEFAULT_LOOP, maxSteps: 2000, batchSize: 16, microBatchSize: 16, learningRate: 2e-3, warmupSteps: 100, minLrRatio: 0.1, weightDecay: 0.1, beta2: 0.95, evalEvery: 250, evalRows: 64, checkpointEvery: 250 },
  exportDir: "",
  name: "nano-base",
  weightsDtype: "float32",
};

/** Merges a parsed JSON object over the defaults, refusing unknown keys and wrong types (one line each). */
export function resolvePretrainConfig(raw: unknown, file: string): PretrainConfig {
  if (!isPlainObject(raw)) throw new UserError(`${file}: expected a JSON object`, 2);
  // Comment keys at any depth; __proto__, constructor and prototype refused; known keys checked as own keys.
  const obj = { ...(stripComments(raw, file) as Record<string, unknown>) };
  checkKnownKeys(obj, Object.keys(DEFAULT_PRETRAIN), file, "", Object.keys(DEFAULT_PRETRAIN), true);
  if (obj.train !== undefined && !isPlainObject(obj.train)) {
    throw new UserError(`${file}: 'train' must be an object, got ${JSON.stringify(obj.train)}`, 2);
  }
  if (obj.mix !== undefined && !isPlainObject(obj.mix)) {
    throw new UserError(`${file}: 'mix' must be an object of document-kind weights, got ${JSON.stringify(obj.mix)}`, 2);
  }
  checkKnownKeys((obj.mix ?? {}) as Record<string, unknown>, Object.keys(DEFAULT_CORPUS_OPTIONS.mix), file, "mix.");
  const trainRaw = (obj.train ?? {}) as Record<string, unknown>;
  checkKnownKeys(trainRaw, Object.keys(DEFAULT_LOOP), file, "train.");
  const cfg = { ...DEFAULT_PRETRAIN, ...obj, train: { ...DEFAULT_PRETRAIN.train, ...trainRaw } } as PretrainConfig;
  checkTypes(cfg, DEFAULT_PRETRAIN, file);
  checkTypes(cfg.train, DEFAULT_LOOP, file, "train.");
  const errors = validateLoop(cfg.train).map((e) => `train.${e}`);
  for (const k of ["vocabSize", "nLayer", "nHead", "nEmbd", "blockSize", "corpusChars"] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] <= 0) errors.push(`${k} must be a positive integer`);
  }
  if (cfg.nEmbd % cfg.nHead !== 0) errors.push(`nEmbd (${cfg.nEmbd}) must be divisible by nHead (${cfg.nHead})`);
  if (cfg.vocabSize < 260) errors.push(`vocabSize must be at least 260 (256 bytes + special tokens)`);
  if (!(cfg.shortAnswers >= 0 && cfg.shortAnswers <= 1)) errors.push(`shortAnswers must be in [0, 1], got ${cfg.shortAnswers}`);
  for (const [kind, w] of Object.entries(cfg.mix)) {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) errors.push(`mix.${kind} must be a finite number >= 0, got ${JSON.stringify(w)}`);
  }
  if (Object.values({ ...DEFAULT_CORPUS_OPTIONS.mix, ...cfg.mix }).every((w) => w === 0)) errors.push("mix: every document kind has weight 0");
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) errors.push(`dropout must be in [0, 1), got ${cfg.dropout}`);
  if (cfg.weightsDtype !== "float32" && cfg.weightsDtype !== "float16") errors.push(`weightsDtype must be "float32" or "float16", got ${JSON.stringify(cfg.weightsDtype)}`);
  errors.push(...loopLimitProblems(cfg.train));
  // Upper bounds: a shape or corpus no machine holds is refused here, not after minutes of building it.
  if (cfg.vocabSize > 1 << 20) errors.push(`vocabSize must be at most ${1 << 20}, got ${cfg.vocabSize}`);
  if (cfg.blockSize > 1 << 16) errors.push(`blockSize must be at most ${1 << 16}, got ${cfg.blockSize}`);
  if (cfg.corpusChars > 2 ** 31) errors.push(`corpusChars must be at most ${2 ** 31}, got ${cfg.corpusChars}`);
  if (errors.length === 0) {
    const mem = memoryProblem(cfg, Math.min(cfg.train.microBatchSize, cfg.train.batchSize), cfg.blockSize, "train.microBatchSize");
    if (mem) errors.push(mem);
  }
  if (errors.length) throw new UserError(`${file}: ${errors[0]}`, 2);
  return cfg;
}

/** The corpus a recipe trains on, as options for `generateCorpus`: its seed, size, short answers and mix. */
export function pretrainCorpusOptions(cfg: PretrainConfig): Partial<CorpusOptions> {
  return { seed: cfg.corpusSeed, charsTarget: cfg.corpusChars, shortAnswers: cfg.shortAnswers, mix: { ...DEFAULT_CORPUS_OPTIONS.mix, ...cfg.mix } };
}
