/**
 * A pretraining recipe: world + corpus + tokenizer + model shape + training loop, as one JSON file
 * (experiments/pretrain-*.json). Every field has a default; unknown keys are errors.
 */
import { UserError } from "../errors";
import { DEFAULT_LOOP, validateLoop, type LoopConfig } from "../train/trainer";
import { didYouMean, typeProblem } from "../finetune/config";

export interface PretrainConfig {
  /** Run directory: checkpoints, metrics.jsonl, the resolved config, and the final model in model/. */
  outDir: string;
  /** Seed of the synthetic world. */
  worldSeed: number;
  /** Seed of the corpus drawn from it. */
  corpusSeed: number;
  /** Approximate size of the training corpus in characters. */
  corpusChars: number;
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
}

export const DEFAULT_PRETRAIN: PretrainConfig = {
  outDir: "runs/pretrain",
  worldSeed: 0,
  corpusSeed: 0,
  corpusChars: 6_000_000,
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
};

/** Merges a parsed JSON object over the defaults, refusing unknown keys and wrong types (one line each). */
export function resolvePretrainConfig(raw: unknown, file: string): PretrainConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UserError(`${file}: expected a JSON object`, 2);
  const obj = { ...(raw as Record<string, unknown>) };
  delete obj["//"]; // a comment line
  for (const k of Object.keys(obj)) {
    const known = Object.keys(DEFAULT_PRETRAIN);
    if (!(k in DEFAULT_PRETRAIN)) throw new UserError(`${file}: unknown key '${k}'${didYouMean(k, known) || ` (known: ${known.join(", ")})`}`, 2);
  }
  if (obj.train !== undefined && (typeof obj.train !== "object" || obj.train === null || Array.isArray(obj.train))) {
    throw new UserError(`${file}: 'train' must be an object, got ${JSON.stringify(obj.train)}`, 2);
  }
  const trainRaw = (obj.train ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(trainRaw)) {
    if (!(k in DEFAULT_LOOP)) throw new UserError(`${file}: unknown key 'train.${k}'${didYouMean(k, Object.keys(DEFAULT_LOOP))}`, 2);
  }
  const cfg = { ...DEFAULT_PRETRAIN, ...obj, train: { ...DEFAULT_PRETRAIN.train, ...trainRaw } } as PretrainConfig;
  for (const [k, v] of Object.entries(cfg)) {
    const problem = typeProblem(k, v, (DEFAULT_PRETRAIN as unknown as Record<string, unknown>)[k]);
    if (problem) throw new UserError(`${file}: ${problem}`, 2);
  }
  for (const [k, v] of Object.entries(cfg.train)) {
    const problem = typeProblem(`train.${k}`, v, (DEFAULT_LOOP as unknown as Record<string, unknown>)[k]);
    if (problem) throw new UserError(`${file}: ${problem}`, 2);
  }
  const errors = validateLoop(cfg.train).map((e) => `train.${e}`);
  for (const k of ["vocabSize", "nLayer", "nHead", "nEmbd", "blockSize", "corpusChars"] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] <= 0) errors.push(`${k} must be a positive integer`);
  }
  if (cfg.nEmbd % cfg.nHead !== 0) errors.push(`nEmbd (${cfg.nEmbd}) must be divisible by nHead (${cfg.nHead})`);
  if (cfg.vocabSize < 260) errors.push(`vocabSize must be at least 260 (256 bytes + special tokens)`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) errors.push(`dropout must be in [0, 1), got ${cfg.dropout}`);
  if (errors.length) throw new UserError(`${file}: ${errors[0]}`, 2);
  return cfg;
}
