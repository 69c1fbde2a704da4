/**
 * Facts as the task library talks about them: the surface forms a fact's subject and object take in the
 * world's sentences ("mouse"/"mice", 34/"thirty-four"), display names for relations, questions that ask for
 * a fact, and a check that a free sentence states a given fact.
 */
import { Rng } from "../random";
import type { Fact, Person, Relation, World } from "../world/types";
import { factsAbout, getFood, getPerson, kindOf } from "../world/query";
import { canonicalSentence, factSentence, foodNoun } from "../world/phrases";
import { numberToWords } from "../world/numbers";
import { regularPlural } from "../world/text";
import type { VerifierSpec } from "./verify";
import { NEGATIONS, allOf, anyOf, aOrAn, mentions, normalized, unique } from "./helpers";
import { combineKeys, splitOfKey } from "./split";
import type { Split, SubjectPool } from "./types";

/** Ways a subject is named in sentences: the name, and the plural for animals, foods and objects. */
export function subjectForms(w: World, name: string): string[] {
  switch (kindOf(w, name)) {
    case "animal":
      return unique([name, w.animals.find((a) => a.name === name)!.plural]);
    case "food":
      return unique([name, foodNoun(getFood(w, name))]);
    case "object":
      return unique([name, w.objects.find((o) => o.name === name)!.plural]);
    default:
      return [name];
  }
}

/** Ways a fact's object appears in sentences stating it. */
export function objectForms(w: World, f: Fact): string[] {
  const o = f.object;
  switch (f.relation) {
    case "age":
    case "legs": {
      const n = Number(o);
      return unique([o, numberToWords(n), ...(n === 0 ? ["no"] : [])]);
    }
    case "favourite_food":
    case "ingredient":
      return unique([o, foodNoun(getFood(w, o))]);
    case "job":
    case "pet":
    case "habitat":
    case "diet":
      return unique([o, regularPlural(o)]);
    default:
      return [o];
  }
}

/** Relation names as data-to-text triples show them. */
export const RELATION_NAMES: Partial<Record<Relation, string>> = {
  capital: "capital", in_country: "country", climate: "climate", landscape: "landscape", national_dish: "national dish",
  national_animal: "national animal", feature: "famous for", job: "job", home: "home city", age: "age",
  favourite_colour: "favourite colour", favourite_food: "favourite food", hobby: "hobby", pet: "pet", best_friend: "best friend",
  eats: "eats", legs: "legs", habitat: "habitat", colour: "colour", taste: "taste", kind: "kind of food", material: "material",
  use: "used for", kept_in: "kept in",
};

/** Words a sentence stating the relation is likely to use; [] when the object alone pins the relation down. */
export const RELATION_CUES: Partial<Record<Relation, string[]>> = {
  capital: ["capital"],
  in_country: ["country", "in", "lies", "belongs"],
  climate: ["climate", "weather"],
  national_dish: ["dish", "eat", "cook", "food", "dishes"],
  national_animal: ["national animal", "animal"],
  feature: ["famous", "known", "visit", "remember", "see"],
  job: ["works", "work", "is", "job", "trade", "living"],
  home: ["lives", "live", "home"],
  age: ["old", "age", "years"],
  favourite_colour: ["colour", "favourite"],
  favourite_food: ["food", "likes", "loves", "eat", "favourite"],
  best_friend: ["friend", "friends"],
  pet: ["pet", "keeps", "owns"],
  eats: ["eat", "eats", "food", "feed"],
  legs: ["legs"],
  material: ["made", "material"],
  use: ["used", "use", "for"],
  kept_in: ["kept", "keep", "find"],
  taste: ["taste", "tastes"],
  kind: ["kind", "is", "counts"],
  colour: ["colour", "is", "are"],
};

const wordingCache = new WeakMap<World, Map<string, string[]>>();

/** Every wording the world's phrase book has for a fact (sampled, so cached; the canonical sentence first). */
export function wordingsOf(w: World, f: Fact): string[] {
  let cache = wordingCache.get(w);
  if (!cache) wordingCache.set(w, (cache = new Map()));
  const key = `${f.subject}\u0000${f.relation}\u0000${f.object}`;
  let out = cache.get(key);
  if (!out) {
    const rng = new Rng(`wordings/${key}`);
    const set = new Set<string>([canonicalSentence(w, f)]);
    for (let i = 0; i < 48; i++) set.add(factSentence(w, f, rng, 0));
    cache.set(key, (out = [...set]));
  }
  return out.slice();
}

/**
 * A sentence stating the fact: one of the world's own wordings, or a free one naming the subject, the
 * object and (where the pair alone is ambiguous) a word of the relation, without a negation.
 * "Tarsk is not the capital of Velmora" and "Tarsk is a city in Velmora" do not state {Velmora capital Tarsk}.
 */
export function statesFact(w: World, f: Fact, maxWords = 30): VerifierSpec {
  const free: VerifierSpec[] = [mentions({ any: subjectForms(w, f.subject) }), mentions({ any: objectForms(w, f), forbid: NEGATIONS, maxWords })];
  const cues = RELATION_CUES[f.relation];
  if (cues && cues.length > 0) free.push(mentions({ any: cues }));
  return anyOf(normalized(...wordingsOf(w, f)), allOf(...free));
}

/** A person's fact for a relation (age as digits), or undefined when they have none (no pet). */
export function personFact(p: Person, relation: Relation): Fact | undefined {
  const o: Partial<Record<Relation, string | number | undefined>> = {
    job: p.job, home: p.home, age: p.age, favourite_colour: p.favouriteColour, favourite_food: p.favouriteFood,
    hobby: p.hobby, pet: p.pet, best_friend: p.bestFriend,
  };
  const v = o[relation];
  return v === undefined ? undefined : { subject: p.name, relation, object: String(v) };
}

/** Another value the relation could take for this subject (a different job, city, colour, age...). */
export function otherValue(w: World, rng: Rng, f: Fact): string | undefined {
  const pool = valuePool(w, f.relation);
  if (f.relation === "age") {
    const n = Number(f.object);
    let m = n;
    while (Math.abs(m - n) < 3) m = rng.int(18, 85);
    return String(m);
  }
  const rest = pool.filter((x) => x !== f.object);
  return rest.length ? rng.pick(rest) : undefined;
}

/** Every value a relation takes somewhere in the world (for "other value" draws and contradiction checks). */
export function valuePool(w: World, relation: Relation): string[] {
  const from = (xs: string[]) => unique(xs);
  switch (relation) {
    case "job": return from(w.jobs.map((j) => j.name));
    case "home": return from(w.cities.map((c) => c.name));
    case "in_country": return from(w.countries.map((c) => c.name));
    case "capital": return from(w.cities.map((c) => c.name));
    case "favourite_colour":
    case "colour": return from(w.colours);
    case "favourite_food": return from(w.foods.map((f) => f.name));
    case "hobby": return from(w.people.map((p) => p.hobby));
    case "pet": return from(w.animals.filter((a) => a.pet).map((a) => a.name));
    case "best_friend": return from(w.people.map((p) => p.name));
    case "climate": return from(["hot", "cold", "mild", "wet", "dry", "windy"]);
    case "landscape": return from(w.countries.map((c) => c.landscape));
    case "national_dish": return from(w.countries.map((c) => c.nationalDish));
    case "national_animal": return from(w.animals.map((a) => a.name));
    case "feature": return from(w.cities.map((c) => c.feature));
    case "eats": return from(w.animals.map((a) => a.food));
    case "material": return from(w.objects.map((o) => o.material));
    case "taste": return from(w.foods.map((f) => f.taste));
    case "habitat": return from(w.animals.map((a) => a.habitat));
    case "says": return from(w.animals.map((a) => a.says));
    case "diet": return ["herbivore", "carnivore", "omnivore"];
    case "legs": return ["0", "2", "4", "6", "8"];
    case "use": return from(w.objects.map((o) => o.use));
    case "kept_in": return from(w.objects.map((o) => o.place));
    case "kind": return from(w.foods.map((f) => f.kind));
    default: return [];
  }
}

/** Questions asking for a fact, several phrasings each (the question bank of the QA-style tasks). */
export function questionsFor(w: World, relation: Relation, subject: string): string[] {
  const animal = () => w.animals.find((a) => a.name === subject)!;
  const object = () => w.objects.find((o) => o.name === subject)!;
  switch (relation) {
    case "climate": return [`What is the climate of ${subject}?`, `What is the weather usually like in ${subject}?`, `What kind of climate does ${subject} have?`];
    case "national_dish": return [`What is the national dish of ${subject}?`, `Which dish is the national dish of ${subject}?`, `What dish is ${subject} known for?`];
    case "feature": return [`What is ${subject} famous for?`, `What is ${subject} known for?`, `What do people visit ${subject} to see?`];
    case "use": return [`What is ${aOrAn(subject)} used for?`, `What do people use ${aOrAn(subject)} for?`, `What are ${object().plural} for?`];
    case "kind": return [`What kind of food is ${subject}?`, `What sort of food is ${subject}?`, `Which kind of food is ${subject}?`];
    case "capital": return [`What is the capital of ${subject}?`, `Which city is the capital of ${subject}?`, `Name the capital of ${subject}.`, `What is the capital city of ${subject} called?`];
    case "in_country": return [`Which country is ${subject} in?`, `In what country is the city of ${subject}?`, `${subject} lies in which country?`, `Which country does ${subject} belong to?`];
    case "job": return [`What is ${subject}'s job?`, `What does ${subject} do for a living?`, `What work does ${subject} do?`, `What is the occupation of ${subject}?`];
    case "home": return [`Where does ${subject} live?`, `In which city does ${subject} live?`, `Which city is ${subject}'s home?`, `What city does ${subject} live in?`];
    case "age": return [`How old is ${subject}?`, `What is ${subject}'s age?`, `How many years old is ${subject}?`, `What age is ${subject}?`];
    case "favourite_colour": return [`What is ${subject}'s favourite colour?`, `Which colour does ${subject} like best?`, `What colour does ${subject} like most?`];
    case "hobby": return [`What is ${subject}'s hobby?`, `What does ${subject} like to do in ${pronounOf(w, subject).his} free time?`, `What does ${subject} enjoy doing?`];
    case "pet": return [`What pet does ${subject} have?`, `What kind of animal is ${subject}'s pet?`, `Which animal does ${subject} keep as a pet?`];
    case "best_friend": return [`Who is ${subject}'s best friend?`, `Who is the best friend of ${subject}?`, `Which person is ${subject}'s best friend?`];
    case "favourite_food": return [`What is ${subject}'s favourite food?`, `Which food does ${subject} like best?`, `What does ${subject} love to eat most?`];
    case "eats": return [`What does the ${subject} mostly eat?`, `What do ${animal().plural} eat?`, `What is the main food of the ${subject}?`];
    case "legs": return [`How many legs does the ${subject} have?`, `How many legs do ${animal().plural} have?`, `What number of legs does ${aOrAn(subject)} have?`];
    case "material": return [`What are ${object().plural} made of?`, `What is ${aOrAn(subject)} usually made of?`, `Which material are ${object().plural} made from?`];
    case "taste": {
      const f = getFood(w, subject);
      return [`What is the taste of ${foodNoun(f)}?`, `How ${f.countable ? "do" : "does"} ${foodNoun(f)} taste?`, `Which word describes the taste of ${foodNoun(f)}?`];
    }
    default: return [];
  }
}

function pronounOf(w: World, name: string): { he: string; his: string } {
  return getPerson(w, name).pronoun === "she" ? { he: "she", his: "her" } : { he: "he", his: "his" };
}

/** Relations `questionsFor` knows, by kind of subject. */
export const QUESTION_RELATIONS = {
  person: ["job", "home", "age", "favourite_colour", "hobby", "pet", "best_friend", "favourite_food"],
  country: ["capital", "climate", "national_dish"],
  city: ["in_country", "feature"],
  animal: ["eats", "legs"],
  object: ["material", "use"],
  food: ["taste", "kind"],
} as const satisfies Record<string, readonly Relation[]>;

/** Relations the sentence-level tasks (paraphrase, data-to-text) state, by kind of subject. */
export const FACT_RELATIONS = {
  person: ["job", "home", "age", "favourite_colour", "hobby", "favourite_food", "pet", "best_friend"],
  country: ["capital", "climate", "landscape", "national_dish", "national_animal"],
  city: ["in_country", "feature"],
  animal: ["eats", "habitat", "legs", "says", "colour", "diet"],
  object: ["material", "use", "kept_in", "colour"],
  food: ["taste", "kind", "colour"],
} as const satisfies Record<string, readonly Relation[]>;

export type FactKind = keyof typeof FACT_RELATIONS;

/** The subject's facts with the given relations, in world order. */
export function subjectFacts(w: World, subject: string, relations: readonly Relation[]): Fact[] {
  return factsAbout(w, subject).filter((f) => relations.includes(f.relation));
}

/**
 * A sentence for a possibly untrue fact. Some of the world's paraphrases read the subject's real value
 * instead of the fact's object (the habitat ones say where the animal really lives), so for those
 * relations only the canonical sentence states the given object.
 */
export function claimSentence(w: World, rng: Rng, f: Fact, canonicalShare = 0.4): string {
  return f.relation === "habitat" ? canonicalSentence(w, f) : factSentence(w, f, rng, canonicalShare);
}

/** Pool of a subject name for split keys ("person", "country"...), or undefined for words outside the pools. */
export function poolOf(w: World, name: string): SubjectPool | undefined {
  const k = kindOf(w, name);
  return k === "country" || k === "city" || k === "person" || k === "animal" || k === "food" || k === "object" ? k : undefined;
}

/**
 * Split keys of the held-out subjects a true fact reveals something about: its subject, and for capitals
 * the city too ("the capital of Velmora is Tarsk" also says which country Tarsk is in).
 */
export function factKeys(w: World, f: Fact): string[] {
  const keys: string[] = [];
  const p = poolOf(w, f.subject);
  if (p) keys.push(`${p}:${f.subject}`);
  if (f.relation === "capital") keys.push(`city:${f.object}`);
  if (f.relation === "in_country" && w.cities.some((c) => c.name === f.subject && c.isCapital)) keys.push(`country:${f.object}`);
  if (f.relation === "translation") keys.push(`word:${f.subject}`);
  return keys;
}

/** The side of the train/eval split a true fact is on: eval when any subject it reveals is held out. */
export function splitOfFact(w: World, f: Fact): Split {
  return splitOfKey(w, combineKeys(w, factKeys(w, f)));
}
