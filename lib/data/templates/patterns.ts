/**
 * FLAN-style instruction patterns: an input pattern and a target pattern with {placeholders}, filled from a
 * record's values. `{options_}` marks where the answer options go ("OPTIONS:\n- a\n- b"), as in FLAN.
 * Task libraries supply their own patterns per task; the generic ones here fit any instruction/input/output
 * record. Literal braces are written `{{` and `}}`.
 */
import { UserError } from "../../errors";

export interface FlanPattern {
  input: string;
  target: string;
}

/** Placeholder for the options block. */
export const OPTIONS_PLACEHOLDER = "options_";

/** Patterns for records with an instruction, an optional input and an output. Blank parts collapse away. */
export const GENERIC_PATTERNS: readonly FlanPattern[] = [
  { input: "{instruction}\n\n{input}\n\n{options_}", target: "{output}" },
  { input: "{input}\n\n{instruction}\n\n{options_}", target: "{output}" },
  { input: "{instruction}\n{input}\n\n{options_}", target: "{output}" },
  { input: "Instruction: {instruction}\n\n{input}\n\n{options_}\nAnswer:", target: "{output}" },
  { input: "{instruction}\n\n{input}\n\n{options_}\nWhat is the answer?", target: "{output}" },
];

/** FLAN's options block. */
export function optionsText(options: readonly string[]): string {
  return "OPTIONS:\n- " + options.join("\n- ");
}

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names used by a pattern, in order of first use. */
export function placeholders(pattern: string): string[] {
  const names: string[] = [];
  for (const m of pattern.matchAll(PLACEHOLDER)) if (m[1] !== undefined && !names.includes(m[1])) names.push(m[1]);
  return names;
}

/**
 * A pattern filled from `values`: unknown placeholders are an error naming `where`; runs of three or more
 * newlines left by empty values become a blank line, and the ends are trimmed.
 */
export function fillPattern(pattern: string, values: Readonly<Record<string, string>>, where: string): string {
  const filled = pattern.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (name === undefined) return whole[0];
    if (!Object.hasOwn(values, name)) {
      throw new UserError(`${where}: pattern placeholder {${name}} has no value (known: ${Object.keys(values).join(", ")})`, 1);
    }
    return values[name];
  });
  return tidy(filled);
}

/** Collapses blank-line runs and trailing spaces on lines left empty, then trims the ends. */
export function tidy(text: string): string {
  return text.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

/** Checks a pattern list supplied by code or a recipe; throws UserError naming the bad entry. */
export function validatePatterns(patterns: unknown, where: string): FlanPattern[] {
  if (!Array.isArray(patterns) || patterns.length === 0) throw new UserError(`${where} must be a non-empty array of {input, target} patterns`, 1);
  return patterns.map((p, i) => {
    const q = p as Partial<FlanPattern> | null;
    if (!q || typeof q.input !== "string" || typeof q.target !== "string") {
      throw new UserError(`${where}[${i}] must be an object with string 'input' and 'target'`, 1);
    }
    return { input: q.input, target: q.target };
  });
}

