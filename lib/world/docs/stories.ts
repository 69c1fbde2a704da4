/**
 * Short stories: people of the world travel, keep pets, go to market, work, and learn the invented
 * language. Every detail that is a fact (homes, jobs, what an animal eats, what a dish tastes like,
 * which way a country lies) is taken from the world, so stories reinforce facts instead of contradicting
 * them; the rest (what happened that day) is free invention.
 */
import type { DocContext, DraftDocument } from "./common";
import { sizeComparison } from "./common";
import type { Animal, Direction, Person } from "../types";
import { capitalize, withArticle } from "../text";
import { numberToWords } from "../numbers";
import { HABITAT_PLACES } from "../data";
import { foodNoun, factSentence } from "../phrases";
import { countryOf, directionOf, getAnimal, getCity, getCountry, getFood, getJob, getPerson } from "../query";
import { englishPhrase, foreignPhrase, randomClause, randomNounPhrase } from "../language";

interface Pr {
  He: string;
  he: string;
  his: string;
  His: string;
  him: string;
}
function pr(p: Person): Pr {
  return p.pronoun === "she"
    ? { He: "She", he: "she", his: "her", His: "Her", him: "her" }
    : { He: "He", he: "he", his: "his", His: "His", him: "him" };
}

const TIMES = ["One morning", "One sunny morning", "Early one day", "One cold evening", "One spring day", "Last summer", "One autumn afternoon", "On a rainy day"];
const ENDINGS = ["It had been a good day.", "It was a day to remember.", "Everyone was happy.", "And that was the end of the adventure.", "The end."];

function title(rng: DocContext["rng"], options: string[]): string {
  return rng.pick(options);
}

/** A trip to a neighbouring country. */
export function journeyStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const p = rng.pick(w.people);
  const x = pr(p);
  const homeCountry = getCountry(w, countryOf(w, p.home));
  const destCountry = getCountry(w, rng.pick(homeCountry.neighbours.length ? homeCountry.neighbours : [homeCountry.name]));
  const away = destCountry.cities.filter((c) => c !== p.home);
  const dest = getCity(w, away.length ? rng.pick(away) : destCountry.capital);
  const dir: Direction | undefined = destCountry.name === homeCountry.name ? undefined : directionOf(w, destCountry.name, homeCountry.name);
  const s: string[] = [];
  s.push(`${rng.pick(TIMES)}, ${p.name} ${rng.pick(["decided to visit", "set out for", "made plans to travel to"])} ${dest.name}.`);
  s.push(`${p.name} lives in ${p.home}, in ${homeCountry.name}, and works as ${withArticle(p.job)}.`);
  if (dir) s.push(rng.pick([`${x.He} travelled ${dir}, because ${destCountry.name} lies ${dir} of ${homeCountry.name}.`, `${destCountry.name} lies ${dir} of ${homeCountry.name}, so ${x.he} walked ${dir} for ${numberToWords(rng.int(2, 6))} days.`]));
  const obj = rng.pick(w.objects);
  s.push(`${x.He} took ${x.his} ${obj.name} with ${x.him}. It was ${obj.colour} and made of ${obj.material}, like most ${obj.plural}.`);
  const fauna = w.animals.filter((a) => a.countries.includes(destCountry.name));
  if (fauna.length) {
    const a = rng.pick(fauna);
    s.push(`On the way, ${x.he} saw ${withArticle(a.name)}. ${capitalize(a.plural)} live ${HABITAT_PLACES[a.habitat]}.`);
    s.push(rng.pick([`The ${a.name} ${a.soundVerb}: "${capitalize(a.says)}!"`, `"${capitalize(a.says)}," said the ${a.name}, because that is the sound ${a.plural} make.`, `It was looking for ${a.food} to eat.`]));
  }
  s.push(rng.pick([`At last ${x.he} arrived in ${dest.name}, a city in ${destCountry.name}.`, `${dest.name} is in ${destCountry.name}, and ${p.name} reached it in the evening.`]));
  s.push(`${x.He} went to see the ${dest.feature}, because ${dest.name} is famous for its ${dest.feature}.`);
  const dish = getFood(w, destCountry.nationalDish);
  s.push(rng.pick([
    `For dinner ${x.he} ate ${dish.name}, the national dish of ${destCountry.name}. It tasted ${dish.taste}.`,
    `${p.name} tried ${dish.name}, which is made with ${foodNoun(getFood(w, dish.ingredient!))}. ${capitalize(dish.name)} tastes ${dish.taste}.`,
  ]));
  if (destCountry.language) {
    const e = rng.pick(w.language.lexicon);
    s.push(`People in ${destCountry.name} speak ${w.language.name}. A child taught ${p.name} that '${e.word}' means ${e.english}.`);
  }
  const friend = p.bestFriend ? getPerson(w, p.bestFriend) : undefined;
  s.push(`After ${numberToWords(rng.int(2, 9))} days, ${p.name} went home to ${p.home}.`);
  if (friend) s.push(`${x.He} told ${friend.name}, ${x.his} best friend, all about the journey.`);
  s.push(rng.pick(ENDINGS));
  return { topic: "story/journey", text: `${title(rng, [`${p.name} Goes to ${dest.name}`, `The Journey to ${dest.name}`, `A Trip to ${destCountry.name}`])}\n\n${group(rng, s)}` };
}

/** A person and their pet. */
export function petStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const owners = w.people.filter((p) => p.pet);
  if (owners.length === 0) return workStory(ctx);
  const p = rng.pick(owners);
  const x = pr(p);
  const a = getAnimal(w, p.pet!);
  const petName = p.petName!;
  const s: string[] = [];
  s.push(`${p.name} has a pet ${a.name} called ${petName}.`);
  s.push(rng.pick([`Every morning ${petName} ${a.soundVerb} to wake ${p.name} up.`, `When ${petName} is hungry, it says "${a.says}".`, `${petName} ${a.soundVerb} whenever someone knocks at the door.`]));
  s.push(`${p.name} feeds ${petName} ${a.food}, because ${a.plural} mostly eat ${a.food}.`);
  s.push(`${rng.pick(TIMES)}, ${petName} ran away.`);
  s.push(`${p.name} looked everywhere in ${p.home}. ${x.He} looked in the ${rng.pick(["kitchen", "garden", "hall", "bedroom"])} and by the ${getCity(w, p.home).feature}.`);
  if (p.bestFriend) s.push(`${p.bestFriend}, ${x.his} best friend, came to help.`);
  const other = rng.pick(w.animals.filter((b) => b.name !== a.name));
  s.push(`They met ${withArticle(other.name)}. ${sizeComparison(ctx, a.name, other.name)}`);
  s.push(`At last they heard a sound: "${a.says}!" It was ${petName}, hiding ${rng.pick(["under a bush", "behind the door", "in a basket", "on the roof"])}.`);
  s.push(`${p.name} was so happy that ${x.he} gave ${petName} extra ${a.food}.`);
  s.push(rng.pick(ENDINGS));
  return { topic: "story/pet", text: `${title(rng, [`${petName} the ${capitalize(a.name)}`, `The Lost ${capitalize(a.name)}`])}\n\n${group(rng, s)}` };
}

/** Shopping with a little arithmetic. */
export function marketStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const p = rng.pick(w.people);
  const x = pr(p);
  const countables = w.foods.filter((f) => f.countable);
  const [f1, f2] = countables.length >= 2 ? rng.sample(countables, 2) : [w.foods[0], w.foods[1]];
  const a = rng.int(2, 9);
  const b = rng.int(2, 9);
  const give = rng.int(1, Math.min(a + b - 1, 5));
  const s: string[] = [];
  s.push(`${rng.pick(TIMES)}, ${p.name} went to the market in ${p.home}.`);
  if (f1.countable && f2.countable) {
    s.push(`${x.He} bought ${numberToWords(a)} ${a === 1 ? f1.name : f1.plural} and ${numberToWords(b)} ${b === 1 ? f2.name : f2.plural}.`);
    s.push(rng.pick([
      `${numberToWords(a)} and ${numberToWords(b)} make ${numberToWords(a + b)}, so ${x.he} had ${numberToWords(a + b)} things in ${x.his} basket.`,
      `Altogether that was ${a + b} pieces of food, because ${a} plus ${b} is ${a + b}.`,
    ]).replace(/^./, (c) => c.toUpperCase()));
    s.push(`${capitalize(f1.plural)} taste ${f1.taste} and ${f2.plural} taste ${f2.taste}.`);
    const friend = p.bestFriend ?? rng.pick(w.people.filter((q) => q.name !== p.name)).name;
    s.push(`On the way home ${x.he} gave ${numberToWords(give)} of them to ${friend}, so ${x.he} had ${numberToWords(a + b - give)} left.`);
  }
  const fav = getFood(w, p.favouriteFood);
  s.push(`${p.name} also looked for ${foodNoun(fav)}, because ${p.name}'s favourite food is ${foodNoun(fav)}.`);
  const o = rng.pick(w.objects);
  s.push(`A merchant was selling ${o.plural}. ${factSentence(w, { subject: o.name, relation: "material", object: o.material }, rng)}`);
  s.push(rng.pick(ENDINGS));
  return { topic: "story/market", text: `${title(rng, [`${p.name} at the Market`, `Market Day in ${p.home}`])}\n\n${group(rng, s)}` };
}

/** A day at work. */
export function workStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const p = rng.pick(w.people);
  const x = pr(p);
  const job = getJob(w, p.job);
  const s: string[] = [];
  s.push(`${p.name} is ${withArticle(job.name)} in ${p.home}.`);
  s.push(rng.chance(0.5) ? `Every day, ${x.he} works ${job.where}.` : `Every day, ${x.he} works ${job.where}, like every ${job.name}.`);
  s.push(`As ${withArticle(job.name)}, ${x.he} ${job.work}.`);
  for (const o of rng.sample(w.objects, Math.min(2, w.objects.length))) {
    s.push(rng.pick([
      `${x.He} used ${x.his} ${o.name} for ${o.use}.`,
      `On the table lay ${withArticle(o.name)} made of ${o.material}; ${x.he} uses it for ${o.use}.`,
      `${x.His} ${o.name} is ${o.colour}, like most ${o.plural}.`,
    ]));
  }
  if (p.bestFriend) {
    const f = getPerson(w, p.bestFriend);
    const food = getFood(w, f.favouriteFood);
    s.push(`At noon, ${f.name} came to visit. ${f.name} is ${withArticle(f.job)} and lives in ${f.home}.`);
    s.push(`They shared some ${foodNoun(food)}, ${f.name}'s favourite food. It tasted ${food.taste}.`);
  }
  s.push(`In the evening ${p.name} went home and spent time ${p.hobby}, which is ${x.his} hobby.`);
  s.push(rng.pick(ENDINGS));
  return { topic: "story/work", text: `${title(rng, [`A Day in the Life of ${p.name}`, `${p.name} the ${capitalize(job.name)}`])}\n\n${group(rng, s)}` };
}

/** Two animals meet, fable style. */
export function fableStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const [a, b] = rng.sample(w.animals, 2);
  const [big, small] = a.sizeRank > b.sizeRank ? [a, b] : [b, a];
  const s: string[] = [];
  s.push(`Once there was ${withArticle(a.name)} that lived ${HABITAT_PLACES[a.habitat]}.`);
  s.push(`One day it met ${withArticle(b.name)}, which usually lives ${HABITAT_PLACES[b.habitat]}.`);
  s.push(`"${capitalize(a.says)}!" said the ${a.name}. "${capitalize(b.says)}!" answered the ${b.name}.`);
  s.push(`"I am bigger than you," said the ${big.name}. And it was true: ${sizeComparison(ctx, big.name, small.name).replace(/^./, (c) => c.toLowerCase())}`);
  s.push(`"What do you eat?" asked the ${small.name}. "I eat ${big.food}," said the ${big.name}. "I eat ${small.food}," said the ${small.name}.`);
  s.push(legsLine(a, b));
  s.push(rng.pick([
    `In the end the two animals became friends, even though one was big and one was small.`,
    `The ${small.name} went home ${HABITAT_PLACES[small.habitat]}, and the ${big.name} went home ${HABITAT_PLACES[big.habitat]}.`,
    `And so the ${big.name} and the ${small.name} learned that every animal is good at something.`,
  ]));
  return { topic: "story/fable", text: `${title(rng, [`The ${capitalize(a.name)} and the ${capitalize(b.name)}`])}\n\n${group(rng, s)}` };
}

function legsLine(a: Animal, b: Animal): string {
  const l = (n: number) => (n === 0 ? "no legs" : `${numberToWords(n)} legs`);
  if (a.legs === b.legs) return `Both of them have ${l(a.legs)}.`;
  return `The ${a.name} has ${l(a.legs)}, but the ${b.name} has ${l(b.legs)}.`;
}

/** A visitor learns some words of the invented language. */
export function languageStory(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const lang = w.language;
  const speakers = w.people.filter((p) => lang.countries.includes(countryOf(w, p.home)));
  const learners = w.people.filter((p) => !speakers.includes(p));
  const teacher = speakers.length ? rng.pick(speakers) : rng.pick(w.people);
  const learner = learners.length ? rng.pick(learners) : rng.pick(w.people.filter((p) => p !== teacher));
  const s: string[] = [];
  s.push(`${learner.name} wanted to learn ${lang.name}, the language of ${lang.countries[0]}.`);
  s.push(`${teacher.name}, who lives in ${teacher.home}, offered to help.`);
  const hello = lang.lexicon.find((e) => e.english === "hello");
  if (hello) s.push(`"${capitalize(hello.word)}!" said ${teacher.name}. "That means hello."`);
  for (const e of rng.sample(lang.lexicon, Math.min(4, lang.lexicon.length))) {
    s.push(rng.pick([
      e.pos === "noun" ? `${teacher.name} pointed at ${withArticle(e.english)} and said, "In ${lang.name}, ${e.english} is '${e.word}'."` : `${teacher.name} said, "In ${lang.name}, ${e.english} is '${e.word}'."`,
      `"The word '${e.word}' means ${e.english}," said ${teacher.name}.`,
      `${learner.name} learned that '${e.word}' is the ${lang.name} word for ${e.english}.`,
    ]));
  }
  const np = randomNounPhrase(rng, lang);
  s.push(`Then ${teacher.name} said '${foreignPhrase(lang, np)}', which means '${englishPhrase(np)}'.`);
  const cl = randomClause(rng, lang);
  s.push(`"In ${lang.name} the verb comes last," explained ${teacher.name}. "So '${englishPhrase(cl)}' is '${foreignPhrase(lang, cl)}'."`);
  s.push(`${learner.name} practised every evening, and soon ${pr(learner).he} could say many words.`);
  return { topic: "story/language", text: `${title(rng, [`Learning ${lang.name}`, `${learner.name} Learns ${lang.name}`])}\n\n${group(rng, s)}` };
}

/** Sentences into paragraphs of about three. */
function group(rng: DocContext["rng"], s: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const n = rng.int(2, 4);
    out.push(s.slice(i, i + n).join(" "));
    i += n;
  }
  return out.join("\n\n");
}

export function randomStory(ctx: DocContext): DraftDocument {
  switch (ctx.rng.weighted({ journey: 3, pet: 2, market: 2, work: 2, fable: 2, language: 2 })) {
    case "journey": return journeyStory(ctx);
    case "pet": return petStory(ctx);
    case "market": return marketStory(ctx);
    case "work": return workStory(ctx);
    case "fable": return fableStory(ctx);
    default: return languageStory(ctx);
  }
}

