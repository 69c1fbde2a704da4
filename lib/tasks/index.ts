/**
 * Public API of the task library: FLAN-style task clusters on the synthetic world, their instruction
 * templates (zero-shot, few-shot, with options, inverted), held-out evaluation sets and verifiers.
 */
export type {
  TaskExample, TaskSpec, TemplateSpec, Template, ClusterSpec, Draft, MakeContext, Split, SubjectPool,
} from "./types";
export { SPLITS } from "./types";
export {
  checkOutput, normalizeAnswer, trimAnswer, parseNumber, parseExpression, parseList, verifierProblems, asVerifier, VERIFIER_KINDS,
  type VerifierSpec, type VerifierKind, type ListOrder, type ArithmeticWord,
} from "./verify";
export { EVAL_FRACTION, splitOfKey, poolSplit, pairKey, combineKeys, canonicalInput, SUBJECT_POOLS } from "./split";
export { taskExamples, exampleId, validateExampleOptions, DEFAULT_EXAMPLE_OPTIONS, type ExampleOptions } from "./examples";
export {
  renderExample, verify, verifyRecord, templateCheck, validateRenderOptions, DEFAULT_RENDER_OPTIONS,
  type RenderOptions, type Shot, type TemplateType,
} from "./render";
export { applyTemplate, optionsBlock, placeholders } from "./template";
export {
  taskLibrary, taskNames, clusterNames, getTask, getCluster, templatesOf, getTemplate, resolveSource, CLUSTERS,
  type TaskLibrary, type TaskInfo, type ClusterInfo, type TemplateInfo,
} from "./registry";
export {
  generateRecords, recordsForSource, evalSet, selectTasks, validateGenerateOptions, DEFAULT_GENERATE_OPTIONS, DEFAULT_EVAL_OPTIONS,
  type GenerateOptions, type TemplateTypeRates, type EvalSetOptions,
} from "./generate";
