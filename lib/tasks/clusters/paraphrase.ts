/**
 * Paraphrase: do two sentences (or two questions) say the same thing, and saying a sentence another way.
 * Sentences come from the world's own phrasings of a fact, so "same meaning" means "same fact". Related
 * to NLI: hold the two clusters out together.
 */
import type { Fact, Relation } from "../../world/types";
import { factSentence } from "../../world/phrases";
import type { ClusterSpec, Draft, MakeContext, SubjectPool, TaskSpec } from "../types";
import { T, allOf, inv, mentions, namedCheck, oneOf } from "../helpers";
import { SUBJECT_POOLS, combineKeys } from "../split";
import { checkOutput } from "../verify";
import { FACT_RELATIONS, QUESTION_RELATIONS, type FactKind, claimSentence, factKeys, objectForms, otherValue, questionsFor, statesFact, subjectFacts, subjectForms } from "../facts";

const CLUSTER = "paraphrase";

/** A random fact about a held-out-aware subject, with the subject's other facts of the listed relations. */
function randomFact(ctx: MakeContext, table: Record<FactKind, readonly Relation[]>): { f: Fact; all: Fact[]; key: string } | undefined {
  const kind: SubjectPool = ctx.rng.pick(Object.keys(table) as FactKind[]);
  const subject = ctx.subject(kind);
  const all = subjectFacts(ctx.world, subject, table[kind as FactKind]);
  if (all.length === 0) return undefined;
  return { f: ctx.rng.pick(all), all, key: combineKeys(ctx.world, [`${kind}:${subject}`, ...all.flatMap((f) => factKeys(ctx.world, f))]) };
}

/** A wording of `f` different from every string in `avoid`, or undefined after a few tries. */
function otherWording(ctx: MakeContext, f: Fact, avoid: string[]): string | undefined {
  for (let i = 0; i < 12; i++) {
    const s = factSentence(ctx.world, f, ctx.rng, 0.3);
    if (!avoid.includes(s)) return s;
  }
  return undefined;
}

/** A sentence about the same subject that states something else (another value, or another relation). */
function differentSentence(ctx: MakeContext, f: Fact, all: Fact[]): string | undefined {
  const others = all.filter((g) => g.relation !== f.relation);
  if (others.length > 0 && ctx.rng.chance(0.5)) return factSentence(ctx.world, ctx.rng.pick(others), ctx.rng, 0.4);
  const o = otherValue(ctx.world, ctx.rng, f);
  return o === undefined ? undefined : claimSentence(ctx.world, ctx.rng, { ...f, object: o });
}

const paraphraseFact: TaskSpec = {
  name: "paraphrase_fact",
  cluster: CLUSTER,
  description: "Do two sentences state the same fact? (yes / no)",
  inputs: ["sentence1", "sentence2"],
  make(ctx): Draft | undefined {
    const w = ctx.world;
    const r = randomFact(ctx, FACT_RELATIONS);
    if (!r) return undefined;
    const { f, all, key } = r;
    const s1 = factSentence(w, f, ctx.rng, 0.4);
    const same = ctx.rng.chance(0.5);
    const s2 = same ? otherWording(ctx, f, [s1]) : differentSentence(ctx, f, all);
    const rewrite = otherWording(ctx, f, [s1]);
    const differentCheck = allOf(mentions({ any: subjectForms(w, f.subject), unlike: [s1] }), mentions({ forbid: objectForms(w, f) }));
    // The target must pass its own check: "Honey counts as a sweet" differs from "Honey tastes sweet" but repeats "sweet".
    let different: string | undefined;
    for (let i = 0; i < 6 && (different === undefined || !checkOutput(differentCheck, different)); i++) different = differentSentence(ctx, f, all);
    if (!s2 || !rewrite || !different || !checkOutput(differentCheck, different) || s1 === s2) return undefined;
    return {
      inputs: { sentence1: s1, sentence2: s2 },
      answer: same ? "yes" : "no",
      options: ["yes", "no"],
      splitKey: key,
      vars: { rewrite, different },
      checks: {
        rewrite: allOf(statesFact(w, f), mentions({ unlike: [s1] })),
        different: differentCheck,
      },
    };
  },
  templates: [
    T("Do these two sentences mean the same thing?\n\n{sentence1}\n{sentence2}"),
    T("Sentence 1: {sentence1}\nSentence 2: {sentence2}\n\nAre these two sentences paraphrases of each other?"),
    T("\"{sentence1}\" and \"{sentence2}\": do they say the same thing?"),
    T("Is the second sentence a rewording of the first?\nFirst: {sentence1}\nSecond: {sentence2}"),
    T("Here are two sentences.\n{sentence1}\n{sentence2}\nDo they have the same meaning?"),
    T("Does \"{sentence2}\" mean the same as \"{sentence1}\"?"),
    T("Compare the meaning of these sentences. Same meaning, yes or no?\n\nOne: {sentence1}\nTwo: {sentence2}"),
    T("Would a reader learn the same fact from \"{sentence1}\" as from \"{sentence2}\"?"),
    T("{sentence1}\n{sentence2}\n\nAre the two sentences above saying the same thing?"),
    T("Check whether the two sentences state the same fact.\n1. {sentence1}\n2. {sentence2}"),
    inv("Rewrite this sentence so it says the same thing in other words: {sentence1}", "{rewrite}", namedCheck("rewrite")),
    inv("Write a sentence about the same subject that does not mean the same as this one: {sentence1}", "{different}", namedCheck("different")),
  ],
};

const paraphraseQuestion: TaskSpec = {
  name: "paraphrase_question",
  cluster: CLUSTER,
  description: "Do two questions ask for the same thing? (yes / no)",
  inputs: ["question1", "question2"],
  make(ctx): Draft | undefined {
    const { world: w, rng } = ctx;
    const kind = rng.pick(Object.keys(QUESTION_RELATIONS) as (keyof typeof QUESTION_RELATIONS)[]);
    const relations: readonly Relation[] = QUESTION_RELATIONS[kind];
    const subject = ctx.subject(kind);
    const facts = subjectFacts(w, subject, relations);
    if (facts.length === 0) return undefined;
    const rel = rng.pick(facts).relation;
    const forms = questionsFor(w, rel, subject);
    const [q1, rephrase] = rng.sample(forms, 2);
    // A different question: another relation about the same subject.
    const otherRels = facts.map((f) => f.relation).filter((r) => r !== rel);
    if (otherRels.length === 0) return undefined;
    const different = rng.pick(questionsFor(w, rng.pick(otherRels), subject));
    const same = rng.chance(0.5);
    let q2 = same ? rng.pick(forms.filter((q) => q !== q1)) : different;
    if (!same && rng.chance(0.5)) {
      // Or the same question about another subject of the same kind.
      const other = rng.pick(SUBJECT_POOLS[kind](w).filter((n) => n !== subject));
      if (subjectFacts(w, other, [rel]).length > 0) q2 = rng.pick(questionsFor(w, rel, other));
    }
    const answer = subjectFacts(w, subject, [rel])[0].object;
    return {
      inputs: { question1: q1, question2: q2 },
      answer: same ? "yes" : "no",
      options: ["yes", "no"],
      splitKey: `${kind}:${subject}`,
      vars: { rephrase, different },
      checks: {
        rephrase: mentions({ any: subjectForms(w, subject), forbid: [answer], unlike: [q1] }),
        different: mentions({ any: subjectForms(w, subject), unlike: forms }),
      },
    };
  },
  templates: [
    T("Are these two questions asking the same thing?\n\n{question1}\n{question2}"),
    T("Question 1: {question1}\nQuestion 2: {question2}\n\nDo these two questions ask for the same information?"),
    T("\"{question1}\" and \"{question2}\": same question or not?"),
    T("Is the second question a rewording of the first?\nFirst: {question1}\nSecond: {question2}"),
    T("Two people asked these questions:\n{question1}\n{question2}\nDid they ask the same thing?"),
    T("Does \"{question2}\" ask the same as \"{question1}\"?"),
    T("Are these questions duplicates of each other?\n- {question1}\n- {question2}"),
    T("Are the following questions paraphrases of each other?\n{question1}\n{question2}"),
    T("{question1}\n{question2}\n\nDo the two questions above mean the same?"),
    T("Decide if these questions are the same in meaning: \"{question1}\" / \"{question2}\""),
    inv("Ask the same question in a different way: {question1}", "{rephrase}", namedCheck("rephrase")),
    inv("Write a different question about the same subject as this one: {question1}", "{different}", namedCheck("different")),
  ],
};

const paraphraseRewrite: TaskSpec = {
  name: "paraphrase_rewrite",
  cluster: CLUSTER,
  description: "Say a sentence another way (any sentence stating the same fact counts).",
  inputs: ["sentence"],
  make(ctx): Draft | undefined {
    const w = ctx.world;
    const r = randomFact(ctx, FACT_RELATIONS);
    if (!r) return undefined;
    const { f, key } = r;
    const sentence = factSentence(w, f, ctx.rng, 0.4);
    const answer = otherWording(ctx, f, [sentence]);
    if (!answer) return undefined;
    return {
      inputs: { sentence },
      answer,
      splitKey: key,
      verifier: allOf(statesFact(w, f), mentions({ unlike: [sentence] })),
      vars: { subject: f.subject },
      checks: { back: allOf(statesFact(w, f), mentions({ unlike: [answer] })), subject: oneOf(...subjectForms(w, f.subject)) },
    };
  },
  templates: [
    T("Rewrite this sentence in other words: {sentence}"),
    T("Say the same thing another way.\n\n{sentence}"),
    T("Paraphrase: {sentence}"),
    T("Write a sentence that means the same as this one: {sentence}"),
    T("{sentence}\n\nExpress this differently, keeping the meaning."),
    T("Here is a sentence: {sentence}\nGive a paraphrase of it."),
    T("Change the wording but not the meaning: {sentence}"),
    T("How else could you say \"{sentence}\"?"),
    T("Restate this fact in your own words: {sentence}"),
    T("Reword the following sentence.\n{sentence}"),
    inv("Write a sentence that means the same as this one: {answer}", "{sentence}", namedCheck("back")),
    inv("This sentence rewords another one: {answer}\nWho or what is the other sentence about? Give the name only.", "{subject}", namedCheck("subject")),
  ],
};

export const paraphrase: ClusterSpec = {
  name: CLUSTER,
  description: "Same meaning or not, and saying things another way.",
  related: ["nli"],
  tasks: [paraphraseFact, paraphraseQuestion, paraphraseRewrite],
};
