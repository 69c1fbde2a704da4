/**
 * The verifier judge: tasks with a checkable answer (arithmetic, format constraints...) come with a
 * function output -> correct?; the output that passes beats the one that fails, and equal verdicts tie.
 */
import { UserError } from "../../errors";
import type { Judge, JudgeItem, Judgment } from "./types";

export type Verifier = (output: string) => boolean;

/** Finds the verifier for an item (by id, task...); undefined when the item has none. */
export type VerifierLookup = (item: JudgeItem) => Verifier | undefined;

export interface VerifierJudgeConfig {
  /** What to do with an item that has no verifier: throw (default), or call it a tie. */
  missing: "error" | "tie";
}

export const DEFAULT_VERIFIER_JUDGE: VerifierJudgeConfig = { missing: "error" };

export function validateVerifierJudge(c: VerifierJudgeConfig): string[] {
  return c.missing === "error" || c.missing === "tie" ? [] : [`missing must be "error" or "tie", got ${JSON.stringify(c.missing)}`];
}

export class VerifierJudge implements Judge {
  readonly name = "verifier";
  private readonly config: VerifierJudgeConfig;

  constructor(private readonly lookup: VerifierLookup, config: Partial<VerifierJudgeConfig> = {}) {
    this.config = { ...DEFAULT_VERIFIER_JUDGE, ...config };
    const errors = validateVerifierJudge(this.config);
    if (errors.length) throw new UserError(`verifier judge: ${errors.join("; ")}`, 1);
  }

  async judge(item: JudgeItem): Promise<Judgment> {
    const verify = this.lookup(item);
    if (!verify) {
      if (this.config.missing === "error") throw new UserError(`verifier judge: item ${item.id} has no verifier`, 1);
      return { id: item.id, preference: 0.5, judge: this.name, reason: "no verifier for this item", details: { missing: true } };
    }
    const a = safeVerify(verify, item.outputA), b = safeVerify(verify, item.outputB);
    const preference = a === b ? 0.5 : a ? 1 : 0;
    const word = (ok: boolean) => (ok ? "correct" : "wrong");
    return { id: item.id, preference, judge: this.name, reason: `model ${word(a)}, baseline ${word(b)}`, details: { correctA: a, correctB: b } };
  }
}

/** A verifier that throws on odd output (a parse error) counts the output as wrong. */
function safeVerify(verify: Verifier, output: string): boolean {
  try {
    return verify(output) === true;
  } catch {
    return false;
  }
}
