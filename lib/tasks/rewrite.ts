/**
 * A family of word-rewriting instructions for the instruction-diversity study (Zhang, Wang and Charton 2024,
 * "Instruction Diversity Drives Generalization to Unseen Tasks"). Each instruction is one rule, "Replace
 * every <from> with <to>.", applied to a short list of words (colours, with the rule's word among them). The study holds the number of
 * training examples fixed and varies how many distinct rules they are spread over; the test asks rules
 * never seen in training. With few rules a model can memorize each rule's mapping; only with many does
 * "copy the list, swapping the named word for the other named word" pay, and that transfers to new rules.
 *
 * The rule space is the ordered pairs of a word pool. A fixed share of the pairs (chosen by a hash of the
 * pair, the same for every seed) is kept for evaluation, so no seed ever trains on an evaluation rule.
 * Pure TypeScript, no tf.
 */
import type { InstructionRecord } from "../data/record";
import type { World } from "../world/types";
import { hashString, Rng } from "../random";

export const REWRITE_TASK = "word_rewrite";
export const REWRITE_CLUSTER = "rewrite";

export interface RewriteRule {
  from: string;
  to: string;
}

/** One in EVAL_SHARE of all rules is an evaluation rule. */
const EVAL_SHARE = 8;

const oneWord = (names: readonly string[]) => [...new Set(names.filter((w) => /^[a-z]+$/.test(w)))].sort();

/** Words rules are made of: single-word animals, foods and objects of the world (read often in pretraining). */
export function rewriteWords(world: World): string[] {
  const colours = new Set(world.colours);
  return oneWord([...world.animals.map((a) => a.name), ...world.foods.map((f) => f.name), ...world.objects.map((o) => o.name)]).filter((w) => !colours.has(w));
}

/**
 * Words the rest of a list is made of: the world's colours, never part of a rule. Copying them is easy for
 * a small model, so what the study measures is applying the rule, not copying long lists.
 */
export function fillerWords(world: World): string[] {
  return oneWord(world.colours);
}

/** Whether a rule belongs to the evaluation side (fixed by the pair itself, whatever the seed). */
export function isEvalRule(rule: RewriteRule): boolean {
  return hashString(`rewrite-rule/${rule.from}>${rule.to}`) % EVAL_SHARE === 0;
}

/** Every rule of the pool on one side of the split, in a fixed order. */
export function rewriteRules(world: World, side: "train" | "eval"): RewriteRule[] {
  const words = rewriteWords(world);
  const out: RewriteRule[] = [];
  for (const from of words) for (const to of words) {
    if (from === to) continue;
    const rule = { from, to };
    if (isEvalRule(rule) === (side === "eval")) out.push(rule);
  }
  return out;
}

/** The rule applied to a list of words. */
export function applyRule(rule: RewriteRule, words: readonly string[]): string[] {
  return words.map((w) => (w === rule.from ? rule.to : w));
}

/** A list of 3-5 filler words in which `from` appears once or twice (and `to` not at all). */
function inputList(rule: RewriteRule, fillers: readonly string[], rng: Rng): string[] {
  const n = rng.int(3, 5);
  const list = Array.from({ length: n }, () => rng.pick(fillers));
  const hits = rng.chance(0.3) ? 2 : 1;
  for (const i of rng.sample(Array.from({ length: n }, (_, k) => k), hits)) list[i] = rule.from;
  return list;
}

/**
 * One instruction record: the rule and the list in one user message (no separate Alpaca input field, so
 * training and evaluation prompts are laid out the same way), exact-match verifier.
 */
export function rewriteRecord(rule: RewriteRule, list: readonly string[], id: string, split: "train" | "eval"): InstructionRecord {
  const instruction = `Replace every ${rule.from} with ${rule.to}.`;
  const input = list.join(" ");
  const output = applyRule(rule, list).join(" ");
  return {
    id,
    source: "rewrite",
    task: REWRITE_TASK,
    cluster: REWRITE_CLUSTER,
    messages: [
      { role: "user", content: `${instruction}\n\n${input}` },
      { role: "assistant", content: output },
    ],
    references: [output],
    metadata: { split, rule: `${rule.from}>${rule.to}`, verifier: { kind: "normalized", accept: [output] } },
    provenance: { file: "rewrite", format: "alpaca", container: "jsonl" },
  };
}

export interface RewriteDataOptions {
  /** Distinct training rules (instructions). */
  instructions: number;
  /** Training examples in all, spread evenly over the rules. */
  examples: number;
  seed: number;
}

/** The training rules a seed draws: `instructions` of the training side, without replacement. */
export function trainingRules(world: World, instructions: number, seed: number): RewriteRule[] {
  const pool = rewriteRules(world, "train");
  if (!Number.isInteger(instructions) || instructions < 1 || instructions > pool.length) {
    throw new RangeError(`rewrite: instructions must be an integer in [1, ${pool.length}], got ${instructions}`);
  }
  return new Rng(`rewrite/rules/${seed}`).sample(pool, instructions);
}

/** Training records: `examples` records over `instructions` rules (as even as the division allows), shuffled. */
export function rewriteTrainingRecords(world: World, o: RewriteDataOptions): InstructionRecord[] {
  const rules = trainingRules(world, o.instructions, o.seed);
  const words = fillerWords(world);
  const rng = new Rng(`rewrite/train/${o.seed}`);
  const out: InstructionRecord[] = [];
  for (let i = 0; i < o.examples; i++) {
    const rule = rules[i % rules.length];
    out.push(rewriteRecord(rule, inputList(rule, words, rng), `rewrite/train/${o.seed}/${i}`, "train"));
  }
  return rng.shuffle(out);
}

/**
 * Evaluation items: `unseen` items on distinct evaluation rules (never trained on by any seed) and `seen`
 * items on the seed's training rules with fresh lists. The unseen items depend on the seed only, not on
 * the number of training rules, so cells of one seed are compared on the same items.
 */
export function rewriteEvalRecords(world: World, o: { instructions: number; seed: number; unseen: number; seen: number }): { seen: InstructionRecord[]; unseen: InstructionRecord[] } {
  const words = fillerWords(world);
  const evalRules = new Rng(`rewrite/eval-rules/${o.seed}`).sample(rewriteRules(world, "eval"), o.unseen);
  const rng = new Rng(`rewrite/eval/${o.seed}`);
  const unseen = evalRules.map((rule) => rewriteRecord(rule, inputList(rule, words, rng), `rewrite/eval/unseen/${rule.from}>${rule.to}`, "eval"));
  const trained = trainingRules(world, o.instructions, o.seed);
  const seenRng = new Rng(`rewrite/eval-seen/${o.seed}`);
  const seen = Array.from({ length: o.seen }, (_, i) => {
    const rule = trained[i % trained.length];
    return rewriteRecord(rule, inputList(rule, words, seenRng), `rewrite/eval/seen/${i}`, "eval");
  });
  return { seen, unseen };
}
