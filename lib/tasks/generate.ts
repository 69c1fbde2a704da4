/**
 * Records in bulk, for mixtures and evaluation. `generateRecords` takes named sources ("cluster:arithmetic",
 * "task:capital_qa"), task or cluster lists, a count (per task, or in total), template-type proportions and
 * an input-inversion rate; `evalSet` renders held-out examples for the evaluation side.
 */
import { Rng, type Seed } from "../random";
import type { World } from "../world/types";
import { UserError } from "../errors";
import type { InstructionRecord } from "../data/record";
import type { Split, TaskExample } from "./types";
import { SPLITS } from "./types";
import { getCluster, getTask, resolveSource, templatesOf } from "./registry";
import { taskExamples } from "./examples";
import { renderExample } from "./render";

export interface TemplateTypeRates {
  /** Relative weight of zero-shot records. */
  zeroShot: number;
  /** Relative weight of few-shot records. */
  fewShot: number;
  /** Probability of appending answer options, for examples that have options (classification). */
  withOptions: number;
}

export interface GenerateOptions {
  /** Named sources: "task:<name>", "cluster:<name>", "all". */
  sources?: string[];
  tasks?: string[];
  clusters?: string[];
  /** Clusters to leave out of the selection (held-out runs); their related clusters are not added automatically. */
  excludeClusters?: string[];
  /** Records per task (used when `total` is not set). */
  n: number;
  /** Records in all, spread evenly over the selected tasks (overrides n). */
  total?: number;
  templateTypes: TemplateTypeRates;
  /** Probability that a record uses one of its task's inverted templates. */
  inversionRate: number;
  /** Use only each task's first N forward templates (FLAN's templates-per-task ablation); undefined = all. */
  templatesPerTask?: number;
  split: Split;
  seed: Seed;
  /** Few-shot exemplars per record (fewer when the prompt would exceed maxPromptChars). */
  k: number;
  maxPromptChars: number;
  /** The records' `source`. */
  source: string;
}

export const DEFAULT_GENERATE_OPTIONS: Readonly<GenerateOptions> = {
  n: 100,
  templateTypes: { zeroShot: 0.5, fewShot: 0.5, withOptions: 0.5 },
  inversionRate: 0.1,
  split: "train",
  seed: 0,
  k: 2,
  maxPromptChars: 700,
  source: "tasks",
};

const rate = (name: string, v: number) => {
  if (!(typeof v === "number" && v >= 0 && v <= 1)) throw new UserError(`${name} must be a number in [0, 1], got ${v}`, 1);
};

export function validateGenerateOptions(options: Partial<GenerateOptions> = {}): GenerateOptions {
  const o: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, ...options, templateTypes: { ...DEFAULT_GENERATE_OPTIONS.templateTypes, ...options.templateTypes } };
  if (!Number.isInteger(o.n) || o.n < 0) throw new UserError(`n must be a non-negative integer, got ${o.n}`, 1);
  if (o.total !== undefined && (!Number.isInteger(o.total) || o.total < 0)) throw new UserError(`total must be a non-negative integer, got ${o.total}`, 1);
  const { zeroShot, fewShot, withOptions } = o.templateTypes;
  for (const [k, v] of [["templateTypes.zeroShot", zeroShot], ["templateTypes.fewShot", fewShot]] as const) {
    if (!(typeof v === "number" && v >= 0 && Number.isFinite(v))) throw new UserError(`${k} must be a number >= 0, got ${v}`, 1);
  }
  if (zeroShot + fewShot <= 0) throw new UserError("templateTypes: zeroShot and fewShot cannot both be 0", 1);
  rate("templateTypes.withOptions", withOptions);
  rate("inversionRate", o.inversionRate);
  if (o.templatesPerTask !== undefined && (!Number.isInteger(o.templatesPerTask) || o.templatesPerTask < 1)) {
    throw new UserError(`templatesPerTask must be a positive integer, got ${o.templatesPerTask}`, 1);
  }
  if (!SPLITS.includes(o.split)) throw new UserError(`split must be "train" or "eval", got ${JSON.stringify(o.split)}`, 1);
  if (!Number.isInteger(o.k) || o.k < 1 || o.k > 16) throw new UserError(`k must be an integer in [1, 16], got ${o.k}`, 1);
  if (!Number.isInteger(o.maxPromptChars) || o.maxPromptChars < 1) throw new UserError(`maxPromptChars must be a positive integer, got ${o.maxPromptChars}`, 1);
  return o;
}

/**
 * Task names selected by sources, tasks and clusters (union, in the order given; no repeats), minus the
 * tasks of excluded clusters.
 */
export function selectTasks(o: { sources?: string[]; tasks?: string[]; clusters?: string[]; excludeClusters?: string[] }): string[] {
  const names: string[] = [];
  for (const s of o.sources ?? []) names.push(...resolveSource(s));
  for (const t of o.tasks ?? []) names.push(getTask(t).name);
  for (const c of o.clusters ?? []) names.push(...getCluster(c).tasks.map((t) => t.name));
  if (names.length === 0) throw new UserError("no tasks selected: give sources, tasks or clusters", 1);
  const excluded = new Set(o.excludeClusters ?? []);
  for (const c of excluded) getCluster(c);
  return [...new Set(names)].filter((t) => !excluded.has(getTask(t).cluster));
}

/** How many records each task gets: n each, or `total` spread evenly (the first tasks take the remainder). */
function counts(tasks: string[], o: GenerateOptions): number[] {
  if (o.total === undefined) return tasks.map(() => o.n);
  const base = Math.floor(o.total / tasks.length);
  return tasks.map((_t, i) => base + (i < o.total! % tasks.length ? 1 : 0));
}

// Train examples kept per task for few-shot exemplars.
const SHOT_POOL = 48;

export function generateRecords(world: World, options: Partial<GenerateOptions> = {}): InstructionRecord[] {
  const o = validateGenerateOptions(options);
  const tasks = selectTasks(o);
  if (tasks.length === 0) return [];
  const per = counts(tasks, o);
  const records: InstructionRecord[] = [];
  const ids = new Map<string, number>();
  tasks.forEach((task, ti) => {
    const n = per[ti];
    if (n === 0) return;
    const rng = new Rng(o.seed).fork(`records/${task}/${o.split}`);
    const examples = taskExamples(world, task, { split: o.split, n, seed: o.seed });
    if (examples.length === 0) throw new UserError(`task ${task} has no ${o.split} examples in this world`, 1);
    const shotPool = taskExamples(world, task, { split: "train", n: SHOT_POOL, seed: `${String(o.seed)}/shots` });
    const templates = templatesOf(task);
    const forward = templates.filter((t) => !t.inverted).slice(0, o.templatesPerTask);
    const inverted = templates.filter((t) => t.inverted);
    const { zeroShot, fewShot, withOptions } = o.templateTypes;
    // Cycle through the examples (shuffled once) when the task has fewer distinct instances than n.
    const order = rng.shuffle(examples);
    for (let i = 0; i < n; i++) {
      const ex = order[i % order.length];
      const template = inverted.length > 0 && rng.chance(o.inversionRate) ? rng.pick(inverted) : rng.pick(forward);
      const few = rng.float() * (zeroShot + fewShot) < fewShot;
      const opts = ex.options !== undefined && rng.chance(withOptions);
      const exemplars = few ? pickShots(rng, shotPool, ex, o.k) : undefined;
      const r = renderExample(ex, template, { shot: few ? "few" : "zero", options: opts, k: o.k, exemplars, maxPromptChars: o.maxPromptChars, source: o.source });
      const seen = ids.get(r.id) ?? 0;
      ids.set(r.id, seen + 1);
      if (seen > 0) r.id = `${r.id}#${seen + 1}`;
      r.provenance = { ...r.provenance, index: records.length };
      records.push(r);
    }
  });
  return records;
}

function pickShots(rng: Rng, pool: readonly TaskExample[], ex: TaskExample, k: number): TaskExample[] {
  const rest = pool.filter((e) => e.id.slice(e.id.lastIndexOf("/")) !== ex.id.slice(ex.id.lastIndexOf("/")));
  return rng.sample(rest, Math.min(k, rest.length));
}

/** Records for a mixture recipe line such as {source: "cluster:arithmetic", count: 500}. */
export function recordsForSource(world: World, source: string, count: number, options: Partial<Omit<GenerateOptions, "sources" | "tasks" | "clusters" | "total">> = {}): InstructionRecord[] {
  return generateRecords(world, { ...options, sources: [source], total: count });
}

export interface EvalSetOptions {
  clusters?: string[];
  tasks?: string[];
  sources?: string[];
  /** Held-out examples per task (fewer when the task has fewer). */
  perTask: number;
  seed: Seed;
  shot: "zero" | "few";
  /** Append answer options to classification prompts. */
  withOptions: boolean;
  k: number;
  maxPromptChars: number;
  source: string;
}

export const DEFAULT_EVAL_OPTIONS: Readonly<EvalSetOptions> = { perTask: 50, seed: 0, shot: "zero", withOptions: true, k: 2, maxPromptChars: 700, source: "tasks-eval" };

/**
 * The evaluation side: held-out examples of every selected task (all tasks by default), each rendered once
 * with a forward template picked per example; records keep task and cluster for per-task and per-cluster scores.
 */
export function evalSet(world: World, options: Partial<EvalSetOptions> = {}): InstructionRecord[] {
  const o = { ...DEFAULT_EVAL_OPTIONS, ...options };
  if (!Number.isInteger(o.perTask) || o.perTask < 0) throw new UserError(`perTask must be a non-negative integer, got ${o.perTask}`, 1);
  const selected = o.clusters || o.tasks || o.sources ? selectTasks(o) : resolveSource("all");
  const out: InstructionRecord[] = [];
  for (const task of selected) {
    const rng = new Rng(o.seed).fork(`eval/${task}`);
    const forward = templatesOf(task).filter((t) => !t.inverted);
    const examples = taskExamples(world, task, { split: "eval", n: o.perTask, seed: o.seed });
    const shotPool = o.shot === "few" ? taskExamples(world, task, { split: "train", n: SHOT_POOL, seed: `${String(o.seed)}/shots` }) : [];
    for (const ex of examples) {
      const exemplars = o.shot === "few" ? pickShots(rng, shotPool, ex, o.k) : undefined;
      const r = renderExample(ex, rng.pick(forward), { shot: o.shot, options: o.withOptions, k: o.k, exemplars, maxPromptChars: o.maxPromptChars, source: o.source });
      r.provenance = { ...r.provenance, index: out.length };
      out.push(r);
    }
  }
  return out;
}
