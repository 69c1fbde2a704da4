/**
 * Arithmetic on small numbers and number words, in the ranges the corpus's lessons practise. Answers are
 * computed with the world's own skills, and a number counts whether written in digits or in words.
 */
import type { Rng } from "../../random";
import { applyOp, type ArithmeticOp } from "../../world/skills";
import { numberToWords } from "../../world/numbers";
import type { ClusterSpec, Draft, TaskSpec } from "../types";
import { T, inv, normalized, numberIs } from "../helpers";

const CLUSTER = "arithmetic";

const small = (rng: Rng, wide: number) => rng.int(0, rng.chance(0.7) ? 20 : wide);

function opDraft(op: ArithmeticOp, a: number, b: number): Draft {
  const c = applyOp(a, op, b);
  return {
    inputs: { a: String(a), b: String(b) },
    answer: String(c),
    references: [String(c), numberToWords(c)],
    verifier: numberIs(c),
    vars: { a_words: numberToWords(a), b_words: numberToWords(b) },
  };
}

const expression = (op: "plus" | "minus" | "times") => (ex: { answer: string }) => ({ kind: "expression" as const, value: Number(ex.answer), ops: [op] });

const addition: TaskSpec = {
  name: "addition",
  cluster: CLUSTER,
  description: "Add two small numbers.",
  inputs: ["a", "b"],
  make: (ctx) => opDraft("plus", small(ctx.rng, 50), small(ctx.rng, 50)),
  templates: [
    T("What is {a} plus {b}?"),
    T("{a} + {b} ="),
    T("Add {a} and {b}."),
    T("Compute the sum of {a} and {b}."),
    T("What is {a_words} plus {b_words}? Answer with a number."),
    T("A number is {a}. Add {b} to it. What do you get?"),
    T("Question: what is the sum of {a} and {b}?\nAnswer:"),
    T("Work out {a} + {b}."),
    T("Tell me what {a} and {b} make together."),
    T("Find the total: {a} + {b}"),
    inv("Write an addition problem whose answer is {answer}.", "{a} + {b}", expression("plus")),
    inv("{a} plus what number makes {answer}?", "{b}", (ex) => numberIs(Number(ex.inputs.b))),
    inv("What number must you add to {b} to get {answer}?", "{a}", (ex) => numberIs(Number(ex.inputs.a))),
  ],
};

const subtraction: TaskSpec = {
  name: "subtraction",
  cluster: CLUSTER,
  description: "Subtract a smaller number from a bigger one.",
  inputs: ["a", "b"],
  make(ctx) {
    const a = ctx.rng.int(1, ctx.rng.chance(0.7) ? 20 : 60);
    return opDraft("minus", a, ctx.rng.int(0, a));
  },
  templates: [
    T("What is {a} minus {b}?"),
    T("{a} - {b} ="),
    T("Subtract {b} from {a}."),
    T("Take {b} away from {a}. What is left?"),
    T("What is {a_words} minus {b_words}? Answer with a number."),
    T("Question: what is the difference between {a} and {b}?\nAnswer:"),
    T("Work out {a} - {b}."),
    T("If you have {a} and give away {b}, how many do you have left?"),
    T("Compute {a} take away {b}."),
    T("How much is {a} minus {b}?"),
    inv("Write a subtraction problem whose answer is {answer}.", "{a} - {b}", expression("minus")),
    inv("What number minus {b} gives {answer}?", "{a}", (ex) => numberIs(Number(ex.inputs.a))),
    inv("{a} minus what number is {answer}?", "{b}", (ex) => numberIs(Number(ex.inputs.b))),
  ],
};

const multiplication: TaskSpec = {
  name: "multiplication",
  cluster: CLUSTER,
  description: "Multiply two small numbers (times tables).",
  inputs: ["a", "b"],
  make: (ctx) => opDraft("times", ctx.rng.int(1, 12), ctx.rng.int(1, 10)),
  templates: [
    T("What is {a} times {b}?"),
    T("{a} x {b} ="),
    T("Multiply {a} by {b}."),
    T("Compute the product of {a} and {b}."),
    T("What is {a_words} times {b_words}? Answer with a number."),
    T("Question: how much is {a} times {b}?\nAnswer:"),
    T("There are {a} baskets with {b} plums in each. How many plums are there in all?"),
    T("Work out {a} x {b}."),
    T("What do {a} groups of {b} make?"),
    T("Find {a} multiplied by {b}."),
    inv("Write a multiplication problem whose answer is {answer}.", "{a} x {b}", expression("times")),
    inv("{a} times what number is {answer}?", "{b}", (ex) => numberIs(Number(ex.inputs.b))),
    inv("What number times {b} makes {answer}?", "{a}", (ex) => numberIs(Number(ex.inputs.a))),
  ],
};

const number = (rng: Rng) => rng.int(0, rng.chance(0.8) ? 100 : 999);

/** "forty-two" and "forty two" are both fine. */
const wordsVerifier = (words: string) => normalized(words, words.replace(/-/g, " "));

const numberToWordsTask: TaskSpec = {
  name: "number_to_words",
  cluster: CLUSTER,
  description: "Write a number in words.",
  inputs: ["number"],
  make(ctx) {
    const n = number(ctx.rng);
    const words = numberToWords(n);
    return { inputs: { number: String(n) }, answer: words, verifier: wordsVerifier(words) };
  },
  templates: [
    T("Write the number {number} in words."),
    T("How do you say {number} in words?"),
    T("Spell out the number {number}."),
    T("Question: how is {number} written in words?\nAnswer:"),
    T("Turn the digits {number} into words."),
    T("{number} in words is:"),
    T("Write out {number} the way you would say it."),
    T("Give the English words for the number {number}."),
    T("Convert to words: {number}"),
    T("What is {number}, written with letters instead of digits?"),
    inv("Write the number {answer} in digits.", "{number}", (ex) => numberIs(Number(ex.inputs.number))),
    inv("Which number is written \"{answer}\"? Give the digits.", "{number}", (ex) => numberIs(Number(ex.inputs.number))),
  ],
};

const wordsToNumberTask: TaskSpec = {
  name: "words_to_number",
  cluster: CLUSTER,
  description: "Write a number given in words as digits.",
  inputs: ["words"],
  make(ctx) {
    const n = number(ctx.rng);
    return { inputs: { words: numberToWords(n) }, answer: String(n), verifier: numberIs(n) };
  },
  templates: [
    T("Write \"{words}\" as a number in digits."),
    T("What number is \"{words}\"?"),
    T("Convert to digits: {words}"),
    T("Question: how do you write {words} with digits?\nAnswer:"),
    T("Turn the words \"{words}\" into a number."),
    T("{words} in digits is:"),
    T("Give the digits for the number {words}."),
    T("Someone says \"{words}\". Which number do they mean? Use digits."),
    T("Write the number {words} using digits only."),
    T("What is \"{words}\" written as digits?"),
    inv("Write the number {answer} in words.", "{words}", (ex) => wordsVerifier(ex.inputs.words)),
    inv("How is {answer} written in words?", "{words}", (ex) => wordsVerifier(ex.inputs.words)),
  ],
};

export const arithmetic: ClusterSpec = {
  name: CLUSTER,
  description: "Adding, subtracting, multiplying, and numbers in words.",
  tasks: [addition, subtraction, multiplication, numberToWordsTask, wordsToNumberTask],
};
