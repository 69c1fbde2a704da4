/**
 * Natural language inference on the world's facts. A premise of two sentences, a hypothesis, and the
 * question whether the premise makes the hypothesis true ("yes"), false ("no") or leaves it open ("it is
 * not possible to tell"). Entailed hypotheses restate a premise fact in other words, contradictions give the
 * same attribute another value, neutral ones talk about an attribute the premise does not mention — the
 * label is about the premise alone, even where the world happens to know the answer.
 */
import type { Fact, World } from "../../world/types";
import type { Rng } from "../../random";
import { canonicalSentence, factSentence } from "../../world/phrases";
import { getAnimal, getCountry, getPerson } from "../../world/query";
import { capitalize } from "../../world/text";
import type { ClusterSpec, Draft, MakeContext, TaskSpec, TemplateSpec } from "../types";
import type { VerifierSpec } from "../verify";
import { NEGATIONS, T, allOf, anyOf, aOrAn, escapeRegExp, inv, mentions, namedCheck, unique } from "../helpers";
import { factKeys, objectForms, otherValue, personFact, subjectForms, valuePool } from "../facts";
import { combineKeys } from "../split";

const CLUSTER = "nli";
export const NLI_LABELS = ["yes", "it is not possible to tell", "no"] as const;
type Label = "yes" | "no" | "neutral";

// Relations whose paraphrases all pin down a single value, so another value in any wording contradicts.
const EXCLUSIVE = new Set<Fact["relation"]>(["capital", "job", "home", "age", "national_animal"]);

function contradictionSentence(w: World, rng: Rng, f: Fact): string {
  return EXCLUSIVE.has(f.relation) ? factSentence(w, f, rng, 0.4) : canonicalSentence(w, f);
}

/** A second wording of a fact, different from `avoid` when the world has one. */
function restate(w: World, rng: Rng, f: Fact, avoid: string): string {
  let s = factSentence(w, f, rng, 0.4);
  for (let i = 0; i < 8 && s === avoid; i++) s = factSentence(w, f, rng, 0.4);
  return s;
}

/** Checks for "write a sentence the premise makes true / false", about facts of one subject. */
function factChecks(w: World, subject: string, premiseFacts: Fact[], contradiction: Fact): Record<string, VerifierSpec> {
  const subj = mentions({ any: subjectForms(w, subject) });
  const trueForms = unique(premiseFacts.flatMap((f) => objectForms(w, f)));
  // Other values of the premise's relations (ages only as the one the reference uses: a list of every age would be long).
  const others = unique([
    ...premiseFacts.filter((f) => f.relation !== "age").flatMap((f) => valuePool(w, f.relation)),
    ...objectForms(w, contradiction),
  ]).filter((v) => !trueForms.includes(v));
  return {
    entailed: allOf(subj, mentions({ any: trueForms, forbid: NEGATIONS })),
    contradiction: anyOf(
      allOf(subj, mentions({ any: others, forbid: [...trueForms, ...NEGATIONS] })),
      allOf(subj, mentions({ any: trueForms }), mentions({ any: ["not", "never", "isn't", "doesn't", "aren't"] })),
    ),
  };
}

/** Premise of two facts, a hypothesis with the wanted label, and the inverted templates' targets and checks. */
function factNli(ctx: MakeContext, subject: string, facts: Fact[], label: Label): Draft | undefined {
  const { world: w, rng } = ctx;
  if (facts.length < 3) return undefined;
  const [f1, f2, f3] = rng.sample(facts, 3);
  const s1 = factSentence(w, f1, rng, 0.4);
  const s2 = factSentence(w, f2, rng, 0.4);
  const pick = rng.chance(0.5) ? ([f1, s1] as const) : ([f2, s2] as const);
  let hypothesis: string;
  if (label === "yes") hypothesis = restate(w, rng, pick[0], pick[1]);
  else if (label === "no") {
    const o = otherValue(w, rng, pick[0]);
    if (o === undefined) return undefined;
    hypothesis = contradictionSentence(w, rng, { ...pick[0], object: o });
  } else {
    const o = rng.chance(0.5) ? f3.object : otherValue(w, rng, f3);
    if (o === undefined) return undefined;
    hypothesis = factSentence(w, { ...f3, object: o }, rng, 0.4);
  }
  const other = otherValue(w, rng, f1);
  if (other === undefined) return undefined;
  const contra: Fact = { ...f1, object: other };
  return {
    inputs: { premise: `${s1} ${s2}`, hypothesis },
    answer: label === "neutral" ? NLI_LABELS[1] : label,
    vars: { entailed: restate(w, rng, f1, s1), contradiction: contradictionSentence(w, rng, contra) },
    checks: factChecks(w, subject, [f1, f2], contra),
    splitKey: combineKeys(w, [`${subjectPool(w, subject)}:${subject}`, ...[f1, f2, f3].flatMap((f) => factKeys(w, f))]),
  };
}

function subjectPool(w: World, name: string): "person" | "country" {
  return w.people.some((p) => p.name === name) ? "person" : "country";
}

const PERSON_RELATIONS: Fact["relation"][] = ["job", "home", "age", "favourite_colour"];
const COUNTRY_RELATIONS: Fact["relation"][] = ["capital", "climate", "national_animal", "national_dish"];

function personFacts(w: World, name: string): Fact[] {
  const p = getPerson(w, name);
  return PERSON_RELATIONS.map((r) => personFact(p, r)).filter((f): f is Fact => f !== undefined);
}

function countryFacts(w: World, name: string): Fact[] {
  const c = getCountry(w, name);
  const o: Record<string, string> = { capital: c.capital, climate: c.climate, national_animal: c.nationalAnimal, national_dish: c.nationalDish };
  return COUNTRY_RELATIONS.map((r) => ({ subject: name, relation: r, object: o[r] }));
}

const pickLabel = (rng: Rng): Label => rng.pick(["yes", "no", "neutral"] as const);

const NLI_TEMPLATES: TemplateSpec[] = [
  T("{premise}\n\nBased on the text above, is it true that \"{hypothesis}\"?"),
  T("Premise: {premise}\nHypothesis: {hypothesis}\n\nDoes the premise entail the hypothesis?"),
  T("Read the text and decide whether the sentence after it follows from it.\n\nText: {premise}\nSentence: {hypothesis}"),
  T("Given that \"{premise}\", is it true that \"{hypothesis}\"?"),
  T("Here is a short text: {premise}\n\nIf the text is true, is this true as well? {hypothesis}"),
  T("Suppose this is true: {premise}\n\nDoes it follow that \"{hypothesis}\"?"),
  T("Decide if the claim follows from the passage.\n\nPassage: {premise}\nClaim: {hypothesis}"),
  T("{premise}\nQuestion: does this mean that \"{hypothesis}\"? Yes, no, or it is not possible to tell?"),
  T("Text: {premise}\n\nCan we conclude from the text that \"{hypothesis}\"?"),
  T("Read the following and answer yes, no, or it is not possible to tell.\n\n{premise}\n\nIs it true that \"{hypothesis}\"?"),
  inv("{premise}\n\nWrite a sentence that must be true if the text above is true.", "{entailed}", namedCheck("entailed")),
  inv("{premise}\n\nWrite a sentence that cannot be true if the text above is true.", "{contradiction}", namedCheck("contradiction")),
  inv("Premise: {premise}\nWrite a hypothesis that the premise contradicts.", "{contradiction}", namedCheck("contradiction")),
];

const RTE_TEMPLATES: TemplateSpec[] = [
  T("{premise}\n\nDoes this mean that \"{hypothesis}\"? Answer yes or no."),
  T("Text A: {premise}\nText B: {hypothesis}\n\nIf A is true, must B be true?"),
  T("Does \"{premise}\" imply \"{hypothesis}\"?"),
  T("Read: {premise}\nIs it certain that \"{hypothesis}\"?"),
  T("Premise: {premise}\nHypothesis: {hypothesis}\nIs the hypothesis entailed by the premise?"),
  T("{premise}\n\nQuestion: is the following sentence definitely true? {hypothesis}"),
  T("Determine whether the second text follows from the first.\n\nFirst: {premise}\nSecond: {hypothesis}"),
  T("Given the text \"{premise}\", can we say for sure that \"{hypothesis}\"?"),
  T("Assume the following is true: {premise}\nThen is this true too: {hypothesis}"),
  T("Text: {premise}\nStatement: {hypothesis}\nDoes the text support the statement?"),
  inv("{premise}\n\nWrite a sentence that follows from this text.", "{entailed}", namedCheck("entailed")),
  inv("{premise}\n\nWrite a sentence that this text shows to be false.", "{contradiction}", namedCheck("contradiction")),
];

const nliPerson: TaskSpec = {
  name: "nli_person",
  cluster: CLUSTER,
  description: "Three-way inference over two sentences about a person.",
  inputs: ["premise", "hypothesis"],
  make(ctx) {
    const name = ctx.subject("person");
    const d = factNli(ctx, name, personFacts(ctx.world, name), pickLabel(ctx.rng));
    return d && { ...d, options: [...NLI_LABELS] };
  },
  templates: NLI_TEMPLATES,
};

const nliPlace: TaskSpec = {
  name: "nli_place",
  cluster: CLUSTER,
  description: "Three-way inference over two sentences about a country.",
  inputs: ["premise", "hypothesis"],
  make(ctx) {
    const name = ctx.subject("country");
    const d = factNli(ctx, name, countryFacts(ctx.world, name), pickLabel(ctx.rng));
    return d && { ...d, options: [...NLI_LABELS] };
  },
  templates: NLI_TEMPLATES,
};

// ---- Sizes: transitive inference over "bigger than" chains.

function sizeSentence(rng: Rng, big: string, small: string): string {
  switch (rng.below(4)) {
    case 0: return `${capitalize(aOrAn(big))} is bigger than ${aOrAn(small)}.`;
    case 1: return `The ${big} is larger than the ${small}.`;
    case 2: return `${capitalize(aOrAn(small))} is smaller than ${aOrAn(big)}.`;
    default: return `The ${small} is not as big as the ${big}.`;
  }
}

/** Says `big` is bigger than `small` in any of the usual wordings (no "not as big as" here: that one is checked by name). */
function sizeClaim(big: string, small: string): VerifierSpec {
  const b = escapeRegExp(big);
  const s = escapeRegExp(small);
  return {
    kind: "pattern",
    regex: `\\b${b}\\b.*\\b(bigger|larger|heavier)\\b.*\\b${s}\\b|\\b${s}\\b.*\\b(smaller|lighter)\\b.*\\b${b}\\b`,
    flags: "i",
  };
}

const nliSize: TaskSpec = {
  name: "nli_size",
  cluster: CLUSTER,
  description: "Three-way inference over chains of size comparisons (a > b, b > c, so a > c).",
  inputs: ["premise", "hypothesis"],
  make(ctx) {
    const { world: w, rng } = ctx;
    const four = rng.sample(w.animals, 4);
    const [a, b, c] = four.slice(0, 3).sort((x, y) => y.sizeRank - x.sizeRank).map((x) => x.name);
    const d = four[3].name;
    const claims = rng.shuffle([sizeSentence(rng, a, b), sizeSentence(rng, b, c)]);
    const label = pickLabel(rng);
    let hypothesis: string;
    if (label === "yes") hypothesis = sizeSentence(rng, a, c);
    else if (label === "no") hypothesis = sizeSentence(rng, c, a);
    else {
      const x = rng.pick([a, b, c]);
      const dBig = getAnimal(w, d).sizeRank > getAnimal(w, x).sizeRank;
      // Either direction, whatever the world says: the premise does not mention d.
      hypothesis = rng.chance(0.5) === dBig ? sizeSentence(rng, d, x) : sizeSentence(rng, x, d);
    }
    const noNeg = mentions({ forbid: NEGATIONS });
    return {
      inputs: { premise: claims.join(" "), hypothesis },
      answer: label === "neutral" ? NLI_LABELS[1] : label,
      options: [...NLI_LABELS],
      vars: { entailed: `${capitalize(aOrAn(a))} is bigger than ${aOrAn(c)}.`, contradiction: `${capitalize(aOrAn(c))} is bigger than ${aOrAn(a)}.` },
      checks: {
        entailed: allOf(anyOf(sizeClaim(a, b), sizeClaim(b, c), sizeClaim(a, c)), noNeg),
        contradiction: allOf(anyOf(sizeClaim(b, a), sizeClaim(c, b), sizeClaim(c, a)), noNeg),
      },
    };
  },
  templates: NLI_TEMPLATES,
};

const rte: TaskSpec = {
  name: "rte",
  cluster: CLUSTER,
  description: "Two-way entailment (yes / no) over sentences about a person or a country.",
  inputs: ["premise", "hypothesis"],
  make(ctx) {
    const person = ctx.rng.chance(0.6);
    const name = ctx.subject(person ? "person" : "country");
    const facts = person ? personFacts(ctx.world, name) : countryFacts(ctx.world, name);
    const label = ctx.rng.chance(0.5) ? "yes" : ctx.rng.pick(["no", "neutral"] as const);
    const d = factNli(ctx, name, facts, label);
    return d && { ...d, answer: label === "yes" ? "yes" : "no", options: ["yes", "no"] };
  },
  templates: RTE_TEMPLATES,
};

export const nli: ClusterSpec = {
  name: CLUSTER,
  description: "Does the premise make the hypothesis true, false, or neither?",
  related: ["paraphrase"],
  tasks: [nliPerson, nliPlace, nliSize, rte],
};
