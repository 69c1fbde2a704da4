/**
 * One candidate task through every filter: the per-task rules first (Alpaca's order), then ROUGE-L against
 * the pool of instructions kept so far (seeds included, as Alpaca did), then into the pool if it passed.
 * Every screening reports the candidate's nearest pool instructions with their similarity (up to
 * `neighbours`, whichever rule decided; with 0, only the instruction a duplicate repeats), so a log can show
 * what each candidate resembled.
 */
import { RuleFilter, type FilterConfig, type RuleName, type Verdict } from "./filters";
import { RougeIndex, type Neighbour } from "./rouge-index";

export interface PoolEntry {
  id: string;
  instruction: string;
}

export interface NeighbourInfo extends PoolEntry {
  /** ROUGE-L F, rounded to 4 decimals. */
  score: number;
}

export interface Screening {
  kept: boolean;
  /** The rule that dropped the candidate. */
  rule?: RuleName;
  detail?: string;
  /** Nearest pool instructions before this candidate was added, best first. */
  nearest: NeighbourInfo[];
}

export interface Candidate {
  id: string;
  instruction: string;
  output: string;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export class InstructionScreen {
  readonly rules: RuleFilter;
  readonly index = new RougeIndex();
  private readonly entries: PoolEntry[] = [];

  constructor(filters: Partial<FilterConfig> = {}) {
    this.rules = new RuleFilter(filters);
  }

  get config(): FilterConfig {
    return this.rules.config;
  }

  /** Instructions in the pool (seeds and kept candidates). */
  get poolSize(): number {
    return this.entries.length;
  }

  /** Puts an instruction in the pool without screening it (seed tasks, items kept by an earlier run). */
  addToPool(entry: PoolEntry): void {
    this.index.add(this.index.tokenize(entry.instruction));
    this.entries.push({ id: entry.id, instruction: entry.instruction });
  }

  /**
   * Screens `candidate`; a kept one joins the pool. `problem` is a verdict reached before (a malformed or
   * truncated parse): the candidate is then dropped with it and only its neighbours are looked up.
   */
  screen(candidate: Candidate, problem?: Verdict): Screening {
    const c = this.config;
    const tokens = this.index.tokenize(candidate.instruction);
    const verdict = problem ?? this.rules.check(candidate.instruction, candidate.output);
    const info = (n: Neighbour) => ({ ...this.entries[n.index], score: round4(n.score) });
    if (verdict) return { kept: false, rule: verdict.rule, detail: verdict.detail, nearest: this.index.nearest(tokens, c.neighbours).map(info) };
    let nearest: NeighbourInfo[] = [];
    let duplicate: Neighbour | undefined;
    if (c.neighbours > 0) {
      const found = this.index.nearest(tokens, c.neighbours);
      nearest = found.map(info);
      if (c.rougeThreshold !== null && found.length > 0 && found[0].score > c.rougeThreshold) duplicate = found[0];
    } else if (c.rougeThreshold !== null) {
      // Without a neighbour list the prefix-filtered search is enough, and far cheaper on large pools.
      duplicate = this.index.above(tokens, c.rougeThreshold);
      if (duplicate) nearest = [info(duplicate)];
    }
    if (duplicate) {
      const top = this.entries[duplicate.index];
      return { kept: false, rule: "rouge", detail: `ROUGE-L ${duplicate.score.toFixed(3)} > ${c.rougeThreshold} with ${top.id}`, nearest };
    }
    this.index.add(tokens);
    this.entries.push({ id: candidate.id, instruction: candidate.instruction });
    return { kept: true, nearest };
  }
}
