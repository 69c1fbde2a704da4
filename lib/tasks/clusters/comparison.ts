/**
 * Commonsense comparison: which of two animals is bigger, which of two people is older, which of two
 * countries lies further north. The world's corpus states sizes, ages and borders; these tasks ask the
 * model to put two of them side by side. Pairs are split as unordered pairs ("A or B" = "B or A").
 */
import { getAnimal, getCountry, isBigger } from "../../world/query";
import type { ClusterSpec, TaskSpec, TemplateSpec } from "../types";
import { pairKey } from "../split";
import { T, aOrAn, allOf, escapeRegExp, inv, listCheck, mentions, namedCheck, NEGATIONS } from "../helpers";
import type { VerifierSpec } from "../verify";

const CLUSTER = "comparison";

/** Output says `big` is bigger than `small` (either way round), without a negation. */
function sizeClaim(big: string, small: string): VerifierSpec {
  const b = escapeRegExp(big);
  const s = escapeRegExp(small);
  const regex = `\\b${b}\\b.*\\b(bigger|larger|heavier|weighs more)\\b.*\\b${s}\\b|\\b${s}\\b.*\\b(smaller|lighter|weighs less)\\b.*\\b${b}\\b`;
  return allOf({ kind: "pattern", regex, flags: "i" }, mentions({ forbid: NEGATIONS }));
}

const compareQuestionCheck = (cues: string[]): TemplateSpec["check"] => (ex) => mentions({ all: [ex.inputs.a, ex.inputs.b], any: cues });

const biggerAnimal: TaskSpec = {
  name: "bigger_animal",
  cluster: CLUSTER,
  description: "Which of two animals is bigger.",
  inputs: ["a", "b"],
  make(ctx) {
    const w = ctx.world;
    const [a, b] = ctx.rng.sample(w.animals, 2).map((x) => x.name);
    const answer = isBigger(w, a, b) ? a : b;
    const rank = getAnimal(w, answer).sizeRank;
    return {
      inputs: { a, b },
      answer,
      options: [a, b],
      splitKey: pairKey("animal", a, b),
      vars: { a_a: aOrAn(a), a_b: aOrAn(b), other: answer === a ? b : a },
      lists: { smaller: w.animals.filter((x) => x.sizeRank < rank).flatMap((x) => [x.name, x.plural]) },
    };
  },
  templates: [
    T("Which is bigger, the {a} or the {b}?"),
    T("Which animal is larger: {a} or {b}?"),
    T("Of the {a} and the {b}, which one is bigger?"),
    T("Question: is the {a} or the {b} the bigger animal?\nAnswer:"),
    T("Name the bigger animal: {a} or {b}."),
    T("Picture {a_a} next to {a_b}. Which one is bigger?"),
    T("Compare the sizes of the {a} and the {b}. Which is bigger?"),
    T("Which weighs more, {a_a} or {a_b}?"),
    T("Pick the larger of these two animals: {a}, {b}."),
    T("Which of the two is bigger: the {a} or the {b}?"),
    inv("Name an animal that is smaller than the {answer}.", "{other}", listCheck("smaller")),
    inv("The {answer} is bigger than some animals. Name one of them.", "{other}", listCheck("smaller")),
    inv("The answer is \"{answer}\". Write a question comparing the {a} and the {b} that has this answer.", "Which is bigger, the {a} or the {b}?", compareQuestionCheck(["bigger", "larger", "heavier", "weighs", "smaller"])),
  ],
};

const olderPerson: TaskSpec = {
  name: "older_person",
  cluster: CLUSTER,
  description: "Which of two people is older.",
  inputs: ["a", "b"],
  make(ctx) {
    const w = ctx.world;
    const [pa, pb] = ctx.rng.sample(w.people, 2);
    if (pa.age === pb.age) return undefined;
    const older = pa.age > pb.age ? pa : pb;
    return {
      inputs: { a: pa.name, b: pb.name },
      answer: older.name,
      options: [pa.name, pb.name],
      splitKey: pairKey("person", pa.name, pb.name),
      vars: { other: older === pa ? pb.name : pa.name },
      lists: { younger: w.people.filter((x) => x.age < older.age).map((x) => x.name) },
    };
  },
  templates: [
    T("Who is older, {a} or {b}?"),
    T("Which of the two is older: {a} or {b}?"),
    T("{a} and {b} are friends. Which of them is older?"),
    T("Question: who is the older one, {a} or {b}?\nAnswer:"),
    T("Name the older person: {a} or {b}."),
    T("Who has lived longer, {a} or {b}?"),
    T("Compare the ages of {a} and {b}. Who is older?"),
    T("Between {a} and {b}, who was born first?"),
    T("Pick the older of these two people: {a}, {b}."),
    T("Which person is older? {a} or {b}"),
    inv("Name a person who is younger than {answer}.", "{other}", listCheck("younger")),
    inv("{answer} is older than some people. Name one of them.", "{other}", listCheck("younger")),
    inv("The answer is \"{answer}\". Write a question about the ages of {a} and {b} that has this answer.", "Who is older, {a} or {b}?", compareQuestionCheck(["older", "younger", "age", "born"])),
  ],
};

const furtherNorth: TaskSpec = {
  name: "further_north",
  cluster: CLUSTER,
  description: "Which of two countries lies further north on the map.",
  inputs: ["a", "b"],
  make(ctx) {
    const w = ctx.world;
    const [ca, cb] = ctx.rng.sample(w.countries, 2);
    if (ca.row === cb.row) return undefined;
    const north = ca.row < cb.row ? ca : cb;
    return {
      inputs: { a: ca.name, b: cb.name },
      answer: north.name,
      options: [ca.name, cb.name],
      splitKey: pairKey("country", ca.name, cb.name),
      vars: { other: north === ca ? cb.name : ca.name },
      lists: { south: w.countries.filter((x) => x.row > getCountry(w, north.name).row).map((x) => x.name) },
    };
  },
  templates: [
    T("Which country lies further north, {a} or {b}?"),
    T("On the map, which country is higher up: {a} or {b}?"),
    T("Question: is {a} or {b} further north?\nAnswer:"),
    T("Name the country that lies more to the north: {a} or {b}."),
    T("Pick the more northern country: {a} or {b}."),
    T("Compare {a} and {b} on the map. Which one is further north?"),
    T("Between {a} and {b}, which country is further north?"),
    T("Which lies nearer to the far north of the map, {a} or {b}?"),
    T("A traveller wants to go as far north as possible. Should she go to {a} or to {b}?"),
    T("{a} and {b} are two countries. Which of them is further north?"),
    inv("Name a country that lies further south than {answer}.", "{other}", listCheck("south")),
    inv("{answer} lies north of some countries on the map. Name one of them.", "{other}", listCheck("south")),
    inv("The answer is \"{answer}\". Write a question comparing where {a} and {b} lie that has this answer.", "Which country lies further north, {a} or {b}?", compareQuestionCheck(["north", "south", "northern", "southern"])),
  ],
};

const biggerYesNo: TaskSpec = {
  name: "bigger_yes_no",
  cluster: CLUSTER,
  description: "Yes or no: is the first animal bigger than the second?",
  inputs: ["a", "b"],
  make(ctx) {
    const w = ctx.world;
    const [a, b] = ctx.rng.sample(w.animals, 2).map((x) => x.name);
    const yes = isBigger(w, a, b);
    const [big, small] = yes ? [a, b] : [b, a];
    return {
      inputs: { a, b },
      answer: yes ? "yes" : "no",
      options: ["yes", "no"],
      splitKey: pairKey("animal", a, b),
      vars: { a_a: aOrAn(a), a_b: aOrAn(b), true_claim: `The ${big} is bigger than the ${small}.`, false_claim: `The ${small} is bigger than the ${big}.` },
      checks: { true_claim: sizeClaim(big, small), false_claim: sizeClaim(small, big) },
    };
  },
  templates: [
    T("Is the {a} bigger than the {b}?"),
    T("Is {a_a} larger than {a_b}? Answer yes or no."),
    T("Answer yes or no: the {a} is bigger than the {b}."),
    T("Question: is the {a} bigger than the {b}?\nAnswer:"),
    T("Does the {a} weigh more than the {b}?"),
    T("Is the {b} smaller than the {a}?"),
    T("Next to {a_b}, is {a_a} the bigger animal?"),
    T("Think about the {a} and the {b}. Is the {a} the bigger of the two?"),
    T("Say yes if the {a} is bigger than the {b}, and no if it is not."),
    T("Here are two animals: the {a} and the {b}. Is the first one bigger?"),
    inv("Write a true sentence comparing the sizes of the {a} and the {b}.", "{true_claim}", namedCheck("true_claim")),
    inv("Write a false sentence comparing the sizes of the {a} and the {b}.", "{false_claim}", namedCheck("false_claim")),
  ],
};

export const comparison: ClusterSpec = {
  name: CLUSTER,
  description: "Comparing two things of the world: size, age, position on the map.",
  tasks: [biggerAnimal, olderPerson, furtherNorth, biggerYesNo],
};

