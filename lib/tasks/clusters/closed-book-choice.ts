/**
 * Closed-book questions with answer options: facts about countries, cities and people (the relations the
 * question bank asks about, all but age), each asked with four options, scored by rank classification as
 * FLAN scores its closed-book tasks with options. The options are whole sentences in the corpus's canonical
 * wording ("Flalol works as a librarian.") because at this scale a fact is reachable only in the form it was
 * learned in: piloted with bare-name options ("librarian"), nano-base and tuned models alike sat at chance
 * (docs/ABLATIONS.md, flan-clusters-choice). Distractors are other values of the same relation (other
 * capitals, other jobs, other colours), so no option gives itself away by its kind. Subjects are held out
 * whole, as in closed_book_qa.
 */
import type { Fact, Relation, World } from "../../world/types";
import type { Rng } from "../../random";
import { objectsOf } from "../../world/query";
import { canonicalSentence } from "../../world/phrases";
import type { ClusterSpec, MakeContext, SubjectPool, TaskSpec } from "../types";
import { combineKeys } from "../split";
import { RELATION_NAMES, factKeys, questionsFor, valuePool } from "../facts";
import { askCheck, inv, oneOf, unique } from "../helpers";

const CLUSTER = "closed_book_choice";
/** Options per question: the answer and three distractors, so chance is 25%. */
export const CHOICE_OPTIONS = 4;

/** The relations asked, by the kind of subject (the question bank's, all but age). */
const RELATIONS_BY_KIND = {
  country: ["capital", "climate", "national_dish"],
  city: ["in_country", "feature"],
  person: ["job", "home", "favourite_colour", "favourite_food", "hobby", "pet", "best_friend"],
} as const satisfies Record<string, readonly Relation[]>;
type ChoiceRelation = (typeof RELATIONS_BY_KIND)[keyof typeof RELATIONS_BY_KIND][number];
export const CHOICE_RELATIONS: readonly ChoiceRelation[] = Object.values(RELATIONS_BY_KIND).flat();

/** Words a question about the relation uses (the inverted templates' check). */
const CUES: Record<ChoiceRelation, string[]> = {
  capital: ["capital"],
  climate: ["climate", "weather"],
  national_dish: ["dish", "food"],
  in_country: ["country", "where"],
  feature: ["famous", "known", "visit"],
  job: ["job", "work", "works", "do", "trade", "occupation", "living"],
  home: ["live", "lives", "home", "where", "city"],
  favourite_colour: ["colour"],
  favourite_food: ["food", "eat"],
  hobby: ["hobby", "do", "enjoy", "like"],
  pet: ["pet", "animal"],
  best_friend: ["friend"],
};

/** What a fact's distractors are drawn from: capitals compete with capitals, other relations with every value they take. */
export function distractorValues(w: World, relation: Relation, truths: readonly string[]): string[] {
  const values = relation === "capital" ? w.countries.map((c) => c.capital) : valuePool(w, relation);
  return values.filter((v) => !truths.includes(v));
}

/** The answer and `n - 1` other values from `pool`, in a random order. */
export function choiceOptions(rng: Rng, answer: string, pool: readonly string[], n = CHOICE_OPTIONS): string[] {
  const others = unique(pool.filter((x) => x !== answer));
  if (others.length < n - 1) throw new Error(`closed_book_choice: ${others.length} distractors for '${answer}', need ${n - 1}`);
  return rng.shuffle([answer, ...rng.sample(others, n - 1)]);
}

/** How a question is put: the wrapper around one of the relation's questions from the shared question bank. */
const WRAPPERS = [
  "{question}",
  "Answer this question about the world.\n\n{question}",
  "Quiz: {question}",
  "Question: {question}",
  "{question} Choose the right option.",
  "Pick the correct answer. {question}",
  "Here is a question about {subject}. {question}",
  "Test your knowledge: {question}",
  "{question} Only one of the options is true.",
  "Q: {question}",
];

/**
 * One task per relation: a subject of the pool that has the fact, one of the question bank's phrasings of
 * it, and four options. The example's input is the subject alone, so each subject is asked once per task.
 */
function choiceTask(kind: keyof typeof RELATIONS_BY_KIND, relation: ChoiceRelation): TaskSpec {
  const cues = CUES[relation];
  const pool: SubjectPool = kind;
  return {
    name: `${relation}_choice`,
    cluster: CLUSTER,
    description: `Pick the ${RELATION_NAMES[relation] ?? relation} of a ${kind} from four options.`,
    inputs: ["subject"],
    make(ctx: MakeContext) {
      const w = ctx.world;
      const subject = ctx.subject(pool);
      const truths = objectsOf(w, subject, relation);
      if (truths.length === 0) return undefined;
      const answer = truths[0];
      const fact: Fact = { subject, relation, object: answer };
      const sentence = (object: string) => canonicalSentence(w, { ...fact, object });
      return {
        inputs: { subject },
        answer: sentence(answer),
        options: choiceOptions(ctx.rng, answer, distractorValues(w, relation, truths)).map(sentence),
        vars: { question: ctx.rng.pick(questionsFor(w, relation, subject)) },
        splitKey: combineKeys(w, factKeys(w, fact)),
        facts: [fact],
        verifier: oneOf(sentence(answer)),
      };
    },
    templates: [
      ...WRAPPERS.map((prompt) => ({ prompt })),
      inv("The answer is \"{answer}\". Write a question about {subject} that has this answer.", "{question}", askCheck("subject", cues)),
      inv("Write a quiz question about {subject} whose answer is \"{answer}\".", "{question}", askCheck("subject", cues)),
    ],
  };
}

export const closedBookChoice: ClusterSpec = {
  name: CLUSTER,
  description: "Closed-book questions about the world's countries, cities and people, with four sentences as answer options.",
  related: ["closed_book_qa"],
  tasks: Object.entries(RELATIONS_BY_KIND).flatMap(([kind, relations]) =>
    relations.map((r) => choiceTask(kind as keyof typeof RELATIONS_BY_KIND, r))),
};
