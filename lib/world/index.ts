/** Public API of the synthetic world: seeded randomness, the world, its corpus, probes and skills. */
export { Rng, rng, hashString, seedToUint32, type Seed, type RngState } from "../random";
export { generateWorld, worldFacts, validateWorldOptions, DEFAULT_WORLD_OPTIONS } from "./world";
export type { World, WorldOptions, Fact, Relation, Country, City, Animal, Person, WorldObject, Food, Job, SizeClass, Direction } from "./types";
export { WORLD_FORMAT_VERSION } from "./types";
export {
  generateCorpus, corpusText, corpusStats, validateCorpusOptions, DEFAULT_CORPUS_OPTIONS, END_OF_TEXT, DOCUMENT_SEPARATOR,
  CHARS_PER_TOKEN_ESTIMATE, INSTRUCTION_MARKERS, type Corpus, type CorpusDocument, type CorpusOptions, type CorpusStats, type DocumentKind,
} from "./corpus";
export { clozeProbes, type Cloze, type ClozeOptions } from "./probes";
export * from "./query";
export * from "./skills";
export { numberToWords, wordsToNumber, ordinalWords, ordinalSuffix, MAX_NUMBER_WORDS } from "./numbers";
export {
  translate as translateWith, untranslate as untranslateWith, foreignWord, englishWord, parseEnglish, englishPhrase, foreignPhrase,
  randomNounPhrase, randomClause, type Language, type LexiconEntry, type NounPhrase, type Clause, type Phrase, type PartOfSpeech,
} from "./language";
export { factSentence, canonicalSentence, canonicalCloze, foodNoun, aFood } from "./phrases";
export { capitalize, article, withArticle, joinList, regularPlural } from "./text";
