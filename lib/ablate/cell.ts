/**
 * One ablation cell: build an instruction mixture, fine-tune the base on it, and judge the tuned model
 * against the base on held-out instances of the trained tasks and on whole held-out clusters (FLAN's
 * "unseen task" evaluation). A grid (./grid.ts) is many cells that differ in a few fields.
 *
 * A cell is self-contained and resumable: its directory holds the resolved config, the fine-tuning run
 * (with checkpoints, so a killed cell continues where it stopped) and, written last and atomically,
 * result.json.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors";
import { writeFileAtomic, writeJsonAtomic } from "../fsutil";
import { FORBIDDEN_KEYS, hasOwn, isCommentKey, stripComments } from "../config";
import { checkOutputDir } from "../rundir";
import { generateWorld, type World } from "../world/index";
import { evalSet, generateRecords, selectTasks } from "../tasks/generate";
import { taskExamples } from "../tasks/examples";
import { clusterNames, getTask } from "../tasks/registry";
import { loadInstructionData } from "../finetune/data";
import { DEFAULT_FINETUNE, resolveFinetuneConfig, type FinetuneConfig } from "../finetune/config";
import { finetune } from "../finetune/run";
import { MetricsLog } from "../train/metrics";
import { runEvaluation } from "../eval/pipeline";
import { summarize } from "../eval/summary";
import type { InstructionRecord } from "../data/record";
import { shuffleInPlace, splitmix32 } from "../random";
import { isObject, readJsonl } from "../json";
import { filterRecordsSelfInstruct } from "./data-filter";
import { verifyRecord } from "../tasks/render";
import { recordOptions } from "../eval/rank";
import { rewriteEvalRecords, rewriteRules, rewriteTrainingRecords } from "../tasks/rewrite";

/** Training data from the task library, FLAN-style. */
export interface TaskDataConfig {
  kind: "tasks";
  /** Clusters trained on. */
  clusters: string[];
  /** Mean records per task; the mixture has perTask x (number of tasks) records in all. */
  perTask: number;
  /**
   * "equal": every task gets perTask records. "proportional": examples-proportional mixing, each task's
   * share proportional to its number of distinct training instances, clipped at `cap` (FLAN's mixing cap).
   */
  mixing: "equal" | "proportional";
  /** Examples-proportional cap in instances per task (null = no cap); only with mixing "proportional". */
  cap: number | null;
  /** Use only the first N templates of each task (null = all, 10 per task on average). */
  templatesPerTask: number | null;
  /** Relative shares of zero- and few-shot prompts, and the chance of listing answer options. */
  templateTypes: { zeroShot: number; fewShot: number; withOptions: number };
  /** Probability of an input-inverted template (FLAN's input inversion). */
  inversionRate: number;
}

/** Training data from a file in any supported format (an Alpaca-style dataset). */
export interface FileDataConfig {
  kind: "file";
  path: string;
  /** Records drawn (seeded) from the file; null = all. */
  size: number | null;
  /**
   * Before sampling, drop records that fail self-instruct's filters: "rules" (length, keyword blacklist,
   * "Write a program", leading punctuation or non-ASCII), "self-instruct" (the rules, then ROUGE-L > 0.7
   * deduplication).
   */
  filter: "none" | "rules" | "self-instruct";
  /** "keep": Alpaca's template with its Input section; "merge": input folded into the instruction. */
  input: "keep" | "merge";
}

/**
 * Training data from the word-rewriting instruction family (lib/tasks/rewrite.ts), for the instruction
 * diversity study: `examples` records spread over `instructions` distinct rules. Evaluated on rules never
 * trained on (the held-out part) and on the trained rules with new word lists (the seen part).
 */
export interface RewriteDataConfig {
  kind: "rewrite";
  /** Distinct training rules. */
  instructions: number;
  /** Training records in all. */
  examples: number;
}

export interface CellEvalConfig {
  /** Clusters never trained on, evaluated for zero-shot generalization (FLAN's held-out clusters). */
  heldOutClusters: string[];
  /** Also evaluate held-out instances of the trained tasks. */
  seen: boolean;
  /** Evaluation items per task. */
  perTask: number;
  /**
   * Judge items that list answer options by rank classification (the most likely option under the model,
   * as FLAN evaluates classification tasks) instead of by the generated text. Open-answer items are
   * always judged on the generated text.
   */
  rankClassification: boolean;
}

export interface CellConfig {
  /** Base model: a bundled name (nano-base, nano-tiny), a directory or a Hugging Face id. */
  model: string;
  /** Seeds the mixture, the fine-tuning and the evaluation sample. */
  seed: number;
  data: TaskDataConfig | FileDataConfig | RewriteDataConfig;
  eval: CellEvalConfig;
  /** Fine-tuning settings over DEFAULT_CELL_FINETUNE (model, data and outDir are set by the cell). */
  finetune: Partial<FinetuneConfig>;
}

export const DEFAULT_TASK_DATA: TaskDataConfig = {
  kind: "tasks", clusters: [], perTask: 60, mixing: "equal", cap: null, templatesPerTask: null,
  templateTypes: { zeroShot: 3, fewShot: 1, withOptions: 0.5 }, inversionRate: 0,
};
export const DEFAULT_FILE_DATA: FileDataConfig = { kind: "file", path: "", size: null, filter: "none", input: "keep" };
export const DEFAULT_REWRITE_DATA: RewriteDataConfig = { kind: "rewrite", instructions: 64, examples: 4000 };

/** The quickstart's training recipe, short: a cell is one point of a study, not a showcase. */
export const DEFAULT_CELL_FINETUNE: Partial<FinetuneConfig> = {
  mode: "full", template: "alpaca", mask: "completion", maxLength: 256, maxSteps: 120, evalFraction: 0, packing: "bfd",
  train: { ...DEFAULT_FINETUNE.train, batchSize: 8, microBatchSize: 8, learningRate: 1.5e-3, schedule: "cosine", warmupSteps: 10, minLrRatio: 0.1, evalEvery: 0, evalRows: 64, checkpointEvery: 40 },
};

export const DEFAULT_CELL: CellConfig = {
  model: "nano-base", seed: 0, data: DEFAULT_TASK_DATA, eval: { heldOutClusters: [], seen: true, perTask: 10, rankClassification: false }, finetune: DEFAULT_CELL_FINETUNE,
};

/** What a cell reports: flat, so that a grid's results are one table. Win-rates in percent, accuracies in [0, 1]. */
export interface CellResult {
  [key: string]: number | string | null;
  win_rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  lc_win_rate: number | null;
  seen_accuracy: number | null;
  seen_base_accuracy: number | null;
  n_seen: number;
  heldout_win_rate: number | null;
  heldout_ci_low: number | null;
  heldout_ci_high: number | null;
  heldout_accuracy: number | null;
  heldout_base_accuracy: number | null;
  n_heldout: number;
  eval_loss: number | null;
  train_records: number;
  trained_tokens: number;
  steps: number;
  trainable_params: number;
  train_seconds: number;
  eval_seconds: number;
}


function checkKeys(obj: Record<string, unknown>, allowed: object, where: string): void {
  for (const k of Object.keys(obj)) {
    if (isCommentKey(k)) continue;
    if (FORBIDDEN_KEYS.has(k)) throw new UserError(`${where}: field '${k}' is not allowed (it would change every object's prototype)`, 2);
    if (!hasOwn(allowed, k)) throw new UserError(`${where}: unknown field '${k}' (known: ${Object.keys(allowed).join(", ")})`, 2);
  }
}

/** Fine-tuning fields the cell sets itself: given in `finetune`, they would be silently replaced. */
const CELL_OWNED = { model: "the cell's 'model'", data: "the cell's 'data'", outDir: "the cell's directory", seed: "the cell's 'seed'" } as const;

/** Top-level shorthands of train.* that a finetune config accepts (kept in train.* in a cell, so they merge with its defaults). */
const SHORTHANDS = ["batchSize", "learningRate", "checkpointEvery", "evalEvery", "microBatchSize", "weightDecay", "schedule", "gradClip", "workers"];

/**
 * A cell's `finetune` as the user wrote it, normalized so that merging over DEFAULT_CELL_FINETUNE keeps
 * every value: shorthands move into train.*, train.maxSteps becomes maxSteps; fields the cell sets itself
 * are refused.
 */
function normalizeCellFinetune(ftRaw: Record<string, unknown>, where: string): Record<string, unknown> {
  const ft = { ...ftRaw };
  if (ft.train !== undefined && !isObject(ft.train)) throw new UserError(`${where}: finetune.train must be an object`, 2);
  const train = { ...((ft.train ?? {}) as Record<string, unknown>) };
  for (const [k, who] of Object.entries(CELL_OWNED)) {
    if (hasOwn(ft, k)) throw new UserError(`${where}: finetune.${k} is set by the cell (${who}); remove it from finetune`, 2);
  }
  // A resolved cell carries DEFAULT_FINETUNE.train's seed and maxSteps; those values stand for "not given".
  if (hasOwn(train, "seed") && train.seed !== DEFAULT_FINETUNE.train.seed) throw new UserError(`${where}: finetune.train.seed is set by the cell (the cell's 'seed'); remove it from finetune`, 2);
  for (const k of SHORTHANDS) {
    if (!hasOwn(ft, k)) continue;
    if (hasOwn(train, k) && train[k] !== ft[k]) throw new UserError(`${where}: finetune.${k} and finetune.train.${k} are both set (${JSON.stringify(ft[k])} and ${JSON.stringify(train[k])}); keep one`, 2);
    train[k] = ft[k];
    delete ft[k];
  }
  if (hasOwn(train, "maxSteps") && train.maxSteps !== DEFAULT_FINETUNE.train.maxSteps) {
    if (hasOwn(ft, "maxSteps") && ft.maxSteps !== train.maxSteps) throw new UserError(`${where}: finetune.maxSteps and finetune.train.maxSteps are both set (${JSON.stringify(ft.maxSteps)} and ${JSON.stringify(train.maxSteps)}); keep one`, 2);
    ft.maxSteps = train.maxSteps;
    delete train.maxSteps;
  }
  if (ft.train !== undefined || Object.keys(train).length) ft.train = train;
  return ft;
}

/**
 * The fine-tuning config a cell trains with, resolved by the fine-tuning resolver (the one place its
 * values are checked and defaults filled): the cell's finetune over DEFAULT_FINETUNE, with the cell's
 * model, seed and run directory.
 */
export function cellFinetuneConfig(cfg: CellConfig, runDir: string, where = "cell"): FinetuneConfig {
  const { maxSteps: _derived, ...train } = (cfg.finetune.train ?? {}) as Partial<FinetuneConfig["train"]>;
  void _derived; // the step count lives in finetune.maxSteps (normalizeCellFinetune moved a given train.maxSteps there)
  return resolveFinetuneConfig({ ...cfg.finetune, model: cfg.model, data: "<cell>", outDir: runDir, train: { ...train, seed: cfg.seed } }, `${where}: finetune`);
}

/** Merges `raw` over the defaults and checks every field; `where` names the file and cell in errors. */
export function resolveCellConfig(input: unknown, where: string): CellConfig {
  const raw = stripComments(input, where);
  if (!isObject(raw)) throw new UserError(`${where}: a cell must be a JSON object`, 2);
  checkKeys(raw, DEFAULT_CELL, where);
  const dataRaw = raw.data ?? DEFAULT_TASK_DATA;
  if (!isObject(dataRaw)) throw new UserError(`${where}: data must be an object`, 2);
  const kind = dataRaw.kind ?? "tasks";
  let data: TaskDataConfig | FileDataConfig | RewriteDataConfig;
  if (kind === "tasks") {
    checkKeys(dataRaw, DEFAULT_TASK_DATA, `${where}: data`);
    data = { ...DEFAULT_TASK_DATA, ...dataRaw, templateTypes: { ...DEFAULT_TASK_DATA.templateTypes, ...(dataRaw.templateTypes as object) } } as TaskDataConfig;
  } else if (kind === "file") {
    checkKeys(dataRaw, DEFAULT_FILE_DATA, `${where}: data`);
    data = { ...DEFAULT_FILE_DATA, ...dataRaw } as FileDataConfig;
  } else if (kind === "rewrite") {
    checkKeys(dataRaw, DEFAULT_REWRITE_DATA, `${where}: data`);
    data = { ...DEFAULT_REWRITE_DATA, ...dataRaw } as RewriteDataConfig;
  } else throw new UserError(`${where}: data.kind must be "tasks", "file" or "rewrite", got ${JSON.stringify(kind)}`, 2);
  const evRaw = raw.eval ?? {};
  if (!isObject(evRaw)) throw new UserError(`${where}: eval must be an object`, 2);
  checkKeys(evRaw, DEFAULT_CELL.eval, `${where}: eval`);
  if (dataRaw.templateTypes !== undefined) {
    if (!isObject(dataRaw.templateTypes)) throw new UserError(`${where}: data.templateTypes must be an object`, 2);
    checkKeys(dataRaw.templateTypes, DEFAULT_TASK_DATA.templateTypes, `${where}: data.templateTypes`);
  }
  const ftGiven = raw.finetune ?? {};
  if (!isObject(ftGiven)) throw new UserError(`${where}: finetune must be an object`, 2);
  const ftRaw = normalizeCellFinetune(ftGiven, where);
  const cfg: CellConfig = {
    model: (raw.model ?? DEFAULT_CELL.model) as string,
    seed: (raw.seed ?? DEFAULT_CELL.seed) as number,
    data,
    eval: { ...DEFAULT_CELL.eval, ...evRaw } as CellEvalConfig,
    finetune: { ...DEFAULT_CELL_FINETUNE, ...ftRaw, train: { ...DEFAULT_CELL_FINETUNE.train!, ...(ftRaw.train as object) } } as Partial<FinetuneConfig>,
  };
  const problem = validateCell(cfg);
  if (problem) throw new UserError(`${where}: ${problem}`, 2);
  // The fine-tuning part is checked by the fine-tuning resolver, exactly as runCell resolves it.
  cellFinetuneConfig(cfg, "<cell>/run", where);
  return cfg;
}

/** The first thing wrong with a cell, or null. */
export function validateCell(c: CellConfig): string | null {
  if (typeof c.model !== "string" || c.model === "") return "model must be a non-empty string";
  if (!Number.isInteger(c.seed) || c.seed < 0) return `seed must be a non-negative integer, got ${JSON.stringify(c.seed)}`;
  const known = new Set(clusterNames());
  const checkClusters = (name: string, v: unknown): string | null => {
    if (!Array.isArray(v)) return `${name} must be a list of cluster names`;
    const bad = v.find((x) => !known.has(x as string));
    return bad === undefined ? null : `${name}: unknown cluster ${JSON.stringify(bad)} (known: ${[...known].join(", ")})`;
  };
  const d = c.data;
  if (d.kind === "tasks") {
    const p = checkClusters("data.clusters", d.clusters);
    if (p) return p;
    if (d.clusters.length === 0) return "data.clusters is empty: name at least one cluster to train on";
    if (!Number.isInteger(d.perTask) || d.perTask < 1) return `data.perTask must be a positive integer, got ${JSON.stringify(d.perTask)}`;
    if (d.mixing !== "equal" && d.mixing !== "proportional") return `data.mixing must be "equal" or "proportional", got ${JSON.stringify(d.mixing)}`;
    if (d.cap !== null && (!Number.isInteger(d.cap) || d.cap < 1)) return `data.cap must be a positive integer or null, got ${JSON.stringify(d.cap)}`;
    if (d.templatesPerTask !== null && (!Number.isInteger(d.templatesPerTask) || d.templatesPerTask < 1)) return `data.templatesPerTask must be a positive integer or null, got ${JSON.stringify(d.templatesPerTask)}`;
    if (!(d.inversionRate >= 0 && d.inversionRate <= 1)) return `data.inversionRate must be in [0, 1], got ${JSON.stringify(d.inversionRate)}`;
  } else if (d.kind === "rewrite") {
    const max = rewriteRuleCount();
    if (!Number.isInteger(d.instructions) || d.instructions < 1 || d.instructions > max) return `data.instructions must be an integer in [1, ${max}], got ${JSON.stringify(d.instructions)}`;
    if (!Number.isInteger(d.examples) || d.examples < d.instructions) return `data.examples must be an integer, at least data.instructions (${d.instructions}), got ${JSON.stringify(d.examples)}`;
    if (c.eval.heldOutClusters.length) return "eval.heldOutClusters must be empty for rewrite data (its held-out part is the unseen rules)";
  } else {
    if (typeof d.path !== "string" || d.path === "") return "data.path must name a data file";
    if (d.size !== null && (!Number.isInteger(d.size) || d.size < 1)) return `data.size must be a positive integer or null, got ${JSON.stringify(d.size)}`;
    if (!["none", "rules", "self-instruct"].includes(d.filter)) return `data.filter must be "none", "rules" or "self-instruct", got ${JSON.stringify(d.filter)}`;
    if (d.input !== "keep" && d.input !== "merge") return `data.input must be "keep" or "merge", got ${JSON.stringify(d.input)}`;
  }
  const p = checkClusters("eval.heldOutClusters", c.eval.heldOutClusters);
  if (p) return p;
  if (d.kind === "tasks") {
    const overlap = c.eval.heldOutClusters.find((x) => d.clusters.includes(x));
    if (overlap) return `cluster ${overlap} is both trained on and held out`;
  }
  if (typeof c.eval.seen !== "boolean") return "eval.seen must be true or false";
  if (typeof c.eval.rankClassification !== "boolean") return "eval.rankClassification must be true or false";
  if (!c.eval.seen && c.eval.heldOutClusters.length === 0 && d.kind !== "rewrite") return "nothing to evaluate: eval.seen is false and eval.heldOutClusters is empty";
  if (!Number.isInteger(c.eval.perTask) || c.eval.perTask < 1) return `eval.perTask must be a positive integer, got ${JSON.stringify(c.eval.perTask)}`;
  return null;
}

// ---- data ----

let ruleCount: number | null = null;
/** How many training-side rewrite rules the world has (computed once). */
function rewriteRuleCount(): number {
  return (ruleCount ??= rewriteRules(generateWorld(0), "train").length);
}

/** Distinct training instances per task (the "size" of a task for examples-proportional mixing). */
function taskSizes(world: World, tasks: string[], seed: number, limit: number): number[] {
  return tasks.map((t) => taskExamples(world, t, { split: "train", n: limit, seed }).length);
}

/** Records per task: equal, or examples-proportional with an optional cap, summing to perTask x tasks. */
export function mixtureCounts(sizes: number[], perTask: number, mixing: "equal" | "proportional", cap: number | null): number[] {
  const total = perTask * sizes.length;
  if (mixing === "equal") return sizes.map(() => perTask);
  const weights = sizes.map((s) => (cap === null ? s : Math.min(s, cap)));
  const sum = weights.reduce((a, b) => a + b, 0);
  // Largest-remainder rounding so the counts sum exactly to the total.
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < total - counts.reduce((a, b) => a + b, 0); k++) counts[order[k % order.length][1]]++;
  return counts;
}

/** The cell's training records. */
export async function cellTrainingRecords(cfg: CellConfig, world: World, say: (s: string) => void = () => {}): Promise<InstructionRecord[]> {
  const d = cfg.data;
  if (d.kind === "tasks") {
    const tasks = selectTasks({ clusters: d.clusters });
    // Task sizes only matter for proportional mixing; 4,000 bounds the search for effectively unbounded tasks.
    const sizes = d.mixing === "proportional" ? taskSizes(world, tasks, cfg.seed, 4000) : tasks.map(() => 0);
    const counts = mixtureCounts(sizes, d.perTask, d.mixing, d.cap);
    const out: InstructionRecord[] = [];
    tasks.forEach((task, i) => {
      if (counts[i] === 0) return;
      out.push(...generateRecords(world, {
        tasks: [task], n: counts[i], seed: cfg.seed, split: "train", templateTypes: d.templateTypes,
        inversionRate: d.inversionRate, templatesPerTask: d.templatesPerTask ?? undefined,
      }));
    });
    return out;
  }
  if (d.kind === "rewrite") return rewriteTrainingRecords(world, { instructions: d.instructions, examples: d.examples, seed: cfg.seed });
  let records = await loadInstructionData(d.path, say);
  if (d.filter !== "none") {
    const { kept, dropped, byRule } = filterRecordsSelfInstruct(records, d.filter === "self-instruct");
    say(`self-instruct filters: kept ${kept.length}, dropped ${dropped} (${Object.entries(byRule).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ")})`);
    records = kept;
  }
  if (d.size !== null) {
    if (d.size > records.length) throw new UserError(`${d.path}: data.size ${d.size} exceeds the ${records.length} records available`, 1);
    records = seededSample(records, d.size, cfg.seed);
  }
  return d.input === "merge" ? records.map(mergeInput) : records;
}

function seededSample<T>(xs: readonly T[], n: number, seed: number): T[] {
  return shuffleInPlace(xs.slice(), splitmix32((seed * 2654435761 + 7) >>> 0)).slice(0, n);
}

/** Alpaca without an Input section: the input is appended to the instruction (one user turn either way). */
function mergeInput(r: InstructionRecord): InstructionRecord {
  if (!r.fields || r.fields.input === "") return r;
  const instruction = `${r.fields.instruction}\n${r.fields.input}`;
  const messages = r.messages.map((m) => (m.role === "user" ? { ...m, content: instruction } : m));
  return { ...r, fields: { ...r.fields, instruction, input: "" }, messages };
}

/** The cell's evaluation records: held-out instances of trained tasks, then whole held-out clusters. */
export function cellEvalRecords(cfg: CellConfig, world: World, trainedTasks: string[]): { seen: InstructionRecord[]; heldOut: InstructionRecord[] } {
  if (cfg.data.kind === "rewrite") {
    const r = rewriteEvalRecords(world, { instructions: cfg.data.instructions, seed: cfg.seed, unseen: cfg.eval.perTask, seen: cfg.eval.seen ? cfg.eval.perTask : 0 });
    return { seen: r.seen, heldOut: r.unseen };
  }
  const seen = cfg.eval.seen && trainedTasks.length ? evalSet(world, { tasks: trainedTasks, perTask: cfg.eval.perTask, seed: cfg.seed }) : [];
  const heldOut = cfg.eval.heldOutClusters.length ? evalSet(world, { clusters: cfg.eval.heldOutClusters, perTask: cfg.eval.perTask, seed: cfg.seed }) : [];
  return { seen, heldOut };
}

// ---- running ----

export interface CellOptions {
  onProgress?: (s: string) => void;
}

export async function runCell(cfg: CellConfig, outDir: string, opts: CellOptions = {}): Promise<CellResult> {
  const say = opts.onProgress ?? (() => {});
  checkOutputDir(outDir, "cell directory");
  writeJsonAtomic(join(outDir, "config.json"), cfg);
  const t0 = performance.now();
  const world = generateWorld(0);
  const records = await cellTrainingRecords(cfg, world, say);
  if (records.length === 0) throw new UserError(`${outDir}: the cell's mixture is empty`, 1);
  // File records name their task in a "task" field (kept in metadata by the readers).
  const trainedTasks = [...new Set(records.map((r) => r.task ?? r.metadata.task).filter((t): t is string => typeof t === "string" && isTask(t)))];
  const { seen, heldOut } = cellEvalRecords(cfg, world, trainedTasks);
  say(`mixture: ${records.length} records over ${trainedTasks.length} tasks; evaluation: ${seen.length} seen-task items, ${heldOut.length} held-out-cluster items`);
  const runDir = join(outDir, "run");
  const ft: FinetuneConfig = cellFinetuneConfig(cfg, runDir, outDir);
  // A small eval slice of the seen items gives the loss curve; the verdict comes from generation below.
  const evalRecords = (seen.length ? seen : heldOut).slice(0, 64);
  const resume = existsSync(join(runDir, "checkpoints"));
  const report = await finetune(ft, { records, evalRecords, resume, callbacks: { onMessage: say } });
  const t1 = performance.now();
  const all = [...seen, ...heldOut];
  const ev = await runEvaluation({
    model: report.modelDir, baseline: cfg.model, evalSet: "<cell>", records: all, judge: "verifier", outDir: join(outDir, "eval"),
    perTask: cfg.eval.perTask, seed: cfg.seed, template: ft.template, onProgress: say, rankClassification: cfg.eval.rankClassification,
  });
  const t2 = performance.now();
  const byId = new Map(all.map((r) => [r.id, r]));
  if (ev.ranked) {
    // Items with options are judged by the option each model ranks first; the judgments' correctness and
    // preference follow, so win-rates and accuracies below agree with the items file.
    ev.judgments = ev.judgments.map((j, i) => {
      const id = ev.items[i].id, a = ev.ranked!.model.get(id), b = ev.ranked!.baseline.get(id);
      if (!a || !b) return j;
      const ra = verifyRecord(byId.get(id)!, a.choice), rb = verifyRecord(byId.get(id)!, b.choice);
      return { ...j, preference: ra === rb ? 0.5 : ra ? 1 : 0, reason: `rank classification: model ${JSON.stringify(a.choice)}, base ${JSON.stringify(b.choice)}`, details: { ...j.details, correctA: ra, correctB: rb, rankedA: a.choice, rankedB: b.choice } };
    });
  }
  const seenIds = new Set(seen.map((r) => r.id));
  const part = (keep: (id: string) => boolean) => {
    const idx = ev.items.map((it, i) => (keep(it.id) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) return null;
    const items = idx.map((i) => ev.items[i]);
    const judgments = idx.map((i) => ev.judgments[i]);
    const s = summarize(items, judgments, { judge: "verifier", winRate: { seed: cfg.seed } });
    const acc = (side: "correctA" | "correctB") => judgments.filter((j) => (j.details as Record<string, unknown> | undefined)?.[side] === true).length / judgments.length;
    return { s, accModel: acc("correctA"), accBase: acc("correctB") };
  };
  const sp = part((id) => seenIds.has(id));
  const hp = part((id) => !seenIds.has(id));
  const outcomes: ItemOutcome[] = ev.items.map((it, i) => {
    const d = ev.judgments[i].details as Record<string, unknown> | undefined;
    const options = recordOptions(byId.get(it.id)!);
    return {
      id: it.id, part: seenIds.has(it.id) ? "seen" : "heldout", task: it.task ?? null, cluster: it.cluster ?? null,
      model: d?.correctA === true ? 1 : 0, base: d?.correctB === true ? 1 : 0, preference: ev.judgments[i].preference, chance: options ? 1 / options.length : 0,
    };
  });
  writeItemOutcomes(outDir, outcomes);
  const evalLoss = lastEvalLoss(join(runDir, "metrics.jsonl"));
  const result: CellResult = {
    win_rate: sp?.s.win_rate ?? null, ci_low: sp?.s.ci_low ?? null, ci_high: sp?.s.ci_high ?? null, lc_win_rate: sp?.s.lc_win_rate ?? null,
    seen_accuracy: sp?.accModel ?? null, seen_base_accuracy: sp?.accBase ?? null, n_seen: seen.length,
    heldout_win_rate: hp?.s.win_rate ?? null, heldout_ci_low: hp?.s.ci_low ?? null, heldout_ci_high: hp?.s.ci_high ?? null,
    heldout_accuracy: hp?.accModel ?? null, heldout_base_accuracy: hp?.accBase ?? null, n_heldout: heldOut.length,
    eval_loss: evalLoss,
    train_records: records.length, trained_tokens: report.data.train.trainedTokens, steps: report.result.steps,
    trainable_params: report.parameters.trainable,
    train_seconds: round1((t1 - t0) / 1000), eval_seconds: round1((t2 - t1) / 1000),
  };
  writeJsonAtomic(join(outDir, "result.json"), result);
  return result;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * One evaluation item's outcome in a cell: right or wrong for the tuned model and for the base, and the
 * judge's preference (1 = tuned better, 0.5 = tie). Saved per cell (items.jsonl) so that two cells can be
 * compared item by item (lib/ablate/stats.ts's paired bootstrap).
 */
export interface ItemOutcome {
  id: string;
  part: "seen" | "heldout";
  task: string | null;
  cluster: string | null;
  model: 0 | 1;
  base: 0 | 1;
  preference: number;
  /** The chance of a right answer by picking a listed option at random (1 / options), 0 for open answers. */
  chance: number;
}

export const ITEMS_FILE = "items.jsonl";

export function writeItemOutcomes(dir: string, items: readonly ItemOutcome[]): void {
  writeFileAtomic(join(dir, ITEMS_FILE), items.map((o) => JSON.stringify(o)).join("\n") + (items.length ? "\n" : ""));
}

/** A cell's item outcomes, or null when it has none (a cell run before they were saved). */
export function readItemOutcomes(dir: string): ItemOutcome[] | null {
  const file = join(dir, ITEMS_FILE);
  return existsSync(file) ? readJsonl(file).map((l) => l.value as ItemOutcome) : null;
}

function isTask(name: string): boolean {
  try {
    getTask(name);
    return true;
  } catch {
    return false;
  }
}

/** The last evaluation loss in a run's metrics.jsonl (null when there is none). */
export function lastEvalLoss(metricsFile: string): number | null {
  let loss: number | null = null;
  for (const m of new MetricsLog(metricsFile).read()) if (m.type === "eval" && typeof m.eval_loss === "number") loss = m.eval_loss;
  return loss;
}
