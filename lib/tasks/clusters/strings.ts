/**
 * String transforms on the words the corpus's spelling lessons use (the world's vocabulary and its
 * invented names): reverse, capitals, first letter, letter count, spelling out. Answers come from the
 * world's skills functions, the same code that wrote the lessons.
 */
import type { World } from "../../world/types";
import { firstLetter, letterCount, reverseText, spellOut, toLower, toUpper } from "../../world/skills";
import { numberToWords } from "../../world/numbers";
import { wordPool } from "../../world/docs/lessons";
import type { ClusterSpec, MakeContext, TaskSpec } from "../types";
import { T, allOf, escapeRegExp, exact, inv, mentions, normalized, numberIs } from "../helpers";

const CLUSTER = "string_transforms";

const word = (ctx: MakeContext): string => ctx.rng.pick(wordPool(ctx.world));
const letters = (w: World, pred: (x: string) => boolean): string[] => wordPool(w).filter(pred);

const reverseWord: TaskSpec = {
  name: "reverse_word",
  cluster: CLUSTER,
  description: "Write a word backwards.",
  inputs: ["word"],
  make(ctx) {
    const w = word(ctx);
    return { inputs: { word: w }, answer: reverseText(w) };
  },
  templates: [
    T("Reverse the letters of the word \"{word}\"."),
    T("Spell \"{word}\" backwards."),
    T("What is \"{word}\" written backwards?"),
    T("Write the word {word} with its letters in reverse order."),
    T("Read this word from right to left and write it down: {word}"),
    T("Question: what do you get if you reverse \"{word}\"?\nAnswer:"),
    T("Reverse: {word}"),
    T("Turn \"{word}\" around, last letter first."),
    T("Write the letters of {word} from the last to the first."),
    T("If you read \"{word}\" backwards, what do you get?"),
    inv("\"{answer}\" is a word spelled backwards. What is the word?", "{word}"),
    inv("Which word, read backwards, gives \"{answer}\"?", "{word}"),
  ],
};

const uppercaseWord: TaskSpec = {
  name: "uppercase_word",
  cluster: CLUSTER,
  description: "Write a word in capital letters (case matters).",
  inputs: ["word"],
  make(ctx) {
    const w = word(ctx);
    return { inputs: { word: w }, answer: toUpper(w), verifier: exact(toUpper(w)), vars: { lower: toLower(w) } };
  },
  templates: [
    T("Write \"{word}\" in capital letters."),
    T("Convert {word} to upper case."),
    T("What is \"{word}\" in upper case?"),
    T("Rewrite the word in capitals: {word}"),
    T("Make every letter of \"{word}\" a capital letter."),
    T("Question: how is \"{word}\" written in capital letters?\nAnswer:"),
    T("Upper case: {word}"),
    T("Change all the letters of {word} to capitals."),
    T("Write {word} using only capital letters."),
    T("Shout the word \"{word}\" by writing it all in capitals."),
    inv("\"{answer}\" is written in capital letters. Write it in small letters.", "{lower}", (ex) => exact(ex.vars!.lower)),
    inv("Write the word {answer} in lower case.", "{lower}", (ex) => exact(ex.vars!.lower)),
  ],
};

const firstLetterTask: TaskSpec = {
  name: "first_letter",
  cluster: CLUSTER,
  description: "The first letter of a word.",
  inputs: ["word"],
  make(ctx) {
    const w = word(ctx);
    const l = firstLetter(w);
    const others = letters(ctx.world, (x) => x !== w && x[0].toLowerCase() === l.toLowerCase());
    if (others.length === 0) return undefined;
    return { inputs: { word: w }, answer: l, vars: { other_word: ctx.rng.pick(others) } };
  },
  templates: [
    T("What is the first letter of \"{word}\"?"),
    T("Which letter does {word} begin with?"),
    T("Give the first letter of the word {word}."),
    T("Question: what letter does \"{word}\" start with?\nAnswer:"),
    T("Write only the first letter of \"{word}\"."),
    T("{word} starts with which letter?"),
    T("Look at the word \"{word}\". Which letter comes first?"),
    T("Name the letter at the start of {word}."),
    T("Tell me the letter that \"{word}\" begins with."),
    T("First letter of {word}?"),
    inv("Write a word that begins with the letter \"{answer}\".", "{word}", (ex) => ({ kind: "pattern", regex: `^${escapeRegExp(ex.answer)}[A-Za-z-]*$`, flags: "i" })),
    inv("Name a word that starts with \"{answer}\", other than \"{word}\".", "{other_word}", (ex) =>
      allOf({ kind: "pattern", regex: `^${escapeRegExp(ex.answer)}[A-Za-z-]*$`, flags: "i" }, mentions({ unlike: [ex.inputs.word] }))),
  ],
};

const letterCountTask: TaskSpec = {
  name: "letter_count",
  cluster: CLUSTER,
  description: "How many letters a word has.",
  inputs: ["word"],
  make(ctx) {
    const w = word(ctx);
    const n = letterCount(w);
    const others = letters(ctx.world, (x) => letterCount(x) !== n);
    return {
      inputs: { word: w },
      answer: String(n),
      references: [String(n), numberToWords(n)],
      verifier: numberIs(n),
      vars: { other: ctx.rng.pick(others) },
    };
  },
  templates: [
    T("How many letters are in the word \"{word}\"?"),
    T("Count the letters in {word}."),
    T("How long is the word \"{word}\", in letters?"),
    T("Question: how many letters does \"{word}\" have?\nAnswer:"),
    T("Give the number of letters in {word}."),
    T("{word} has how many letters?"),
    T("Count every letter of \"{word}\" and write the total."),
    T("What is the length of the word {word}? Answer with a number."),
    T("Tell me how many letters there are in \"{word}\"."),
    T("Letters in {word}?"),
    inv("Write a word that has exactly {answer} letters.", "{word}", (ex) => ({ kind: "pattern", regex: `^[A-Za-z]{${ex.answer}}$` })),
    inv("Which of these words has {answer} letters: \"{word}\" or \"{other}\"?", "{word}", (ex) => normalized(ex.inputs.word)),
  ],
};

const spellWord: TaskSpec = {
  name: "spell_word",
  cluster: CLUSTER,
  description: "Spell a word letter by letter, with dashes.",
  inputs: ["word"],
  make(ctx) {
    const w = word(ctx);
    const dashed = spellOut(w);
    return { inputs: { word: w }, answer: dashed, verifier: normalized(dashed, Array.from(w).join(" "), Array.from(w).join(", ")) };
  },
  templates: [
    T("Spell the word \"{word}\" letter by letter."),
    T("Write the letters of {word} one by one, with dashes between them."),
    T("How do you spell \"{word}\"?"),
    T("Spell out: {word}"),
    T("Question: how is \"{word}\" spelled?\nAnswer:"),
    T("Break the word {word} into its letters."),
    T("Write {word} with a dash between every two letters."),
    T("Give the spelling of \"{word}\"."),
    T("Spell {word}, one letter at a time."),
    T("Split \"{word}\" into letters joined by dashes."),
    inv("Which word is spelled {answer}?", "{word}"),
    inv("Join these letters into a word: {answer}", "{word}"),
  ],
};

export const stringTransforms: ClusterSpec = {
  name: CLUSTER,
  description: "Letter games on single words.",
  tasks: [reverseWord, uppercaseWord, firstLetterTask, letterCountTask, spellWord],
};
