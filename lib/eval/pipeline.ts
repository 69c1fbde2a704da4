/**
 * One evaluation of a model against a baseline: load both, generate on the evaluation set with the
 * tuned model's template (cached), judge every pair, and summarize into win-rate with a bootstrap CI,
 * length-controlled win-rate, per-cluster/per-task breakdowns and reference metrics.
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import { UserError } from "../errors";
import { writeFileAtomic, writeJsonAtomic } from "../fsutil";
import { loadModel, type LoadedModel } from "../model/load";
import { rankClassify, type RankedChoice } from "./rank";
import { loadRecords } from "../data/load";
import { promptText, type InstructionRecord } from "../data/record";
import { getTemplate, type TemplateSpec } from "../data/templates/registry";
import { templateOfModel, templateLabel } from "../data/templates/hf";
import { generateWorld } from "../world/index";
import { evalSet } from "../tasks/generate";
import { verifyRecord } from "../tasks/render";
import { dataFile } from "../finetune/data";
import { generateForEval, modelHash, type EvalDecoding, type GeneratedOutput } from "./generate-eval";
import { VerifierJudge } from "./judges/verifier";
import { ReferenceJudge } from "./judges/reference";
import { LlmJudge } from "./judges/llm";
import { judgeAll } from "./judges/run";
import type { Judge, JudgeItem, Judgment } from "./judges/types";
import { summarize, type EvalSummary } from "./summary";

export type JudgeName = "verifier" | "reference" | "llm";

export interface EvalOptions {
  model: string;
  baseline: string;
  /** A data file, a mixture directory, or a task-library set: "tasks" (all), "cluster:NAME", "task:NAME" (comma-separated). */
  evalSet: string;
  judge: JudgeName;
  judgeUrl?: string;
  judgeModel?: string;
  outDir: string;
  /** Held-out examples per task for task-library sets. */
  perTask: number;
  /**
   * Template for both models' prompts (a name, a tokenizer_config.json or model directory with a chat
   * template, or {jinja}); default: the one the model was tuned with (config.json "nanoinstruct".template),
   * else the model's own chat template (tokenizer_config.json), else alpaca.
   */
  template?: TemplateSpec;
  decoding?: Partial<EvalDecoding>;
  seed: number;
  onProgress?: (what: string) => void;
  /** Evaluation records given directly (instead of evalSet). */
  records?: InstructionRecord[];
  /**
   * Also rank-classify records that list answer options (FLAN's evaluation of classification tasks; see
   * ./rank.ts): EvalResult.ranked holds each model's most likely option.
   */
  rankClassification?: boolean;
}

/** The files an evaluation writes in its outDir. */
export const EVAL_OUTPUT_FILES = ["generations.cache.jsonl", "llm-judgments.cache.jsonl", "judgments.jsonl", "summary.json"] as const;

export const DEFAULT_EVAL: Omit<EvalOptions, "model" | "baseline" | "evalSet" | "outDir"> = { judge: "verifier", perTask: 20, seed: 0 };

/** The world a bundled/pretrained model was trained on (its config records the seed), default seed 0. */
function worldSeedOf(m: LoadedModel): number {
  const s = m.info.extra.worldSeed;
  return typeof s === "number" ? s : 0;
}

/**
 * Resolves --eval-set to records: one or more data files or mixture directories ("a.jsonl,b.json"), or
 * task-library held-out sets: "tasks", or a comma list of cluster:NAME / task:NAME where a bare name takes
 * the kind before it ("cluster:sentiment,nli,task:paraphrase_mrpc").
 */
export async function loadEvalSet(spec: string, worldSeed: number, perTask: number, seed: number): Promise<InstructionRecord[]> {
  const isTaskSpec = spec === "tasks" || /^(cluster|task|tasks):/.test(spec);
  if (!isTaskSpec) {
    const files = spec.split(",").map((f) => f.trim()).filter(Boolean);
    const records: InstructionRecord[] = [];
    const seen = new Map<string, string>();
    for (const file of files.length > 1 || !existsSync(spec) ? files : [spec]) {
      if (!existsSync(file)) throw new UserError(`--eval-set ${file}: no such file (or use "tasks", "cluster:NAME", "task:NAME", comma-separated)`, 2);
      const res = await loadRecords(dataFile(file), { mode: "lenient" });
      if (res.records.length === 0) throw new UserError(`${file}: no valid records`, 1);
      for (const r of res.records) {
        // Judgments and the generation cache are keyed by id: two files may not share one.
        const other = seen.get(r.id);
        if (other !== undefined) throw new UserError(`--eval-set: record id '${r.id}' is in both ${other} and ${file}; ids must be unique across the files`, 1);
        seen.set(r.id, file);
        records.push(r);
      }
    }
    return records;
  }
  const world = generateWorld(worldSeed);
  if (spec === "tasks" || spec === "tasks:all") return evalSet(world, { perTask, seed });
  const clusters: string[] = [], tasks: string[] = [];
  let kind: string | undefined;
  for (const raw of spec.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const colon = part.indexOf(":");
    if (colon >= 0) kind = part.slice(0, colon);
    const name = colon >= 0 ? part.slice(colon + 1) : part;
    if (kind === "cluster") clusters.push(name);
    else if (kind === "task") tasks.push(name);
    else throw new UserError(`--eval-set: '${part}' is not cluster:NAME or task:NAME`, 2);
  }
  return evalSet(world, { clusters: clusters.length ? clusters : undefined, tasks: tasks.length ? tasks : undefined, perTask, seed });
}

function makeJudge(o: EvalOptions, records: Map<string, InstructionRecord>): Judge {
  if (o.judge === "verifier") {
    return new VerifierJudge((item) => {
      const r = records.get(item.id);
      if (!r || !r.metadata.verifier) return undefined;
      return (out: string) => verifyRecord(r, out);
    });
  }
  if (o.judge === "reference") return new ReferenceJudge();
  if (!o.judgeUrl || !o.judgeModel) throw new UserError("--judge llm needs --judge-url and --judge-model", 2);
  return new LlmJudge({ baseURL: o.judgeUrl, model: o.judgeModel, seed: o.seed, cacheFile: join(o.outDir, "llm-judgments.cache.jsonl") });
}

export interface EvalResult {
  summary: EvalSummary;
  items: JudgeItem[];
  judgments: Judgment[];
  outputs: { model: GeneratedOutput[]; baseline: GeneratedOutput[] };
  /** With rankClassification: per record id that lists options, each model's most likely option. */
  ranked?: { model: Map<string, RankedChoice>; baseline: Map<string, RankedChoice> };
}

export async function runEvaluation(o: EvalOptions): Promise<EvalResult> {
  const say = o.onProgress ?? (() => {});
  const tuned = await loadModel(o.model);
  const base = await loadModel(o.baseline);
  try {
    const spec = o.template ?? templateOfModel(tuned.dir, tuned.info.extra) ?? "alpaca";
    const template = getTemplate(spec as TemplateSpec);
    const templateName = templateLabel(spec);
    const records = o.records ?? await loadEvalSet(o.evalSet, worldSeedOf(base), o.perTask, o.seed);
    say(`evaluation set: ${records.length} items; template ${templateName}; judge ${o.judge}`);
    const cache = join(o.outDir, "generations.cache.jsonl");
    const gen = (m: LoadedModel, name: string) => generateForEval(m.model, m.tokenizer, modelHash(m.dir), template, records,
      { ...o.decoding, seed: o.seed }, cache, (d, n) => say(`generating (${name}) ${d}/${n}`));
    const a = await gen(tuned, "model"), b = await gen(base, "baseline");
    const byId = new Map(records.map((r) => [r.id, r]));
    const items: JudgeItem[] = records.map((r, i) => ({
      id: r.id, instruction: promptText(r), reference: r.references ?? [r.messages[r.messages.length - 1].content],
      outputA: a[i].text, outputB: b[i].text, task: r.task, cluster: r.cluster,
    }));
    const judgments = await judgeAll(makeJudge(o, byId), items);
    const summary = summarize(items, judgments, { model: o.model, baseline: o.baseline, judge: o.judge, winRate: { seed: o.seed } });
    writeFileAtomic(join(o.outDir, "judgments.jsonl"), judgments.map((j, i) => JSON.stringify({ ...j, task: items[i].task, cluster: items[i].cluster, output_model: items[i].outputA, output_baseline: items[i].outputB })).join("\n") + "\n");
    writeJsonAtomic(join(o.outDir, "summary.json"), summary);
    let ranked: EvalResult["ranked"];
    if (o.rankClassification) {
      const rank = (m: LoadedModel, name: string) => rankClassify(m.model, m.tokenizer, template, records, (d, n) => { if (d === n || d % 50 === 0) say(`rank classification (${name}) ${d}/${n}`); });
      ranked = { model: await rank(tuned, "model"), baseline: await rank(base, "baseline") };
    }
    return { summary, items, judgments, outputs: { model: a, baseline: b }, ranked };
  } finally {
    tuned.model.dispose();
    base.model.dispose();
  }
}
