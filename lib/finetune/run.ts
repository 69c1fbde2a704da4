/**
 * `nanoinstruct train`: fine-tune a model on instruction data, full or LoRA, and save a model directory
 * that loads everywhere a model is named (and in Hugging Face transformers). The run directory holds the
 * resolved config with its hash, metrics.jsonl, checkpoints and the final model.
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeJsonAtomic } from "../fsutil";
import { checkOutputDir, claimRunDir } from "../rundir";
import { configHash, memoryProblem } from "../config";
import { SIGNAL_EXIT } from "../train/interrupt";
import { loadModel, saveModel } from "../model/load";
import { applyLora, freezeAllButLastBlocks, mergeLora, parameterCounts, saveLoraAdapters } from "../model/lora";
import { train, arraySource, type TrainerCallbacks, type TrainResult } from "../train/trainer";
import { loadInstructionData, prepareRows, splitRecords, type PreparedRows } from "./data";
import type { FinetuneConfig } from "./config";
import { portableTemplateSpec, writeChatTemplate } from "../data/templates/hf";
import type { EngineInfo } from "../engine/backend";
import { UserError } from "../errors";
import type { InstructionRecord } from "../data/record";

export interface FinetuneReport {
  config: FinetuneConfig;
  configHash: string;
  engine: EngineInfo;
  parameters: { trainable: number; total: number };
  data: { train: PreparedRows["stats"]; eval: PreparedRows["stats"] | null };
  result: TrainResult;
  modelDir: string;
  adapterDir: string | null;
}

export interface FinetuneOptions {
  resume?: boolean;
  callbacks?: TrainerCallbacks;
  /** Test hook: stop as if killed after this step. */
  stopAfterStep?: number;
  /** In-memory training records (instead of cfg.data), e.g. from the task library. */
  records?: InstructionRecord[];
  /** In-memory evaluation records (instead of cfg.evalData / evalFraction). */
  evalRecords?: InstructionRecord[];
  /** The config file the run came from, named in errors about its values. */
  configFile?: string;
  /** Write into a non-empty outDir that is not a run of this config (files with the run's names are replaced). */
  overwrite?: boolean;
  /** Start over a run of a different config in outDir (a directory the caller owns, e.g. the quickstart's). */
  replaceRun?: boolean;
  /** The command that continues the run, told after a SIGINT/SIGTERM stopped it (default: train --resume). */
  resumeCommand?: string;
}

/** Why no training row is left, located at the first dropped record ("data.jsonl:1: record 'x' ..."). */
function noRowsLeft(cfg: FinetuneConfig, records: InstructionRecord[], dropped: PreparedRows["dropped"]): string {
  const first = dropped[0];
  const rec = first && records.find((r) => r.id === first.id);
  if (!first || !rec) return `${cfg.data}: no training rows left after templating and truncation`;
  const p = rec.provenance;
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.index !== undefined ? `${p.file}: [index ${p.index}]` : p.file;
  const why = first.reason === "too-long"
    ? `is longer than maxLength ${cfg.maxLength} tokens (truncation "${cfg.truncation}")`
    : `has no tokens to train on under mask "${cfg.mask}"`;
  return `${where}: record '${rec.id}' ${why}; all ${records.length} training records were dropped, so no training rows are left`;
}

export async function finetune(cfg: FinetuneConfig, opts: FinetuneOptions = {}): Promise<FinetuneReport> {
  const say = opts.callbacks?.onMessage ?? (() => {});
  checkOutputDir(cfg.outDir, "outDir");
  const loaded = await loadModel(cfg.model);
  const { model, tokenizer, engine } = loaded;
  if (cfg.maxLength > model.config.blockSize) {
    throw new UserError(`${opts.configFile ?? "finetune config"}: 'maxLength' ${cfg.maxLength} exceeds the model's context (${model.config.blockSize} tokens, n_positions in ${join(loaded.dir, "config.json")})`, 2);
  }
  const mem = memoryProblem(model.config, Math.min(cfg.train.microBatchSize, cfg.train.batchSize), cfg.maxLength, `${opts.configFile ?? "finetune config"}: 'train.microBatchSize'`);
  if (mem) throw new UserError(mem, 2);
  const records = opts.records ?? await loadInstructionData(cfg.data, say);
  const split = opts.evalRecords ? { train: records, eval: opts.evalRecords }
    : cfg.evalData ? { train: records, eval: await loadInstructionData(cfg.evalData, say) }
    : splitRecords(records, cfg.evalFraction, cfg.train.seed);
  const shape = { template: cfg.template as never, mask: cfg.mask, maxLength: cfg.maxLength, packing: cfg.packing, truncation: cfg.truncation };
  const trainRows = prepareRows(split.train, tokenizer, shape);
  const evalRows = split.eval.length ? prepareRows(split.eval, tokenizer, { ...shape, packing: "none" }) : null;
  const s = trainRows.stats;
  say(`data: ${s.records} records -> ${s.rows} rows (${s.trainedTokens} trained tokens; ${s.truncated} truncated, ${s.dropped} dropped, ${s.noTrainedTokensRecords} without a target)` +
    (evalRows ? `; eval ${evalRows.stats.rows} rows` : ""));
  if (trainRows.rows.length === 0) throw new UserError(noRowsLeft(cfg, split.train, trainRows.dropped), 1);

  let adapters: Map<string, tf.Variable> | undefined;
  if (cfg.mode === "lora") adapters = applyLora(model, cfg.lora);
  else if (cfg.freezeAllButLast > 0) freezeAllButLastBlocks(model, cfg.freezeAllButLast);
  const counts = parameterCounts(model, adapters);
  say(`${cfg.mode === "lora" ? `LoRA r=${cfg.lora.rank}` : "full fine-tuning"}: ${counts.trainable.toLocaleString("en-US")} of ${counts.total.toLocaleString("en-US")} parameters train, on ${engine.backend} (${engine.device})`);

  const maxSteps = cfg.maxSteps > 0 ? cfg.maxSteps : Math.max(1, Math.ceil((cfg.epochs * trainRows.rows.length) / cfg.train.batchSize));
  const warmupSteps = cfg.train.warmupSteps > 0 ? cfg.train.warmupSteps : Math.round(cfg.warmupRatio * maxSteps);
  const loop = { ...cfg.train, maxSteps, warmupSteps, padId: tokenizer.padId ?? 0 };
  const resolved = { ...cfg, train: loop };
  const hash = configHash(resolved);
  // Claimed before anything is written: a directory holding another run or someone's files is refused (a
  // resume with a changed config fails before it overwrites the config the checkpoints were made with), and
  // a second process writing the same run is refused while this one holds the lock.
  const claim = claimRunDir(cfg.outDir, { kind: "finetune", configHash: hash, resume: opts.resume, overwrite: opts.overwrite, replaceRun: opts.replaceRun, onMessage: say });
  try {
    return await finetuneIn(cfg, opts, { loaded, trainRows, evalRows, adapters, counts, maxSteps, loop, resolved, hash });
  } finally {
    claim.release();
    model.dispose();
    for (const v of adapters?.values() ?? []) v.dispose();
  }
}

interface Prepared {
  loaded: Awaited<ReturnType<typeof loadModel>>;
  trainRows: PreparedRows;
  evalRows: PreparedRows | null;
  adapters: Map<string, tf.Variable> | undefined;
  counts: { trainable: number; total: number };
  maxSteps: number;
  loop: FinetuneConfig["train"];
  resolved: FinetuneConfig;
  hash: string;
}

async function finetuneIn(cfg: FinetuneConfig, opts: FinetuneOptions, p: Prepared): Promise<FinetuneReport> {
  const { loaded, trainRows, evalRows, adapters, counts, maxSteps, loop, resolved, hash } = p;
  const { model, tokenizer, engine } = loaded;
  const savedConfig = join(cfg.outDir, "config.json");
  writeJsonAtomic(savedConfig, { ...resolved, configHash: hash });
  writeJsonAtomic(join(cfg.outDir, "run.json"), { engine, device: engine.device, base: loaded.dir, parameters: counts, data: { train: trainRows.stats, eval: evalRows?.stats ?? null } });

  const trainable = adapters ?? (cfg.freezeAllButLast > 0 ? new Map([...model.params].filter(([, v]) => v.trainable)) : undefined);
  const result = await train({
    model, params: trainable, train: arraySource(trainRows.rows), eval: evalRows ? arraySource(evalRows.rows) : undefined,
    config: loop, runDir: cfg.outDir, resume: opts.resume, configHash: hash, callbacks: opts.callbacks, stopAfterStep: opts.stopAfterStep,
  });

  if (result.interrupted) {
    const how = opts.resumeCommand ?? (opts.configFile ? `nanoinstruct train --config ${opts.configFile} --resume` : "finetune(config, { resume: true }) with the same config");
    throw new UserError(`${cfg.outDir}: interrupted (${result.interrupted}) after step ${result.steps} of ${maxSteps}; checkpoint written, no model yet. Continue with: ${how}`, SIGNAL_EXIT[result.interrupted] ?? 130);
  }
  const modelDir = join(cfg.outDir, "model");
  let adapterDir: string | null = null;
  // A template named by path is saved as the chat template itself, so the tuned model carries it (and serve uses it).
  const extra = { template: portableTemplateSpec(cfg.template), base: cfg.model, mode: cfg.mode, run: cfg.outDir, configHash: hash };
  if (adapters) {
    adapterDir = join(cfg.outDir, "adapter");
    await saveLoraAdapters(adapterDir, model, cfg.lora, cfg.model);
    mergeLora(model);
  }
  if (opts.stopAfterStep === undefined || result.steps >= maxSteps) {
    await saveModel(modelDir, model, tokenizer, { extra });
    writeChatTemplate(modelDir, extra.template);
  }
  return { config: resolved, configHash: hash, engine, parameters: counts, data: { train: trainRows.stats, eval: evalRows?.stats ?? null }, result, modelDir, adapterDir };
}
