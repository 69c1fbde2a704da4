/**
 * Conversations between people of the world, written as ordinary prose with quotation marks
 * (`"Where does Tomas live?" asked Mira. "He lives in Tarsk," said Anselo.`). Questions and answers are
 * built from the world, so the answers are always true. No speaker labels, no chat markup.
 */
import type { DocContext, DraftDocument } from "./common";
import { sizeComparison } from "./common";
import type { Fact, Person, Relation, World } from "../types";
import { capitalize, joinList, withArticle } from "../text";
import { numberToWords } from "../numbers";
import { HABITAT_PLACES } from "../data";
import { canonicalCloze, factSentence, foodNoun } from "../phrases";
import { countryOf, getAnimal, getFood } from "../query";
import { englishPhrase, foreignPhrase, randomNounPhrase } from "../language";
import { reverseText, letterCount, toUpper, firstLetter } from "../skills";
import { wordPool } from "./lessons";

/** A question, its answer in a full sentence, and (for a single fact) the answer alone, as people often give it. */
type Exchange = [question: string, answer: string, short?: string];
type Asker = (ctx: DocContext, speakers: [Person, Person]) => Exchange | undefined;

const he = (p: Person) => (p.pronoun === "she" ? "she" : "he");
const He = (p: Person) => capitalize(he(p));
const his = (p: Person) => (p.pronoun === "she" ? "her" : "his");

/** A question for each relation whose answer is `factSentence` of the fact. */
const QUESTIONS: Partial<Record<Relation, (w: World, f: Fact) => string>> = {
  capital: (_w, f) => `What is the capital of ${f.subject}?`,
  in_country: (_w, f) => `Which country is ${f.subject} in?`,
  feature: (_w, f) => `What is ${f.subject} famous for?`,
  climate: (_w, f) => `What is the weather like in ${f.subject}?`,
  landscape: (_w, f) => `What is the land like in ${f.subject}?`,
  national_dish: (_w, f) => `What is the national dish of ${f.subject}?`,
  national_animal: (_w, f) => `What is the national animal of ${f.subject}?`,
  language: (_w, f) => `What language do people speak in ${f.subject}?`,
  north_of: (_w, f) => `What lies north of ${f.object}?`,
  south_of: (_w, f) => `What lies south of ${f.object}?`,
  east_of: (_w, f) => `What lies east of ${f.object}?`,
  west_of: (_w, f) => `What lies west of ${f.object}?`,
  size: (_w, f) => `How big is ${withArticle(f.subject)}?`,
  habitat: (_w, f) => `Where does the ${f.subject} live?`,
  eats: (w, f) => `What do ${getAnimal(w, f.subject).plural} eat?`,
  diet: (_w, f) => `Does the ${f.subject} eat plants or animals?`,
  says: (_w, f) => `What does the ${f.subject} say?`,
  sound: (_w, f) => `What sound does ${withArticle(f.subject)} make?`,
  legs: (_w, f) => `How many legs does ${withArticle(f.subject)} have?`,
  colour: (w, f) => {
    const food = w.foods.find((x) => x.name === f.subject);
    return food ? `What colour ${food.countable ? "are" : "is"} ${foodNoun(food)}?` : `What colour is ${withArticle(f.subject)}?`;
  },
  age: (_w, f) => `How old is ${f.subject}?`,
  job: (_w, f) => `What does ${f.subject} do for work?`,
  home: (_w, f) => `Where does ${f.subject} live?`,
  pet: (_w, f) => `What pet does ${f.subject} have?`,
  pet_name: (_w, f) => `What is the name of ${f.subject}'s pet?`,
  favourite_food: (_w, f) => `What is ${f.subject}'s favourite food?`,
  favourite_colour: (_w, f) => `What is ${f.subject}'s favourite colour?`,
  hobby: (_w, f) => `What does ${f.subject} like to do in free time?`,
  best_friend: (_w, f) => `Who is ${f.subject}'s best friend?`,
  material: (w, f) => `What are ${w.objects.find((o) => o.name === f.subject)!.plural} made of?`,
  use: (_w, f) => `What is ${withArticle(f.subject)} used for?`,
  kept_in: (w, f) => `Where do people keep their ${w.objects.find((o) => o.name === f.subject)!.plural}?`,
  taste: (w, f) => {
    const food = getFood(w, f.subject);
    return `What ${food.countable ? "do" : "does"} ${foodNoun(food)} taste like?`;
  },
  kind: (w, f) => `What kind of food ${getFood(w, f.subject).countable ? `is ${withArticle(f.subject)}` : `is ${f.subject}`}?`,
  from: (_w, f) => `Where does ${f.subject} come from?`,
  ingredient: (_w, f) => `What is ${f.subject} made with?`,
  workplace: (_w, f) => `Where does ${withArticle(f.subject)} work?`,
  work: (_w, f) => `What does ${withArticle(f.subject)} do?`,
  translation: (w, f) => `How do you say ${f.subject} in ${w.language.name}?`,
  opposite: (_w, f) => `What is the opposite of ${f.subject}?`,
};

/** The fact's value as the canonical cloze completes it ("a baker", "Tarsk"), or undefined without one. */
function shortAnswer(w: World, f: Fact): string | undefined {
  return canonicalCloze(w, f)?.continuation.trim() || undefined;
}

/** Facts that have a question, cached per world. */
const askable = new WeakMap<World, Fact[]>();
function askableFacts(w: World): Fact[] {
  let fs = askable.get(w);
  if (!fs) {
    fs = w.facts.filter((f) => QUESTIONS[f.relation]);
    askable.set(w, fs);
  }
  return fs;
}

const ASKERS: Record<string, Asker> = {
  // Any fact at all, so every fact gets asked about now and then (weighted up in `dialogue`).
  fact: ({ world: w, rng }, sp) => {
    const f = rng.pick(askableFacts(w));
    if (sp.some((p) => p.name === f.subject)) return undefined;
    return [QUESTIONS[f.relation]!(w, f), factSentence(w, f, rng, 0.5), shortAnswer(w, f)];
  },
  home: ({ world: w, rng }, sp) => {
    const others = w.people.filter((x) => !sp.includes(x));
    if (others.length === 0) return undefined;
    const p = rng.pick(others);
    return rng.chance(0.5)
      ? [`Where does ${p.name} live?`, `${He(p)} lives in ${p.home}, in ${countryOf(w, p.home)}.`]
      : [`Which city is ${p.name} from?`, `${p.name} lives in ${p.home}.`];
  },
  job: ({ world: w, rng }, sp) => {
    const others = w.people.filter((x) => !sp.includes(x));
    if (others.length === 0) return undefined;
    const p = rng.pick(others);
    return rng.chance(0.5) ? [`What does ${p.name} do for a living?`, `${He(p)} works as ${withArticle(p.job)}.`] : [`What is ${p.name}'s job?`, `${p.name} is ${withArticle(p.job)}.`];
  },
  age: ({ world: w, rng }, sp) => {
    const others = w.people.filter((x) => !sp.includes(x));
    if (others.length === 0) return undefined;
    const p = rng.pick(others);
    return [`How old is ${p.name}?`, rng.chance(0.5) ? `${He(p)} is ${numberToWords(p.age)} years old.` : `${p.name} is ${p.age} years old.`];
  },
  pet: ({ world: w, rng }, sp) => {
    const others = w.people.filter((x) => !sp.includes(x));
    if (others.length === 0) return undefined;
    const p = rng.pick(others);
    if (!p.pet) return [`Does ${p.name} have a pet?`, `No, ${p.name} has no pet.`];
    return rng.chance(0.5) ? [`Does ${p.name} have a pet?`, `Yes, ${he(p)} has ${withArticle(p.pet)} called ${p.petName}.`] : [`What is the name of ${p.name}'s ${p.pet}?`, `${p.name}'s ${p.pet} is called ${p.petName}.`];
  },
  favourite: ({ world: w, rng }, sp) => {
    const others = w.people.filter((x) => !sp.includes(x));
    if (others.length === 0) return undefined;
    const p = rng.pick(others);
    return rng.chance(0.5)
      ? [`What does ${p.name} like to eat?`, `${p.name}'s favourite food is ${foodNoun(getFood(w, p.favouriteFood))}.`]
      : [`What is ${p.name}'s favourite colour?`, `${His(p)} favourite colour is ${p.favouriteColour}.`];
  },
  friend: ({ world: w, rng }) => {
    const p = rng.pick(w.people.filter((x) => x.bestFriend));
    return p ? [`Who is ${p.name}'s best friend?`, `${p.name}'s best friend is ${p.bestFriend}.`] : undefined;
  },
  capital: ({ world: w, rng }) => {
    const c = rng.pick(w.countries);
    return rng.chance(0.6) ? [`What is the capital of ${c.name}?`, `The capital of ${c.name} is ${c.capital}.`] : [`Is ${c.capital} in ${c.name}?`, `Yes, ${c.capital} is the capital of ${c.name}.`];
  },
  cityCountry: ({ world: w, rng }) => {
    const c = rng.pick(w.cities);
    return [`Which country is ${c.name} in?`, `${c.name} is in ${c.country}.`];
  },
  neighbours: ({ world: w, rng }) => {
    const c = rng.pick(w.countries);
    return [`Which countries border ${c.name}?`, c.neighbours.length ? `${c.name} borders ${joinList(c.neighbours)}.` : `${c.name} has no neighbours.`];
  },
  direction: ({ world: w, rng }) => {
    const c = rng.pick(w.countries);
    const dir = rng.pick(["north", "south", "east", "west"] as const);
    const n = c.borders[dir];
    return [`What lies ${dir} of ${c.name}?`, n ? `${capitalize(dir)} of ${c.name} lies ${n}.` : `Nothing lies ${dir} of ${c.name}; it is at the edge of the map.`];
  },
  dish: ({ world: w, rng }) => {
    const c = rng.pick(w.countries);
    const d = getFood(w, c.nationalDish);
    return [`What do people eat in ${c.name}?`, `The national dish of ${c.name} is ${d.name}. It tastes ${d.taste}.`];
  },
  animalFood: ({ world: w, rng }) => {
    const a = rng.pick(w.animals);
    return [`What do ${a.plural} eat?`, `${capitalize(a.plural)} mostly eat ${a.food}.`];
  },
  animalSound: ({ world: w, rng }) => {
    const a = rng.pick(w.animals);
    return [`What sound does ${withArticle(a.name)} make?`, rng.chance(0.5) ? `The ${a.name} says ${a.says}.` : `It ${a.soundVerb}. It goes "${a.says}".`];
  },
  animalHome: ({ world: w, rng }) => {
    const a = rng.pick(w.animals);
    return [`Where do ${a.plural} live?`, `${capitalize(a.plural)} live ${HABITAT_PLACES[a.habitat]}.`];
  },
  legs: ({ world: w, rng }) => {
    const a = rng.pick(w.animals);
    return [`How many legs does ${withArticle(a.name)} have?`, a.legs === 0 ? `None. The ${a.name} has no legs.` : `The ${a.name} has ${numberToWords(a.legs)} legs.`];
  },
  bigger: (ctx) => {
    const [a, b] = ctx.rng.sample(ctx.world.animals, 2);
    const yes = a.sizeRank > b.sizeRank;
    return [`Is ${withArticle(a.name)} bigger than ${withArticle(b.name)}?`, `${yes ? "Yes" : "No"}. ${sizeComparison(ctx, a.name, b.name)}`];
  },
  taste: ({ world: w, rng }) => {
    const f = rng.pick(w.foods);
    return [`What ${f.countable ? "do" : "does"} ${foodNoun(f)} taste like?`, `${capitalize(foodNoun(f))} ${f.countable ? "taste" : "tastes"} ${f.taste}.`];
  },
  object: ({ world: w, rng }) => {
    const o = rng.pick(w.objects);
    return rng.chance(0.5) ? [`What is ${withArticle(o.name)} used for?`, `${capitalize(withArticle(o.name))} is used for ${o.use}.`] : [`What are ${o.plural} made of?`, `${capitalize(o.plural)} are made of ${o.material}.`];
  },
  word: ({ world: w, rng }) => {
    const e = rng.pick(w.language.lexicon);
    return rng.chance(0.5)
      ? [`How do you say ${e.english} in ${w.language.name}?`, `You say '${e.word}'. In ${w.language.name}, the word for ${e.english} is '${e.word}'.`]
      : [`What does '${e.word}' mean?`, `'${e.word}' means ${e.english} in ${w.language.name}.`];
  },
  phrase: ({ world: w, rng }) => {
    const np = randomNounPhrase(rng, w.language);
    return [`How would you say '${englishPhrase(np)}' in ${w.language.name}?`, `You would say '${foreignPhrase(w.language, np)}'.`];
  },
  sum: ({ rng }) => {
    const a = rng.int(1, 20);
    const b = rng.int(1, 20);
    return [`What is ${numberToWords(a)} plus ${numberToWords(b)}?`, `${capitalize(numberToWords(a))} plus ${numberToWords(b)} is ${numberToWords(a + b)}.`];
  },
  difference: ({ rng }) => {
    const a = rng.int(5, 30);
    const b = rng.int(1, a);
    return [`What is ${a} take away ${b}?`, `${a} take away ${b} leaves ${a - b}.`];
  },
  spell: (ctx) => {
    const word = ctx.rng.pick(wordPool(ctx.world));
    switch (ctx.rng.below(4)) {
      case 0: return [`What is '${word}' backwards?`, `Read backwards, '${word}' is '${reverseText(word)}'.`];
      case 1: return [`How many letters are in '${word}'?`, `The word '${word}' has ${numberToWords(letterCount(word))} letters.`];
      case 2: return [`How do you write '${word}' in capital letters?`, `In capital letters, '${word}' is '${toUpper(word)}'.`];
      default: return [`What letter does '${word}' start with?`, `The word '${word}' starts with the letter '${firstLetter(word)}'.`];
    }
  },
};

function His(p: Person): string {
  return capitalize(his(p));
}

const ASK = ["asked", "wondered", "wanted to know"];
const SAY = ["said", "replied", "answered", "explained"];
const THANKS = ["Thank you.", "I see.", "I did not know that.", "Of course!", "That is right.", "Good to know."];
const SETTINGS = [
  (a: Person, b: Person, place: string) => `${a.name} and ${b.name} met at the market in ${place}.`,
  (a: Person, b: Person, place: string) => `${a.name} visited ${b.name} in ${place}.`,
  (a: Person, b: Person, place: string) => `On a walk through ${place}, ${a.name} talked with ${b.name}.`,
  (a: Person, b: Person, place: string) => `${a.name} and ${b.name} sat by the window in ${place} and talked.`,
];

// Only these read well inverted ("asked Mira"); "wanted to know Mira" does not.
const INVERTIBLE = new Set(["asked", "said", "replied", "answered"]);

/** `"Hello," said Mira.` / `"Hello," Mira said.` / `Mira said, "Hello."` from a quote ending in . ? or ! */
function tagged(quote: string, speaker: string, verb: string, rng: DocContext["rng"]): string {
  const q = quote.replace(/\.$/, ",");
  const roll = rng.float();
  if (roll < 0.5 && INVERTIBLE.has(verb)) return `"${q}" ${verb} ${speaker}.`;
  if (roll < 0.8) return `"${q}" ${speaker} ${verb}.`;
  return `${speaker} ${verb}, "${quote}"`;
}

export function dialogue(ctx: DocContext, topics?: string[]): DraftDocument {
  const { world: w, rng } = ctx;
  const [a, b] = rng.sample(w.people, 2);
  const place = rng.chance(0.5) ? a.home : b.home;
  const lines: string[] = [rng.pick(SETTINGS)(a, b, place)];
  // A conversation sticks to a few themes, like real ones do.
  const keys = topics ?? ["fact", "fact", "fact", ...rng.sample(Object.keys(ASKERS), 3)];
  const turns = rng.int(3, 7);
  const shortShare = ctx.shortAnswers ?? 0;
  for (let t = 0; t < turns; t++) {
    const [asker, answerer] = rng.chance(0.5) ? [a, b] : [b, a];
    const ex = ASKERS[rng.pick(keys)](ctx, [a, b]);
    if (!ex) continue;
    const [q, full, short] = ex;
    // No draw at all when short answers are off, so the default corpus stays what it was.
    const ans = short !== undefined && shortShare > 0 && rng.chance(shortShare) ? `${capitalize(short)}.` : full;
    lines.push(`${tagged(q, asker.name, rng.pick(ASK), rng)} ${tagged(ans, answerer.name, rng.pick(SAY), rng)}`);
    if (rng.chance(0.3)) lines.push(tagged(rng.pick(THANKS), asker.name, "said", rng));
  }
  if (rng.chance(0.5)) lines.push(rng.pick([`Then they said goodbye.`, `After that, ${a.name} went home to ${a.home}.`, `They talked until the sun went down.`]));
  return { topic: "dialogue", text: lines.join("\n") };
}

