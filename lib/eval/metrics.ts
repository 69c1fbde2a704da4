/**
 * Reference-based scores of one output against one or several acceptable answers: SQuAD-style exact match
 * and token F1, ROUGE-L (longest common subsequence of words) and chrF (character n-gram F-score). With
 * several references each metric takes the best one, since any acceptable answer counts as right.
 * Every score is in [0, 1].
 */
import { lcsLength, rougeTokens } from "../data/rouge";

// ASCII punctuation as in Python's string.punctuation, plus Unicode punctuation (curly quotes, dashes...).
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~\p{P}]/gu;
const ARTICLES = /\b(a|an|the)\b/g;

/** SQuAD answer normalization: lowercase, drop punctuation, drop English articles, collapse whitespace. */
export function squadNormalize(text: string): string {
  return text.toLowerCase().replace(PUNCT, "").replace(ARTICLES, " ").split(/\s+/).filter(Boolean).join(" ");
}

/** Words of the normalized answer (what exact match and token F1 compare). */
export function answerTokens(text: string): string[] {
  const n = squadNormalize(text);
  return n === "" ? [] : n.split(" ");
}

function asList(references: string | readonly string[]): readonly string[] {
  return typeof references === "string" ? [references] : references;
}

/** Best score over references; 0 when there are none (nothing to be right about). */
function best(references: string | readonly string[], score: (ref: string) => number): number {
  let m = 0;
  for (const r of asList(references)) m = Math.max(m, score(r));
  return m;
}

function counts<T>(xs: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Size of the multiset intersection. */
function overlap<T>(a: Map<T, number>, b: Map<T, number>): number {
  let n = 0;
  for (const [k, c] of a) n += Math.min(c, b.get(k) ?? 0);
  return n;
}

/** F-beta of a precision and a recall; 0 when both are 0. */
export function fBeta(precision: number, recall: number, beta = 1): number {
  const b2 = beta * beta;
  const denom = b2 * precision + recall;
  return denom > 0 ? ((1 + b2) * precision * recall) / denom : 0;
}

/** 1 when the normalized prediction equals a normalized reference, else 0. */
export function exactMatch(prediction: string, references: string | readonly string[]): number {
  const p = squadNormalize(prediction);
  return best(references, (r) => (squadNormalize(r) === p ? 1 : 0));
}

/** SQuAD token F1 on normalized words; two empty answers match (1), one empty answer scores 0. */
export function tokenF1(prediction: string, references: string | readonly string[]): number {
  const p = answerTokens(prediction);
  const pc = counts(p);
  return best(references, (ref) => {
    const r = answerTokens(ref);
    if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
    const same = overlap(pc, counts(r));
    return same === 0 ? 0 : fBeta(same / p.length, same / r.length);
  });
}

/** ROUGE-L F1 (words: lowercase runs of letters and digits, no stemming): LCS of words over the prediction's length (precision) and the reference's (recall). */
export function rougeLF1(prediction: string, references: string | readonly string[]): number {
  const p = rougeTokens(prediction);
  return best(references, (ref) => {
    const r = rougeTokens(ref);
    if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
    const l = lcsLength(p, r);
    return fBeta(l / p.length, l / r.length);
  });
}

export interface ChrfConfig {
  /** Longest character n-gram. */
  order: number;
  /** Recall weighs beta times as much as precision. */
  beta: number;
  /** Keep whitespace inside n-grams (sacreBLEU's default removes it). */
  whitespace: boolean;
}

export const DEFAULT_CHRF: ChrfConfig = { order: 6, beta: 2, whitespace: false };

export function validateChrf(c: ChrfConfig): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(c.order) || c.order < 1) errors.push(`chrF order must be a positive integer, got ${c.order}`);
  if (!(c.beta > 0)) errors.push(`chrF beta must be > 0, got ${c.beta}`);
  return errors;
}

function charNgrams(chars: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join("");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/**
 * chrF as sacreBLEU defines it: precision and recall of character n-grams for n = 1..order, each averaged
 * over the orders both texts are long enough for, then combined into an F-beta score. Characters are
 * code points, and whitespace is removed first unless `whitespace` is set.
 */
export function chrF(prediction: string, references: string | readonly string[], config: Partial<ChrfConfig> = {}): number {
  const c = { ...DEFAULT_CHRF, ...config };
  const errors = validateChrf(c);
  if (errors.length) throw new Error(errors.join("; "));
  const chars = (s: string) => [...(c.whitespace ? s : s.replace(/\s+/g, ""))];
  const p = chars(prediction);
  const pGrams = Array.from({ length: c.order }, (_, i) => charNgrams(p, i + 1));
  return best(references, (ref) => {
    const r = chars(ref);
    let precision = 0, recall = 0, orders = 0;
    for (let n = 1; n <= c.order; n++) {
      const hyp = p.length - n + 1, refCount = r.length - n + 1;
      if (hyp <= 0 || refCount <= 0) continue;
      const match = overlap(pGrams[n - 1], charNgrams(r, n));
      precision += match / hyp;
      recall += match / refCount;
      orders++;
    }
    return orders === 0 ? 0 : fBeta(precision / orders, recall / orders, c.beta);
  });
}

export const METRIC_NAMES = ["exact_match", "token_f1", "rouge_l", "chrf"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** A metric by name, as (prediction, references) => score in [0, 1]. */
export function metricFn(name: MetricName): (prediction: string, references: string | readonly string[]) => number {
  switch (name) {
    case "exact_match": return exactMatch;
    case "token_f1": return tokenF1;
    case "rouge_l": return rougeLF1;
    case "chrf": return (p, r) => chrF(p, r);
  }
}

/** Mean of a metric over (prediction, references) pairs that have at least one reference; null when none do. */
export function meanMetric(name: MetricName, pairs: readonly { prediction: string; references?: readonly string[] }[]): number | null {
  const fn = metricFn(name);
  let sum = 0, n = 0;
  for (const { prediction, references } of pairs) {
    if (!references || references.length === 0) continue;
    sum += fn(prediction, references);
    n++;
  }
  return n === 0 ? null : sum / n;
}
