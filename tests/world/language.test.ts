import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { englishPhrase, englishWord, foreignPhrase, foreignWord, randomClause, randomNounPhrase, translate, untranslate } from "../../lib/world/language";
import { Rng } from "../../lib/random";

const world = generateWorld(7);
const lang = world.language;
const entry = (english: string) => lang.lexicon.find((e) => e.english === english);

test("lexicon: requested size, unique words, all number words one..ten", () => {
  assert.equal(lang.lexicon.length, world.options.lexiconSize);
  assert.equal(new Set(lang.lexicon.map((e) => e.word)).size, lang.lexicon.length);
  assert.equal(new Set(lang.lexicon.map((e) => e.english)).size, lang.lexicon.length);
  for (const n of ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]) assert.ok(entry(n), n);
  // No word reads as another word's plural.
  const words = new Set(lang.lexicon.map((e) => e.word));
  for (const e of lang.lexicon) if (e.pos === "noun") assert.ok(!words.has(e.word + lang.pluralSuffix), e.word);
});

test("single words translate both ways, plurals take the suffix", () => {
  const noun = lang.lexicon.find((e) => e.pos === "noun" && e.englishPlural !== e.english)!;
  assert.equal(foreignWord(lang, noun.english), noun.word);
  assert.equal(translate(lang, noun.englishPlural!), noun.word + lang.pluralSuffix);
  assert.equal(englishWord(lang, noun.word + lang.pluralSuffix), noun.englishPlural);
  assert.equal(untranslate(lang, noun.word), noun.english);
  const verb = lang.lexicon.find((e) => e.pos === "verb")!;
  assert.equal(translate(lang, verb.english), verb.word);
});

test("grammar: adjective and number after the noun, verb last, no articles", () => {
  const noun = lang.lexicon.find((e) => e.pos === "noun" && e.englishPlural !== e.english)!;
  const adj = lang.lexicon.find((e) => e.pos === "adjective")!;
  const three = entry("three")!;
  assert.equal(translate(lang, `${adj.english} ${noun.english}`), `${noun.word} ${adj.word}`);
  assert.equal(translate(lang, `three ${noun.englishPlural}`), `${noun.word}${lang.pluralSuffix} ${three.word}`);
  const nouns = lang.lexicon.filter((e) => e.pos === "noun");
  const [s, o] = [nouns[0], nouns[1]];
  const v = lang.lexicon.find((e) => e.pos === "verb")!;
  assert.equal(translate(lang, `the ${s.english} ${v.englishThird} the ${o.english}`), `${s.word} ${o.word} ${v.word}`);
  assert.equal(translate(lang, "the zzz sees"), undefined);
});

test("random phrases round-trip through translate and untranslate", () => {
  const rng = new Rng(1);
  for (let i = 0; i < 200; i++) {
    const p = i % 2 ? randomNounPhrase(rng, lang) : randomClause(rng, lang);
    const en = englishPhrase(p);
    const fo = foreignPhrase(lang, p);
    assert.equal(translate(lang, en), fo, en);
    assert.equal(untranslate(lang, fo), en, fo);
  }
});
