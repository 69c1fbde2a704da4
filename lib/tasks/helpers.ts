/** Small pieces the cluster modules share: template constructors, verifier constructors, picking helpers. */
import type { Rng } from "../random";
import type { Fact, Person, World } from "../world/types";
import { canonicalCloze } from "../world/phrases";
import type { TaskExample, TemplateSpec } from "./types";
import type { VerifierSpec } from "./verify";

// ---- Templates

/** A forward template. */
export const T = (prompt: string, target?: string): TemplateSpec => (target === undefined ? { prompt } : { prompt, target });

/** An inverted template: the prompt shows the answer and asks for (part of) the input. */
export const inv = (prompt: string, target: string, check?: TemplateSpec["check"]): TemplateSpec =>
  check ? { prompt, target, inverted: true, check } : { prompt, target, inverted: true };

// ---- Verifiers

export const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
export const normalized = (...accept: string[]): VerifierSpec => ({ kind: "normalized", accept: unique(accept) });
export const exact = (...accept: string[]): VerifierSpec => ({ kind: "exact", accept: unique(accept) });
export const oneOf = (...accept: string[]): VerifierSpec => ({ kind: "one-of", accept: unique(accept) });
export const numberIs = (value: number): VerifierSpec => ({ kind: "number", value });
export const mentions = (spec: Omit<Extract<VerifierSpec, { kind: "mentions" }>, "kind">): VerifierSpec => ({ kind: "mentions", ...spec });
export const anyOf = (...of: VerifierSpec[]): VerifierSpec => ({ kind: "any", of });
export const allOf = (...of: VerifierSpec[]): VerifierSpec => ({ kind: "all", of });
export const fromList = (accept: readonly string[]): VerifierSpec => ({ kind: "one-of", accept: unique(accept) });

/** Words that turn a statement into its denial; "write a true sentence" checks forbid them ("no" is left out: "has no legs"). */
export const NEGATIONS = ["not", "never", "isn't", "doesn't", "don't", "aren't", "cannot", "can't", "nor"];

/**
 * Closed-book answers: the short answer forms, or the world's canonical sentence for the fact (what the
 * corpus says), so "The capital of Velmora is Tarsk." is as right as "Tarsk".
 */
export function factVerifier(world: World, fact: Fact, base: VerifierSpec): VerifierSpec {
  const cloze = canonicalCloze(world, fact);
  return cloze ? anyOf(base, normalized(cloze.sentence)) : base;
}

/** Check for "write a question whose answer is X": names the subject, uses a cue word, does not give X away. */
export function askCheck(subjectField: string, cues: readonly string[]): TemplateSpec["check"] {
  return (ex) => mentions({ all: [ex.inputs[subjectField] ?? ex.vars?.[subjectField] ?? subjectField], any: [...cues], forbid: [ex.answer] });
}

/** The example's ready-made check of that name (a task module bug when it is missing). */
export function namedCheck(name: string): NonNullable<TemplateSpec["check"]> {
  return (ex) => {
    const c = ex.checks?.[name];
    if (!c) throw new Error(`${ex.task}: example has no check '${name}'`);
    return c;
  };
}

/** Check that the output is one of a named list of the example. */
export function listCheck(name: string): TemplateSpec["check"] {
  return (ex) => fromList(ex.lists?.[name] ?? []);
}

// ---- Picking

/** A member of `items` other than the excluded ones (undefined when there is none). */
export function pickOther<T>(rng: Rng, items: readonly T[], ...exclude: T[]): T | undefined {
  const rest = items.filter((x) => !exclude.includes(x));
  return rest.length ? rng.pick(rest) : undefined;
}

/** "a baker", "an owl". */
export function aOrAn(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

export function pronouns(p: Person): { he: string; He: string; him: string; his: string; His: string } {
  return p.pronoun === "she"
    ? { he: "she", He: "She", him: "her", his: "her", His: "Her" }
    : { he: "he", He: "He", him: "him", his: "his", His: "His" };
}

/** Joins list items the way list tasks show them. */
export const listText = (items: readonly string[]): string => items.join(", ");

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The answer of an example as a number (tasks whose answer is digits). */
export const answerNumber = (ex: TaskExample): number => Number(ex.answer);
