/** Self-instruct data generation (Alpaca's recipe) and its filters, for any OpenAI-compatible endpoint. */
export { DEFAULT_SEED_TASKS_FILE, parseSeedTasks, readSeedTasks, seedTriple, type SeedTask, type SeedInstance } from "./seeds";
export type { TaskTriple } from "./types";
export { buildPrompt, renderTask, renderTasks, promptBrief, NO_INPUT, type BuiltPrompt } from "./prompt";
export { parseTasks, type ParsedTask } from "./parse";
export { ALPACA_BLACKLIST, DEFAULT_FILTERS, RULE_NAMES, RuleFilter, validateFilters, wordCount, type FilterConfig, type RuleName, type Verdict } from "./filters";
export { RougeIndex, type Neighbour } from "./rouge-index";
export { InstructionScreen, type Screening, type NeighbourInfo, type PoolEntry } from "./screen";
export { filterRecords, recordInstruction, type FilterRecordsResult, type FilterRecordsOptions, type DroppedRecord } from "./filter-records";
export { DEFAULT_SELF_INSTRUCT, resolveSelfInstructConfig, defaultLogPath, type SelfInstructConfig, type SelfInstructOptions } from "./config";
export { selfInstruct, type SelfInstructProgress, type SelfInstructResult } from "./run";
