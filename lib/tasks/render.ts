/**
 * From a task example and a template to an `InstructionRecord`: zero-shot (the filled template) or
 * few-shot (k exemplars from the TRAIN split of the same task under the same template, each "prompt\n
 * answer", joined with blank lines before the real prompt). The record carries everything needed to check
 * an output later without the world: references and `metadata.verifier`.
 */
import type { Seed } from "../random";
import type { World } from "../world/types";
import { UserError } from "../errors";
import type { InstructionRecord } from "../data/record";
import type { TaskExample, TaskSpec, Template } from "./types";
import { applyTemplate } from "./template";
import { canonicalInput } from "./split";
import { getTask, getTemplate } from "./registry";
import { taskExamples } from "./examples";
import { asVerifier, checkOutput, type VerifierSpec } from "./verify";

export type Shot = "zero" | "few";
export type TemplateType = "zero-shot" | "few-shot";

export interface RenderOptions {
  shot: Shot;
  /** Append the answer options to classification prompts ("OPTIONS:\n- yes\n- no"); ignored for other tasks and inverted templates. */
  options: boolean;
  /** Few-shot exemplars wanted (fewer are used when the prompt would get longer than maxPromptChars). */
  k: number;
  /** Few-shot exemplars (TRAIN examples of the same task); drawn from `world` when not given. */
  exemplars?: readonly TaskExample[];
  world?: World;
  /** Seed for drawing exemplars from `world`. */
  seed?: Seed;
  /** Few-shot prompts are cut back to this many characters by dropping exemplars (700 ≈ 200 tokens). */
  maxPromptChars: number;
  /** The records' `source`. */
  source: string;
}

export const DEFAULT_RENDER_OPTIONS: Readonly<RenderOptions> = { shot: "zero", options: false, k: 2, maxPromptChars: 700, source: "tasks" };

export function validateRenderOptions(options: Partial<RenderOptions> = {}): RenderOptions {
  const o = { ...DEFAULT_RENDER_OPTIONS, ...options };
  if (o.shot !== "zero" && o.shot !== "few") throw new UserError(`shot must be "zero" or "few", got ${JSON.stringify(o.shot)}`, 1);
  if (!Number.isInteger(o.k) || o.k < 0 || o.k > 16) throw new UserError(`k must be an integer in [0, 16], got ${o.k}`, 1);
  if (!Number.isInteger(o.maxPromptChars) || o.maxPromptChars < 1) throw new UserError(`maxPromptChars must be a positive integer, got ${o.maxPromptChars}`, 1);
  return o;
}

function resolveTemplate(example: TaskExample, template: Template | string): Template {
  const t = typeof template === "string" ? getTemplate(template) : template;
  if (t.task !== example.task) throw new UserError(`template ${t.id} belongs to task ${t.task}, not to ${example.task}`, 1);
  return t;
}

/** Verifier and references of an example under a template (inverted templates check their own target). */
export function templateCheck(example: TaskExample, template: Template, target: string): { verifier: VerifierSpec; references: string[] } {
  if (!template.inverted) return { verifier: template.check ? template.check(example, target) : example.verifier, references: example.references };
  return { verifier: template.check ? template.check(example, target) : { kind: "normalized", accept: [target] }, references: [target] };
}

function drawExemplars(world: World, example: TaskExample, k: number, seed: Seed): TaskExample[] {
  return taskExamples(world, example.task, { split: "train", n: k + 1, seed: `${String(seed)}/shots/${example.id}` });
}

export function renderExample(example: TaskExample, template: Template | string, options: Partial<RenderOptions> = {}): InstructionRecord {
  const o = validateRenderOptions(options);
  const t = resolveTemplate(example, template);
  const withOptions = o.options && example.options !== undefined && !t.inverted;
  const main = applyTemplate(example, t, withOptions);
  const spec = getTask(example.task);

  let shots: TaskExample[] = [];
  if (o.shot === "few" && o.k > 0) {
    let pool: readonly TaskExample[] | undefined = o.exemplars;
    if (!pool) {
      if (!o.world) throw new UserError("few-shot rendering needs exemplars or the world to draw them from", 1);
      pool = drawExemplars(o.world, example, o.k, o.seed ?? 0);
    }
    const own = canonicalInput(spec.inputs, example.inputs);
    for (const e of pool) {
      if (e.split !== "train") throw new UserError(`few-shot exemplar ${e.id} is not from the train split`, 1);
      if (e.task !== example.task) throw new UserError(`few-shot exemplar ${e.id} is not an example of ${example.task}`, 1);
    }
    shots = pool.filter((e) => canonicalInput(spec.inputs, e.inputs) !== own).slice(0, o.k);
  }
  let blocks = shots.map((e) => {
    const r = applyTemplate(e, t, withOptions);
    return `${r.prompt}\n${r.target}`;
  });
  const size = () => blocks.reduce((n, b) => n + b.length + 2, 0) + main.prompt.length;
  while (blocks.length > 0 && size() > o.maxPromptChars) {
    blocks = blocks.slice(1);
    shots = shots.slice(1);
  }
  const fewShot = blocks.length > 0;
  const prompt = [...blocks, main.prompt].join("\n\n");
  const { verifier, references } = templateCheck(example, t, main.target);

  const metadata: Record<string, unknown> = {
    exampleId: example.id,
    split: example.split,
    templateId: t.id,
    templateType: (fewShot ? "few-shot" : "zero-shot") satisfies TemplateType,
    withOptions,
    inverted: t.inverted,
    verifier,
  };
  if (fewShot) {
    metadata.k = shots.length;
    metadata.exemplarIds = shots.map((e) => e.id);
  }
  return {
    id: `${example.id}/t${t.index}${fewShot ? `/k${shots.length}` : ""}${withOptions ? "/opt" : ""}`,
    source: o.source,
    task: example.task,
    cluster: example.cluster,
    messages: [
      { role: "user", content: prompt },
      { role: "assistant", content: main.target },
    ],
    references,
    metadata,
    provenance: { file: `${o.source}:${example.task}`, format: "flan", container: "jsonl" },
  };
}

/** Checks an output against a rendered record, from the record alone (its metadata.verifier). */
export function verifyRecord(record: InstructionRecord, output: string): boolean {
  const spec = asVerifier(record.metadata?.verifier, `record '${record.id}': metadata.verifier`);
  return checkOutput(spec, output);
}

function isRecord(x: TaskExample | InstructionRecord): x is InstructionRecord {
  return Array.isArray((x as InstructionRecord).messages);
}

/** Whether `output` answers `example` (a task example, or a rendered record of it) correctly. */
export function verify(task: string | TaskSpec, output: string, example: TaskExample | InstructionRecord): boolean {
  const name = typeof task === "string" ? task : task.name;
  if (example.task !== undefined && example.task !== name) throw new UserError(`example ${example.id} belongs to task ${example.task}, not to ${name}`, 1);
  return isRecord(example) ? verifyRecord(example, output) : checkOutput(example.verifier, output);
}
