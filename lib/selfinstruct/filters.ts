/**
 * Alpaca's instruction filters, each a named rule so a log and an ablation can say which one dropped what:
 * too short (3 words or fewer) or too long (over 150 words), a keyword blacklist of things a text model
 * cannot do (images, files, audio, plots...), "Write a program" openings (the model kept turning tasks into
 * programming tasks), a leading punctuation mark or a leading non-ASCII character (off-format or non-English
 * output). We add one rule Alpaca did not need: an empty output, which our records cannot hold.
 * ROUGE-L deduplication is the last rule; it needs the pool of earlier instructions (see screen.ts).
 */
import { UserError } from "../errors";

export const RULE_NAMES = [
  "malformed",
  "truncated",
  "too-short",
  "too-long",
  "blacklist",
  "banned-prefix",
  "leading-punctuation",
  "non-ascii-start",
  "empty-output",
  "rouge",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface FilterConfig {
  /** Instructions with this many words or fewer are dropped (Alpaca: 3). */
  minWordsExclusive: number;
  /** Instructions with more words are dropped (Alpaca: 150). */
  maxWords: number;
  /** Words or phrases that drop an instruction when they occur as whole words (any case). */
  blacklist: string[];
  /** Openings that drop an instruction (Alpaca: "Write a program"; compared case-sensitively, as Alpaca did). */
  bannedPrefixes: string[];
  /** Drop instructions whose first character is ASCII punctuation. */
  leadingPunctuation: boolean;
  /** Drop instructions whose first character is not ASCII. */
  nonAsciiStart: boolean;
  /** Drop tasks with an empty output. */
  emptyOutput: boolean;
  /** Drop an instruction whose ROUGE-L F with an earlier kept one is above this; null = no deduplication. */
  rougeThreshold: number | null;
  /** Nearest earlier instructions reported per candidate (Alpaca logged 10); 0 = only what dedup needs. */
  neighbours: number;
}

export const ALPACA_BLACKLIST: readonly string[] = [
  "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps",
  "draw", "plot", "go to", "video", "audio", "music", "flowchart", "diagram",
];

export const DEFAULT_FILTERS: Readonly<FilterConfig> = {
  minWordsExclusive: 3,
  maxWords: 150,
  blacklist: [...ALPACA_BLACKLIST],
  bannedPrefixes: ["Write a program"],
  leadingPunctuation: true,
  nonAsciiStart: true,
  emptyOutput: true,
  rougeThreshold: 0.7,
  neighbours: 10,
};

/** Defaults filled in and every field checked; throws UserError naming the field. */
export function validateFilters(config: Partial<FilterConfig> = {}, where = "filters"): FilterConfig {
  const c: FilterConfig = { ...DEFAULT_FILTERS, ...config };
  const bad = (what: string) => new UserError(`${where}.${what}`, 1);
  if (!Number.isInteger(c.minWordsExclusive) || c.minWordsExclusive < 0) throw bad(`minWordsExclusive must be a non-negative integer, got ${JSON.stringify(c.minWordsExclusive)}`);
  if (!Number.isInteger(c.maxWords) || c.maxWords <= c.minWordsExclusive) throw bad(`maxWords must be an integer above minWordsExclusive (${c.minWordsExclusive}), got ${JSON.stringify(c.maxWords)}`);
  if (!Array.isArray(c.blacklist) || !c.blacklist.every((w) => typeof w === "string" && w.trim() !== "")) throw bad("blacklist must be a list of non-empty strings");
  if (!Array.isArray(c.bannedPrefixes) || !c.bannedPrefixes.every((w) => typeof w === "string" && w !== "")) throw bad("bannedPrefixes must be a list of non-empty strings");
  for (const key of ["leadingPunctuation", "nonAsciiStart", "emptyOutput"] as const) {
    if (typeof c[key] !== "boolean") throw bad(`${key} must be true or false, got ${JSON.stringify(c[key])}`);
  }
  if (c.rougeThreshold !== null && !(typeof c.rougeThreshold === "number" && c.rougeThreshold > 0 && c.rougeThreshold <= 1)) {
    throw bad(`rougeThreshold must be a number in (0, 1] or null, got ${JSON.stringify(c.rougeThreshold)}`);
  }
  if (!Number.isInteger(c.neighbours) || c.neighbours < 0) throw bad(`neighbours must be a non-negative integer, got ${JSON.stringify(c.neighbours)}`);
  return c;
}

/** Which rule dropped a task, and why in words. */
export interface Verdict {
  rule: RuleName;
  detail: string;
}

// Python's string.punctuation, which is what Alpaca tested the first character against.
const ASCII_PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/** Whitespace-separated words, as Python's str.split() counts them. */
export function wordCount(text: string): number {
  const t = text.trim();
  return t === "" ? 0 : t.split(/\s+/).length;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One regex for the whole list; a keyword counts only as a whole word (like Python's \b). */
export function blacklistPattern(words: readonly string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = [...words].sort((a, b) => b.length - a.length).map((w) => escapeRegExp(w.trim()).replace(/\s+/g, "\\s+"));
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`, "iu");
}

/** The per-task rules, compiled once per configuration. */
export class RuleFilter {
  readonly config: FilterConfig;
  private readonly blacklist?: RegExp;

  constructor(config: Partial<FilterConfig> = {}) {
    this.config = validateFilters(config);
    this.blacklist = blacklistPattern(this.config.blacklist);
  }

  /** The first rule (in Alpaca's order) that drops this task, or undefined when it passes them all. */
  check(instruction: string, output: string): Verdict | undefined {
    const c = this.config;
    const inst = instruction.trim();
    const words = wordCount(inst);
    if (words <= c.minWordsExclusive) return { rule: "too-short", detail: `${words} word${words === 1 ? "" : "s"} (at most ${c.minWordsExclusive} are dropped)` };
    if (words > c.maxWords) return { rule: "too-long", detail: `${words} words (more than ${c.maxWords})` };
    const hit = this.blacklist?.exec(inst);
    if (hit) return { rule: "blacklist", detail: `contains '${hit[0].toLowerCase()}'` };
    const prefix = c.bannedPrefixes.find((p) => inst.startsWith(p));
    if (prefix !== undefined) return { rule: "banned-prefix", detail: `starts with '${prefix}'` };
    const first = inst[0];
    if (c.leadingPunctuation && ASCII_PUNCTUATION.has(first)) return { rule: "leading-punctuation", detail: `starts with '${first}'` };
    const cp = inst.codePointAt(0)!;
    if (c.nonAsciiStart && cp > 0x7f) return { rule: "non-ascii-start", detail: `starts with '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, "0")})` };
    if (c.emptyOutput && output.trim() === "") return { rule: "empty-output", detail: "the output is empty" };
    return undefined;
  }
}
