/** Judging a whole evaluation set with a few requests in flight, and the position-bias report of LLM judges. */
import type { Judge, JudgeItem, Judgment } from "./types";
import type { OrderDetail } from "./llm";

export interface JudgeAllOptions {
  /** Items judged at the same time (an LLM judge's requests overlap; local judges gain nothing). */
  concurrency?: number;
  /** Called after each item with the number done so far. */
  onProgress?: (done: number, total: number, judgment: Judgment) => void;
}

/** Judges every item; the judgments come back in the items' order. The first failure rejects. */
export async function judgeAll(judge: Judge, items: readonly JudgeItem[], options: JudgeAllOptions = {}): Promise<Judgment[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const out = new Array<Judgment>(items.length);
  let next = 0, done = 0, failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await judge.judge(items[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
      options.onProgress?.(++done, items.length, out[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

export interface PositionBias {
  /** How often the output shown first won, in percent (ties count half): 50 = no bias. */
  firstWins: number;
  /** Orderings counted. */
  n: number;
  /** With both orders asked: how often the two orders agree on the winner, in percent (null otherwise). */
  agreement: number | null;
  /** Items asked in both orders. */
  nBoth: number;
}

/** Position bias of LLM-judge judgments, read from their per-ordering details. */
export function positionBias(judgments: readonly Judgment[]): PositionBias {
  let first = 0, n = 0, agree = 0, nBoth = 0;
  for (const j of judgments) {
    const orders = j.details.orders as OrderDetail[] | undefined;
    if (!Array.isArray(orders)) continue;
    for (const o of orders) {
      first += o.preferenceFirst;
      n++;
    }
    if (orders.length === 2) {
      nBoth++;
      const side = (p: number) => Math.sign(p - 0.5);
      if (side(orders[0].preference) === side(orders[1].preference)) agree++;
    }
  }
  return { firstWins: n ? (100 * first) / n : NaN, n, agreement: nBoth ? (100 * agree) / nBoth : null, nBoth };
}
