/**
 * Decontamination: drop training records that share an n-gram (default 13 words, as GPT-3 did) with any
 * evaluation record. Evaluation texts shorter than n words count as one n-gram of their own length, when
 * they have at least `minTokens` words (shorter ones are too generic to be evidence). Turns are checked
 * one by one, so an n-gram never spans two messages. Each removal names the eval record and the n-gram.
 */
import { UserError } from "../errors";
import type { InstructionRecord } from "./record";
import { rougeTokens } from "./rouge";

export interface DecontaminateConfig {
  /** N-gram length in words. */
  n: number;
  /** Eval texts shorter than n words are matched whole when they have at least this many words. */
  minTokens: number;
}

export const DEFAULT_DECONTAMINATE_CONFIG: Readonly<DecontaminateConfig> = { n: 13, minTokens: 8 };

export function validateDecontaminateConfig(config: Partial<DecontaminateConfig> = {}, where = "decontaminate"): DecontaminateConfig {
  const c = { ...DEFAULT_DECONTAMINATE_CONFIG, ...config };
  if (!Number.isInteger(c.n) || c.n < 1) throw new UserError(`${where}.n must be a positive integer, got ${JSON.stringify(c.n)}`, 1);
  if (!Number.isInteger(c.minTokens) || c.minTokens < 1) throw new UserError(`${where}.minTokens must be a positive integer, got ${JSON.stringify(c.minTokens)}`, 1);
  return c;
}

/** Every text of a record worth checking: each message, and each reference answer. */
export function recordTexts(record: InstructionRecord): string[] {
  return [...record.messages.map((m) => m.content), ...(record.references ?? [])];
}

/** N-grams of evaluation data, for looking training text up against. */
export class NgramIndex {
  readonly config: DecontaminateConfig;
  /** gram text -> eval record id (the first that had it). */
  private readonly grams = new Map<string, string>();
  /** Lengths of the short whole-text grams present (< n). */
  private readonly shortLengths = new Set<number>();

  constructor(config: Partial<DecontaminateConfig> = {}) {
    this.config = validateDecontaminateConfig(config);
  }

  get size(): number {
    return this.grams.size;
  }

  addText(evalId: string, text: string): void {
    const words = rougeTokens(text);
    const { n, minTokens } = this.config;
    if (words.length < n) {
      if (words.length < minTokens) return;
      this.shortLengths.add(words.length);
      this.remember(words.join(" "), evalId);
      return;
    }
    for (let i = 0; i + n <= words.length; i++) this.remember(words.slice(i, i + n).join(" "), evalId);
  }

  addRecord(record: InstructionRecord): void {
    for (const t of recordTexts(record)) this.addText(record.id, t);
  }

  private remember(gram: string, evalId: string): void {
    if (!this.grams.has(gram)) this.grams.set(gram, evalId);
  }

  /** The first eval n-gram found in `text`, or undefined. */
  match(text: string): { ngram: string; evalId: string } | undefined {
    const words = rougeTokens(text);
    for (const len of [this.config.n, ...[...this.shortLengths].sort((a, b) => b - a)]) {
      for (let i = 0; i + len <= words.length; i++) {
        const gram = words.slice(i, i + len).join(" ");
        const evalId = this.grams.get(gram);
        if (evalId !== undefined) return { ngram: gram, evalId };
      }
    }
    return undefined;
  }
}

export interface ContaminationRemoval {
  id: string;
  evalId: string;
  /** The shared words, space-joined. */
  ngram: string;
}

export interface DecontaminateResult<T> {
  kept: T[];
  removed: ContaminationRemoval[];
}

/** Splits `items` into those sharing no n-gram with the index and those that do (with the evidence). */
export function decontaminate<T>(items: readonly T[], index: NgramIndex, key: (item: T) => InstructionRecord = (x) => x as unknown as InstructionRecord): DecontaminateResult<T> {
  const kept: T[] = [];
  const removed: ContaminationRemoval[] = [];
  for (const item of items) {
    const r = key(item);
    let hit: { ngram: string; evalId: string } | undefined;
    for (const t of recordTexts(r)) if ((hit = index.match(t))) break;
    if (hit) removed.push({ id: r.id, evalId: hit.evalId, ngram: hit.ngram });
    else kept.push(item);
  }
  return { kept, removed };
}

/** An index over evaluation records. */
export function ngramIndex(evalRecords: Iterable<InstructionRecord>, config: Partial<DecontaminateConfig> = {}): NgramIndex {
  const index = new NgramIndex(config);
  for (const r of evalRecords) index.addRecord(r);
  return index;
}
