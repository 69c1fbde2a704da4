/**
 * Coreference: a two-sentence story with a woman and a man of the world, and the question who a pronoun in
 * the second sentence refers to. The pronoun's gender decides it, so every story has one right answer.
 */
import type { Rng } from "../../random";
import type { Person, World } from "../../world/types";
import { foodNoun } from "../../world/phrases";
import type { ClusterSpec, Draft, TaskSpec, TemplateSpec } from "../types";
import { T, aOrAn, inv, mentions, namedCheck, normalized, pronouns } from "../helpers";

const CLUSTER = "coreference";

interface Cast {
  she: Person;
  he: Person;
  first: Person;
  second: Person;
  city: string;
  feature: string;
  food: string;
  object: string;
}

function cast(w: World, rng: Rng): Cast | undefined {
  const women = w.people.filter((p) => p.pronoun === "she");
  const men = w.people.filter((p) => p.pronoun === "he");
  if (women.length === 0 || men.length === 0) return undefined;
  const she = rng.pick(women);
  const he = rng.pick(men);
  const [first, second] = rng.chance(0.5) ? [she, he] : [he, she];
  const city = rng.pick(w.cities);
  return { she, he, first, second, city: city.name, feature: city.feature, food: foodNoun(rng.pick(w.foods.filter((f) => !f.invented))), object: rng.pick(w.objects).name };
}

function opening(rng: Rng, c: Cast): string {
  const a = c.first.name;
  const b = c.second.name;
  return rng.pick([
    `${a} and ${b} met at the market in ${c.city}.`,
    `${a} visited ${b} in ${c.city}.`,
    `${a} and ${b} went for a walk in ${c.city}.`,
    `${a} waited for ${b} by the ${c.feature} in ${c.city}.`,
    `${a} had lunch with ${b} in ${c.city}.`,
  ]);
}

/** Draft from a story, the pronoun as written, who it means, and the story with the name put back. */
function corefDraft(c: Cast, s1: string, s2: string, pronoun: string, target: Person, resolved2: string): Draft {
  const other = target === c.she ? c.he : c.she;
  const story = `${s1} ${s2}`;
  return {
    inputs: { story, pronoun },
    answer: target.name,
    options: [c.first.name, c.second.name],
    vars: { other: other.name, pronoun_lc: pronoun.toLowerCase(), resolved: `${s1} ${resolved2}` },
    checks: { story: normalized(story), write: mentions({ all: [target.name, other.name, pronoun.toLowerCase()] }) },
  };
}

const COREF_TEMPLATES: TemplateSpec[] = [
  T("{story}\n\nWho does \"{pronoun}\" refer to in the second sentence?"),
  T("In the story below, who is \"{pronoun}\"?\n\n{story}"),
  T("Read: {story}\nQuestion: who is meant by \"{pronoun}\"?"),
  T("{story}\n\nThe word \"{pronoun}\" stands for which person?"),
  T("Story: {story}\nWho does the pronoun \"{pronoun}\" point to?"),
  T("Resolve the pronoun \"{pronoun}\" in this text: {story}"),
  T("Who is \"{pronoun}\" in the following story? Give the name.\n{story}"),
  T("{story}\n\nWhich person does \"{pronoun}\" mean?"),
  T("Find the person that \"{pronoun}\" refers to.\n\n{story}"),
  T("Here is a short story: {story}\nName the person called \"{pronoun}\" in it."),
  inv("Rewrite this story so that the second sentence uses a pronoun instead of the name {answer}:\n\n{resolved}", "{story}", namedCheck("story")),
  inv("Write a two-sentence story about {answer} and {other} in which \"{pronoun_lc}\" refers to {answer}.", "{story}", namedCheck("write")),
];

const corefSubject: TaskSpec = {
  name: "coref_subject",
  cluster: CLUSTER,
  description: "Who does 'she' or 'he' at the start of the second sentence refer to?",
  inputs: ["story", "pronoun"],
  make(ctx) {
    const c = cast(ctx.world, ctx.rng);
    if (!c) return undefined;
    const t = ctx.rng.pick([c.she, c.he]);
    const pr = pronouns(t);
    const rest = ctx.rng.pick([
      `bought ${c.food} for both of them.`,
      `was very tired after the long day.`,
      `had brought ${aOrAn(c.object)} as a gift.`,
      `told a story about the ${c.feature}.`,
      `paid for the ${c.food}.`,
    ]);
    return corefDraft(c, opening(ctx.rng, c), `${pr.He} ${rest}`, pr.He, t, `${t.name} ${rest}`);
  },
  templates: COREF_TEMPLATES,
};

const corefObject: TaskSpec = {
  name: "coref_object",
  cluster: CLUSTER,
  description: "Who does 'her' or 'him' (as an object) in the second sentence refer to?",
  inputs: ["story", "pronoun"],
  make(ctx) {
    const c = cast(ctx.world, ctx.rng);
    if (!c) return undefined;
    const actor = ctx.rng.pick([c.she, c.he]);
    const t = actor === c.she ? c.he : c.she;
    const him = pronouns(t).him;
    const forms: [string, string][] = [
      [`${actor.name} gave ${him} ${aOrAn(c.object)}.`, `${actor.name} gave ${t.name} ${aOrAn(c.object)}.`],
      [`${actor.name} thanked ${him} for the ${c.food}.`, `${actor.name} thanked ${t.name} for the ${c.food}.`],
      [`Later, ${actor.name} waved at ${him}.`, `Later, ${actor.name} waved at ${t.name}.`],
      [`${actor.name} asked ${him} about the ${c.feature}.`, `${actor.name} asked ${t.name} about the ${c.feature}.`],
    ];
    const [s2, resolved] = ctx.rng.pick(forms);
    return corefDraft(c, opening(ctx.rng, c), s2, him, t, resolved);
  },
  templates: COREF_TEMPLATES,
};

const corefPossessive: TaskSpec = {
  name: "coref_possessive",
  cluster: CLUSTER,
  description: "Whose thing is it: who does 'her' or 'his' in the second sentence refer to?",
  inputs: ["story", "pronoun"],
  make(ctx) {
    const c = cast(ctx.world, ctx.rng);
    if (!c) return undefined;
    const t = ctx.rng.pick([c.she, c.he]);
    const pr = pronouns(t);
    const forms: [string, string, string][] = [
      [`${pr.His} ${c.object} was left behind at home.`, pr.His, `${t.name}'s ${c.object} was left behind at home.`],
      [`Everyone wanted to see ${pr.his} new ${c.object}.`, pr.his, `Everyone wanted to see ${t.name}'s new ${c.object}.`],
      [`${pr.His} bag was full of ${c.food}.`, pr.His, `${t.name}'s bag was full of ${c.food}.`],
      [`They talked about ${pr.his} trip to the ${c.feature}.`, pr.his, `They talked about ${t.name}'s trip to the ${c.feature}.`],
    ];
    const [s2, pronoun, resolved] = ctx.rng.pick(forms);
    return corefDraft(c, opening(ctx.rng, c), s2, pronoun, t, resolved);
  },
  templates: COREF_TEMPLATES,
};

export const coreference: ClusterSpec = {
  name: CLUSTER,
  description: "Who does a pronoun refer to?",
  tasks: [corefSubject, corefObject, corefPossessive],
};
