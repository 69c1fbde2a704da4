/**
 * Extraction and summarization: pull the city or the person's name out of a sentence (which also names a
 * country, a job, a food, to make picking the right span matter), and sum up a short entry about a person
 * in one sentence: who they are, what they do and where they live.
 */
import { countryOf, getPerson } from "../../world/query";
import { factSentence, foodNoun } from "../../world/phrases";
import { pronounize } from "../../world/docs/common";
import type { Fact } from "../../world/types";
import type { ClusterSpec, Draft, TaskSpec } from "../types";
import { NEGATIONS, T, aOrAn, allOf, inv, mentions, namedCheck, normalized, pronouns } from "../helpers";
import { combineKeys } from "../split";
import { personFact } from "../facts";

const CLUSTER = "extraction";

const extractCity: TaskSpec = {
  name: "extract_city",
  cluster: CLUSTER,
  description: "Which city does a sentence name (it also names a person and a country)?",
  inputs: ["sentence"],
  make(ctx): Draft {
    const { world: w, rng } = ctx;
    const p = getPerson(w, ctx.subject("person"));
    const city = p.home;
    const country = countryOf(w, city);
    const sentence = rng.pick([
      () => `${p.name} lives in ${city}, a city in ${country}.`,
      () => `${country} is home to ${p.name}, who lives in the city of ${city}.`,
      () => `In ${country}, ${p.name} has a house in ${city}.`,
      () => `${p.name}, ${aOrAn(p.job)} from ${country}, makes ${pronouns(p).his} home in ${city}.`,
    ])();
    return {
      inputs: { sentence },
      answer: city,
      splitKey: combineKeys(w, [`person:${p.name}`, `city:${city}`]),
      vars: { person: p.name },
      checks: {
        mention: mentions({ all: [city] }),
        lives: allOf(mentions({ all: [p.name, city], forbid: NEGATIONS }), mentions({ any: ["live", "lives", "home", "house"] })),
      },
    };
  },
  templates: [
    T("Which city is mentioned in this sentence? {sentence}"),
    T("Extract the name of the city from the text.\n\n{sentence}"),
    T("{sentence}\n\nWhat city does the sentence talk about?"),
    T("Find the city in the following sentence: {sentence}"),
    T("Question: which city is named in \"{sentence}\"?\nAnswer:"),
    T("Read the sentence and write down the city it names.\n{sentence}"),
    T("Pull out the city name: {sentence}"),
    T("In the sentence below, a city is mentioned. Which one?\n{sentence}"),
    T("Text: {sentence}\nCity:"),
    T("Name the city that appears in this sentence: {sentence}"),
    inv("Write a sentence that mentions the city of {answer}.", "{sentence}", namedCheck("mention")),
    inv("Write a sentence saying that {person} lives in {answer}.", "{sentence}", namedCheck("lives")),
  ],
};

const extractName: TaskSpec = {
  name: "extract_name",
  cluster: CLUSTER,
  description: "Which person is a sentence about (it also names places and things)?",
  inputs: ["sentence"],
  make(ctx): Draft {
    const { world: w, rng } = ctx;
    const p = getPerson(w, ctx.subject("person"));
    const city = rng.pick(w.cities);
    const food = foodNoun(rng.pick(w.foods.filter((f) => !f.invented)));
    const sentence = rng.pick([
      () => `At the market in ${city.name}, ${p.name} bought some ${food}.`,
      () => `${p.name} walked past the ${city.feature} of ${city.name} on the way to work.`,
      () => `Everyone in ${city.name} knows ${p.name}, who works as ${aOrAn(p.job)}.`,
      () => `Last spring ${p.name} travelled to ${city.name} to see the ${city.feature}.`,
    ])();
    return {
      inputs: { sentence },
      answer: p.name,
      splitKey: `person:${p.name}`,
      vars: { city: city.name },
      checks: { about: mentions({ all: [p.name] }), place: mentions({ all: [p.name, city.name] }) },
    };
  },
  templates: [
    T("Who is this sentence about? {sentence}"),
    T("Extract the name of the person from the text.\n\n{sentence}"),
    T("{sentence}\n\nWhich person does the sentence mention?"),
    T("Find the person's name in the following sentence: {sentence}"),
    T("Question: who is named in \"{sentence}\"?\nAnswer:"),
    T("Read the sentence and write down the name of the person in it.\n{sentence}"),
    T("Pull out the person's name: {sentence}"),
    T("Somebody is mentioned in the sentence below. Who?\n{sentence}"),
    T("Text: {sentence}\nPerson:"),
    T("Name the person who appears in this sentence: {sentence}"),
    inv("Write a sentence about {answer}.", "{sentence}", namedCheck("about")),
    inv("Write a sentence that names {answer} and the city of {city}.", "{sentence}", namedCheck("place")),
  ],
};

const summarizePerson: TaskSpec = {
  name: "summarize_person",
  cluster: CLUSTER,
  description: "Sum up a four-sentence entry about a person in one sentence: name, job, home.",
  inputs: ["entry"],
  make(ctx): Draft {
    const { world: w, rng } = ctx;
    const p = getPerson(w, ctx.subject("person"));
    const core = [personFact(p, "job")!, personFact(p, "home")!];
    const extra = rng.sample(["favourite_colour", "hobby", "age", "pet", "favourite_food"].map((r) => personFact(p, r as Fact["relation"])).filter((f): f is Fact => f !== undefined), 2);
    const facts = [...rng.shuffle(core), ...extra];
    const entry = facts.map((f, i) => (i === 0 ? factSentence(w, f, rng, 0.4) : pronounize(factSentence(w, f, rng, 0.4), p))).join(" ");
    const summary = `${p.name} is ${aOrAn(p.job)} who lives in ${p.home}.`;
    const says = mentions({ all: [p.name, p.job, p.home] });
    return {
      inputs: { entry },
      answer: summary,
      verifier: mentions({ all: [p.name, p.job, p.home], forbid: NEGATIONS, maxWords: 20 }),
      splitKey: `person:${p.name}`,
      facts,
      vars: { person: p.name },
      checks: { entry: says, who: normalized(p.name) },
    };
  },
  templates: [
    T("Summarize this text in one sentence.\n\n{entry}"),
    T("{entry}\n\nWrite a one-sentence summary."),
    T("Give a short summary of the following entry: {entry}"),
    T("Read the entry and sum it up in a single sentence: who the person is, what they do and where they live.\n\n{entry}"),
    T("Entry: {entry}\nSummary:"),
    T("In one sentence, what is this text about?\n{entry}"),
    T("Make this entry shorter, one sentence only: {entry}"),
    T("{entry}\n\nSum this up in a sentence."),
    T("Write a brief summary (one sentence) of the entry below.\n{entry}"),
    T("Shorten the following to one sentence.\n\n{entry}"),
    inv("Write a short entry of two or three sentences about a person, based on this summary: {answer}", "{entry}", namedCheck("entry")),
    inv("Here is a summary: {answer}\nWho is it about?", "{person}", namedCheck("who")),
  ],
};

export const extraction: ClusterSpec = {
  name: CLUSTER,
  description: "Pull a name or a city out of a sentence; sum up an entry.",
  tasks: [extractCity, extractName, summarizePerson],
};
