/**
 * `nanoinstruct pretrain`: world -> corpus -> our byte-level BPE -> GPT-2 from scratch -> a model directory
 * with a model card. Uses the same trainer as fine-tuning (warmup, cosine decay, checkpoints,
 * metrics.jsonl, --resume).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic, writeFileAtomic } from "../fsutil";
import { initEngine, type EngineInfo } from "../engine/backend";
import { GPT } from "../model/gpt";
import { saveModel } from "../model/load";
import { trainBpe, type Tokenizer } from "../tokenizer";
import { generateWorld, generateCorpus, clozeProbes } from "../world/index";
import { train, type TrainerCallbacks, type TrainResult } from "../train/trainer";
import { encodeDocuments, windowSource } from "./data";
import { runProbes, type ProbeSummary } from "./probes";
import { modelCard } from "./card";
import type { PretrainConfig } from "./config";
import { generate } from "../model/generate";

export interface PretrainReport {
  config: PretrainConfig;
  engine: EngineInfo;
  parameters: number;
  corpus: { trainChars: number; trainTokens: number; validationTokens: number; documents: number };
  trainingTokens: number;
  result: TrainResult;
  tokensPerSecond: number;
  probes: ProbeSummary;
  samples: { prompt: string; output: string }[];
  modelDir: string;
  command: string;
}

export function configHash(cfg: unknown): string {
  return createHash("sha256").update(JSON.stringify(cfg)).digest("hex").slice(0, 16);
}

export async function pretrain(cfg: PretrainConfig, opts: { resume?: boolean; callbacks?: TrainerCallbacks; command?: string } = {}): Promise<PretrainReport> {
  const log = opts.callbacks?.onMessage ?? (() => {});
  const engine = await initEngine();
  const hash = configHash(cfg);
  writeJsonAtomic(join(cfg.outDir, "config.json"), { ...cfg, configHash: hash, engine });

  log(`world (seed ${cfg.worldSeed}) and corpus (~${(cfg.corpusChars / 1e6).toFixed(1)} MB)`);
  const world = generateWorld(cfg.worldSeed);
  const corpus = generateCorpus(world, { seed: cfg.corpusSeed, charsTarget: cfg.corpusChars });
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

  log("probing what the model knows (cloze) and whether it follows instructions (Alpaca prompt)");
  const probes = runProbes(model, tokenizer, world, clozeProbes(world, { reverseTranslations: false }));
  const samplePrompts = ["The capital of", "Once upon a time,", "Seven plus five makes", "Read backwards, 'lamp' is"];
  const gens = generate(model, samplePrompts.map((p) => tokenizer.encode(p)), { maxNewTokens: 40, stopTokenIds: [tokenizer.eosId] }, (ids) => tokenizer.decode(ids));
  const samples = samplePrompts.map((p, i) => ({ prompt: p, output: gens[i].text }));

  const modelDir = join(cfg.outDir, "model");
  const trainingTokens = result.steps * cfg.train.batchSize * cfg.blockSize;
  const report: PretrainReport = {
    config: cfg, engine, parameters: model.parameterCount(),
    corpus: { trainChars: trainTexts.reduce((s, t) => s + t.length, 0), trainTokens: trainTokens.length, validationTokens: valTokens.length, documents: corpus.train.length },
    trainingTokens, result, tokensPerSecond: 0, probes, samples, modelDir,
    command: opts.command ?? "nanoinstruct pretrain --config <file>",
  };
  await saveModel(modelDir, model, tokenizer, {
    extra: { name: cfg.name, worldSeed: cfg.worldSeed, corpusSeed: cfg.corpusSeed, pretrainConfigHash: hash },
    metadata: { nanoinstruct: "pretrain", config_hash: hash },
  });
  writeJsonAtomic(join(cfg.outDir, "report.json"), { ...report, probes: { ...probes, results: probes.results.slice(0, 40) } });
  writeFileAtomic(join(modelDir, "README.md"), modelCard(report, join(cfg.outDir, "metrics.jsonl")));
  if (cfg.exportDir) {
    if (existsSync(cfg.exportDir)) rmSync(cfg.exportDir, { recursive: true });
    cpSync(modelDir, cfg.exportDir, { recursive: true });
    log(`exported to ${cfg.exportDir}`);
  }
  model.dispose();
  return report;
}
