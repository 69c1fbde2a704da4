/**
 * Worked examples written as prose, like a schoolbook page: arithmetic, number words, spelling and
 * letter games, sorting, list operations, comparisons, categories, opposites, the invented language,
 * the map, days and months. All answers are computed with ../skills and ../numbers, the same code the
 * task library uses to check answers.
 */
import type { DocContext, DraftDocument } from "./common";
import { sizeComparison, paragraphs } from "./common";
import type { Rng } from "../../random";
import type { World } from "../types";
import { capitalize, joinList } from "../text";
import { numberToWords, ordinalWords } from "../numbers";
import {
  countLetter, firstLetter, isEven, lastLetter, letterCount, longestWord, reverseText, shortestWord,
  sortAlphabetical, sortNumbers, spellOut, toLower, toUpper, countVowels,
} from "../skills";
import { factSentence } from "../phrases";
import { bySize, getJob } from "../query";
import { englishPhrase, foreignPhrase, randomClause, randomNounPhrase, type NounPhrase } from "../language";
import { DAYS, MONTHS } from "../data";

const W = numberToWords;
const CW = (n: number) => capitalize(numberToWords(n));

const pools = new WeakMap<World, string[]>();
/** Words the spelling lessons play with: the world's English vocabulary and its invented names. */
export function wordPool(w: World): string[] {
  let p = pools.get(w);
  if (!p) {
    const set = new Set<string>([
      ...w.animals.map((a) => a.name), ...w.foods.map((f) => f.name), ...w.objects.map((o) => o.name), ...w.colours,
      ...w.language.lexicon.filter((e) => e.pos === "noun" || e.pos === "adjective").map((e) => e.english),
      ...w.countries.map((c) => c.name), ...w.cities.map((c) => c.name), ...w.people.map((x) => x.name),
      ...w.language.lexicon.map((e) => e.word),
    ]);
    p = [...set].filter((x) => /^[A-Za-z]+$/.test(x)).sort();
    pools.set(w, p);
  }
  return p;
}

function lesson(topic: string, title: string, body: string): DraftDocument {
  return { topic: `lesson/${topic}`, text: `${title}\n\n${body}` };
}

function examples(rng: Rng, n: [number, number], make: () => string): string[] {
  return Array.from({ length: rng.int(n[0], n[1]) }, make);
}

function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${W(n)} times`;
}

// ---- Arithmetic

export function additionLesson({ world: w, rng }: DocContext): DraftDocument {
  const s = examples(rng, [6, 12], () => {
    const a = rng.int(0, rng.chance(0.6) ? 10 : 50);
    const b = rng.int(0, rng.chance(0.6) ? 10 : 50);
    const c = a + b;
    switch (rng.below(7)) {
      case 0: return `${CW(a)} plus ${W(b)} makes ${W(c)}.`;
      case 1: return `${a} + ${b} = ${c}.`;
      case 2: return `If you add ${W(a)} and ${W(b)}, you get ${W(c)}.`;
      case 3: return `The sum of ${a} and ${b} is ${c}.`;
      case 4: return `${CW(a)} and ${W(b)} together make ${W(c)}.`;
      case 5: return `${a} plus ${b} is ${c}.`;
      default: {
        const p = rng.pick(w.people);
        const f = rng.pick(w.foods.filter((x) => x.countable));
        const he = p.pronoun;
        if (!f) return `${CW(a)} plus ${W(b)} makes ${W(c)}.`;
        return `${p.name} had ${W(a)} ${a === 1 ? f.name : f.plural}. ${capitalize(he)} got ${W(b)} more, so now ${he} has ${W(c)}.`;
      }
    }
  });
  return lesson("addition", rng.pick(["Adding Numbers", "Sums", "Learning to Add", "Addition"]), paragraphs(rng, s));
}

export function subtractionLesson({ rng }: DocContext): DraftDocument {
  const s = examples(rng, [6, 12], () => {
    const a = rng.int(1, rng.chance(0.6) ? 20 : 100);
    const b = rng.int(0, a);
    const c = a - b;
    switch (rng.below(5)) {
      case 0: return `${CW(a)} minus ${W(b)} is ${W(c)}.`;
      case 1: return `${a} - ${b} = ${c}.`;
      case 2: return `If you take ${W(b)} away from ${W(a)}, ${W(c)} ${c === 1 ? "is" : "are"} left.`;
      case 3: return `The difference between ${a} and ${b} is ${c}.`;
      default: return `${a} take away ${b} leaves ${c}.`;
    }
  });
  return lesson("subtraction", rng.pick(["Taking Away", "Subtraction", "Minus"]), paragraphs(rng, s));
}

export function multiplicationLesson({ rng }: DocContext): DraftDocument {
  if (rng.chance(0.35)) {
    const k = rng.int(2, 10);
    const row = Array.from({ length: 10 }, (_x, i) => W(k * (i + 1)));
    const s = [
      `Counting in ${W(k)}s: ${row.join(", ")}.`,
      ...Array.from({ length: 10 }, (_x, i) => `${CW(i + 1)} times ${W(k)} is ${W((i + 1) * k)}.`),
    ];
    return lesson("multiplication", `The ${capitalize(W(k))} Times Table`, paragraphs(rng, s));
  }
  const s = examples(rng, [6, 10], () => {
    const a = rng.int(0, 12);
    const b = rng.int(0, 10);
    switch (rng.below(4)) {
      case 0: return `${CW(a)} times ${W(b)} is ${W(a * b)}.`;
      case 1: return `${a} times ${b} equals ${a * b}.`;
      case 2: return `${CW(a)} groups of ${W(b)} make ${W(a * b)}.`;
      default: return `If you multiply ${a} by ${b}, you get ${a * b}.`;
    }
  });
  return lesson("multiplication", rng.pick(["Multiplying", "Times"]), paragraphs(rng, s));
}

// ---- Numbers

export function numberWordsLesson({ rng }: DocContext): DraftDocument {
  const s: string[] = [];
  const mode = rng.below(4);
  if (mode === 0) {
    const start = rng.int(0, 90);
    const len = rng.int(5, 10);
    const seq = Array.from({ length: len }, (_x, i) => W(start + i));
    s.push(`Counting from ${W(start)} to ${W(start + len - 1)}: ${seq.join(", ")}.`);
    for (let i = 0; i < 4; i++) {
      const n = rng.int(0, 100);
      s.push(rng.pick([`After ${W(n)} comes ${W(n + 1)}.`, `The number after ${n} is ${n + 1}.`, n > 0 ? `The number before ${W(n)} is ${W(n - 1)}.` : `Zero comes before one.`]));
    }
  } else if (mode === 1) {
    for (let i = 0; i < rng.int(6, 10); i++) {
      const n = rng.int(0, rng.chance(0.8) ? 100 : 1000);
      s.push(rng.pick([`The number ${n} is written ${W(n)}.`, `${CW(n)} is written ${n} in digits.`, `In words, ${n} is ${W(n)}.`, `${n} is read as ${W(n)}.`]));
    }
  } else if (mode === 2) {
    for (let i = 0; i < rng.int(6, 10); i++) {
      const n = rng.int(0, 100);
      s.push(rng.pick([`${CW(n)} is an ${isEven(n) ? "even" : "odd"} number.`, `${n} is ${isEven(n) ? "even" : "odd"}.`, isEven(n) ? `${CW(n)} is even, because it can be split into two equal halves of ${W(n / 2)}.` : `${CW(n)} is odd, because it cannot be split into two equal whole halves.`]));
    }
  } else {
    for (let i = 0; i < rng.int(5, 9); i++) {
      const n = rng.int(1, 31);
      s.push(rng.pick([`The ${ordinalWords(n)} number is ${W(n)}.`, `Number ${n} in a line is the ${ordinalWords(n)}.`, `${capitalize(ordinalWords(n))} comes right after ${n > 1 ? ordinalWords(n - 1) : "nothing: it is the start"}.`]));
    }
  }
  return lesson("numbers", rng.pick(["Numbers", "Number Words", "Counting"]), paragraphs(rng, s));
}

export function compareNumbersLesson({ rng }: DocContext): DraftDocument {
  const s: string[] = [];
  for (let i = 0; i < rng.int(3, 6); i++) {
    const a = rng.int(0, 100);
    let b = rng.int(0, 100);
    if (b === a) b = (a + 7) % 101;
    s.push(rng.pick([
      `${CW(a)} is ${a > b ? "bigger" : "smaller"} than ${W(b)}.`,
      `${a} is ${a > b ? "greater" : "less"} than ${b}.`,
      `${CW(Math.max(a, b))} is more than ${W(Math.min(a, b))}.`,
    ]));
  }
  for (let i = 0; i < rng.int(2, 4); i++) {
    const xs = Array.from({ length: rng.int(3, 6) }, () => rng.int(0, 100));
    const sorted = sortNumbers(xs);
    s.push(rng.pick([
      `Sorted from smallest to largest, ${xs.join(", ")} become ${sorted.join(", ")}.`,
      `In order from largest to smallest, the numbers ${xs.join(", ")} are ${sorted.slice().reverse().join(", ")}.`,
      `Of ${joinList(xs.map(String))}, the largest is ${sorted[sorted.length - 1]} and the smallest is ${sorted[0]}.`,
      `The numbers ${xs.join(", ")} add up to ${xs.reduce((x, y) => x + y, 0)}.`,
    ]));
  }
  return lesson("compare-numbers", rng.pick(["Bigger and Smaller Numbers", "Putting Numbers in Order"]), paragraphs(rng, rng.shuffle(s)));
}

// ---- Letters and words

export function spellingLesson({ world: w, rng }: DocContext): DraftDocument {
  const pool = wordPool(w);
  const kind = rng.pick(["reverse", "upper", "first", "count", "letter", "spell", "lower"] as const);
  const s = examples(rng, [6, 10], () => {
    const word = rng.pick(pool);
    switch (kind) {
      case "reverse":
        return rng.pick([`Read backwards, '${word}' is '${reverseText(word)}'.`, `'${word}' spelled backwards is '${reverseText(word)}'.`, `If you reverse the letters of '${word}', you get '${reverseText(word)}'.`]);
      case "upper":
        return rng.pick([`In capital letters, '${word}' is '${toUpper(word)}'.`, `'${word}' written in upper case is '${toUpper(word)}'.`]);
      case "lower": {
        const up = toUpper(word);
        return rng.pick([`In small letters, '${up}' is '${toLower(up)}'.`, `'${up}' written in lower case is '${toLower(up)}'.`]);
      }
      case "first":
        return rng.pick([`The word '${word}' begins with the letter '${firstLetter(word)}'.`, `'${word}' starts with '${firstLetter(word)}' and ends with '${lastLetter(word)}'.`, `The last letter of '${word}' is '${lastLetter(word)}'.`, `The first letter of '${word}' is '${firstLetter(word)}'.`]);
      case "count":
        return rng.pick([`The word '${word}' has ${W(letterCount(word))} letters.`, `'${word}' is ${W(letterCount(word))} letters long.`, `There are ${letterCount(word)} letters in '${word}'.`, `'${word}' has ${W(countVowels(word))} vowel${countVowels(word) === 1 ? "" : "s"}.`]);
      case "letter": {
        const letters = Array.from(new Set(word.toLowerCase()));
        // Half the time the most frequent letter, so "twice" and "three times" show up, not just "once".
        const most = letters.reduce((best, x) => (countLetter(word, x) > countLetter(word, best) ? x : best), letters[0]);
        const l = rng.chance(0.5) ? most : rng.chance(0.7) ? rng.pick(letters) : rng.pick(Array.from("aeioustrnl"));
        const n = countLetter(word, l);
        return n === 0 ? `There is no letter '${l}' in '${word}'.` : `The letter '${l}' appears ${times(n)} in '${word}'.`;
      }
      default:
        return rng.pick([`'${word}' is spelled ${spellOut(word)}.`, `To spell '${word}', you write ${spellOut(word)}.`]);
    }
  });
  const titles: Record<typeof kind, string> = {
    reverse: "Words Backwards", upper: "Capital Letters", lower: "Small Letters", first: "First and Last Letters",
    count: "Counting Letters", letter: "Finding Letters", spell: "Spelling",
  };
  return lesson(`spelling-${kind}`, titles[kind], paragraphs(rng, s));
}

export function sortingLesson({ world: w, rng }: DocContext): DraftDocument {
  const pool = wordPool(w).filter((x) => x === x.toLowerCase());
  const s = examples(rng, [4, 7], () => {
    const words = rng.sample(pool, rng.int(3, 6));
    const sorted = sortAlphabetical(words);
    return rng.pick([
      `In alphabetical order, ${joinList(words)} become ${sorted.join(", ")}.`,
      `Sorted from A to Z, the words ${words.join(", ")} are ${sorted.join(", ")}.`,
      `Alphabetically, '${sorted[0]}' comes before '${sorted[1]}'.`,
      `Of ${joinList(words)}, the word that comes first in the alphabet is ${sorted[0]}, and the last is ${sorted[sorted.length - 1]}.`,
    ]);
  });
  return lesson("sorting", rng.pick(["Alphabetical Order", "Sorting Words"]), paragraphs(rng, s));
}

export function listLesson({ world: w, rng }: DocContext): DraftDocument {
  const sources = [w.animals.map((a) => a.name), w.objects.map((o) => o.name), w.foods.filter((f) => !f.invented).map((f) => f.name), w.colours, w.cities.map((c) => c.name)];
  const source = rng.pick(sources.filter((x) => x.length >= 3));
  const items = rng.sample(source, Math.min(source.length, rng.int(3, 7)));
  const n = items.length;
  const s = [rng.pick([`Here is a list: ${items.join(", ")}.`, `Look at this list of words: ${items.join(", ")}.`, `${rng.pick(w.people).name} wrote a list: ${items.join(", ")}.`])];
  const facts = [
    `The first item is ${items[0]}.`,
    `The last item is ${items[n - 1]}.`,
    `There are ${W(n)} items in the list.`,
    `The ${ordinalWords(2)} item is ${items[1]}.`,
    n >= 3 ? `The ${ordinalWords(3)} item is ${items[2]}.` : "",
    `Backwards, the list is ${items.slice().reverse().join(", ")}.`,
    `Without ${items[0]}, the list is ${items.slice(1).join(", ")}.`,
    `In alphabetical order, the list is ${sortAlphabetical(items).join(", ")}.`,
    `The longest word in the list is ${longestWord(items)}.`,
    `The shortest word in the list is ${shortestWord(items)}.`,
    `Adding ${rng.pick(source.filter((x) => !items.includes(x)).concat(["lamp"]))} at the end would make ${W(n + 1)} items.`,
  ].filter(Boolean);
  s.push(...rng.sample(facts, rng.int(4, facts.length)));
  return lesson("lists", rng.pick(["Lists", "Working with Lists"]), paragraphs(rng, s));
}

// ---- Knowledge drills

export function sizeLesson(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const s: string[] = [];
  for (let i = 0; i < rng.int(3, 6); i++) {
    const [a, b] = rng.sample(w.animals, 2);
    s.push(sizeComparison(ctx, a.name, b.name));
  }
  const group = rng.sample(w.animals.map((a) => a.name), Math.min(w.animals.length, rng.int(3, 5)));
  const ordered = bySize(w, group);
  s.push(rng.pick([
    `From smallest to biggest: ${ordered.join(", ")}.`,
    `Ordered by size, from the smallest, these animals are ${joinList(ordered)}.`,
    `From biggest to smallest: ${ordered.slice().reverse().join(", ")}.`,
  ]));
  s.push(rng.pick([`Of the ${joinList(group)}, the biggest is the ${ordered[ordered.length - 1]}.`, `Of the ${joinList(group)}, the smallest is the ${ordered[0]}.`]));
  const all = bySize(w, w.animals.map((a) => a.name));
  if (rng.chance(0.3)) s.push(`The biggest of all the animals is the ${all[all.length - 1]}, and the smallest is the ${all[0]}.`);
  return lesson("sizes", rng.pick(["Big and Small Animals", "Comparing Animals"]), paragraphs(rng, s));
}

export function peopleCompareLesson({ world: w, rng }: DocContext): DraftDocument {
  const group = rng.sample(w.people, Math.min(w.people.length, rng.int(3, 5)));
  const s = group.map((p) => `${p.name} is ${rng.chance(0.5) ? W(p.age) : p.age} years old.`);
  const [a, b] = group;
  if (a.age !== b.age) s.push(`${a.name} is ${a.age > b.age ? "older" : "younger"} than ${b.name}.`);
  const byAge = group.slice().sort((x, y) => x.age - y.age);
  if (byAge[0].age !== byAge[1].age) s.push(`The youngest of them is ${byAge[0].name}.`);
  if (byAge[byAge.length - 1].age !== byAge[byAge.length - 2].age) s.push(`The oldest of them is ${byAge[byAge.length - 1].name}.`);
  if (a.age > b.age) s.push(`${a.name} is ${W(a.age - b.age)} years older than ${b.name}.`);
  const sameJob = w.people.filter((p) => p.job === a.job);
  if (sameJob.length > 1) s.push(`${joinList(sameJob.slice(0, 4).map((p) => p.name))} are all ${getJob(w, a.job).plural}.`);
  return lesson("people", rng.pick(["Old and Young", "Who Is Older?"]), paragraphs(rng, s));
}

export function categoryLesson({ world: w, rng }: DocContext): DraftDocument {
  const cats: [string, string[]][] = [
    ["animals", w.animals.map((a) => a.plural)],
    ["foods", w.foods.filter((f) => !f.invented).map((f) => (f.countable ? f.plural : f.name))],
    ["colours", w.colours],
    ["countries", w.countries.map((c) => c.name)],
    ["cities", w.cities.map((c) => c.name)],
    ["jobs", w.jobs.map((j) => j.plural)],
    ["objects", w.objects.map((o) => o.plural)],
  ];
  const s: string[] = [];
  for (const [name, items] of rng.sample(cats, 4)) {
    const some = rng.sample(items, Math.min(items.length, rng.int(2, 4)));
    s.push(`${capitalize(joinList(some))} are ${name}.`);
  }
  for (let i = 0; i < rng.int(1, 3); i++) {
    const [[catA, itemsA], [, itemsB]] = rng.sample(cats, 2);
    const group = rng.sample(itemsA, Math.min(3, itemsA.length));
    const odd = rng.pick(itemsB);
    const all = rng.shuffle([...group, odd]);
    s.push(`In the group ${all.join(", ")}, the odd one out is ${odd}, because the others are all ${catA}.`);
  }
  const f = rng.pick(w.foods);
  s.push(factSentence(w, { subject: f.name, relation: "kind", object: f.kind }, rng));
  return lesson("categories", rng.pick(["Kinds of Things", "What Goes Together"]), paragraphs(rng, s));
}

export function oppositesLesson({ world: w, rng }: DocContext): DraftDocument {
  const s = rng.sample(w.opposites, 6).map(([a, b]) => factSentence(w, rng.chance(0.5) ? { subject: a, relation: "opposite", object: b } : { subject: b, relation: "opposite", object: a }, rng));
  return lesson("opposites", rng.pick(["Opposites", "Words and Their Opposites"]), paragraphs(rng, s));
}

export function tasteLesson({ world: w, rng }: DocContext): DraftDocument {
  const s = rng.sample(w.foods, Math.min(w.foods.length, rng.int(4, 7))).map((f) => {
    const relation = rng.pick(["taste", "taste", "colour", "kind"] as const);
    const object = relation === "taste" ? f.taste : relation === "colour" ? f.colour : f.kind;
    return factSentence(w, { subject: f.name, relation, object }, rng);
  });
  return lesson("tastes", rng.pick(["Tastes", "Sweet, Sour and Salty"]), paragraphs(rng, s));
}

// ---- The invented language

export function languageLesson({ world: w, rng }: DocContext): DraftDocument {
  const lang = w.language;
  const s: string[] = [];
  const mode = rng.below(4);
  if (mode === 0) {
    for (const e of rng.sample(lang.lexicon, Math.min(8, lang.lexicon.length))) s.push(factSentence(w, { subject: e.english, relation: "translation", object: e.word }, rng, 0.4));
  } else if (mode === 1) {
    s.push(`To talk about more than one thing in ${lang.name}, add '${lang.pluralSuffix}' to the end of the word.`);
    for (const e of rng.sample(lang.lexicon.filter((x) => x.pos === "noun"), 5)) {
      s.push(rng.pick([
        `'${e.word}' means ${e.english}, so '${e.word}${lang.pluralSuffix}' means ${e.englishPlural}.`,
        `One ${e.english} is '${e.word}', and many ${e.englishPlural} are '${e.word}${lang.pluralSuffix}'.`,
      ]));
    }
  } else if (mode === 2) {
    s.push(`In ${lang.name}, describing words and numbers come after the thing they describe.`);
    for (let i = 0; i < 6; i++) {
      const np: NounPhrase = randomNounPhrase(rng, lang);
      s.push(rng.pick([`'${englishPhrase(np)}' is '${foreignPhrase(lang, np)}' in ${lang.name}.`, `In ${lang.name}, '${foreignPhrase(lang, np)}' means '${englishPhrase(np)}'.`]));
    }
  } else {
    s.push(`A ${lang.name} sentence puts the one who acts first, then the thing acted on, and the verb last. There are no words for "the" or "a".`);
    for (let i = 0; i < 5; i++) {
      const c = randomClause(rng, lang);
      s.push(rng.pick([`'${capitalize(englishPhrase(c))}' is '${foreignPhrase(lang, c)}' in ${lang.name}.`, `In ${lang.name}, '${foreignPhrase(lang, c)}' means '${englishPhrase(c)}'.`]));
    }
  }
  return lesson("language", `${lang.name} ${rng.pick(["Lesson", "Words", "for Beginners"])}`, paragraphs(rng, s));
}

// ---- The map, the calendar

export function mapLesson({ world: w, rng }: DocContext): DraftDocument {
  const s: string[] = [];
  const rows = Math.max(...w.countries.map((c) => c.row)) + 1;
  const north = w.countries.filter((c) => c.row === 0).map((c) => c.name);
  const south = w.countries.filter((c) => c.row === rows - 1).map((c) => c.name);
  if (rng.chance(0.5)) s.push(`In the far north of the map lie ${joinList(north)}. In the far south lie ${joinList(south)}.`);
  for (const c of rng.sample(w.countries, Math.min(4, w.countries.length))) {
    for (const [dir, other] of Object.entries(c.borders)) {
      if (rng.chance(0.5)) s.push(factSentence(w, { subject: other!, relation: `${dir}_of` as "north_of", object: c.name }, rng, 0.4));
    }
    s.push(`${c.name} has ${W(c.neighbours.length)} neighbour${c.neighbours.length === 1 ? "" : "s"}: ${joinList(c.neighbours)}.`);
  }
  const c = rng.pick(w.countries);
  s.push(factSentence(w, { subject: c.name, relation: "capital", object: c.capital }, rng));
  return lesson("map", rng.pick(["The Map of the World", "Where Countries Lie", "Neighbours"]), paragraphs(rng, s));
}

export function calendarLesson({ rng }: DocContext): DraftDocument {
  const s: string[] = [];
  for (let i = 0; i < rng.int(4, 7); i++) {
    if (rng.chance(0.5)) {
      const d = rng.below(7);
      s.push(rng.pick([`The day after ${DAYS[d]} is ${DAYS[(d + 1) % 7]}.`, `The day before ${DAYS[d]} is ${DAYS[(d + 6) % 7]}.`, `${DAYS[d]} is the ${ordinalWords(d + 1)} day of the week.`]));
    } else {
      const m = rng.below(12);
      s.push(rng.pick([`${MONTHS[(m + 1) % 12]} comes after ${MONTHS[m]}.`, `${MONTHS[m]} is the ${ordinalWords(m + 1)} month of the year.`, `The month before ${MONTHS[m]} is ${MONTHS[(m + 11) % 12]}.`]));
    }
  }
  if (rng.chance(0.3)) s.push(`There are seven days in a week and twelve months in a year.`);
  return lesson("calendar", rng.pick(["Days and Months", "The Calendar"]), paragraphs(rng, s));
}

export function randomLesson(ctx: DocContext): DraftDocument {
  const table = {
    addition: 3, subtraction: 2, multiplication: 2, numbers: 3, compare: 2, spelling: 6, sorting: 2, lists: 3,
    sizes: 2, people: 1, categories: 2, opposites: 1, tastes: 1, language: 4, map: 2, calendar: 1,
  };
  switch (ctx.rng.weighted(table)) {
    case "addition": return additionLesson(ctx);
    case "subtraction": return subtractionLesson(ctx);
    case "multiplication": return multiplicationLesson(ctx);
    case "numbers": return numberWordsLesson(ctx);
    case "compare": return compareNumbersLesson(ctx);
    case "spelling": return spellingLesson(ctx);
    case "sorting": return sortingLesson(ctx);
    case "lists": return listLesson(ctx);
    case "sizes": return sizeLesson(ctx);
    case "people": return peopleCompareLesson(ctx);
    case "categories": return categoryLesson(ctx);
    case "opposites": return oppositesLesson(ctx);
    case "tastes": return tasteLesson(ctx);
    case "language": return languageLesson(ctx);
    case "map": return mapLesson(ctx);
    default: return calendarLesson(ctx);
  }
}

