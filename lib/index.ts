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
export { generate, generateAsync, DEFAULT_GENERATE, type GenerateConfig, type Generation } from "./model/generate";
export { DEFAULT_SAMPLING, sampleToken, type SamplingConfig } from "./model/sampling";
export { tokenLogprobs, tokenLogprobsAsync, perplexity } from "./model/score";

// Instruction data: formats, records, validation, statistics.
export * from "./data/record";
export { loadRecords, openRecords, DEFAULT_LOAD_OPTIONS, type LoadOptions, type LoadResult } from "./data/load";
export { recordProblems, validateRecords, formatIssue, type Issue, type ValidationMode } from "./data/validate";
export { datasetStats, lengthStats, statsRows, countRows, type DatasetStats, type LengthStats } from "./data/stats";
export { writeRecords, parseFormatSpec } from "./data/formats/index";

// Prompt templates, tokenization with loss masks, collation, packing, mask views.
export {
  getTemplate, isTemplateName, TEMPLATE_NAMES, TEMPLATE_TYPES, isTemplateType, alpacaTemplate, chatTemplate, chatmlTemplate, tuluTemplate, plainTemplate,
  flanTemplate, jinjaTemplate, ALPACA_PROMPT_INPUT, ALPACA_PROMPT_NO_INPUT, ALPACA_LORA_PROMPT_INPUT, ALPACA_LORA_PROMPT_NO_INPUT, GENERIC_PATTERNS, fillPattern, optionsText,
  MASK_MODES, tokenizeExample, tokenizePrompt, tokenizeRecords, trainedTokens,
  type Template, type TemplateSpec, type TemplateName, type TemplateType, type Segment, type SegmentRole, type Rendered, type PromptInput,
  type FlanPattern, type FlanTemplateOptions, type JinjaTemplateOptions, type MaskMode, type TokenizeOptions, type TokenizedExample,
} from "./data/templates/index";
export {
  collate, validateCollateConfig, DEFAULT_COLLATE_CONFIG, fitExample,
  type CollateConfig, type CollateStats, type Collated, type ExampleLike, type Row, type TruncationPolicy, type PackingMode,
} from "./data/collate";
export { bestFitDecreasing, blockCausalMask, attends, wrapDocuments } from "./data/pack";
export { maskView, viewTokens, type MaskViewFormat, type MaskViewOptions } from "./data/mask-view";

// Mixtures: recipes, sources, cleaning (dedup, decontamination), tables for notebooks.
export {
  validateRecipe, DEFAULT_RECIPE, FLAN_EXAMPLE_CAP, registerSource, unregisterSource, registeredSources, recordsSource, templateMixRates,
  allocate, excludedClusters, leaveOneClusterOut, buildMixture, writeMixture,
  type MixtureRecipe, type SourceSpec, type StrategySpec, type TemplateMix, type SourceFactory, type SourceContext, type SourcePool,
  type MixtureResult, type MixtureManifest, type HeldOutRun,
} from "./data/mixture/index";
export { rougeL, rougeTokens, lcsLength, findNearDuplicates, type RougeScore, type NearDuplicate } from "./data/rouge";
export { dedupRecords, normalizeText, DEFAULT_DEDUP_CONFIG, type DedupConfig, type DuplicateRemoval } from "./data/dedup";
export { decontaminate, ngramIndex, NgramIndex, DEFAULT_DECONTAMINATE_CONFIG, type DecontaminateConfig, type ContaminationRemoval } from "./data/decontaminate";
export { recordsTable, countsTable, examplesTable, trainedFractionTable, lengthHistogramTable, manifestCountsTable } from "./data/tables";

// The FLAN-style task library on the synthetic world.
export * as tasks from "./tasks/index";
export {
  taskLibrary, taskExamples, renderExample, verifyRecord, generateRecords, recordsForSource, evalSet, checkOutput,
  resolveSource as resolveTaskSource, verify as verifyTaskOutput,
  type TaskExample, type VerifierSpec, type GenerateOptions, type EvalSetOptions,
} from "./tasks/index";
export { registerTaskSource, TASKS_SOURCE } from "./tasks/mixture-source";

// Training.
export { train, evaluate, evaluateAsync, arraySource, DEFAULT_LOOP, validateLoop, type LoopConfig, type RowSource, type TrainerCallbacks, type TrainResult } from "./train/trainer";
export { AdamW, DEFAULT_ADAMW, decays, globalNorm, globalNormAsync } from "./train/optimizer";
export { lrAt, type ScheduleName } from "./train/schedule";
export { rowsToBatch } from "./train/batch";
export { MetricsLog, type StepMetrics, type EvalMetrics } from "./train/metrics";
export { lossAndGradients, lossAndGradientsAsync, type TensorBatch } from "./train/step";

// Pretraining the bundled base model.
export { pretrain } from "./pretrain/run";
export { DEFAULT_PRETRAIN, resolvePretrainConfig, type PretrainConfig } from "./pretrain/config";
export { runProbes, alpacaPrompt, worldKnowledge, type WorldKnowledge, type RelationKnowledge } from "./pretrain/probes";
export {
  fitLoss, predictLoss, fitThroughput, predictThroughput, chooseModel, gpt2Params,
  type ScalingPoint, type LossFit, type ThroughputFit, type Candidate, type Choice,
} from "./pretrain/scaling";

// Fine-tuning, evaluation, serving, and the quickstart.
export { finetune, type FinetuneReport, type FinetuneOptions } from "./finetune/run";
export { loadInstructionData, prepareRows, splitRecords } from "./finetune/data";
export { DEFAULT_FINETUNE, resolveFinetuneConfig, type FinetuneConfig } from "./finetune/config";
export { applyLora, mergeLora, unmergeLora, removeLora, saveLoraAdapters, loadLoraAdapters, freezeAllButLastBlocks, parameterCounts, DEFAULT_LORA, type LoraConfig } from "./model/lora";
export { runEvaluation, loadEvalSet, DEFAULT_EVAL, type EvalOptions, type EvalResult } from "./eval/pipeline";
export { generateForEval, modelHash, DEFAULT_EVAL_DECODING, type EvalDecoding } from "./eval/generate-eval";
export { squadNormalize, exactMatch, tokenF1, rougeLF1, chrF, METRIC_NAMES, type MetricName } from "./eval/metrics";
export { winRate, winRateBy, bootstrapMeanCI, DEFAULT_WIN_RATE_CONFIG, type PreferenceRecord, type WinRateStats } from "./eval/winrate";
export { lengthControlledWinRate, type LengthControlResult } from "./eval/length-control";
export { clusterFloors, formatOnlyAnswers, normalizeAnswer, type ClusterFloors } from "./eval/floors";
export { summarize, summarizeModels, formatSummary, formatComparison, type EvalSummary } from "./eval/summary";
export { VerifierJudge, ReferenceJudge, LlmJudge, judgeAll, positionBias, type Judge, type JudgeItem, type Judgment } from "./eval/judges/index";
export { startServer, type RunningServer } from "./serve/server";
export { ModelEngine } from "./serve/engine";
export { quickstart, quickstartConfig, measureAgainstFloors, type QuickstartConfig, type QuickstartResult, type QuickstartSummary, type KnowledgeResult, type Scale } from "./quickstart/run";

// Plots and tables.
export * from "./viz/index";

// Ablations: one cell (mixture -> fine-tune -> win-rate), grids of cells, the built-in studies.
export { runCell, resolveCellConfig, mixtureCounts, cellTrainingRecords, DEFAULT_CELL, type CellConfig, type CellResult } from "./ablate/cell";
export { loadGrid, resolveGrid, expandGrid, type Grid, type GridCell } from "./ablate/grid";
export { runGrid, type RunGridOptions, type GridRun } from "./ablate/runner";
export { readResults, aggregateOverSeeds, groupColumns, ablationFigure, heatmapFigure, findingsSections, runFindings, type Table as AblationTable } from "./ablate/results";
export { studyNames, studyGrid, smokeGrid, liveGrid, studyResults, studyFindingsOf, type StudyScale } from "./ablate/studies";
export { studyFindings, formatEffect, type StudyFindings, type SettingSummary, type FindingResult } from "./ablate/findings";
export { type FindingSpec } from "./ablate/finding-spec";
export { estimate, pairedBootstrap, trendBootstrap, verdict, outcomesFrom, type Outcomes, type Effect, type Estimate, type Verdict } from "./ablate/stats";
export { studyFigure } from "./ablate/figure";
export { rankClassify, promptOptions } from "./eval/rank";
export { rewriteTrainingRecords, rewriteEvalRecords, rewriteRules } from "./tasks/rewrite";
export { alpacaStyleRows, type AlpacaRow } from "./tasks/alpaca-style";

// Self-instruct data generation and its filters.
export { filterRecords, recordInstruction, type FilterRecordsResult, type DroppedRecord, type FilterRecordsOptions } from "./selfinstruct/filter-records";
export { selfInstruct, type SelfInstructProgress, type SelfInstructResult } from "./selfinstruct/run";
export { DEFAULT_SELF_INSTRUCT, resolveSelfInstructConfig, type SelfInstructConfig, type SelfInstructOptions } from "./selfinstruct/config";
export { readSeedTasks, parseSeedTasks, DEFAULT_SEED_TASKS_FILE, type SeedTask } from "./selfinstruct/seeds";
export { buildPrompt, renderTasks } from "./selfinstruct/prompt";
export { parseTasks, type ParsedTask } from "./selfinstruct/parse";
export { RuleFilter, DEFAULT_FILTERS, ALPACA_BLACKLIST, RULE_NAMES, validateFilters, type FilterConfig, type RuleName } from "./selfinstruct/filters";
export { InstructionScreen, type Screening, type NeighbourInfo } from "./selfinstruct/screen";
export { RougeIndex } from "./selfinstruct/rouge-index";
