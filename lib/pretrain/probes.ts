/**
 * Does a base model know its world? Cloze probes in the corpus's own prose ("The capital of Kipaun is")
 * should be completed correctly well above chance; the same facts asked as Alpaca-style instructions
 * should mostly not be answered: the base model knows things but does not follow instructions.
 */
import type { GPT } from "../model/gpt";
import type { Tokenizer } from "../tokenizer";
import { generateAsync } from "../model/generate";
import { firstLine } from "../errors";
import type { Cloze } from "../world/phrases";
import type { World } from "../world/types";

/** Questions for the relations whose probes have one unambiguous answer. */
const QUESTIONS: Partial<Record<string, (s: string) => string>> = {
  capital: (s) => `What is the capital of ${s}?`,
  in_country: (s) => `In which country is ${s}?`,
  job: (s) => `What is ${s}'s job?`,
  home: (s) => `Where does ${s} live?`,
  national_dish: (s) => `What is the national dish of ${s}?`,
  language: (s) => `What language do people speak in ${s}?`,
  sound: (s) => `What sound does a ${s} make?`,
  translation: (s) => `What is the word for ${s} in the invented language?`,
};

export const PROBE_RELATIONS = Object.keys(QUESTIONS);

/** The Alpaca prompt without input, verbatim from the Alpaca repository. */
export function alpacaPrompt(instruction: string): string {
  return "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
    `### Instruction:\n${instruction}\n\n### Response:\n`;
}

export interface ProbeResult {
  relation: string;
  subject: string;
  answer: string;
  cloze: string;
  clozeCorrect: boolean;
  instruction: string;
  instructionOutput: string;
  instructionCorrect: boolean;
}

export interface ProbeSummary {
  n: number;
  clozeAccuracy: number;
  /** Accuracy of guessing uniformly among the answers seen for each relation. */
  chance: number;
  instructionExactMatch: number;
  results: ProbeResult[];
}

const norm = (s: string) => s.trim().replace(/[.!?]+$/, "").trim().toLowerCase();

/**
 * Runs up to `perRelation` probes per relation (greedy decoding) and summarizes them. Reads logits
 * asynchronously (generateAsync), so it runs on every backend, webgpu included.
 */
export async function runProbes(model: GPT, tokenizer: Tokenizer, world: World, probes: readonly Cloze[], perRelation = 20, batch = 16): Promise<ProbeSummary> {
  void world;
  const chosen: Cloze[] = [];
  const answersByRelation = new Map<string, Set<string>>();
  for (const rel of PROBE_RELATIONS) {
    const ps = probes.filter((p) => p.relation === rel);
    answersByRelation.set(rel, new Set(ps.map((p) => p.answer)));
    chosen.push(...ps.slice(0, perRelation));
  }
  const results: ProbeResult[] = [];
  for (let i = 0; i < chosen.length; i += batch) {
    const part = chosen.slice(i, i + batch);
    const decode = (ids: number[]) => tokenizer.decode(ids);
    const cloze = await generateAsync(model, part.map((p) => tokenizer.encode(p.prompt)), { maxNewTokens: 8, stopTokenIds: [tokenizer.eosId] }, decode);
    const instr = part.map((p) => QUESTIONS[p.relation]!(p.subject));
    const asked = await generateAsync(model, instr.map((q) => tokenizer.encode(alpacaPrompt(q))), { maxNewTokens: 12, stopTokenIds: [tokenizer.eosId] }, decode);
    part.forEach((p, j) => {
      const c = cloze[j].text, a = asked[j].text;
      const answerLine = firstLine(a);
      results.push({
        relation: p.relation, subject: p.subject, answer: p.answer,
        cloze: c, clozeCorrect: c.startsWith(p.continuation),
        instruction: instr[j], instructionOutput: a,
        instructionCorrect: norm(answerLine) === norm(p.answer),
      });
    });
  }
  const n = results.length;
  const chanceSum = results.reduce((s, r) => s + 1 / Math.max(1, answersByRelation.get(r.relation)!.size), 0);
  return {
    n,
    clozeAccuracy: results.filter((r) => r.clozeCorrect).length / Math.max(1, n),
    chance: chanceSum / Math.max(1, n),
    instructionExactMatch: results.filter((r) => r.instructionCorrect).length / Math.max(1, n),
    results,
  };
}

export interface RelationKnowledge {
  relation: string;
  n: number;
  accuracy: number;
  /** Guessing uniformly among the relation's distinct answers. */
  chance: number;
}

export interface WorldKnowledge {
  /** Probes over every fact with a canonical sentence (both directions for translations). */
  n: number;
  accuracy: number;
  /** Mean of per-probe chance. */
  chance: number;
  byRelation: RelationKnowledge[];
  /** A few misses, for the model card. */
  misses: { prompt: string; answer: string; output: string }[];
}

/**
 * Cloze accuracy on every fact of the world that has a canonical sentence (greedy decoding, the continuation
 * must match exactly): what the base model knows, relation by relation. Asynchronous like runProbes.
 */
export async function worldKnowledge(model: GPT, tokenizer: Tokenizer, probes: readonly Cloze[], batch = 32): Promise<WorldKnowledge> {
  const answers = new Map<string, Set<string>>();
  for (const p of probes) answers.set(p.relation, (answers.get(p.relation) ?? new Set()).add(p.answer));
  const correct: boolean[] = [];
  const misses: WorldKnowledge["misses"] = [];
  for (let i = 0; i < probes.length; i += batch) {
    const part = probes.slice(i, i + batch);
    const maxNewTokens = Math.min(12, 2 + Math.max(...part.map((p) => tokenizer.encode(p.continuation).length)));
    const outs = await generateAsync(model, part.map((p) => tokenizer.encode(p.prompt)), { maxNewTokens, stopTokenIds: [tokenizer.eosId] }, (ids) => tokenizer.decode(ids));
    part.forEach((p, j) => {
      const ok = outs[j].text.startsWith(p.continuation);
      correct.push(ok);
      if (!ok && misses.length < 12) misses.push({ prompt: p.prompt, answer: p.answer, output: outs[j].text });
    });
  }
  const byRelation: RelationKnowledge[] = [...answers.keys()].map((relation) => {
    const idx = probes.map((p, i) => [p, i] as const).filter(([p]) => p.relation === relation).map(([, i]) => i);
    return { relation, n: idx.length, accuracy: idx.filter((i) => correct[i]).length / idx.length, chance: 1 / answers.get(relation)!.size };
  });
  const n = probes.length;
  return {
    n, accuracy: correct.filter(Boolean).length / Math.max(1, n),
    chance: probes.reduce((s, p) => s + 1 / answers.get(p.relation)!.size, 0) / Math.max(1, n),
    byRelation, misses,
  };
}
