/**
 * Look-ups over a World for the task library and the corpus: "what is the capital of X", "is A bigger than
 * B", "translate this". Indexes are built once per world object and cached.
 */
import type { Animal, City, Country, Direction, Fact, Food, Job, Person, Relation, World, WorldObject } from "./types";
import { translate as translateLang, untranslate as untranslateLang } from "./language";

interface Index {
  country: Map<string, Country>;
  city: Map<string, City>;
  animal: Map<string, Animal>;
  person: Map<string, Person>;
  object: Map<string, WorldObject>;
  food: Map<string, Food>;
  job: Map<string, Job>;
  bySubject: Map<string, Fact[]>;
  byRelation: Map<Relation, Fact[]>;
  opposite: Map<string, string>;
}

const cache = new WeakMap<World, Index>();

function ix(w: World): Index {
  let i = cache.get(w);
  if (i) return i;
  const by = <T extends { name: string }>(xs: T[]) => new Map(xs.map((x) => [x.name, x]));
  const bySubject = new Map<string, Fact[]>();
  const byRelation = new Map<Relation, Fact[]>();
  for (const f of w.facts) {
    (bySubject.get(f.subject) ?? bySubject.set(f.subject, []).get(f.subject)!).push(f);
    (byRelation.get(f.relation) ?? byRelation.set(f.relation, []).get(f.relation)!).push(f);
  }
  const opposite = new Map<string, string>();
  for (const [a, b] of w.opposites) {
    opposite.set(a, b);
    opposite.set(b, a);
  }
  i = {
    country: by(w.countries), city: by(w.cities), animal: by(w.animals), person: by(w.people),
    object: by(w.objects), food: by(w.foods), job: by(w.jobs), bySubject, byRelation, opposite,
  };
  cache.set(w, i);
  return i;
}

function need<T>(x: T | undefined, what: string, name: string): T {
  if (x === undefined) throw new RangeError(`world has no ${what} named '${name}'`);
  return x;
}

export const getCountry = (w: World, name: string): Country => need(ix(w).country.get(name), "country", name);
export const getCity = (w: World, name: string): City => need(ix(w).city.get(name), "city", name);
export const getAnimal = (w: World, name: string): Animal => need(ix(w).animal.get(name), "animal", name);
export const getPerson = (w: World, name: string): Person => need(ix(w).person.get(name), "person", name);
export const getObject = (w: World, name: string): WorldObject => need(ix(w).object.get(name), "object", name);
export const getFood = (w: World, name: string): Food => need(ix(w).food.get(name), "food", name);
export const getJob = (w: World, name: string): Job => need(ix(w).job.get(name), "job", name);

/** What kind of thing a name is, or undefined. */
export function kindOf(w: World, name: string): "country" | "city" | "animal" | "person" | "object" | "food" | "job" | undefined {
  const i = ix(w);
  if (i.country.has(name)) return "country";
  if (i.city.has(name)) return "city";
  if (i.animal.has(name)) return "animal";
  if (i.person.has(name)) return "person";
  if (i.object.has(name)) return "object";
  if (i.food.has(name)) return "food";
  if (i.job.has(name)) return "job";
  return undefined;
}

export const capitalOf = (w: World, country: string): string => getCountry(w, country).capital;
export const countryOf = (w: World, city: string): string => getCity(w, city).country;
export const neighboursOf = (w: World, country: string): string[] => getCountry(w, country).neighbours.slice();

/** The country lying in `dir` of `country`, if any ("north" of X). */
export const borderOf = (w: World, country: string, dir: Direction): string | undefined => getCountry(w, country).borders[dir];

/** Where `a` lies relative to a bordering country `b` ("north" means a is north of b), or undefined. */
export function directionOf(w: World, a: string, b: string): Direction | undefined {
  const borders = getCountry(w, b).borders;
  return (Object.keys(borders) as Direction[]).find((d) => borders[d] === a);
}

/** The country a person lives in. */
export const homeCountryOf = (w: World, person: string): string => countryOf(w, getPerson(w, person).home);

/** 1 = smallest animal in the world. */
export const sizeRank = (w: World, animal: string): number => getAnimal(w, animal).sizeRank;
export const isBigger = (w: World, a: string, b: string): boolean => sizeRank(w, a) > sizeRank(w, b);
/** Animals ordered from smallest to biggest. */
export function bySize(w: World, animals: readonly string[]): string[] {
  return animals.slice().sort((a, b) => sizeRank(w, a) - sizeRank(w, b));
}
export const biggest = (w: World, animals: readonly string[]): string => bySize(w, animals)[animals.length - 1];
export const smallest = (w: World, animals: readonly string[]): string => bySize(w, animals)[0];

export const peopleIn = (w: World, city: string): Person[] => w.people.filter((p) => p.home === city);
export const citizensOf = (w: World, country: string): Person[] => w.people.filter((p) => countryOf(w, p.home) === country);

/** Opposite of a word from the world's list, or undefined. */
export const oppositeOf = (w: World, word: string): string | undefined => ix(w).opposite.get(word);

/** English word or phrase -> the world's invented language (see language.ts for the grammar). */
export const translate = (w: World, english: string): string | undefined => translateLang(w.language, english);
/** Invented word or phrase -> English. */
export const untranslate = (w: World, foreign: string): string | undefined => untranslateLang(w.language, foreign);

/** All facts about a subject. */
export const factsAbout = (w: World, subject: string): Fact[] => (ix(w).bySubject.get(subject) ?? []).slice();
/** All facts with a relation. */
export const factsWith = (w: World, relation: Relation): Fact[] => (ix(w).byRelation.get(relation) ?? []).slice();
/** Objects of `subject relation ?` (several for neighbour, found_in, opposite...). */
export function objectsOf(w: World, subject: string, relation: Relation): string[] {
  return (ix(w).bySubject.get(subject) ?? []).filter((f) => f.relation === relation).map((f) => f.object);
}
/** The single object of a functional relation, or undefined when there is none. */
export function objectOf(w: World, subject: string, relation: Relation): string | undefined {
  return objectsOf(w, subject, relation)[0];
}
