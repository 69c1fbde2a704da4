/** Review polarity: the evaluative words that carry it, shared by the corpus's reviews and the sentiment tasks. */
import type { Rng } from "../random";
import { NEGATIVE_WORDS, POSITIVE_WORDS } from "./data";

export type Polarity = "positive" | "negative";

export const polarityWords = (p: Polarity): string[] => (p === "positive" ? POSITIVE_WORDS : NEGATIVE_WORDS);

/** A word of that polarity; "delicious" and "tasty" only about food. */
export function reviewAdjective(rng: Rng, p: Polarity, food: boolean): string {
  return rng.pick(polarityWords(p).filter((x) => food || (x !== "delicious" && x !== "tasty")));
}
