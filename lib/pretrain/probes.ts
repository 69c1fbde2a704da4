/**
 * Does a base model know its world? Cloze probes in the corpus's own prose ("The capital of Kipaun is")
 * should be completed correctly well above chance; the same facts asked as Alpaca-style instructions
 * should mostly not be answered: the base model knows things but does not follow instructions.
 */
import type { GPT } from "../model/gpt";
import type { Tokenizer } from "../tokenizer";
import { generate } from "../model/generate";
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

/** Runs up to `perRelation` probes per relation (greedy decoding) and summarizes them. */
export function runProbes(model: GPT, tokenizer: Tokenizer, world: World, probes: readonly Cloze[], perRelation = 20, batch = 16): ProbeSummary {
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
    const cloze = generate(model, part.map((p) => tokenizer.encode(p.prompt)), { maxNewTokens: 8, stopTokenIds: [tokenizer.eosId] }, decode);
    const instr = part.map((p) => QUESTIONS[p.relation]!(p.subject));
    const asked = generate(model, instr.map((q) => tokenizer.encode(alpacaPrompt(q))), { maxNewTokens: 12, stopTokenIds: [tokenizer.eosId] }, decode);
    part.forEach((p, j) => {
      const c = cloze[j].text, a = asked[j].text;
      const firstLine = a.split("\n")[0];
      results.push({
        relation: p.relation, subject: p.subject, answer: p.answer,
        cloze: c, clozeCorrect: c.startsWith(p.continuation),
        instruction: instr[j], instructionOutput: a,
        instructionCorrect: norm(firstLine) === norm(p.answer),
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
