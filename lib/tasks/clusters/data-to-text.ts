/**
 * Data-to-text: a fact triple (subject | relation | object) to one sentence. The reference is the
 * world's canonical sentence — the phrasing the corpus uses for every fact — and any sentence naming the
 * subject and object without a negation (and with a cue word for relations the object does not pin down)
 * is accepted.
 */
import type { Relation } from "../../world/types";
import { canonicalSentence } from "../../world/phrases";
import type { ClusterSpec, Draft, MakeContext, SubjectPool, TaskSpec, TemplateSpec } from "../types";
import { T, anyOf, escapeRegExp, inv, namedCheck, normalized, oneOf } from "../helpers";
import { combineKeys } from "../split";
import { FACT_RELATIONS, RELATION_NAMES, type FactKind, factKeys, statesFact, subjectFacts } from "../facts";

const CLUSTER = "data_to_text";

function d2tDraft(ctx: MakeContext, kinds: FactKind[]): Draft | undefined {
  const w = ctx.world;
  const kind = ctx.rng.pick(kinds);
  const subject = ctx.subject(kind as SubjectPool);
  const relations: readonly Relation[] = FACT_RELATIONS[kind];
  const facts = subjectFacts(w, subject, relations);
  if (facts.length === 0) return undefined;
  const f = ctx.rng.pick(facts);
  const relation = RELATION_NAMES[f.relation] ?? f.relation;
  const sentence = canonicalSentence(w, f);
  const names = [...new Set(kinds.flatMap((k) => FACT_RELATIONS[k].map((r) => RELATION_NAMES[r] ?? r)))];
  const triple = `^\\s*${escapeRegExp(f.subject)}\\s*\\|\\s*${escapeRegExp(relation)}\\s*\\|\\s*${escapeRegExp(f.object)}\\s*$`;
  return {
    inputs: { subject: f.subject, relation, object: f.object },
    answer: sentence,
    verifier: anyOf(normalized(sentence), statesFact(w, f)),
    splitKey: combineKeys(w, [`${kind}:${subject}`, ...factKeys(w, f)]),
    facts: [f],
    vars: { relations: names.join(", ") },
    checks: { triple: { kind: "pattern", regex: triple, flags: "i" }, relation: oneOf(relation) },
  };
}

const D2T_TEMPLATES: TemplateSpec[] = [
  T("Write a sentence that states this fact: {subject} | {relation} | {object}"),
  T("Turn the triple into a sentence.\n\n{subject} | {relation} | {object}"),
  T("Subject: {subject}\nRelation: {relation}\nObject: {object}\n\nWrite this as one sentence."),
  T("Here is some data: ({subject}, {relation}, {object}). Describe it in a sentence."),
  T("Express the following data in plain English: {subject}; {relation}; {object}"),
  T("Data: {subject} | {relation} | {object}\nSentence:"),
  T("Make a sentence out of these three parts: {subject}, {relation}, {object}."),
  T("Write one sentence about {subject} using this fact: {relation} = {object}."),
  T("Describe in words: [{subject}] [{relation}] [{object}]"),
  T("Generate a short sentence from the record below.\n{subject} -> {relation} -> {object}"),
  inv("Turn this sentence into a triple of the form subject | relation | object.\n\n{answer}", "{subject} | {relation} | {object}", namedCheck("triple")),
  inv("{answer}\n\nWhich relation between {subject} and {object} does this sentence state? Answer with one of: {relations}.", "{relation}", namedCheck("relation")),
];

const d2tPlace: TaskSpec = {
  name: "d2t_place",
  cluster: CLUSTER,
  description: "A fact about a country or city, from triple to sentence.",
  inputs: ["subject", "relation", "object"],
  make: (ctx) => d2tDraft(ctx, ["country", "city"]),
  templates: D2T_TEMPLATES,
};

const d2tPerson: TaskSpec = {
  name: "d2t_person",
  cluster: CLUSTER,
  description: "A fact about a person, from triple to sentence.",
  inputs: ["subject", "relation", "object"],
  make: (ctx) => d2tDraft(ctx, ["person"]),
  templates: D2T_TEMPLATES,
};

const d2tThing: TaskSpec = {
  name: "d2t_thing",
  cluster: CLUSTER,
  description: "A fact about an animal, a food or an object, from triple to sentence.",
  inputs: ["subject", "relation", "object"],
  make: (ctx) => d2tDraft(ctx, ["animal", "food", "object"]),
  templates: D2T_TEMPLATES,
};

export const dataToText: ClusterSpec = {
  name: CLUSTER,
  description: "From a fact triple to the sentence that states it.",
  tasks: [d2tPlace, d2tPerson, d2tThing],
};
