/**
 * The shapes of the task library: a task (how to make instances from a world, and its templates), an
 * instance of it (a `TaskExample`), and the context a task's generator is given.
 */
import type { Fact, World } from "../world/types";
import type { Rng } from "../random";
import type { VerifierSpec } from "./verify";

export type Split = "train" | "eval";
export const SPLITS: readonly Split[] = ["train", "eval"];

/** World lists whose members are held out as a whole: an evaluation person is never seen in training. */
export type SubjectPool = "country" | "city" | "person" | "animal" | "food" | "object" | "word";

/** One instance of a task, before any template is applied. Plain JSON. */
export interface TaskExample {
  /** `<task>/<split>/<hash of the canonical input>`: stable whatever n or seed found it. */
  id: string;
  task: string;
  cluster: string;
  split: Split;
  /** The task's input fields by name (templates refer to them as {name}). */
  inputs: Record<string, string>;
  /** The reference answer (templates refer to it as {answer}). */
  answer: string;
  /** Every reference answer, `answer` first. */
  references: string[];
  /** Answer options for classification tasks; always contains `answer`. */
  options?: string[];
  /** How to check an output for the forward (non-inverted) task. */
  verifier: VerifierSpec;
  /** What decides the split: a held-out subject ("person:Mira") or the canonical input. */
  splitKey: string;
  /** Derived strings templates may use ({language}, {a_job}); not part of the canonical input. */
  vars?: Record<string, string>;
  /** Named lists inverted templates check against (e.g. every person with this job). */
  lists?: Record<string, string[]>;
  /** Ready-made verifiers for inverted templates, by name (e.g. "a true sentence about these two animals"). */
  checks?: Record<string, VerifierSpec>;
  /** The world facts the answer rests on, when it rests on facts. */
  facts?: Fact[];
}

/** What a task's generator returns; `taskExamples` fills in ids, split and defaults. */
export interface Draft {
  inputs: Record<string, string>;
  answer: string;
  /** Default: [answer]. */
  references?: string[];
  options?: string[];
  /** Default: "one-of" over references for classification, else "normalized". */
  verifier?: VerifierSpec;
  /** Default: the canonical input. Must be a function of the inputs. */
  splitKey?: string;
  vars?: Record<string, string>;
  lists?: Record<string, string[]>;
  checks?: Record<string, VerifierSpec>;
  facts?: Fact[];
}

export interface MakeContext {
  world: World;
  rng: Rng;
  split: Split;
  /** A random member of a world pool that can appear on this context's side of the split. */
  subject(pool: SubjectPool): string;
  /** Whether a split key belongs to this context's split. */
  inSplit(key: string): boolean;
}

/** An instruction template as written in a task module. */
export interface TemplateSpec {
  /** The prompt, with {placeholders} for inputs, vars and (in inverted templates) {answer}. */
  prompt: string;
  /** The response pattern; default "{answer}". */
  target?: string;
  /** Input inversion: the prompt gives (part of) the answer and asks for (part of) the input. */
  inverted?: boolean;
  /** Verifier for this template's target; default: the example's own (forward) or normalized target (inverted). */
  check?: (example: TaskExample, target: string) => VerifierSpec;
}

/** A template with its identity, as `taskLibrary` lists it and `renderExample` takes it. */
export interface Template extends TemplateSpec {
  /** `<task>/t<index>`. */
  id: string;
  task: string;
  index: number;
  target: string;
  inverted: boolean;
}

export interface TaskSpec {
  name: string;
  cluster: string;
  description: string;
  /** Input field names in canonical order. */
  inputs: readonly string[];
  /** Random instance from the context's split, or undefined when this draw did not work out. */
  make(ctx: MakeContext): Draft | undefined;
  templates: readonly TemplateSpec[];
}

export interface ClusterSpec {
  name: string;
  description: string;
  /** Clusters to hold out together with this one (FLAN held NLI and paraphrase out as a pair). */
  related?: readonly string[];
  tasks: readonly TaskSpec[];
}
