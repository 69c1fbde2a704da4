/**
 * The world's invented language: a lexicon of English words paired with invented words, and a tiny,
 * perfectly regular grammar a small model can pick up from examples:
 *   - plurals add one suffix to the noun ("mek" water, "mekli" waters);
 *   - adjectives and numbers follow the noun ("red dog" -> "hobo ruk", "three dogs" -> "hoboli tam");
 *   - sentences put the verb last, subject before object ("the dog sees the cat" -> "hobo tal vis");
 *   - there are no articles.
 * `translate` / `untranslate` implement exactly this, so corpus examples and task answers agree.
 */
import type { Rng } from "../random";
import type { NameRegistry } from "./names";
import { LEXICON_POOL } from "./data";

export type PartOfSpeech = "noun" | "adjective" | "verb" | "number" | "other";

export interface LexiconEntry {
  /** English headword: singular noun, adjective, verb base form, number word, or other word. */
  english: string;
  /** The invented word (lowercase). */
  word: string;
  pos: PartOfSpeech;
  /** Nouns: English plural. */
  englishPlural?: string;
  /** Verbs: English third person singular ("sees"). */
  englishThird?: string;
}

export interface Language {
  /** Name of the language, e.g. "Zuli". */
  name: string;
  /** Country whose people speak it (first) and others where it is also spoken. */
  countries: string[];
  /** Added to a noun to make its plural. */
  pluralSuffix: string;
  lexicon: LexiconEntry[];
}

const PLURAL_SUFFIXES = ["li", "ta", "ren", "ki", "so", "ni", "ro"];

/** Total number of English words available for a lexicon. */
export const LEXICON_POOL_SIZE =
  LEXICON_POOL.nouns.length + LEXICON_POOL.adjectives.length + LEXICON_POOL.verbs.length + LEXICON_POOL.numbers.length + LEXICON_POOL.others.length;

/**
 * Builds a lexicon of `size` entries. Every number word and a fair share of each part of speech is kept
 * so phrases and sentences can always be formed.
 */
export function buildLanguage(rng: Rng, names: NameRegistry, size: number, countries: string[]): Language {
  const pluralSuffix = rng.pick(PLURAL_SUFFIXES);
  const name = names.fresh(rng, "language");
  const P = LEXICON_POOL;
  const rest = size - P.numbers.length;
  // Shares roughly match the pool: most words are nouns, then adjectives, verbs, others.
  const nAdj = Math.min(P.adjectives.length, Math.max(4, Math.round(rest * 0.22)));
  const nVerb = Math.min(P.verbs.length, Math.max(3, Math.round(rest * 0.14)));
  const nOther = Math.min(P.others.length, Math.max(0, Math.round(rest * 0.07)));
  const nNoun = Math.min(P.nouns.length, rest - nAdj - nVerb - nOther);
  const plan: [string, PartOfSpeech, string?, string?][] = [];
  for (const [s, p] of rng.sample(P.nouns, nNoun)) plan.push([s, "noun", p]);
  for (const a of rng.sample(P.adjectives, nAdj)) plan.push([a, "adjective"]);
  for (const [b, t] of rng.sample(P.verbs, nVerb)) plan.push([b, "verb", undefined, t]);
  for (const n of P.numbers) plan.push([n, "number"]);
  for (const o of rng.sample(P.others, nOther)) plan.push([o, "other"]);

  const lexicon: LexiconEntry[] = [];
  const words = new Set<string>();
  for (const [english, pos, englishPlural, englishThird] of plan) {
    // A noun's plural must not collide with another word (or with a name) either.
    const word = names.fresh(rng, "word", (w) => !words.has(w + pluralSuffix) && !names.has(w + pluralSuffix) && !endsWithSuffixOf(w, pluralSuffix, words));
    words.add(word);
    if (pos === "noun") names.claim(word + pluralSuffix);
    const e: LexiconEntry = { english, word, pos };
    if (englishPlural) e.englishPlural = englishPlural;
    if (englishThird) e.englishThird = englishThird;
    lexicon.push(e);
  }
  return { name, countries, pluralSuffix, lexicon };
}

/** True when `w` equals some existing word plus the suffix (so `w` would read as that word's plural). */
function endsWithSuffixOf(w: string, suffix: string, words: Set<string>): boolean {
  return w.endsWith(suffix) && words.has(w.slice(0, -suffix.length));
}

// ---------------------------------------------------------------------------------------------------
// Phrases

export interface NounPhrase {
  noun: LexiconEntry;
  adjectives: LexiconEntry[];
  number?: LexiconEntry;
  plural: boolean;
}

export interface Clause {
  subject: NounPhrase;
  verb: LexiconEntry;
  object: NounPhrase;
}

export type Phrase = NounPhrase | Clause;

function isClause(p: Phrase): p is Clause {
  return (p as Clause).verb !== undefined;
}

/** English for a noun phrase: standalone ("three red dogs", "red dog") or inside a sentence ("the red dog"). */
export function englishNounPhrase(np: NounPhrase, inSentence = false): string {
  const parts: string[] = [];
  if (inSentence && !np.number) parts.push("the");
  if (np.number) parts.push(np.number.english);
  for (const a of np.adjectives) parts.push(a.english);
  parts.push(np.plural ? np.noun.englishPlural ?? np.noun.english : np.noun.english);
  return parts.join(" ");
}

export function foreignNounPhrase(lang: Language, np: NounPhrase): string {
  const parts = [np.plural ? np.noun.word + lang.pluralSuffix : np.noun.word];
  for (const a of np.adjectives) parts.push(a.word);
  if (np.number) parts.push(np.number.word);
  return parts.join(" ");
}

export function englishPhrase(p: Phrase): string {
  if (!isClause(p)) return englishNounPhrase(p);
  const verb = p.subject.plural ? p.verb.english : p.verb.englishThird ?? p.verb.english;
  return `${englishNounPhrase(p.subject, true)} ${verb} ${englishNounPhrase(p.object, true)}`;
}

export function foreignPhrase(lang: Language, p: Phrase): string {
  if (!isClause(p)) return foreignNounPhrase(lang, p);
  return `${foreignNounPhrase(lang, p.subject)} ${foreignNounPhrase(lang, p.object)} ${p.verb.word}`;
}

function byPos(lang: Language, pos: PartOfSpeech): LexiconEntry[] {
  return lang.lexicon.filter((e) => e.pos === pos);
}

/** A random noun phrase: bare, plural, with an adjective, or with a number. */
export function randomNounPhrase(rng: Rng, lang: Language): NounPhrase {
  const noun = rng.pick(byPos(lang, "noun"));
  // "fish"/"sheep" without a number would be ambiguous in English: keep those singular.
  const canPlural = noun.englishPlural !== noun.english;
  const roll = rng.below(4);
  if (roll === 0) return { noun, adjectives: [], plural: canPlural && rng.chance(0.4) };
  if (roll === 1 || roll === 2) return { noun, adjectives: [rng.pick(byPos(lang, "adjective"))], plural: canPlural && rng.chance(0.3) };
  const number = rng.pick(byPos(lang, "number").filter((n) => n.english !== "one"));
  return { noun, adjectives: rng.chance(0.3) ? [rng.pick(byPos(lang, "adjective"))] : [], number, plural: true };
}

export function randomClause(rng: Rng, lang: Language): Clause {
  const simple = (): NounPhrase => {
    const np = randomNounPhrase(rng, lang);
    return np.number ? np : { ...np, adjectives: np.adjectives.slice(0, rng.chance(0.5) ? 1 : 0) };
  };
  const subject = simple();
  let object = simple();
  // "the fire builds the fire" teaches nothing: keep subject and object nouns different.
  for (let i = 0; i < 10 && object.noun === subject.noun; i++) object = simple();
  return { subject, verb: rng.pick(byPos(lang, "verb")), object };
}

// ---------------------------------------------------------------------------------------------------
// Translation

interface Indexes {
  english: Map<string, { entry: LexiconEntry; form: "base" | "plural" | "third" }[]>;
  foreign: Map<string, { entry: LexiconEntry; plural: boolean }>;
}
const cache = new WeakMap<Language, Indexes>();

function indexes(lang: Language): Indexes {
  let ix = cache.get(lang);
  if (ix) return ix;
  const english: Indexes["english"] = new Map();
  const foreign: Indexes["foreign"] = new Map();
  const add = (k: string, entry: LexiconEntry, form: "base" | "plural" | "third") => {
    const list = english.get(k) ?? [];
    list.push({ entry, form });
    english.set(k, list);
  };
  for (const e of lang.lexicon) {
    add(e.english, e, "base");
    if (e.englishPlural && e.englishPlural !== e.english) add(e.englishPlural, e, "plural");
    if (e.englishThird) add(e.englishThird, e, "third");
    foreign.set(e.word, { entry: e, plural: false });
    if (e.pos === "noun") foreign.set(e.word + lang.pluralSuffix, { entry: e, plural: true });
  }
  ix = { english, foreign };
  cache.set(lang, ix);
  return ix;
}

/** The invented word for one English headword (any form: "dogs" gives the plural). */
export function foreignWord(lang: Language, english: string): string | undefined {
  const hits = indexes(lang).english.get(english.toLowerCase());
  if (!hits) return undefined;
  const h = hits[0];
  return h.form === "plural" ? h.entry.word + lang.pluralSuffix : h.entry.word;
}

/** The English headword for an invented word (plurals give the English plural). */
export function englishWord(lang: Language, word: string): string | undefined {
  const hit = indexes(lang).foreign.get(word.toLowerCase());
  if (!hit) return undefined;
  return hit.plural ? hit.entry.englishPlural ?? hit.entry.english : hit.entry.english;
}

/** Parses English: a single word, a noun phrase, or "NP verb NP". Undefined outside the grammar. */
export function parseEnglish(lang: Language, text: string): Phrase | LexiconEntry | undefined {
  const toks = text.toLowerCase().replace(/[.!?]$/, "").split(/\s+/).filter(Boolean);
  if (toks.length === 1) {
    const hits = indexes(lang).english.get(toks[0]);
    if (hits && hits[0].entry.pos !== "noun") return hits[0].entry;
  }
  const ix = indexes(lang).english;
  let i = 0;
  const np = (): NounPhrase | undefined => {
    if (toks[i] === "the" || toks[i] === "a" || toks[i] === "an") i++;
    let number: LexiconEntry | undefined;
    const adjectives: LexiconEntry[] = [];
    const n = ix.get(toks[i] ?? "")?.find((h) => h.entry.pos === "number");
    if (n) {
      number = n.entry;
      i++;
    }
    for (;;) {
      const a = ix.get(toks[i] ?? "")?.find((h) => h.entry.pos === "adjective");
      if (!a) break;
      adjectives.push(a.entry);
      i++;
    }
    const noun = ix.get(toks[i] ?? "")?.find((h) => h.entry.pos === "noun");
    if (!noun) return undefined;
    i++;
    // "sheep" is both singular and plural: a number other than "one" decides.
    const plural = noun.form === "plural" || (number !== undefined && number.english !== "one");
    return { noun: noun.entry, adjectives, number, plural };
  };
  const subject = np();
  if (!subject) return undefined;
  if (i === toks.length) return subject;
  const v = ix.get(toks[i])?.find((h) => h.entry.pos === "verb");
  if (!v) return undefined;
  i++;
  const object = np();
  if (!object || i !== toks.length) return undefined;
  return { subject, verb: v.entry, object };
}

/** English -> invented language, following the grammar above; undefined when the text is outside it. */
export function translate(lang: Language, english: string): string | undefined {
  const p = parseEnglish(lang, english);
  if (!p) return undefined;
  if ("pos" in p) return p.word;
  return foreignPhrase(lang, p);
}

/** Invented language -> English (sentences get "the"; bare noun phrases no article). */
export function untranslate(lang: Language, foreign: string): string | undefined {
  const toks = foreign.toLowerCase().replace(/[.!?]$/, "").split(/\s+/).filter(Boolean);
  const ix = indexes(lang).foreign;
  if (toks.length === 1) {
    const hit = ix.get(toks[0]);
    if (hit && hit.entry.pos !== "noun") return hit.entry.english;
  }
  let i = 0;
  const np = (): NounPhrase | undefined => {
    const n = ix.get(toks[i] ?? "");
    if (!n || n.entry.pos !== "noun") return undefined;
    i++;
    const adjectives: LexiconEntry[] = [];
    let number: LexiconEntry | undefined;
    for (;;) {
      const h = ix.get(toks[i] ?? "");
      if (h?.entry.pos === "adjective" && !number) adjectives.push(h.entry);
      else if (h?.entry.pos === "number" && !number) number = h.entry;
      else break;
      i++;
    }
    return { noun: n.entry, adjectives, number, plural: n.plural };
  };
  const subject = np();
  if (!subject) return undefined;
  if (i === toks.length) return englishNounPhrase(subject);
  const object = np();
  const v = ix.get(toks[i] ?? "");
  if (!object || !v || v.entry.pos !== "verb" || i + 1 !== toks.length) return undefined;
  return englishPhrase({ subject, verb: v.entry, object });
}
