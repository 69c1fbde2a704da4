/**
 * Settings of a self-instruct generation run. Defaults follow Alpaca's generation script: 3 seed tasks per
 * prompt and none of the generated ones, 20 tasks asked for per request, 5 requests per batch, temperature
 * and top-p 1, up to 3072 new tokens. The original self-instruct showed 8 tasks, 6 seeds and 2 generated
 * ones; `generatedExamples: 2` with `seedExamples: 6` is that recipe.
 */
import { UserError } from "../errors";
import { DEFAULT_RETRY, validateRetry, type RetryConfig } from "../eval/judges/chat-client";
import { validateFilters, type FilterConfig } from "./filters";
import { DEFAULT_SEED_TASKS_FILE } from "./seeds";

export type SelfInstructApi = "completions" | "chat";

export interface SelfInstructConfig {
  /** API root, e.g. http://127.0.0.1:8000/v1 (`nanoinstruct serve`) or https://api.openai.com/v1. */
  baseURL: string;
  model: string;
  /** Bearer token; default NANOINSTRUCT_SELF_INSTRUCT_API_KEY, then OPENAI_API_KEY (none for local servers). */
  apiKey?: string;
  /** "completions": the prompt is continued as text (Alpaca's way); "chat": it is sent as one user message. */
  api: SelfInstructApi;
  /** Seed tasks (JSONL in self-instruct's seed format). */
  seedTasks: string;
  /** Accepted tasks, Alpaca rows in JSONL, appended one by one; a restarted run continues from it. */
  out: string;
  /** Every request and candidate with its nearest neighbours and the rule that dropped it; default OUT.log.jsonl. */
  log: string;
  /** Accepted tasks wanted in `out` (those already there count). */
  n: number;
  /** Requests sent together; their results are screened in request order. */
  requestsPerBatch: number;
  /** Seed tasks shown per prompt. */
  seedExamples: number;
  /** Generated tasks shown per prompt after the seeds (once there are any). */
  generatedExamples: number;
  /** Length of the list the prompt asks for (examples included). */
  tasksPerRequest: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  /** Seed of the example sampling, and of each request's `seed` field. */
  seed: number;
  /** Requests this run may send at most; null = no limit. */
  maxRequests: number | null;
  /** Stop after this many batches in a row that add no task (a model that only repeats itself). */
  patience: number;
  filters: FilterConfig;
  retry: RetryConfig;
}

export type SelfInstructOptions = Partial<Omit<SelfInstructConfig, "filters" | "retry">> &
  Pick<SelfInstructConfig, "baseURL" | "model" | "out" | "n"> & { filters?: Partial<FilterConfig>; retry?: Partial<RetryConfig> };

export const DEFAULT_SELF_INSTRUCT: Omit<SelfInstructConfig, "baseURL" | "model" | "out" | "log" | "n" | "filters"> = {
  api: "completions",
  seedTasks: DEFAULT_SEED_TASKS_FILE,
  requestsPerBatch: 5,
  seedExamples: 3,
  generatedExamples: 0,
  tasksPerRequest: 20,
  maxTokens: 3072,
  temperature: 1,
  topP: 1,
  seed: 0,
  maxRequests: null,
  patience: 10,
  retry: DEFAULT_RETRY,
};

/** OUT.log.jsonl next to OUT (its .jsonl/.json extension replaced). */
export function defaultLogPath(out: string): string {
  return out.replace(/\.jsonl?$/i, "") + ".log.jsonl";
}

export function envApiKey(): string | undefined {
  return process.env.NANOINSTRUCT_SELF_INSTRUCT_API_KEY || process.env.OPENAI_API_KEY || undefined;
}

/** Defaults filled in and every field checked; throws UserError naming each bad one. */
export function resolveSelfInstructConfig(options: SelfInstructOptions): SelfInstructConfig {
  const c: SelfInstructConfig = {
    ...DEFAULT_SELF_INSTRUCT,
    log: defaultLogPath(options.out),
    ...options,
    filters: validateFilters(options.filters),
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
  if (c.apiKey === undefined) c.apiKey = envApiKey();
  const errors: string[] = [];
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) errors.push(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  if (typeof c.baseURL !== "string" || !/^https?:\/\/[^/]/.test(c.baseURL)) errors.push(`baseURL must be an http(s) URL, got ${JSON.stringify(c.baseURL)}`);
  if (typeof c.model !== "string" || c.model === "") errors.push("model is required");
  if (c.api !== "completions" && c.api !== "chat") errors.push(`api must be "completions" or "chat", got ${JSON.stringify(c.api)}`);
  for (const key of ["seedTasks", "out", "log"] as const) if (typeof c[key] !== "string" || c[key] === "") errors.push(`${key} must be a file path`);
  if (c.out === c.log) errors.push("log must be a different file from out");
  int(c.n, "n", 1);
  int(c.requestsPerBatch, "requestsPerBatch", 1);
  int(c.seedExamples, "seedExamples", 0);
  int(c.generatedExamples, "generatedExamples", 0);
  if (c.seedExamples + c.generatedExamples < 1) errors.push("seedExamples + generatedExamples must be at least 1");
  int(c.tasksPerRequest, "tasksPerRequest", 1);
  if (Number.isInteger(c.tasksPerRequest) && c.tasksPerRequest <= c.seedExamples + c.generatedExamples) {
    errors.push(`tasksPerRequest (${c.tasksPerRequest}) must exceed the examples shown (${c.seedExamples + c.generatedExamples})`);
  }
  int(c.maxTokens, "maxTokens", 1);
  if (!(c.temperature >= 0 && c.temperature <= 2)) errors.push(`temperature must be in [0, 2], got ${c.temperature}`);
  if (!(c.topP > 0 && c.topP <= 1)) errors.push(`topP must be in (0, 1], got ${c.topP}`);
  if (!Number.isInteger(c.seed)) errors.push(`seed must be an integer, got ${c.seed}`);
  if (c.maxRequests !== null) int(c.maxRequests, "maxRequests", 1);
  int(c.patience, "patience", 1);
  errors.push(...validateRetry(c.retry));
  if (errors.length) throw new UserError(`self-instruct: ${errors.join("; ")}`, 1);
  return c;
}
