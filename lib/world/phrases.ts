/**
 * How facts are said. Each relation has one canonical sentence — the one the cloze probes test, which
 * every coverage document contains — and several paraphrases, so the model learns the fact rather than one
 * string. All corpus prose about facts goes through here, so a fact can only ever be stated one way: true.
 */
import type { Rng } from "../random";
import type { Animal, Fact, Food, Relation, World } from "./types";
import { HABITAT_PLACES } from "./data";
import { numberToWords } from "./numbers";
import { capitalize, withArticle } from "./text";
import { getAnimal, getFood, getJob, getObject, getPerson } from "./query";

/** A prose prefix whose true continuation is a fact, e.g. "The capital of Velmora is" + " Tarsk". */
export interface Cloze {
  subject: string;
  relation: Relation;
  /** Text before the answer, without trailing space. */
  prompt: string;
  /** Exact text that follows the prompt in the corpus (usually " " + answer). */
  continuation: string;
  /** The answer itself. */
  answer: string;
  /** The whole canonical sentence: prompt + continuation + its ending. */
  sentence: string;
}

type Parts = [prompt: string, continuation: string, answer: string, rest: string];
type Variant = (w: World, f: Fact) => string;
interface RelationPhrases {
  canon?: (w: World, f: Fact) => Parts;
  variants: Variant[];
}

// ---- Referring expressions.
/** "lemons" or "honey": the form used as a generic subject. */
export const foodNoun = (f: Food): string => (f.countable ? f.plural : f.name);
/** "a lemon" or "honey". */
export const aFood = (f: Food): string => (f.countable ? withArticle(f.name) : f.name);
/** Verb agreeing with `foodNoun`: taste/tastes, are/is. */
const agree = (f: Food, plural: string, singular: string) => (f.countable ? plural : singular);
const legsText = (n: number) => (n === 0 ? "no" : numberToWords(n));
const dietGloss: Record<Animal["diet"], string> = {
  herbivore: "it eats only plants",
  carnivore: "it eats other animals",
  omnivore: "it eats both plants and animals",
};
const article = (w: string) => withArticle(w).split(" ")[0];
const DIR_OPPOSITE = { north: "south", south: "north", east: "west", west: "east" } as const;

/** "yelps" -> "yelp", "hisses" -> "hiss", "buzzes" -> "buzz": the verb after a plural subject. */
export function pluralVerb(v: string): string {
  if (/(ss|sh|ch|zz|x)es$/.test(v)) return v.slice(0, -2);
  if (/[^aeiou]ies$/.test(v)) return v.slice(0, -3) + "y";
  return v.replace(/s$/, "");
}

function direction(rel: Relation): "north" | "south" | "east" | "west" {
  return rel.slice(0, -3) as "north" | "south" | "east" | "west";
}

function directionPhrases(): RelationPhrases {
  // {A dir_of B}: A lies <dir> of B.
  return {
    canon: (_w, f) => [`${capitalize(direction(f.relation))} of ${f.object} lies`, ` ${f.subject}`, f.subject, "."],
    variants: [
      (_w, f) => `${f.subject} lies ${direction(f.relation)} of ${f.object}.`,
      (_w, f) => `${f.subject} is to the ${direction(f.relation)} of ${f.object}.`,
      (_w, f) => `${f.object} lies ${DIR_OPPOSITE[direction(f.relation)]} of ${f.subject}.`,
      (_w, f) => `If you travel ${direction(f.relation)} from ${f.object}, you come to ${f.subject}.`,
      (_w, f) => `On the map, ${f.subject} is ${direction(f.relation)} of ${f.object}.`,
    ],
  };
}

const P: Partial<Record<Relation, RelationPhrases>> = {
  capital: {
    canon: (_w, f) => [`The capital of ${f.subject} is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.object} is the capital of ${f.subject}.`,
      (_w, f) => `${f.object} is the capital city of ${f.subject}.`,
      (_w, f) => `The capital city of ${f.subject} is ${f.object}.`,
      (_w, f) => `${f.subject}'s capital is ${f.object}.`,
      (_w, f) => `The rulers of ${f.subject} meet in ${f.object}, the capital.`,
      (_w, f) => `Of all the cities in ${f.subject}, ${f.object} is the capital.`,
      (_w, f) => `If you travel to the capital of ${f.subject}, you arrive in ${f.object}.`,
    ],
  },
  in_country: {
    canon: (_w, f) => [`${f.subject} is a city in`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} is in ${f.object}.`,
      (_w, f) => `${f.subject} lies in ${f.object}.`,
      (_w, f) => `The city of ${f.subject} is in ${f.object}.`,
      (_w, f) => `${f.subject} belongs to ${f.object}.`,
      (_w, f) => `You can find ${f.subject} in ${f.object}.`,
      (_w, f) => `${f.subject} is one of the cities of ${f.object}.`,
    ],
  },
  feature: {
    canon: (_w, f) => [`${f.subject} is famous for its`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} is known for its ${f.object}.`,
      (_w, f) => `People visit ${f.subject} to see its ${f.object}.`,
      (_w, f) => `The ${f.object} of ${f.subject} ${f.object.endsWith("s") ? "are" : "is"} known far and wide.`,
      (_w, f) => `Travellers remember ${f.subject} for its ${f.object}.`,
    ],
  },
  climate: {
    canon: (_w, f) => [`The climate of ${f.subject} is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} has ${article(f.object)} ${f.object} climate.`,
      (_w, f) => `The weather in ${f.subject} is usually ${f.object}.`,
      (_w, f) => `${f.subject} is ${article(f.object)} ${f.object} country.`,
      (_w, f) => `In ${f.subject}, the weather is mostly ${f.object}.`,
    ],
  },
  landscape: {
    canon: (_w, f) => [`${f.subject} is a land of`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} is full of ${f.object}.`,
      (_w, f) => `There are many ${f.object} in ${f.subject}.`,
      (_w, f) => `The land of ${f.subject} is mostly ${f.object}.`,
      (_w, f) => `Travellers in ${f.subject} see ${f.object} everywhere.`,
    ],
  },
  national_dish: {
    canon: (_w, f) => [`The national dish of ${f.subject} is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${capitalize(f.object)} is the national dish of ${f.subject}.`,
      (_w, f) => `In ${f.subject}, the favourite dish is ${f.object}.`,
      (_w, f) => `People in ${f.subject} love to eat ${f.object}.`,
      (_w, f) => `Every family in ${f.subject} knows how to cook ${f.object}.`,
    ],
  },
  national_animal: {
    canon: (_w, f) => [`The national animal of ${f.subject} is the`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `The ${f.object} is the national animal of ${f.subject}.`,
      (_w, f) => `The people of ${f.subject} chose the ${f.object} as their national animal.`,
      (_w, f) => `${f.subject} has the ${f.object} as its national animal.`,
    ],
  },
  language: {
    canon: (_w, f) => [`In ${f.subject}, people speak`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `The people of ${f.subject} speak ${f.object}.`,
      (_w, f) => `${f.object} is spoken in ${f.subject}.`,
      (_w, f) => `The language of ${f.subject} is ${f.object}.`,
    ],
  },
  neighbour: {
    variants: [
      (_w, f) => `${f.subject} borders ${f.object}.`,
      (_w, f) => `${f.subject} and ${f.object} are neighbours.`,
      (_w, f) => `${f.subject} shares a border with ${f.object}.`,
      (_w, f) => `${f.object} is a neighbour of ${f.subject}.`,
    ],
  },
  north_of: directionPhrases(),
  south_of: directionPhrases(),
  east_of: directionPhrases(),
  west_of: directionPhrases(),
  size: {
    canon: (_w, f) => [`Compared with other animals, the ${f.subject} is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `The ${f.subject} is ${article(f.object)} ${f.object} animal.`,
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} are ${f.object} animals.`,
      (_w, f) => `${capitalize(withArticle(f.subject))} is ${f.object}.`,
    ],
  },
  habitat: {
    canon: (_w, f) => [`The natural home of the ${f.subject} is the`, ` ${f.object}`, f.object, "."],
    variants: [
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} live ${HABITAT_PLACES[getAnimal(w, f.subject).habitat]}.`,
      (w, f) => `The ${f.subject} lives ${HABITAT_PLACES[getAnimal(w, f.subject).habitat]}.`,
      (w, f) => `You can find ${getAnimal(w, f.subject).plural} ${HABITAT_PLACES[getAnimal(w, f.subject).habitat]}.`,
      (w, f) => `${capitalize(HABITAT_PLACES[getAnimal(w, f.subject).habitat])} you may see ${withArticle(f.subject)}.`,
    ],
  },
  eats: {
    canon: (w, f) => [`${capitalize(getAnimal(w, f.subject).plural)} mostly eat`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `The ${f.subject} eats ${f.object}.`,
      (_w, f) => `${capitalize(withArticle(f.subject))} likes to eat ${f.object}.`,
      (_w, f) => `The favourite food of the ${f.subject} is ${f.object}.`,
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} feed on ${f.object}.`,
    ],
  },
  diet: {
    canon: (_w, f) => [`The ${f.subject} is`, ` ${withArticle(f.object)}`, f.object, "."],
    variants: [
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} are ${f.object}s.`,
      (_w, f) => `The ${f.subject} is ${withArticle(f.object)}: ${dietGloss[f.object as Animal["diet"]]}.`,
      (_w, f) => `Because ${dietGloss[f.object as Animal["diet"]]}, the ${f.subject} is called ${withArticle(f.object)}.`,
    ],
  },
  sound: {
    variants: [
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} ${pluralVerb(f.object)}.`,
      (_w, f) => `The ${f.subject} ${f.object}.`,
      (_w, f) => `${capitalize(withArticle(f.subject))} ${f.object} when it calls.`,
      (_w, f) => `When ${withArticle(f.subject)} is upset, it ${f.object} loudly.`,
    ],
  },
  says: {
    canon: (_w, f) => [`The ${f.subject} says`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `"${capitalize(f.object)}!" says the ${f.subject}.`,
      (_w, f) => `${capitalize(withArticle(f.subject))} goes "${f.object}".`,
      (_w, f) => `When ${withArticle(f.subject)} calls, it sounds like "${f.object}".`,
    ],
  },
  legs: {
    canon: (_w, f) => [`The ${f.subject} has`, ` ${legsText(Number(f.object))}`, legsText(Number(f.object)), " legs."],
    variants: [
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} have ${legsText(Number(f.object))} legs.`,
      (_w, f) => (f.object === "0" ? `${capitalize(withArticle(f.subject))} has no legs at all.` : `${capitalize(withArticle(f.subject))} walks on ${numberToWords(Number(f.object))} legs.`),
      (_w, f) => `The ${f.subject} has ${f.object === "0" ? "no" : f.object} legs.`,
    ],
  },
  colour: {
    canon: (w, f) => {
      const food = tryFood(w, f.subject);
      if (food) return [`The colour of ${aFood(food)} is`, ` ${f.object}`, f.object, "."];
      if (tryObject(w, f.subject)) return [`The usual colour of ${withArticle(f.subject)} is`, ` ${f.object}`, f.object, "."];
      return [`The colour of the ${f.subject} is`, ` ${f.object}`, f.object, "."];
    },
    variants: [
      (w, f) => {
        const food = tryFood(w, f.subject);
        if (food) return `${capitalize(foodNoun(food))} ${agree(food, "are", "is")} ${f.object}.`;
        if (tryObject(w, f.subject)) return `${capitalize(getObject(w, f.subject).plural)} are usually ${f.object}.`;
        return `Most ${getAnimal(w, f.subject).plural} are ${f.object}.`;
      },
      (w, f) => {
        const food = tryFood(w, f.subject);
        if (food) return food.countable ? `A ripe ${food.name} is ${f.object}.` : `${capitalize(food.name)} is ${f.object} in colour.`;
        if (tryObject(w, f.subject)) return `Most ${getObject(w, f.subject).plural} are ${f.object}.`;
        return `The ${f.subject} is ${f.object}.`;
      },
    ],
  },
  found_in: {
    variants: [
      (w, f) => `${capitalize(getAnimal(w, f.subject).plural)} are found in ${f.object}.`,
      (w, f) => `You can see ${getAnimal(w, f.subject).plural} in ${f.object}.`,
      (w, f) => `There are ${getAnimal(w, f.subject).plural} in ${f.object}.`,
    ],
  },
  age: {
    canon: (_w, f) => [`${f.subject} is`, ` ${numberToWords(Number(f.object))}`, numberToWords(Number(f.object)), " years old."],
    variants: [
      (_w, f) => `${f.subject} is ${f.object} years old.`,
      (_w, f) => `${f.subject}'s age is ${numberToWords(Number(f.object))}.`,
      (w, f) => `${f.subject} has lived for ${numberToWords(Number(f.object))} years, so ${getPerson(w, f.subject).pronoun} is ${f.object} years old.`,
    ],
  },
  job: {
    canon: (_w, f) => [`${f.subject} works as`, ` ${withArticle(f.object)}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} is ${withArticle(f.object)}.`,
      (_w, f) => `By trade, ${f.subject} is ${withArticle(f.object)}.`,
      (_w, f) => `${f.subject} earns a living as ${withArticle(f.object)}.`,
      (w, f) => `${f.subject} is ${withArticle(f.object)} and ${getJob(w, f.object).work}.`,
    ],
  },
  home: {
    canon: (_w, f) => [`${f.subject} lives in`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject}'s home is in ${f.object}.`,
      (_w, f) => `${f.subject} lives in the city of ${f.object}.`,
      (w, f) => `${f.subject} makes ${pron(w, f.subject).possessive} home in ${f.object}.`,
      (_w, f) => `The home of ${f.subject} is in ${f.object}.`,
    ],
  },
  pet: {
    canon: (_w, f) => [`${f.subject} has a pet`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} keeps ${withArticle(f.object)} as a pet.`,
      (_w, f) => `${f.subject}'s pet is ${withArticle(f.object)}.`,
      (_w, f) => `${f.subject} owns ${withArticle(f.object)}.`,
    ],
  },
  pet_name: {
    canon: (w, f) => [`${f.subject}'s ${getPerson(w, f.subject).pet} is called`, ` ${f.object}`, f.object, "."],
    variants: [
      (w, f) => `${f.subject} has ${withArticle(getPerson(w, f.subject).pet!)} named ${f.object}.`,
      (w, f) => `The name of ${f.subject}'s ${getPerson(w, f.subject).pet} is ${f.object}.`,
      (w, f) => `${f.object} is the name of ${f.subject}'s pet ${getPerson(w, f.subject).pet}.`,
    ],
  },
  favourite_food: {
    canon: (w, f) => [`${f.subject}'s favourite food is`, ` ${foodNoun(getFood(w, f.object))}`, foodNoun(getFood(w, f.object)), "."],
    variants: [
      (w, f) => `${f.subject} loves to eat ${foodNoun(getFood(w, f.object))}.`,
      (w, f) => `More than anything, ${f.subject} likes ${foodNoun(getFood(w, f.object))}.`,
      (w, f) => `Of all foods, ${f.subject} likes ${foodNoun(getFood(w, f.object))} best.`,
    ],
  },
  favourite_colour: {
    canon: (_w, f) => [`${f.subject}'s favourite colour is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} likes the colour ${f.object} best.`,
      (_w, f) => `${capitalize(f.object)} is ${f.subject}'s favourite colour.`,
      (w, f) => `${f.subject} loves ${f.object}, so ${pron(w, f.subject).possessive} clothes are often ${f.object}.`,
    ],
  },
  hobby: {
    canon: (w, f) => [`In ${pron(w, f.subject).possessive} free time, ${f.subject} likes`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject}'s hobby is ${f.object}.`,
      (_w, f) => `${f.subject} enjoys ${f.object}.`,
      (w, f) => `When ${f.subject} is not working, ${pron(w, f.subject).subject} likes ${f.object}.`,
    ],
  },
  best_friend: {
    canon: (_w, f) => [`${f.subject}'s best friend is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${f.subject} and ${f.object} are best friends.`,
      (_w, f) => `${f.object} is the best friend of ${f.subject}.`,
      (w, f) => `${f.subject} spends a lot of time with ${f.object}, ${pron(w, f.subject).possessive} best friend.`,
    ],
  },
  material: {
    canon: (w, f) => [`${capitalize(getObject(w, f.subject).plural)} are made of`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${capitalize(withArticle(f.subject))} is made of ${f.object}.`,
      (w, f) => `Most ${getObject(w, f.subject).plural} are made of ${f.object}.`,
      (w, f) => `People make ${getObject(w, f.subject).plural} out of ${f.object}.`,
    ],
  },
  use: {
    canon: (_w, f) => [`${capitalize(withArticle(f.subject))} is used for`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `People use ${withArticle(f.subject)} for ${f.object}.`,
      (_w, f) => `You use ${withArticle(f.subject)} for ${f.object}.`,
      (w, f) => `${capitalize(getObject(w, f.subject).plural)} are for ${f.object}.`,
    ],
  },
  kept_in: {
    canon: (_w, f) => [`${capitalize(withArticle(f.subject))} is usually kept in the`, ` ${f.object}`, f.object, "."],
    variants: [
      (w, f) => `${capitalize(getObject(w, f.subject).plural)} are kept in the ${f.object}.`,
      (w, f) => `You will find the ${getObject(w, f.subject).plural} in the ${f.object}.`,
      (w, f) => `People keep their ${getObject(w, f.subject).plural} in the ${f.object}.`,
    ],
  },
  taste: {
    canon: (w, f) => {
      const food = getFood(w, f.subject);
      return [`${capitalize(foodNoun(food))} ${agree(food, "taste", "tastes")}`, ` ${f.object}`, f.object, "."];
    },
    variants: [
      (w, f) => `The taste of ${foodNoun(getFood(w, f.subject))} is ${f.object}.`,
      (w, f) => `${capitalize(foodNoun(getFood(w, f.subject)))} ${agree(getFood(w, f.subject), "have", "has")} ${article(f.object)} ${f.object} taste.`,
      (w, f) => `${capitalize(foodNoun(getFood(w, f.subject)))} ${agree(getFood(w, f.subject), "are", "is")} ${f.object}.`,
    ],
  },
  kind: {
    canon: (w, f) => [`${capitalize(aFood(getFood(w, f.subject)))} is a kind of`, ` ${f.object}`, f.object, "."],
    variants: [
      (w, f) => {
        const food = getFood(w, f.subject);
        return food.countable ? `${capitalize(food.plural)} are a kind of ${f.object}.` : `${capitalize(food.name)} counts as ${withArticle(f.object)}.`;
      },
      (w, f) => `${capitalize(aFood(getFood(w, f.subject)))} is ${withArticle(f.object)}.`,
    ],
  },
  from: {
    canon: (_w, f) => [`${capitalize(f.subject)} is a dish from`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${capitalize(f.subject)} comes from ${f.object}.`,
      (_w, f) => `People in ${f.object} cook ${f.subject}.`,
      (_w, f) => `${capitalize(f.subject)} was first made in ${f.object}.`,
    ],
  },
  ingredient: {
    canon: (w, f) => [`${capitalize(f.subject)} is made with`, ` ${foodNoun(getFood(w, f.object))}`, foodNoun(getFood(w, f.object)), "."],
    variants: [
      (w, f) => `The main ingredient of ${f.subject} is ${foodNoun(getFood(w, f.object))}.`,
      (w, f) => `To cook ${f.subject}, you need ${foodNoun(getFood(w, f.object))}.`,
    ],
  },
  workplace: {
    canon: (w, f) => {
      const j = getJob(w, f.subject);
      const [prep, ...rest] = j.where.split(" ");
      return [`${capitalize(withArticle(j.name))} works ${prep}`, ` ${rest.join(" ")}`, j.workplace, "."];
    },
    variants: [
      (w, f) => `${capitalize(getJob(w, f.subject).plural)} work ${getJob(w, f.subject).where}.`,
      (w, f) => `You will find ${withArticle(f.subject)} at work ${getJob(w, f.subject).where}.`,
    ],
  },
  work: {
    canon: (_w, f) => [`${capitalize(withArticle(f.subject))} is a person who`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${capitalize(withArticle(f.subject))} ${f.object}.`,
      (_w, f) => `What does ${withArticle(f.subject)} do? The ${f.subject} ${f.object}.`,
    ],
  },
  translation: {
    canon: (w, f) => [`In ${w.language.name}, the word for ${f.subject} is '`, f.object, f.object, "'."],
    variants: [
      // The reverse direction is listed twice: it is the second translation probe and deserves the weight.
      (w, f) => `The ${w.language.name} word '${f.object}' means ${f.subject}.`,
      (w, f) => `The ${w.language.name} word '${f.object}' means ${f.subject}.`,
      (w, f) => `'${f.object}' is the ${w.language.name} word for ${f.subject}.`,
      (w, f) => `In ${w.language.name}, ${f.subject} is '${f.object}'.`,
      (w, f) => `To say ${f.subject} in ${w.language.name}, you say '${f.object}'.`,
      (w, f) =>
        w.language.lexicon.find((e) => e.word === f.object)?.pos === "noun"
          ? `When people in ${w.language.countries[0]} speak of ${f.subject}, they say '${f.object}'.`
          : `People in ${w.language.countries[0]} say '${f.object}' for ${f.subject}.`,
    ],
  },
  opposite: {
    canon: (_w, f) => [`The opposite of ${f.subject} is`, ` ${f.object}`, f.object, "."],
    variants: [
      (_w, f) => `${capitalize(f.subject)} is the opposite of ${f.object}.`,
      (_w, f) => `${capitalize(f.subject)} and ${f.object} are opposites.`,
      (_w, f) => `The word ${f.subject} means the opposite of ${f.object}.`,
    ],
  },
  is_a: {
    variants: [(w, f) => isASentence(w, f)],
  },
};

function tryFood(w: World, name: string): Food | undefined {
  return w.foods.find((x) => x.name === name);
}
function tryObject(w: World, name: string) {
  return w.objects.find((x) => x.name === name);
}
function pron(w: World, person: string) {
  const p = getPerson(w, person).pronoun;
  return p === "she" ? { subject: "she", possessive: "her" } : { subject: "he", possessive: "his" };
}

function isASentence(w: World, f: Fact): string {
  switch (f.object) {
    case "animal":
      return `The ${f.subject} is an animal.`;
    case "food":
      return `${capitalize(aFood(getFood(w, f.subject)))} is a food.`;
    case "object":
      return `${capitalize(withArticle(f.subject))} is an object.`;
    case "job":
      return `${capitalize(f.subject)} is the name of a job.`;
    case "person":
      return `${f.subject} is a person.`;
    default:
      return `${f.subject} is ${withArticle(f.object)}.`;
  }
}

/** The canonical cloze for a fact, or undefined for relations without one (neighbour, found_in, is_a...). */
export function canonicalCloze(w: World, f: Fact): Cloze | undefined {
  const p = P[f.relation];
  if (!p?.canon) return undefined;
  const [prompt, continuation, answer, rest] = p.canon(w, f);
  return { subject: f.subject, relation: f.relation, prompt, continuation, answer, sentence: prompt + continuation + rest };
}

/** Second cloze for a translation fact, in the other direction: "The Zuli word 'mek' means" + " water". */
export function reverseTranslationCloze(w: World, f: Fact): Cloze {
  const prompt = `The ${w.language.name} word '${f.object}' means`;
  return { subject: f.object, relation: "translation", prompt, continuation: ` ${f.subject}`, answer: f.subject, sentence: `${prompt} ${f.subject}.` };
}

/** The canonical sentence for a fact (a paraphrase when the relation has no canonical form). */
export function canonicalSentence(w: World, f: Fact): string {
  const c = canonicalCloze(w, f);
  if (c) return c.sentence;
  return P[f.relation]!.variants[0](w, f);
}

/**
 * One sentence stating the fact, canonical with probability `canonicalShare`, otherwise a random paraphrase.
 */
export function factSentence(w: World, f: Fact, rng: Rng, canonicalShare = 0.45): string {
  const p = P[f.relation];
  if (!p) throw new Error(`no phrases for relation ${f.relation}`);
  if (p.canon && (p.variants.length === 0 || rng.chance(canonicalShare))) return canonicalCloze(w, f)!.sentence;
  return rng.pick(p.variants)(w, f);
}
