/**
 * The judge contract: every judge compares the model's output (A) with the baseline's (B) on one item and
 * returns a preference in [0, 1], so win rates and confidence intervals never care which judge spoke.
 */

export interface JudgeItem {
  /** Unique per evaluation item; judgments and caches are keyed by it. */
  id: string;
  /** What was asked (the user prompt, with its input when there is one). */
  instruction: string;
  /** Acceptable answers, when the task has them. */
  reference?: string[];
  /** The evaluated model's output. */
  outputA: string;
  /** The baseline's output. */
  outputB: string;
  task?: string;
  cluster?: string;
}

export interface Judgment {
  id: string;
  /** 1 = A (the model) better, 0 = B (the baseline) better, 0.5 = tie; anything between is a soft preference. */
  preference: number;
  /** Which judge decided (e.g. "verifier", "reference:rouge_l", "llm:gpt-4o-mini"). */
  judge: string;
  /** One short human-readable line. */
  reason: string;
  /** Judge-specific evidence (scores, probabilities, raw answers), JSON-serialisable. */
  details: Record<string, unknown>;
}

export interface Judge {
  readonly name: string;
  judge(item: JudgeItem): Promise<Judgment>;
}

/** Maps the comparison of two scores (higher is better) to a preference, with ties within `margin`. */
export function preferHigher(scoreA: number, scoreB: number, margin = 0): number {
  if (Math.abs(scoreA - scoreB) <= margin) return 0.5;
  return scoreA > scoreB ? 1 : 0;
}
