/**
 * The claims a study tests, as a grid file declares them in "findings" (checked here, once, when the grid
 * is read); ./findings.ts measures them.
 */
import { UserError } from "../errors";
import { isObject } from "../json";

/** Which evaluation items a measure reads. */
export type Part = "seen" | "heldout";

/** Per item: the tuned model right (accuracy), the base right (base), the judge's preference (win), tuned minus base (gain). */
export type Measure = "accuracy" | "base" | "win" | "gain";

export interface FindingSpec {
  /** The claim, as the paper makes it. */
  claim: string;
  /** Where the paper shows it. */
  paper: string;
  part: Part;
  measure: Measure;
  /**
   * "trend": the measure's slope against the swept axis (x = its numeric value or label, log2 when
   * `x` is "log2"); "pair": setting `a` minus setting `b`; "gain": within setting `a`, tuned minus base.
   */
  test: "trend" | "pair" | "gain";
  x: "linear" | "log2";
  a: string | null;
  b: string | null;
  /** The paper's direction: "up" = the trend rises, a beats b, tuning gains; "none" = the paper found no difference. */
  expect: "up" | "down" | "none";
}

export const DEFAULT_FINDING: FindingSpec = { claim: "", paper: "", part: "seen", measure: "accuracy", test: "trend", x: "linear", a: null, b: null, expect: "up" };

/** Checks a grid's "findings" list; `where` names the file. */
export function resolveFindings(raw: unknown, where: string): FindingSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new UserError(`${where}: 'findings' must be a list`, 2);
  return raw.map((f, i) => {
    const at = `${where}: findings[${i}]`;
    if (!isObject(f)) throw new UserError(`${at}: expected an object`, 2);
    for (const k of Object.keys(f)) if (!(k in DEFAULT_FINDING)) throw new UserError(`${at}: unknown key '${k}' (known: ${Object.keys(DEFAULT_FINDING).join(", ")})`, 2);
    const s = { ...DEFAULT_FINDING, ...f } as FindingSpec;
    if (typeof s.claim !== "string" || s.claim === "") throw new UserError(`${at}: 'claim' must be a non-empty string`, 2);
    if (!["seen", "heldout"].includes(s.part)) throw new UserError(`${at}: 'part' must be "seen" or "heldout"`, 2);
    if (!["accuracy", "base", "win", "gain"].includes(s.measure)) throw new UserError(`${at}: 'measure' must be accuracy, base, win or gain`, 2);
    if (!["trend", "pair", "gain"].includes(s.test)) throw new UserError(`${at}: 'test' must be trend, pair or gain`, 2);
    if (!["linear", "log2"].includes(s.x)) throw new UserError(`${at}: 'x' must be "linear" or "log2"`, 2);
    if (!["up", "down", "none"].includes(s.expect)) throw new UserError(`${at}: 'expect' must be "up", "down" or "none"`, 2);
    if ((s.test === "pair" || s.test === "gain") && (typeof s.a !== "string" || s.a === "")) throw new UserError(`${at}: a '${s.test}' test names its setting in 'a'`, 2);
    if (s.test === "pair" && (typeof s.b !== "string" || s.b === "")) throw new UserError(`${at}: a 'pair' test names the other setting in 'b'`, 2);
    return s;
  });
}

