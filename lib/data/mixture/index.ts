/** Instruction-data mixtures: recipes, sources, sampling strategies, held-out clusters, building and writing. */
export {
  validateRecipe, DEFAULT_RECIPE, FLAN_EXAMPLE_CAP, STRATEGY_TYPES,
  type MixtureRecipe, type SourceSpec, type StrategySpec, type HeldOutSpec, type TemplateMix, type DecontaminateSpec,
} from "./recipe";
export {
  registerSource, unregisterSource, registeredSources, recordsSource, recordTemplateType, templateMixRates, openSource,
  type SourceFactory, type SourceContext, type SourcePool, type SourceFeature,
} from "./sources";
export { allocate, largestRemainder, type Allocation } from "./strategy";
export { excludedClusters, leaveOneClusterOut, type HeldOutRun } from "./held-out";
export { renderFlanPool, drawTemplateType, type FlanPoolOptions } from "./flan-source";
export {
  buildMixture, recipeBaseDir, sha256Hex, MIXTURE_FILE, MANIFEST_FILE, MAX_LISTED, NO_TEMPLATE_TYPE,
  type MixtureResult, type MixtureManifest, type SourceReport, type MixProvenance, type BuildOptions, type RemovedList, type Counts,
} from "./build";
export { writeMixture, type WriteMixtureOptions } from "./write";
export { mulberry32, deriveSeed, shuffleInPlace, permutation } from "../../random";
