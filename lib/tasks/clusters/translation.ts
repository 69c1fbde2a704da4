/**
 * Translation into and out of the world's invented language: single words (held out by English word,
 * like facts) and phrases built by the language's own grammar (verb last, adjectives and numbers after the
 * noun, one plural suffix). A phrase with a held-out word is an evaluation phrase.
 */
import type { Fact, World } from "../../world/types";
import type { LexiconEntry, Phrase, NounPhrase } from "../../world/language";
import { englishPhrase, foreignPhrase, randomClause, randomNounPhrase } from "../../world/language";
import type { ClusterSpec, Draft, MakeContext, TaskSpec, TemplateSpec } from "../types";
import type { VerifierSpec } from "../verify";
import { canonicalInput, combineKeys } from "../split";
import { T, factVerifier, inv, namedCheck } from "../helpers";

const CLUSTER = "translation";

const entryOf = (w: World, english: string): LexiconEntry => w.language.lexicon.find((e) => e.english === english)!;

function toForeign(accept: string[], glossary?: Record<string, string>): VerifierSpec {
  return glossary ? { kind: "translation", into: "foreign", accept, glossary } : { kind: "translation", into: "foreign", accept };
}
const toEnglish = (accept: string[]): VerifierSpec => ({ kind: "translation", into: "english", accept });

function wordDraft(ctx: MakeContext, direction: "to" | "from"): Draft {
  const w = ctx.world;
  const e = entryOf(w, ctx.subject("word"));
  const fact: Fact = { subject: e.english, relation: "translation", object: e.word };
  const vars = { language: w.language.name };
  if (direction === "to") {
    return { inputs: { word: e.english }, answer: e.word, splitKey: `word:${e.english}`, facts: [fact], vars, verifier: factVerifier(w, fact, toForeign([e.word])) };
  }
  return { inputs: { foreign: e.word }, answer: e.english, splitKey: `word:${e.english}`, facts: [fact], vars, verifier: toEnglish([e.english]) };
}

const WORD_TO: TemplateSpec[] = [
  T("How do you say \"{word}\" in {language}?"),
  T("Translate the word \"{word}\" into {language}."),
  T("What is the {language} word for {word}?"),
  T("Question: what is \"{word}\" in {language}?\nAnswer:"),
  T("Give the {language} word that means {word}."),
  T("English: {word}\n{language}:"),
  T("In {language}, what word do people use for {word}?"),
  T("Write {word} in {language}."),
  T("Tell me the {language} for \"{word}\"."),
  T("Which {language} word means \"{word}\"?"),
  inv("What does the {language} word \"{answer}\" mean in English?", "{word}", (ex) => toEnglish([ex.inputs.word])),
  inv("\"{answer}\" is a {language} word. Translate it into English.", "{word}", (ex) => toEnglish([ex.inputs.word])),
];

const WORD_FROM: TemplateSpec[] = [
  T("What does the {language} word \"{foreign}\" mean?"),
  T("Translate \"{foreign}\" from {language} into English."),
  T("What is \"{foreign}\" in English?"),
  T("Question: what is the English for the {language} word \"{foreign}\"?\nAnswer:"),
  T("Give the English meaning of {foreign}, a {language} word."),
  T("{language}: {foreign}\nEnglish:"),
  T("A {language} speaker says \"{foreign}\". Which English word is that?"),
  T("Write {foreign} in English."),
  T("Tell me what \"{foreign}\" means. It is a word in {language}."),
  T("Which English word does the {language} word \"{foreign}\" translate to?"),
  inv("How do you say \"{answer}\" in {language}?", "{foreign}", (ex) => toForeign([ex.inputs.foreign])),
  inv("Translate the English word \"{answer}\" into {language}.", "{foreign}", (ex) => toForeign([ex.inputs.foreign])),
];

const wordToForeign: TaskSpec = {
  name: "word_to_foreign",
  cluster: CLUSTER,
  description: "Translate an English word into the invented language.",
  inputs: ["word"],
  make: (ctx) => wordDraft(ctx, "to"),
  templates: WORD_TO,
};

const wordFromForeign: TaskSpec = {
  name: "word_from_foreign",
  cluster: CLUSTER,
  description: "Translate a word of the invented language into English.",
  inputs: ["foreign"],
  make: (ctx) => wordDraft(ctx, "from"),
  templates: WORD_FROM,
};

function nounPhrases(p: Phrase): NounPhrase[] {
  return "verb" in p ? [p.subject, p.object] : [p];
}

/** Invented word -> English for every word of the phrase (plural nouns map to the English plural). */
function glossaryOf(w: World, p: Phrase): Record<string, string> {
  const g: Record<string, string> = {};
  for (const np of nounPhrases(p)) {
    g[np.noun.word] = np.noun.english;
    g[np.noun.word + w.language.pluralSuffix] = np.noun.englishPlural ?? np.noun.english;
    for (const a of np.adjectives) g[a.word] = a.english;
    if (np.number) g[np.number.word] = np.number.english;
  }
  if ("verb" in p) g[p.verb.word] = p.verb.english;
  return g;
}

function phraseDraft(ctx: MakeContext, direction: "to" | "from", fields: readonly string[]): Draft {
  const w = ctx.world;
  const p: Phrase = ctx.rng.chance(0.5) ? randomNounPhrase(ctx.rng, w.language) : randomClause(ctx.rng, w.language);
  const english = englishPhrase(p);
  const foreign = foreignPhrase(w.language, p);
  const glossary = glossaryOf(w, p);
  const inputs: Record<string, string> = direction === "to" ? { english } : { foreign };
  // Held-out words stay held out inside phrases too.
  const used = nounPhrases(p).flatMap((np) => [np.noun, ...np.adjectives, ...(np.number ? [np.number] : [])]).concat("verb" in p ? [p.verb] : []);
  const splitKey = combineKeys(w, [canonicalInput(fields, inputs), ...used.map((e) => `word:${e.english}`)]);
  const vars = { language: w.language.name };
  const checks = { foreign: toForeign([foreign], glossary), english: toEnglish([english]) };
  return direction === "to"
    ? { inputs, answer: foreign, verifier: checks.foreign, splitKey, vars, checks }
    : { inputs, answer: english, verifier: checks.english, splitKey, vars, checks };
}

const phraseToForeign: TaskSpec = {
  name: "phrase_to_foreign",
  cluster: CLUSTER,
  description: "Translate a short English phrase or sentence into the invented language.",
  inputs: ["english"],
  make: (ctx) => phraseDraft(ctx, "to", ["english"]),
  templates: [
    T("Translate into {language}: {english}"),
    T("How would you say \"{english}\" in {language}?"),
    T("Write this in {language}.\n\n{english}"),
    T("English: {english}\n{language}:"),
    T("Question: what is \"{english}\" in {language}?\nAnswer:"),
    T("Put \"{english}\" into {language}."),
    T("Give the {language} translation of \"{english}\"."),
    T("Say it in {language}: {english}"),
    T("Change this English phrase into {language}: {english}"),
    T("Translate the following from English to {language}.\n{english}"),
    inv("Translate from {language} into English: {answer}", "{english}", namedCheck("english")),
    inv("What does \"{answer}\" mean in English? It is {language}.", "{english}", namedCheck("english")),
  ],
};

const phraseFromForeign: TaskSpec = {
  name: "phrase_from_foreign",
  cluster: CLUSTER,
  description: "Translate a short phrase or sentence of the invented language into English.",
  inputs: ["foreign"],
  make: (ctx) => phraseDraft(ctx, "from", ["foreign"]),
  templates: [
    T("Translate from {language} into English: {foreign}"),
    T("What does \"{foreign}\" mean in English?"),
    T("Write this {language} phrase in English.\n\n{foreign}"),
    T("{language}: {foreign}\nEnglish:"),
    T("Question: what is the English for \"{foreign}\"?\nAnswer:"),
    T("Put \"{foreign}\" into English. It is {language}."),
    T("Give the English translation of the {language} words \"{foreign}\"."),
    T("Someone from a {language}-speaking town says \"{foreign}\". What do they mean?"),
    T("Change this {language} phrase into English: {foreign}"),
    T("Translate the following into English.\n{foreign}"),
    inv("Translate into {language}: {answer}", "{foreign}", namedCheck("foreign")),
    inv("How would you say \"{answer}\" in {language}?", "{foreign}", namedCheck("foreign")),
  ],
};

export const translation: ClusterSpec = {
  name: CLUSTER,
  description: "Words and phrases into and out of the invented language.",
  tasks: [wordToForeign, wordFromForeign, phraseToForeign, phraseFromForeign],
};
