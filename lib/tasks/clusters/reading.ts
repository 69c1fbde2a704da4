/**
 * Reading comprehension: a short passage and a question answered from it. Entry passages restate a
 * person's facts (held out by person, like closed-book QA); event passages tell something that happened
 * on one day, which no corpus document states, so only the passage can answer them.
 */
import type { Rng } from "../../random";
import type { Fact, Relation, World } from "../../world/types";
import { getPerson, getFood } from "../../world/query";
import { factSentence, foodNoun } from "../../world/phrases";
import { pronounize } from "../../world/docs/common";
import { DAYS } from "../../world/data";
import { numberToWords } from "../../world/numbers";
import type { ClusterSpec, Draft, TaskSpec, TemplateSpec } from "../types";
import type { VerifierSpec } from "../verify";
import { T, aOrAn, anyOf, inv, mentions, namedCheck, normalized, numberIs, pronouns, unique } from "../helpers";
import { RELATION_CUES, objectForms, personFact, questionsFor } from "../facts";

const CLUSTER = "reading_comprehension";

/** How to check a short answer that is a fact's object. */
function objectAnswer(w: World, f: Fact): VerifierSpec {
  if (f.relation === "age") return numberIs(Number(f.object));
  const forms = objectForms(w, f);
  return normalized(...forms, ...(f.relation === "job" || f.relation === "pet" ? [aOrAn(f.object)] : []));
}

const RC_TEMPLATES: TemplateSpec[] = [
  T("{passage}\n\n{question}"),
  T("Read the text and answer the question.\n\n{passage}\n\nQuestion: {question}"),
  T("Passage: {passage}\nQuestion: {question}\nAnswer:"),
  T("{passage}\n\nAnswer this question using the text above: {question}"),
  T("Text: {passage}\n\n{question} Answer with a word or a number from the text."),
  T("Based on the passage below, answer the question.\n\n{passage}\n\n{question}"),
  T("{question}\n\nFind the answer in this text: {passage}"),
  T("Answer the question about the story.\n\nStory: {passage}\nQuestion: {question}"),
  T("Context: {passage}\n{question}"),
  T("I read this: \"{passage}\" {question}"),
  inv("{passage}\n\nWrite a question about the text whose answer is \"{answer}\".", "{question}", namedCheck("ask")),
  inv("Answer: {answer}\n\nText: {passage}\n\nWhat question about the text has this answer?", "{question}", namedCheck("ask")),
  inv("{passage}\n\nWhich sentence of the text shows that the answer to \"{question}\" is {answer}?", "{evidence}", namedCheck("evidence")),
];

const ENTRY_RELATIONS: Relation[] = ["job", "home", "age", "favourite_colour", "hobby", "pet", "best_friend", "favourite_food"];

const rcEntry: TaskSpec = {
  name: "rc_entry",
  cluster: CLUSTER,
  description: "A three-sentence entry about a person and a question answered from it.",
  inputs: ["passage", "question"],
  make(ctx): Draft | undefined {
    const { world: w, rng } = ctx;
    const p = getPerson(w, ctx.subject("person"));
    const facts = ENTRY_RELATIONS.map((r) => personFact(p, r)).filter((f): f is Fact => f !== undefined);
    const chosen = rng.sample(facts, 3);
    const sentences = chosen.map((f, i) => (i === 0 ? factSentence(w, f, rng, 0.4) : pronounize(factSentence(w, f, rng, 0.4), p)));
    const qi = rng.below(3);
    const f = chosen[qi];
    const question = rng.pick(questionsFor(w, f.relation, p.name));
    const answer = f.relation === "favourite_food" ? foodNoun(getFood(w, f.object)) : f.object;
    const forms = objectForms(w, f);
    return {
      inputs: { passage: sentences.join(" "), question },
      answer,
      references: unique([answer, ...forms]),
      verifier: objectAnswer(w, f),
      splitKey: `person:${p.name}`,
      facts: chosen,
      vars: { evidence: sentences[qi] },
      checks: { ask: mentions({ all: [p.name], any: RELATION_CUES[f.relation] ?? [], forbid: forms }), evidence: normalized(sentences[qi]) },
    };
  },
  templates: RC_TEMPLATES,
};

interface Event {
  passage: string;
  sentences: string[];
  person: string;
  city: string;
  day: string;
  food: string;
  coins: number;
  friend: string;
}

function event(w: World, rng: Rng): Event {
  const [p, q] = rng.sample(w.people, 2);
  const pr = pronouns(p);
  const city = rng.pick(w.cities).name;
  const day = rng.pick(DAYS);
  const food = foodNoun(rng.pick(w.foods.filter((f) => !f.invented)));
  const coins = rng.int(2, 12);
  const sentences = rng.pick([
    () => [`On ${day}, ${p.name} went to ${city} to buy ${food}.`, `${pr.He} paid ${numberToWords(coins)} coins and gave the ${food} to ${q.name}.`],
    () => [`${p.name} walked to the market in ${city} on ${day}.`, `There ${pr.he} bought ${food} for ${coins} coins.`, `Later ${pr.he} shared the ${food} with ${q.name}.`],
    () => [`It was ${day}, and ${p.name} was in ${city}.`, `${pr.He} spent ${numberToWords(coins)} coins on ${food}.`, `${pr.He} took the ${food} home for ${q.name}.`],
  ])();
  return { passage: sentences.join(" "), sentences, person: p.name, city, day, food, coins, friend: q.name };
}

const rcEvent: TaskSpec = {
  name: "rc_event",
  cluster: CLUSTER,
  description: "A short story of one day (who went where, bought what, paid how much) and a question about it.",
  inputs: ["passage", "question"],
  make(ctx): Draft | undefined {
    const { world: w, rng } = ctx;
    const e = event(w, rng);
    const kind = rng.pick(["where", "when", "what", "coins", "who"] as const);
    const q: Record<typeof kind, [string[], string, VerifierSpec, string, string[]]> = {
      where: [[`Where did ${e.person} go?`, `In which city was ${e.person}?`], e.city, normalized(e.city), e.city, ["where", "city", "which"]],
      when: [[`On which day did this happen?`, `What day was it?`, `When did ${e.person} buy the ${e.food}?`], e.day, normalized(e.day, `on ${e.day}`), e.day, ["day", "when"]],
      what: [[`What did ${e.person} buy?`, `Which food did ${e.person} get?`], e.food, normalized(e.food), e.food, ["buy", "bought", "food", "what"]],
      coins: [[`How many coins did ${e.person} pay?`, `How much did the ${e.food} cost, in coins?`], String(e.coins), anyOf(numberIs(e.coins), normalized(`${e.coins} coins`, `${numberToWords(e.coins)} coins`)), numberToWords(e.coins), ["how many", "how much", "coins", "cost"]],
      who: [[`Who got the ${e.food}?`, `Who received the ${e.food}?`], e.friend, normalized(e.friend), e.friend, ["who", "whom"]],
    };
    const [questions, answer, verifier, wordForm, cues] = q[kind];
    const question = rng.pick(questions);
    const evidence = e.sentences.find((s) => s.includes(answer) || s.includes(wordForm)) ?? e.sentences[0];
    return {
      inputs: { passage: e.passage, question },
      answer,
      references: unique([answer, wordForm]),
      verifier,
      vars: { evidence },
      checks: { ask: mentions({ any: cues, forbid: unique([answer, wordForm]) }), evidence: normalized(evidence) },
    };
  },
  templates: RC_TEMPLATES,
};

const rcYesNo: TaskSpec = {
  name: "rc_yes_no",
  cluster: CLUSTER,
  description: "A short story of one day and a yes/no question about it.",
  inputs: ["passage", "question"],
  make(ctx): Draft | undefined {
    const { world: w, rng } = ctx;
    const e = event(w, rng);
    const yes = rng.chance(0.5);
    const otherCity = rng.pick(w.cities.filter((c) => c.name !== e.city)).name;
    const otherDay = rng.pick(DAYS.filter((d) => d !== e.day));
    const otherFood = foodNoun(rng.pick(w.foods.filter((f) => !f.invented && foodNoun(f) !== e.food)));
    const otherFriend = rng.pick(w.people.filter((x) => x.name !== e.friend && x.name !== e.person)).name;
    const forms = [
      (c: string) => `Did ${e.person} go to ${c}?`,
      (d: string) => `Did ${e.person} go out on ${d}?`,
      (f: string) => `Did ${e.person} buy ${f}?`,
      (x: string) => `Did ${x} get the ${e.food}?`,
    ];
    const i = rng.below(forms.length);
    const value = [[e.city, otherCity], [e.day, otherDay], [e.food, otherFood], [e.friend, otherFriend]][i][yes ? 0 : 1];
    const question = forms[i](value);
    const trueDetails = [e.city, e.day, e.food, e.friend];
    const falseDetails = [
      ...w.cities.map((c) => c.name).filter((c) => c !== e.city),
      ...DAYS.filter((d) => d !== e.day),
      ...unique(w.foods.filter((f) => !f.invented).map((f) => foodNoun(f))).filter((f) => f !== e.food),
    ];
    const askYes = mentions({ any: trueDetails, forbid: falseDetails });
    const askNo = mentions({ any: i === 3 && !yes ? [otherFriend, ...falseDetails] : falseDetails });
    return {
      inputs: { passage: e.passage, question },
      answer: yes ? "yes" : "no",
      options: ["yes", "no"],
      checks: { ask: yes ? askYes : askNo },
    };
  },
  templates: [
    T("{passage}\n\n{question}"),
    T("Read the passage and answer yes or no.\n\n{passage}\n\n{question}"),
    T("Passage: {passage}\nQuestion: {question}\nAnswer yes or no:"),
    T("{passage}\n\nBased on the text, answer: {question}"),
    T("Text: {passage}\nIs the answer to \"{question}\" yes or no?"),
    T("Here is a story: {passage}\n{question} Yes or no?"),
    T("{question}\n\nUse this text to decide: {passage}"),
    T("Context: {passage}\n\nQuestion: {question}"),
    T("Read this and answer the question with yes or no. {passage} {question}"),
    T("Story: {passage}\n\nAccording to the story: {question}"),
    inv("{passage}\n\nWrite a yes-or-no question about the text whose answer is \"{answer}\".", "{question}", namedCheck("ask")),
    inv("Answer: {answer}\n\n{passage}\n\nWhat yes-or-no question about the passage could have this answer?", "{question}", namedCheck("ask")),
  ],
};

export const readingComprehension: ClusterSpec = {
  name: CLUSTER,
  description: "Answer a question from a short passage.",
  tasks: [rcEntry, rcEvent, rcYesNo],
};
