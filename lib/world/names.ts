/**
 * Pronounceable invented names from syllables. One `NameRegistry` per world guarantees every invented
 * name (places, people, creatures, dishes, foreign words) is unique, case-insensitively, and never an
 * English word the corpus also uses — otherwise "Bear" the person and "bear" the animal would blur facts.
 */
import type { Rng } from "../random";

const ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr", "tr", "st", "sh", "th", "fl", "pl"];
// No "ea"/"ou"/"ee": those digraphs make invented names look (and tokenize) like English words.
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ia", "ei"];
// Foreign words use plain consonants and vowels and never end in a silent-looking "e", so they read as foreign.
const WORD_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kr", "tr"];
const WORD_VOWELS = ["a", "e", "i", "o", "u"];
const WORD_FINALS = ["a", "i", "o", "u"];
const CODAS = ["n", "r", "l", "s", "m", "k", "th", "nd", "rn", "sk"];

/** Styles differ so a reader (and a small model) can tell a country from a person by its shape. */
export type NameStyle = "country" | "city" | "person-she" | "person-he" | "creature" | "dish" | "word" | "language";

const COUNTRY_ENDINGS = ["ia", "ora", "and", "ovia", "esh", "aria", "un", "eth"];
const CITY_ENDINGS = ["", "", "ar", "en", "ik", "ow", "ston", "mere", "holt"];
const SHE_ENDINGS = ["a", "i", "e", "ia", "ela", "ina"];
const HE_ENDINGS = ["o", "an", "el", "or", "us", "im", "en", "ol"];
const CREATURE_ENDINGS = ["et", "ock", "ump", "ling", "op", "ik"];
const DISH_ENDINGS = ["o", "a", "i", "el", "ak"];

function syllable(rng: Rng, coda: boolean): string {
  return rng.pick(ONSETS) + rng.pick(VOWELS) + (coda ? rng.pick(CODAS) : "");
}

/** One raw candidate, lowercase. */
export function inventName(rng: Rng, style: NameStyle): string {
  const syl = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += syllable(rng, false);
    return s;
  };
  switch (style) {
    case "country":
      return syl(rng.int(1, 2)) + rng.pick(COUNTRY_ENDINGS);
    case "city":
      return syl(2) + (rng.chance(0.5) ? rng.pick(CODAS) : rng.pick(CITY_ENDINGS));
    case "person-she":
      return syl(1) + rng.pick(ONSETS) + rng.pick(SHE_ENDINGS);
    case "person-he":
      return syl(1) + rng.pick(ONSETS) + rng.pick(HE_ENDINGS);
    case "creature":
      return syl(1) + rng.pick(ONSETS) + rng.pick(CREATURE_ENDINGS);
    case "dish":
      return syl(1) + rng.pick(ONSETS) + rng.pick(DISH_ENDINGS);
    case "language":
      return syl(1) + rng.pick(["l", "r", "n", "sh", "v"]) + rng.pick(["i", "ish", "ese", "an", "u"]);
    case "word":
      // Short words learn fastest: two open syllables ("hobo", "tami"), sometimes closed by n/k/r.
      return rng.pick(WORD_ONSETS) + rng.pick(WORD_VOWELS) + rng.pick(WORD_ONSETS) + (rng.chance(0.3) ? rng.pick(WORD_VOWELS) + rng.pick(["n", "k", "r"]) : rng.pick(WORD_FINALS));
  }
}

/** Rejects awkward spellings: triple letters, three vowels in a row, four consonants in a row. */
function pronounceable(name: string): boolean {
  if (/(.)\1\1/.test(name)) return false;
  if (/[aeiou]{3}/.test(name) || /([aeiou])\1/.test(name)) return false;
  if (/[^aeiou]{4}/.test(name)) return false;
  return name.length >= 3 && name.length <= 11;
}

export class NameRegistry {
  private readonly taken = new Set<string>();

  /** `reserved`: words that must never be generated (the English vocabulary the corpus uses). */
  constructor(reserved: Iterable<string> = []) {
    for (const w of reserved) this.taken.add(w.toLowerCase());
  }

  has(name: string): boolean {
    return this.taken.has(name.toLowerCase());
  }

  /** Marks a name as used; false if it already was. */
  claim(name: string): boolean {
    const k = name.toLowerCase();
    if (this.taken.has(k)) return false;
    this.taken.add(k);
    return true;
  }

  /**
   * A fresh name in `style`, capitalised unless the style is a common noun (creature, dish, word).
   * `accept` lets callers add constraints (e.g. the word's plural must be free too).
   */
  fresh(rng: Rng, style: NameStyle, accept: (name: string) => boolean = () => true): string {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const raw = inventName(rng, style);
      if (!pronounceable(raw) || this.has(raw) || !accept(raw)) continue;
      this.claim(raw);
      return style === "creature" || style === "dish" || style === "word" ? raw : raw[0].toUpperCase() + raw.slice(1);
    }
    throw new Error(`NameRegistry: could not find a fresh ${style} name (the world is too large)`);
  }
}
