/**
 * nanoinstruct's public API: what notebooks (`import { ... } from "./lib"`) and scripts use.
 * Layers, bottom up: engine | tokenizer | world -> model | data -> train | eval -> viz.
 */

// Engine: backends and nanoinstruct's kernels.
export { initEngine, engineInfo, BACKENDS, type BackendName, type EngineInfo } from "./engine/backend";
export { IGNORE_INDEX, crossEntropyPerToken, linear, geluTanh, layerNorm, causalSelfAttention, cachedAttention } from "./engine/ops";

// Tokenizers.
export {
  loadTokenizer, trainBpe, withSpecialTokens, chatTokenIds, ByteLevelBpeTokenizer, DEFAULT_TRAIN_BPE_CONFIG, validateTrainBpeConfig,
  EOS_TOKEN, PAD_TOKEN, IM_START, IM_END, DEFAULT_SPECIAL_TOKENS,
} from "./tokenizer";
export type { Tokenizer, EncodeOptions, DecodeOptions, StreamDecoder, TrainBpeConfig, ChatTokenIds } from "./tokenizer";

// The synthetic world (its helpers under the `world` namespace, to keep generic names out of the top level).
export * as world from "./world/index";
export { Rng, generateWorld, generateCorpus, corpusText, clozeProbes, type World, type Fact, type Corpus, type CorpusDocument } from "./world/index";

// Model: GPT-2, checkpoints, hub, generation, scoring.
export { GPT, parameterShapes, initialParameters, disposeCache, type KVCache, type ForwardOptions, type LinearAdapter } from "./model/gpt";
export { DEFAULT_GPT_CONFIG, validateGPTConfig, readHFConfig, writeHFConfig, toHFConfig, type GPTConfig, type HFConfigInfo } from "./model/config";
export { loadModel, saveModel, readModelWeights, type LoadedModel, type SaveModelOptions } from "./model/load";
export { resolveModelDir, listBundledModels, BUNDLED_MODELS_DIR } from "./model/resolve";
export { downloadHubModel, hubCacheDir, type HubOptions } from "./model/hub";
export { readSafetensors, writeSafetensors, type TensorData } from "./model/safetensors";
export { generate, DEFAULT_GENERATE, type GenerateConfig, type Generation } from "./model/generate";
export { DEFAULT_SAMPLING, sampleToken, type SamplingConfig } from "./model/sampling";
export { tokenLogprobs, perplexity } from "./model/score";

// Instruction data: formats, records, validation, statistics.
export * from "./data/record";
export { loadRecords, openRecords, DEFAULT_LOAD_OPTIONS, type LoadOptions, type LoadResult } from "./data/load";
export { recordProblems, validateRecords, formatIssue, type Issue, type ValidationMode } from "./data/validate";
export { datasetStats, lengthStats, statsRows, countRows, type DatasetStats, type LengthStats } from "./data/stats";
export { writeRecords, parseFormatSpec } from "./data/formats/index";

// Training.
export { train, evaluate, arraySource, DEFAULT_LOOP, validateLoop, type LoopConfig, type RowSource, type TrainerCallbacks, type TrainResult } from "./train/trainer";
export { AdamW, DEFAULT_ADAMW, decays, globalNorm } from "./train/optimizer";
export { lrAt, type ScheduleName } from "./train/schedule";
export { rowsToBatch, type Row } from "./train/batch";
export { MetricsLog, type StepMetrics, type EvalMetrics } from "./train/metrics";
export { lossAndGradients, type TensorBatch } from "./train/step";

// Pretraining the bundled base model.
export { pretrain } from "./pretrain/run";
export { DEFAULT_PRETRAIN, resolvePretrainConfig, type PretrainConfig } from "./pretrain/config";
export { runProbes, alpacaPrompt } from "./pretrain/probes";

// Plots and tables.
export * from "./viz/index";
