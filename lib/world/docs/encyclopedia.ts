/**
 * Encyclopedia-style entries, one subject each: a title line, then paragraphs of facts. In coverage mode
 * every fact about the subject is stated in its canonical form (these entries guarantee that each cloze
 * probe's sentence is in the training corpus); otherwise a random selection of paraphrased facts.
 */
import type { DocContext, DraftDocument } from "./common";
import { factsOf, paragraphs, pronounize, sentencesFor, shuffleTail, sizeComparison, someOf } from "./common";
import { capitalize, joinList, withArticle } from "../text";
import { reverseTranslationCloze } from "../phrases";
import { bySize, citizensOf, getCountry, peopleIn } from "../query";
import { englishWord } from "../language";
import type { Animal, City, Country, Food, Job, Person, WorldObject } from "../types";
import { numberToWords } from "../numbers";

function entry(title: string, topic: string, body: string): DraftDocument {
  return { topic: `encyclopedia/${topic}`, text: `${title}\n\n${body}` };
}

export function countryEntry(ctx: DocContext, c: Country, coverage = false): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  const p = coverage ? 1 : 0.6;
  const cityFacts = c.cities.flatMap((city) => factsOf(w, city, ["in_country"]));
  const facts = [
    ...factsOf(w, c.name, ["capital"]),
    ...someOf(rng, [...factsOf(w, c.name, ["climate", "landscape", "national_dish", "national_animal", "language"]), ...cityFacts], p),
    ...someOf(rng, w.facts.filter((f) => f.object === c.name && /_of$/.test(f.relation)), coverage ? 1 : 0.5, 0),
  ];
  const sentences = [`${c.name} is a country.`, ...shuffleTail(rng, sentencesFor(ctx, facts, coverage), coverage ? 100 : 1)];
  if (c.neighbours.length) {
    sentences.push(rng.pick([
      `${c.name} borders ${joinList(c.neighbours)}.`,
      `The neighbours of ${c.name} are ${joinList(c.neighbours)}.`,
      `${c.name} shares borders with ${joinList(c.neighbours)}.`,
    ]));
    sentences.push(`${c.name} has ${numberToWords(c.neighbours.length)} neighbour${c.neighbours.length === 1 ? "" : "s"}.`);
  }
  const fauna = w.animals.filter((a) => a.countries.includes(c.name)).map((a) => a.plural);
  if (fauna.length && (coverage || rng.chance(0.5))) sentences.push(`Animals found in ${c.name} include ${joinList(rng.shuffle(fauna).slice(0, 4))}.`);
  const folk = citizensOf(w, c.name);
  if (folk.length && rng.chance(0.5)) {
    const some = rng.sample(folk, Math.min(3, folk.length));
    sentences.push(`Among the people of ${c.name} are ${joinList(some.map((x) => `${x.name}, ${withArticle(x.job)} from ${x.home}`))}.`);
  }
  return entry(c.name, "country", paragraphs(rng, sentences));
}

export function cityEntry(ctx: DocContext, city: City, coverage = false): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  const country = getCountry(w, city.country);
  const sentences: string[] = sentencesFor(ctx, factsOf(w, city.name, ["in_country", "feature"]), coverage);
  sentences.push(city.isCapital ? `${city.name} is the capital of ${city.country}.` : `${city.name} is not the capital of ${city.country}; the capital is ${country.capital}.`);
  const residents = peopleIn(w, city.name);
  if (residents.length) {
    const names = residents.slice(0, 5).map((p) => p.name);
    sentences.push(rng.pick([
      `${joinList(names)} ${names.length === 1 ? "lives" : "live"} in ${city.name}.`,
      `People who live in ${city.name} include ${joinList(names)}.`,
    ]));
    for (const p of someOf(rng, residents, 0.4, 0).slice(0, 3)) sentences.push(`${p.name} works there as ${withArticle(p.job)}.`);
  }
  if (rng.chance(0.5)) sentences.push(rng.pick([`In ${city.name}, people like to eat ${country.nationalDish}.`, `The markets of ${city.name} sell ${country.nationalDish}, the national dish of ${city.country}.`]));
  return entry(city.name, "city", paragraphs(rng, [sentences[0], ...rng.shuffle(sentences.slice(1))]));
}

export function animalEntry(ctx: DocContext, a: Animal, coverage = false): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  const rels = ["size", "habitat", "eats", "diet", "sound", "says", "legs", "colour", "found_in"] as const;
  const facts = coverage ? factsOf(w, a.name, rels) : someOf(rng, factsOf(w, a.name, rels), 0.65, 3);
  const sentences = [`The ${a.name} is ${a.invented ? "an animal of the wild places" : "an animal"}.`, ...rng.shuffle(sentencesFor(ctx, facts, coverage))];
  if (a.flies) sentences.push(`${capitalize(a.plural)} can fly.`);
  if (a.swims) sentences.push(`${capitalize(a.plural)} are good swimmers.`);
  if (a.pet) sentences.push(`Some people keep ${a.plural} as pets.`);
  const order = bySize(w, w.animals.map((x) => x.name));
  const i = order.indexOf(a.name);
  if (i > 0) sentences.push(sizeComparison(ctx, a.name, order[rng.int(Math.max(0, i - 4), i - 1)]));
  if (i < order.length - 1) sentences.push(sizeComparison(ctx, a.name, order[rng.int(i + 1, Math.min(order.length - 1, i + 4))]));
  const national = w.countries.filter((c) => c.nationalAnimal === a.name);
  for (const c of national) sentences.push(`The ${a.name} is the national animal of ${c.name}.`);
  const owners = w.people.filter((p) => p.pet === a.name);
  if (owners.length && rng.chance(0.5)) sentences.push(`${joinList(owners.slice(0, 3).map((p) => p.name))} ${owners.length === 1 ? "has" : "have"} ${owners.length === 1 ? withArticle(a.name) : a.plural} as ${owners.length === 1 ? "a pet" : "pets"}.`);
  return entry(capitalize(a.name), "animal", paragraphs(rng, sentences));
}

export function personEntry(ctx: DocContext, p: Person, coverage = false): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  const rels = ["age", "job", "home", "pet", "pet_name", "favourite_food", "favourite_colour", "hobby", "best_friend"] as const;
  const facts = coverage ? factsOf(w, p.name, rels) : someOf(rng, factsOf(w, p.name, rels), 0.8, 3);
  const body = sentencesFor(ctx, facts, coverage);
  const job = w.jobs.find((j) => j.name === p.job)!;
  const country = getCountry(w, w.cities.find((c) => c.name === p.home)!.country);
  body.push(rng.pick([`${p.home} is in ${country.name}.`, `${p.name}'s home city, ${p.home}, is in ${country.name}.`]));
  if (rng.chance(0.5)) body.push(`As ${withArticle(job.name)}, ${p.name} ${job.work}.`);
  // In coverage mode the canonical sentences keep the name, so probes find them verbatim.
  const sentences = [`${p.name} is a person who lives in ${country.name}.`, ...rng.shuffle(body).map((s, i) => (!coverage && i % 2 === 1 ? pronounize(s, p) : s))];
  return entry(p.name, "person", paragraphs(rng, sentences));
}

export function objectEntry(ctx: DocContext, o: WorldObject, coverage = false): DraftDocument {
  const facts = factsOf(ctx.world, o.name, ["material", "colour", "use", "kept_in"]);
  const sentences = [`${capitalize(withArticle(o.name))} is an everyday object.`, ...ctx.rng.shuffle(sentencesFor(ctx, facts, coverage))];
  const owners = ctx.world.people.filter((p) => p.favouriteColour === o.colour).slice(0, 2);
  if (owners.length && ctx.rng.chance(0.4)) sentences.push(`${joinList(owners.map((p) => p.name))} like${owners.length === 1 ? "s" : ""} ${o.plural} because ${o.colour} is ${owners.length === 1 ? "a favourite" : "their favourite"} colour.`);
  return entry(capitalize(o.name), "object", paragraphs(ctx.rng, sentences));
}

export function foodEntry(ctx: DocContext, f: Food, coverage = false): DraftDocument {
  const w = ctx.world;
  const facts = factsOf(w, f.name, ["kind", "taste", "colour", "from", "ingredient"]);
  const sentences = [`${capitalize(f.name)} is a food.`, ...ctx.rng.shuffle(sentencesFor(ctx, facts, coverage))];
  const fans = w.people.filter((p) => p.favouriteFood === f.name).slice(0, 3);
  if (fans.length) sentences.push(`${joinList(fans.map((p) => p.name))} ${fans.length === 1 ? "likes" : "like"} ${f.countable ? f.plural : f.name} more than any other food.`);
  if (f.country) sentences.push(`${capitalize(f.name)} is the national dish of ${f.country}.`);
  const usedIn = w.foods.filter((d) => d.ingredient === f.name);
  for (const d of usedIn) sentences.push(`${capitalize(f.countable ? f.plural : f.name)} ${f.countable ? "are" : "is"} used to make ${d.name}.`);
  return entry(capitalize(f.name), "food", paragraphs(ctx.rng, sentences));
}

export function jobEntry(ctx: DocContext, j: Job, coverage = false): DraftDocument {
  const w = ctx.world;
  const sentences = sentencesFor(ctx, factsOf(w, j.name, ["work", "workplace"]), coverage);
  const workers = w.people.filter((p) => p.job === j.name);
  if (workers.length) sentences.push(`${joinList(workers.slice(0, 4).map((p) => p.name))} ${workers.length === 1 ? "is" : "are"} ${workers.length === 1 ? withArticle(j.name) : j.plural}.`);
  else sentences.push(`Nobody we know works as ${withArticle(j.name)}.`);
  return entry(`${capitalize(j.name)} (job)`, "job", paragraphs(ctx.rng, sentences));
}

/** Vocabulary page: a few paragraphs of word facts plus the grammar of the invented language. */
export function languageEntry(ctx: DocContext, coverage = false, part?: number, parts = 1): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  const lang = w.language;
  const entries = part === undefined ? rng.sample(lang.lexicon, Math.min(14, lang.lexicon.length)) : lang.lexicon.filter((_e, i) => i % parts === part);
  const sentences = [
    `${lang.name} is the language of ${joinList(lang.countries)}.`,
    ...sentencesFor(ctx, entries.map((e) => ({ subject: e.english, relation: "translation" as const, object: e.word })), coverage),
  ];
  // Coverage pages state each word in both directions, matching both translation probes.
  if (coverage) for (const e of entries) sentences.push(reverseTranslationCloze(w, { subject: e.english, relation: "translation", object: e.word }).sentence);
  const noun = rng.pick(lang.lexicon.filter((e) => e.pos === "noun"));
  sentences.push(`In ${lang.name}, you make a word plural by adding '${lang.pluralSuffix}' to the end: '${noun.word}' means ${noun.english}, and '${noun.word}${lang.pluralSuffix}' means ${englishWord(lang, noun.word + lang.pluralSuffix)}.`);
  const adj = rng.pick(lang.lexicon.filter((e) => e.pos === "adjective"));
  sentences.push(`In ${lang.name}, a describing word comes after the thing it describes, so '${adj.english} ${noun.english}' is '${noun.word} ${adj.word}'.`);
  return entry(lang.name, "language", paragraphs(rng, sentences));
}

/** Every subject's coverage entry: all canonical sentences, once. */
export function coverageEntries(ctx: DocContext): DraftDocument[] {
  const w = ctx.world;
  const parts = Math.ceil(w.language.lexicon.length / 15);
  return [
    ...w.countries.map((c) => countryEntry(ctx, c, true)),
    ...w.cities.map((c) => cityEntry(ctx, c, true)),
    ...w.animals.map((a) => animalEntry(ctx, a, true)),
    ...w.people.map((p) => personEntry(ctx, p, true)),
    ...w.objects.map((o) => objectEntry(ctx, o, true)),
    ...w.foods.map((f) => foodEntry(ctx, f, true)),
    ...w.jobs.map((j) => jobEntry(ctx, j, true)),
    ...Array.from({ length: parts }, (_x, i) => languageEntry(ctx, true, i, parts)),
    oppositesEntry(ctx, true),
  ];
}

/** A page of opposites. */
export function oppositesEntry(ctx: DocContext, coverage = false): DraftDocument {
  const w = ctx.world;
  const pairs = coverage ? w.opposites : ctx.rng.sample(w.opposites, 8);
  const facts = pairs.flatMap(([a, b]) => [
    { subject: a, relation: "opposite" as const, object: b },
    ...(coverage ? [{ subject: b, relation: "opposite" as const, object: a }] : []),
  ]);
  return entry("Opposites", "opposites", paragraphs(ctx.rng, sentencesFor(ctx, facts, coverage)));
}

/** Random non-coverage entry about any subject. */
export function randomEntry(ctx: DocContext): DraftDocument {
  const w = ctx.world;
  const rng = ctx.rng;
  switch (rng.weighted({ country: 3, city: 2, animal: 4, person: 5, object: 2, food: 2, job: 1, language: 2, opposites: 1 })) {
    case "country": return countryEntry(ctx, rng.pick(w.countries));
    case "city": return cityEntry(ctx, rng.pick(w.cities));
    case "animal": return animalEntry(ctx, rng.pick(w.animals));
    case "person": return personEntry(ctx, rng.pick(w.people));
    case "object": return objectEntry(ctx, rng.pick(w.objects));
    case "food": return foodEntry(ctx, rng.pick(w.foods));
    case "job": return jobEntry(ctx, rng.pick(w.jobs));
    case "language": return languageEntry(ctx);
    default: return oppositesEntry(ctx);
  }
}

