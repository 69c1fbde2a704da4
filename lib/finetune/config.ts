/**
 * A fine-tuning run as one JSON config (experiments/*.json, like torchtune's recipes): the model, the data,
 * the template and loss mask, full or LoRA, and the training loop. `resolveFinetuneConfig` merges a file
 * over DEFAULT_FINETUNE and explains, in one line, the first thing that is wrong.
 */
import { UserError } from "../errors";
import { checkKnownKeys, hasOwn, loopLimitProblems, stripComments } from "../config";
import { DEFAULT_LOOP, validateLoop, type LoopConfig } from "../train/trainer";
import { DEFAULT_LORA, validateLora, type LoraConfig } from "../model/lora";
import { getTemplate, type TemplateSpec } from "../data/templates/registry";
import { isObject } from "../json";

export interface FinetuneConfig {
  /** The model to start from: a directory, a bundled name (nano-base) or a Hugging Face repo id. */
  model: string;
  /** Training data: a file in any supported format, or a mixture directory (from `nanoinstruct mix`). */
  data: string;
  /** Evaluation data (same forms); "" holds out `evalFraction` of `data` instead. */
  evalData: string;
  /** Fraction of `data` held out for evaluation when evalData is "". */
  evalFraction: number;
  /** Run directory: config.json, metrics.jsonl, checkpoints/, model/ (and adapter/ for LoRA). */
  outDir: string;
  /** "full": every weight trains; "lora": low-rank adapters only. */
  mode: "full" | "lora";
  /** Train for this many epochs over the data (used when maxSteps is 0). */
  epochs: number;
  /** Optimizer steps; 0 = derive from epochs. */
  maxSteps: number;
  /** Warmup as a fraction of all steps (used when warmupSteps is 0). */
  warmupRatio: number;
  /**
   * Prompt template: a name (alpaca, alpaca-lora, flan, chatml, tulu, plain), the path of a
   * tokenizer_config.json or of a model directory with a chat template, or {jinja, bosToken, eosToken}.
   */
  template: TemplateSpec;
  /** Which tokens train: completion (responses), assistant (all assistant turns), last-turn, all. */
  mask: "completion" | "assistant" | "last-turn" | "all";
  /** Longest training row in tokens (at most the model's context). */
  maxLength: number;
  /** "none", or "bfd": several examples per row with a block-diagonal mask. */
  packing: "none" | "bfd";
  /** For examples longer than maxLength. */
  truncation: "drop" | "truncate-left-prompt" | "truncate-right";
  /** Train only the last N transformer blocks (0 = all); full mode only. */
  freezeAllButLast: number;
  lora: LoraConfig;
  /** Optimizer, schedule, batch, evaluation, checkpoints (maxSteps/warmupSteps are filled in from above). */
  train: LoopConfig;
}

export const DEFAULT_FINETUNE: FinetuneConfig = {
  model: "nano-base",
  data: "",
  evalData: "",
  evalFraction: 0.05,
  outDir: "runs/finetune",
  mode: "full",
  epochs: 1,
  maxSteps: 0,
  warmupRatio: 0.03,
  template: "alpaca",
  mask: "completion",
  maxLength: 256,
  packing: "none",
  truncation: "truncate-left-prompt",
  freezeAllButLast: 0,
  lora: DEFAULT_LORA,
  train: { ...DEFAULT_LOOP, maxSteps: 1, batchSize: 16, microBatchSize: 16, learningRate: 1e-3, warmupSteps: 0, minLrRatio: 0, weightDecay: 0, beta2: 0.999, evalEvery: 50, evalRows: 256, checkpointEvery: 100 },
};

const TOP_KEYS = Object.keys(DEFAULT_FINETUNE);

/** Keys the CLI accepts at the top level as shorthands for train.* (the issue's flat config). */
const LOOP_SHORTHANDS = ["batchSize", "learningRate", "seed", "checkpointEvery", "evalEvery", "microBatchSize", "weightDecay", "schedule", "gradClip", "workers"] as const;

/** `typeof`-level check of one field against its default; JSON's 1e999 parses to Infinity, which no field accepts. */
export function typeProblem(key: string, value: unknown, expected: unknown): string | undefined {
  const want = typeof expected;
  if (typeof value !== want) return `'${key}' must be a ${want}, got ${JSON.stringify(value)}`;
  if (want === "number" && !Number.isFinite(value as number)) return `'${key}' must be a finite number, got ${String(value)}`;
  return undefined;
}

export function resolveFinetuneConfig(raw: unknown, file: string): FinetuneConfig {
  if (!isObject(raw)) throw new UserError(`${file}: expected a JSON object`, 2);
  // Comment keys ("//...") go at any depth; __proto__, constructor and prototype are refused anywhere.
  const obj = { ...(stripComments(raw, file) as Record<string, unknown>) };
  // Spreading a string or array would turn it into keys '0', '1', ...: say what is wrong instead.
  for (const k of ["train", "lora"] as const) {
    if (obj[k] !== undefined && !isObject(obj[k])) throw new UserError(`${file}: '${k}' must be an object, got ${JSON.stringify(obj[k])}`, 2);
  }
  const trainRaw = { ...((obj.train ?? {}) as Record<string, unknown>) };
  const loraRaw = (obj.lora ?? {}) as Record<string, unknown>;
  // Own keys only: `in` would take '__proto__' or 'constructor' for known keys.
  const topKnown = [...TOP_KEYS, ...LOOP_SHORTHANDS];
  checkKnownKeys(obj, topKnown, file, "", [...topKnown, ...Object.keys(DEFAULT_LOOP)], true);
  checkKnownKeys(trainRaw, Object.keys(DEFAULT_LOOP), file, "train.");
  checkKnownKeys(loraRaw, Object.keys(DEFAULT_LORA), file, "lora.");
  // Every value given is used or refused. A shorthand and its train.* key may not disagree (a --set of one
  // would otherwise be lost to the other).
  for (const k of LOOP_SHORTHANDS) {
    if (!hasOwn(obj, k)) continue;
    if (hasOwn(trainRaw, k) && trainRaw[k] !== obj[k]) {
      throw new UserError(`${file}: '${k}' and 'train.${k}' are both set (${JSON.stringify(obj[k])} and ${JSON.stringify(trainRaw[k])}); keep one (a --set must name the key the file uses)`, 2);
    }
    trainRaw[k] = obj[k];
    delete obj[k];
  }
  // The loop's step count is maxSteps (or derived from epochs): train.maxSteps, given, stands for maxSteps.
  if (hasOwn(trainRaw, "maxSteps")) {
    if (hasOwn(obj, "maxSteps") && obj.maxSteps !== trainRaw.maxSteps) {
      throw new UserError(`${file}: 'maxSteps' and 'train.maxSteps' are both set (${JSON.stringify(obj.maxSteps)} and ${JSON.stringify(trainRaw.maxSteps)}); keep one`, 2);
    }
    obj.maxSteps = trainRaw.maxSteps;
    delete trainRaw.maxSteps;
  }
  if (hasOwn(obj, "epochs") && obj.epochs !== DEFAULT_FINETUNE.epochs && typeof obj.maxSteps === "number" && obj.maxSteps > 0) {
    throw new UserError(`${file}: 'epochs' (${obj.epochs}) and 'maxSteps' (${obj.maxSteps}) are both set, and maxSteps would win: drop one (maxSteps 0 trains by epochs)`, 2);
  }
  if (hasOwn(obj, "warmupRatio") && typeof trainRaw.warmupSteps === "number" && trainRaw.warmupSteps > 0) {
    throw new UserError(`${file}: 'warmupRatio' and 'train.warmupSteps' are both set, and warmupSteps (${trainRaw.warmupSteps}) would win: drop one`, 2);
  }
  const cfg: FinetuneConfig = {
    ...DEFAULT_FINETUNE, ...(obj as Partial<FinetuneConfig>),
    lora: { ...DEFAULT_LORA, ...(loraRaw as Partial<LoraConfig>) },
    train: { ...DEFAULT_FINETUNE.train, ...(trainRaw as Partial<LoopConfig>) },
  };
  for (const [k, v] of Object.entries(cfg)) {
    if (k === "template" && isObject(v) && "jinja" in v) continue; // an inline chat template
    const problem = typeProblem(k, v, (DEFAULT_FINETUNE as unknown as Record<string, unknown>)[k]);
    if (problem) throw new UserError(`${file}: ${problem}`, 2);
  }
  for (const [k, v] of Object.entries(cfg.train)) {
    const problem = typeProblem(`train.${k}`, v, (DEFAULT_LOOP as unknown as Record<string, unknown>)[k]);
    if (problem) throw new UserError(`${file}: ${problem}`, 2);
  }
  const errors: string[] = [];
  if (!cfg.data) errors.push("'data' is required (a data file or a mixture directory)");

  if (!cfg.model) errors.push("'model' is required");
  if (!["full", "lora"].includes(cfg.mode)) errors.push(`'mode' must be full or lora, got ${JSON.stringify(cfg.mode)}`);
  if (!(cfg.epochs > 0) && !(cfg.maxSteps > 0)) errors.push("set 'maxSteps' or 'epochs' to a positive number");
  if (!Number.isInteger(cfg.maxSteps) || cfg.maxSteps < 0) errors.push(`'maxSteps' must be a non-negative integer, got ${cfg.maxSteps}`);
  if (!(cfg.evalFraction >= 0 && cfg.evalFraction < 1)) errors.push(`'evalFraction' must be in [0, 1), got ${cfg.evalFraction}`);
  if (!(cfg.warmupRatio >= 0 && cfg.warmupRatio < 1)) errors.push(`'warmupRatio' must be in [0, 1), got ${cfg.warmupRatio}`);
  if (!["completion", "assistant", "last-turn", "all"].includes(cfg.mask)) errors.push(`'mask' must be completion, assistant, last-turn or all, got ${JSON.stringify(cfg.mask)}`);
  if (!["none", "bfd"].includes(cfg.packing)) errors.push(`'packing' must be none or bfd, got ${JSON.stringify(cfg.packing)}`);
  if (!["drop", "truncate-left-prompt", "truncate-right"].includes(cfg.truncation)) {
    errors.push(`'truncation' must be drop, truncate-left-prompt or truncate-right, got ${JSON.stringify(cfg.truncation)}`);
  }
  try {
    getTemplate(cfg.template); // a name, a tokenizer_config.json / model directory, or an inline chat template
  } catch (err) {
    errors.push(`'template': ${(err as Error).message}`);
  }
  if (!Number.isInteger(cfg.maxLength) || cfg.maxLength < 8) errors.push(`'maxLength' must be an integer >= 8, got ${cfg.maxLength}`);
  if (!Number.isInteger(cfg.freezeAllButLast) || cfg.freezeAllButLast < 0) errors.push(`'freezeAllButLast' must be a non-negative integer`);
  if (cfg.mode === "lora") errors.push(...validateLora(cfg.lora));
  errors.push(...validateLoop({ ...cfg.train, maxSteps: Math.max(1, cfg.train.maxSteps) }).map((e) => `train.${e}`));
  errors.push(...loopLimitProblems(cfg.train).map((e) => `'${e.replace(/ is /, "' is ")}`));
  if (cfg.mode === "lora" && cfg.freezeAllButLast > 0) errors.push("'freezeAllButLast' applies to full fine-tuning only; with mode lora only the adapters train (set it to 0)");
  if (errors.length) throw new UserError(`${file}: ${errors[0]}`, 2);
  return cfg;
}
