/**
 * An Alpaca-format data set from the task library, for the Alpaca-style ablations: instruction / input /
 * output rows, about half with an Input section (as in Alpaca's 52k), plus a share of the low-quality rows
 * a self-instruct generator produces (instructions about images or files, "Write a program ...", too
 * short, starting with punctuation or non-ASCII, near-duplicates; each with an unrelated output), so that
 * self-instruct's filters have something real to remove. Every row names its task and cluster, so the
 * tuned model can be judged on held-out instances of the same tasks; noisy rows say which defect they carry.
 */
import type { World } from "../world/types";
import { Rng } from "../random";
import { firstLine, UserError } from "../errors";
import { applyTemplate } from "./template";
import { taskExamples } from "./examples";
import { clusterNames, getCluster, getTask, templatesOf } from "./registry";
import type { TaskExample } from "./types";

export interface AlpacaRow {
  instruction: string;
  input: string;
  output: string;
  task: string;
  cluster: string;
  /** The defect of a deliberately low-quality row, absent for clean rows. */
  noise?: string;
}

export interface AlpacaStyleOptions {
  /** Rows in all (clean + noisy). */
  n: number;
  seed: number;
  /** Clusters drawn from (default: all). */
  clusters?: string[];
  /** Share of clean rows written as task description + Input section (the rest: one self-contained prompt). */
  inputShare: number;
  /** Share of rows with a self-instruct defect. */
  noiseRate: number;
}

export const DEFAULT_ALPACA_STYLE: AlpacaStyleOptions = { n: 12000, seed: 0, inputShare: 0.45, noiseRate: 0.2 };

/** The example's inputs as an Alpaca Input: the value alone, or "name: value" lines when there are several. */
function inputText(ex: TaskExample): string {
  const entries = Object.entries(ex.inputs);
  return entries.length === 1 ? entries[0][1] : entries.map(([k, v]) => `${k}: ${v}`).join("\n");
}

const NOISE_KINDS = ["blacklist", "program", "short", "punctuation", "non-ascii", "near-duplicate"] as const;
const BLACKLIST_OPENINGS = ["Draw a picture of", "Make a map showing", "Plot a graph of", "Record an audio clip about", "Create a diagram of", "Open the file about"];

function noisyRow(kind: (typeof NOISE_KINDS)[number], clean: AlpacaRow, other: AlpacaRow, rng: Rng): AlpacaRow {
  const subject = (firstLine(clean.input) || clean.instruction).replace(/^[a-z0-9_]+: /, "").slice(0, 60);
  const base = { task: clean.task, cluster: clean.cluster, output: other.output, noise: kind };
  switch (kind) {
    case "blacklist": return { ...base, instruction: `${rng.pick(BLACKLIST_OPENINGS)} ${subject}.`, input: "" };
    case "program": return { ...base, instruction: `Write a program that answers: ${clean.instruction.toLowerCase()}`, input: clean.input };
    case "short": return { ...base, instruction: clean.instruction.split(/\s+/).slice(0, 2).join(" ").replace(/[.?:]$/, "") + "?", input: clean.input };
    case "punctuation": return { ...base, instruction: `- ${clean.instruction}`, input: clean.input };
    case "non-ascii": return { ...base, instruction: `¿${clean.instruction}`, input: clean.input };
    case "near-duplicate": return { ...base, instruction: clean.instruction, input: clean.input };
  }
}

export function alpacaStyleRows(world: World, options: Partial<AlpacaStyleOptions> = {}): AlpacaRow[] {
  const o = { ...DEFAULT_ALPACA_STYLE, ...options };
  if (!Number.isInteger(o.n) || o.n < 1) throw new UserError(`n must be a positive integer, got ${o.n}`, 1);
  for (const k of ["inputShare", "noiseRate"] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw new UserError(`${k} must be in [0, 1], got ${o[k]}`, 1);
  }
  const tasks = (o.clusters ?? clusterNames()).flatMap((c) => getCluster(c).tasks.map((t) => t.name));
  const rng = new Rng(o.seed).fork("alpaca-style");
  const nClean = o.n - Math.round(o.n * o.noiseRate);
  const clean: AlpacaRow[] = [];
  tasks.forEach((task, ti) => {
    const count = Math.floor(nClean / tasks.length) + (ti < nClean % tasks.length ? 1 : 0);
    const examples = taskExamples(world, task, { split: "train", n: count, seed: o.seed });
    const templates = templatesOf(task).filter((t) => !t.inverted);
    const spec = getTask(task);
    for (let i = 0; i < count; i++) {
      const ex = examples[i % examples.length];
      const t = rng.pick(templates);
      const applied = applyTemplate(ex, t, false);
      const withInput = rng.chance(o.inputShare);
      clean.push(withInput
        ? { instruction: spec.description, input: inputText(ex), output: ex.answer, task, cluster: spec.cluster }
        : { instruction: applied.prompt, input: "", output: applied.target, task, cluster: spec.cluster });
    }
  });
  const rows = rng.shuffle(clean);
  const noisy: AlpacaRow[] = [];
  for (let i = 0; i < o.n - nClean; i++) {
    noisy.push(noisyRow(NOISE_KINDS[i % NOISE_KINDS.length], rng.pick(rows), rng.pick(rows), rng));
  }
  return rng.shuffle([...rows, ...noisy]);
}
