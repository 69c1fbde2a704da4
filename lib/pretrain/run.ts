/**
 * `nanoinstruct pretrain`: world -> corpus -> our byte-level BPE -> GPT-2 from scratch -> a model directory
 * with a model card. Uses the same trainer as fine-tuning (warmup, cosine decay, checkpoints,
 * metrics.jsonl, --resume).
 */
import { join } from "node:path";
import { writeJsonAtomic, writeFileAtomic } from "../fsutil";
import { checkExportTarget, claimRunDir, exportModelDir } from "../rundir";
import { UserError } from "../errors";
import { SIGNAL_EXIT } from "../train/interrupt";
import { initEngine } from "../engine/backend";
import { GPT } from "../model/gpt";
import { saveModel } from "../model/load";
import { trainBpe, type Tokenizer } from "../tokenizer";
import { generateWorld, generateCorpus, clozeProbes } from "../world/index";
import { train, type TrainerCallbacks } from "../train/trainer";
import { encodeDocuments, windowSource } from "./data";
import { runProbes, worldKnowledge } from "./probes";
import { modelCard, type PretrainReport } from "./card";
import { pretrainCorpusOptions, type PretrainConfig } from "./config";
import { configHash } from "../config";
import { generateAsync } from "../model/generate";

export type { PretrainReport };

export interface PretrainOptions {
  resume?: boolean;
  callbacks?: TrainerCallbacks;
  /** The command line that started the run (the model card shows it; an interrupted run says to rerun it with --resume). */
  command?: string;
  /** Write into a non-empty outDir that is not a run of this config (files with the run's names are replaced). */
  overwrite?: boolean;
}

export async function pretrain(cfg: PretrainConfig, opts: PretrainOptions = {}): Promise<PretrainReport> {
  const log = opts.callbacks?.onMessage ?? (() => {});
  const hash = configHash(cfg);
  // Checked before anything is written or trained: the run directory (another run's, someone's files, a
  // resume with a changed config, a second process) and the export target.
  if (cfg.exportDir) checkExportTarget(cfg.exportDir, cfg.outDir);
  const claim = claimRunDir(cfg.outDir, { kind: "pretrain", configHash: hash, resume: opts.resume, overwrite: opts.overwrite, onMessage: log });
  try {
    return await pretrainIn(cfg, opts, hash);
  } finally {
    claim.release();
  }
}

async function pretrainIn(cfg: PretrainConfig, opts: PretrainOptions, hash: string): Promise<PretrainReport> {
  const log = opts.callbacks?.onMessage ?? (() => {});
  const engine = await initEngine();
  writeJsonAtomic(join(cfg.outDir, "config.json"), { ...cfg, configHash: hash, engine });

  log(`world (seed ${cfg.worldSeed}) and corpus (~${(cfg.corpusChars / 1e6).toFixed(1)} MB)`);
  const world = generateWorld(cfg.worldSeed);
  const corpus = generateCorpus(world, pretrainCorpusOptions(cfg));
  const trainTexts = corpus.train.map((d) => d.text);
  log(`training a ${cfg.vocabSize}-token byte-level BPE on ${corpus.train.length} documents`);
  const tokenizer: Tokenizer = trainBpe(trainTexts, { vocabSize: cfg.vocabSize });
  const trainTokens = encodeDocuments(trainTexts, tokenizer);
  const valTokens = encodeDocuments(corpus.validation.map((d) => d.text), tokenizer);
  const trainRows = windowSource(trainTokens, cfg.blockSize);
  const valRows = windowSource(valTokens, cfg.blockSize);
  log(`corpus: ${trainTokens.length.toLocaleString("en-US")} train tokens (${trainRows.size} rows of ${cfg.blockSize}), ${valTokens.length.toLocaleString("en-US")} validation tokens`);

  const model = GPT.create({
    vocabSize: tokenizer.vocabSize, blockSize: cfg.blockSize, nLayer: cfg.nLayer, nHead: cfg.nHead, nEmbd: cfg.nEmbd,
    dropout: cfg.dropout, layerNormEpsilon: 1e-5,
  }, cfg.initSeed);
  log(`model: ${model.parameterCount().toLocaleString("en-US")} parameters on ${engine.backend} (${engine.device})`);
  const result = await train({
    model, train: trainRows, eval: valRows, config: { ...cfg.train, padId: tokenizer.eosId },
    runDir: cfg.outDir, resume: opts.resume, configHash: hash, callbacks: opts.callbacks,
  });
  if (result.interrupted) {
    model.dispose();
    throw new UserError(`${cfg.outDir}: interrupted (${result.interrupted}) after step ${result.steps} of ${cfg.train.maxSteps}; checkpoint written, no model yet. Continue with: ${opts.command ?? "nanoinstruct pretrain --config <file>"} --resume`, SIGNAL_EXIT[result.interrupted] ?? 130);
  }

  log("probing what the model knows (cloze) and whether it follows instructions (Alpaca prompt)");
  const probes = await runProbes(model, tokenizer, world, clozeProbes(world, { reverseTranslations: false }));
  const knowledge = await worldKnowledge(model, tokenizer, clozeProbes(world));
  const samplePrompts = ["The capital of", "Once upon a time,", "Seven plus five makes", "Read backwards, 'lamp' is"];
  const gens = await generateAsync(model, samplePrompts.map((p) => tokenizer.encode(p)), { maxNewTokens: 40, stopTokenIds: [tokenizer.eosId] }, (ids) => tokenizer.decode(ids));
  const samples = samplePrompts.map((p, i) => ({ prompt: p, output: gens[i].text }));

  const modelDir = join(cfg.outDir, "model");
  const trainingTokens = result.steps * cfg.train.batchSize * cfg.blockSize;
  const report: PretrainReport = {
    config: cfg, engine, parameters: model.parameterCount(),
    corpus: { trainChars: trainTexts.reduce((s, t) => s + t.length, 0), trainTokens: trainTokens.length, validationTokens: valTokens.length, documents: corpus.train.length },
    trainingTokens, result, tokensPerSecond: result.seconds > 0 ? Math.round(((result.steps - (result.resumedFrom ?? 0)) * cfg.train.batchSize * cfg.blockSize) / result.seconds) : 0, probes, knowledge, samples, modelDir,
    command: opts.command ?? "nanoinstruct pretrain --config <file>",
  };
  await saveModel(modelDir, model, tokenizer, {
    weightsDtype: cfg.weightsDtype,
    extra: { name: cfg.name, worldSeed: cfg.worldSeed, corpusSeed: cfg.corpusSeed, pretrainConfigHash: hash },
    metadata: { nanoinstruct: "pretrain", config_hash: hash },
  });
  writeJsonAtomic(join(cfg.outDir, "report.json"), { ...report, probes: { ...probes, results: probes.results.slice(0, 40) } });
  writeFileAtomic(join(modelDir, "README.md"), modelCard(report, join(cfg.outDir, "metrics.jsonl")));
  if (cfg.exportDir) {
    exportModelDir(modelDir, cfg.exportDir, cfg.outDir);
    log(`exported to ${cfg.exportDir}`);
  }
  model.dispose();
  return report;
}
