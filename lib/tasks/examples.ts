/**
 * `taskExamples(world, task, {split, n, seed})`: distinct, seeded instances of one task from one side of
 * the split. A task's generator draws random instances; this keeps those whose split key falls on the
 * requested side and whose canonical input is new, until it has n or the task runs out of new instances.
 */
import { Rng, hashString, type Seed } from "../random";
import type { World } from "../world/types";
import { UserError } from "../errors";
import type { Draft, MakeContext, Split, TaskExample, TaskSpec } from "./types";
import { SPLITS } from "./types";
import { canonicalInput, poolSplit, splitOfKey } from "./split";
import { getTask } from "./registry";

export interface ExampleOptions {
  split: Split;
  /** How many examples; fewer come back when the task has fewer distinct instances on that side. */
  n: number;
  seed: Seed;
}

export const DEFAULT_EXAMPLE_OPTIONS: Readonly<ExampleOptions> = { split: "train", n: 100, seed: 0 };

export function validateExampleOptions(options: Partial<ExampleOptions> = {}): ExampleOptions {
  const o = { ...DEFAULT_EXAMPLE_OPTIONS, ...options };
  if (!SPLITS.includes(o.split)) throw new UserError(`split must be "train" or "eval", got ${JSON.stringify(o.split)}`, 1);
  if (!Number.isInteger(o.n) || o.n < 0) throw new UserError(`n must be a non-negative integer, got ${o.n}`, 1);
  return o;
}

// A run of this many draws with nothing new ends the search: the task's space on this side is used up.
const MAX_MISSES = 400;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** Example id from the task, split and canonical input: the same instance has the same id in every run. */
export function exampleId(task: string, split: Split, canonical: string): string {
  return `${task}/${split}/${hex8(hashString(canonical))}${hex8(hashString(`${canonical}#`))}`;
}

export function makeContext(world: World, rng: Rng, split: Split): MakeContext {
  return {
    world,
    rng,
    split,
    // Training draws only training subjects. Evaluation draws any subject: an example is held out when any
    // subject it states a fact about is (see combineKeys), and the split filter keeps exactly those.
    subject(pool) {
      const parts = poolSplit(world, pool);
      const names = split === "train" ? parts.train : [...parts.train, ...parts.eval];
      if (names.length === 0) throw new UserError(`the world has too few ${pool} entries to hold some out for evaluation`, 1);
      return rng.pick(names);
    },
    inSplit: (key) => splitOfKey(world, key) === split,
  };
}

/** Turns a generator's draft into a full example (defaults filled in, split and id set). */
export function finishExample(task: TaskSpec, d: Draft, split: Split): TaskExample {
  const canonical = canonicalInput(task.inputs, d.inputs);
  const references = d.references ?? [d.answer];
  if (references[0] !== d.answer) references.unshift(d.answer);
  const ex: TaskExample = {
    id: exampleId(task.name, split, canonical),
    task: task.name,
    cluster: task.cluster,
    split,
    inputs: d.inputs,
    answer: d.answer,
    references,
    verifier: d.verifier ?? { kind: d.options ? "one-of" : "normalized", accept: references },
    splitKey: d.splitKey ?? canonical,
  };
  if (d.options) ex.options = d.options;
  if (d.vars) ex.vars = d.vars;
  if (d.lists) ex.lists = d.lists;
  if (d.checks) ex.checks = d.checks;
  if (d.facts) ex.facts = d.facts;
  return ex;
}

/** Up to n distinct examples of `task` from one side of the split. Deterministic in (world, task, options). */
export function taskExamples(world: World, task: string | TaskSpec, options: Partial<ExampleOptions> = {}): TaskExample[] {
  const o = validateExampleOptions(options);
  const spec = typeof task === "string" ? getTask(task) : task;
  const rng = new Rng(o.seed).fork(`tasks/${spec.name}/${o.split}`);
  const ctx = makeContext(world, rng, o.split);
  const seen = new Set<string>();
  const out: TaskExample[] = [];
  for (let misses = 0; out.length < o.n && misses < MAX_MISSES; ) {
    const d = spec.make(ctx);
    if (!d) {
      misses++;
      continue;
    }
    const canonical = canonicalInput(spec.inputs, d.inputs);
    if (seen.has(canonical) || splitOfKey(world, d.splitKey ?? canonical) !== o.split) {
      misses++;
      continue;
    }
    misses = 0;
    seen.add(canonical);
    out.push(finishExample(spec, d, o.split));
  }
  return out;
}
