/**
 * Length statistics of a set of records (prompt and response, in characters and optionally tokens) and
 * counts per source, task and cluster. Plain objects, so notebooks can hand them to arquero and the CLI
 * can print or JSON them.
 */
import { promptText, responseText, type InstructionRecord } from "./record";

export interface LengthStats {
  count: number;
  min: number;
  p50: number;
  p90: number;
  max: number;
  mean: number;
}

/** Anything with a GPT-2-style `encode`; only the number of ids is used. */
export interface TokenizerLike {
  encode(text: string): ArrayLike<number>;
}

export interface StatsOptions {
  /** When given, token lengths are measured too. */
  tokenizer?: TokenizerLike;
}

export interface PromptResponseStats {
  prompt: LengthStats;
  response: LengthStats;
}

export interface DatasetStats {
  records: number;
  /** Lengths in Unicode code points. Prompt = every turn before the last assistant turn; response = that turn. */
  chars: PromptResponseStats;
  tokens?: PromptResponseStats;
  /** Messages per record, system turns included. */
  turns: LengthStats;
  /** Records per source / task / cluster; records without a task or cluster are not counted there. */
  bySource: Record<string, number>;
  byTask: Record<string, number>;
  byCluster: Record<string, number>;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** count, min, p50, p90, max, mean of `values`; all zero when there are none. */
export function lengthStats(values: readonly number[]): LengthStats {
  if (values.length === 0) return { count: 0, min: 0, p50: 0, p90: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const s = Array.from(sorted);
  return { count: s.length, min: s[0], p50: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1], mean: sum / s.length };
}

/** Length in code points (a surrogate pair is one character, as a reader counts it). */
export function charLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) n--, i++;
    }
  }
  return n;
}

function tally(counts: Record<string, number>, key: string | undefined): void {
  if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
}

export function datasetStats(records: readonly InstructionRecord[], options: StatsOptions = {}): DatasetStats {
  const promptChars: number[] = [];
  const responseChars: number[] = [];
  const promptTokens: number[] = [];
  const responseTokens: number[] = [];
  const turns: number[] = [];
  const bySource: Record<string, number> = {};
  const byTask: Record<string, number> = {};
  const byCluster: Record<string, number> = {};
  for (const r of records) {
    const prompt = promptText(r);
    const response = responseText(r);
    promptChars.push(charLength(prompt));
    responseChars.push(charLength(response));
    if (options.tokenizer) {
      promptTokens.push(options.tokenizer.encode(prompt).length);
      responseTokens.push(options.tokenizer.encode(response).length);
    }
    turns.push(r.messages.length);
    tally(bySource, r.source);
    tally(byTask, r.task);
    tally(byCluster, r.cluster);
  }
  const stats: DatasetStats = {
    records: records.length,
    chars: { prompt: lengthStats(promptChars), response: lengthStats(responseChars) },
    turns: lengthStats(turns),
    bySource,
    byTask,
    byCluster,
  };
  if (options.tokenizer) stats.tokens = { prompt: lengthStats(promptTokens), response: lengthStats(responseTokens) };
  return stats;
}

export interface LengthRow extends LengthStats {
  unit: "chars" | "tokens" | "turns";
  part: "prompt" | "response" | "record";
}

/** The length statistics as table rows (`aq.from(statsRows(s))` in a notebook). */
export function statsRows(stats: DatasetStats): LengthRow[] {
  const rows: LengthRow[] = [
    { unit: "chars", part: "prompt", ...stats.chars.prompt },
    { unit: "chars", part: "response", ...stats.chars.response },
  ];
  if (stats.tokens) {
    rows.push({ unit: "tokens", part: "prompt", ...stats.tokens.prompt }, { unit: "tokens", part: "response", ...stats.tokens.response });
  }
  rows.push({ unit: "turns", part: "record", ...stats.turns });
  return rows;
}

/** Counts as rows sorted by count, largest first (`aq.from(countRows(s.byTask))`). */
export function countRows(counts: Record<string, number>): { name: string; count: number }[] {
  return Object.entries(counts)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
