/**
 * List operations on short comma-separated lists of the world's words and of small numbers: sorting,
 * the last item, counting items, the largest number. Any correctly sorted order counts (ties may swap).
 */
import type { World } from "../../world/types";
import { sortAlphabetical, sortNumbers } from "../../world/skills";
import { numberToWords } from "../../world/numbers";
import { wordPool } from "../../world/docs/lessons";
import type { ClusterSpec, Draft, MakeContext, TaskSpec } from "../types";
import type { VerifierSpec } from "../verify";
import { T, inv, listText, namedCheck, numberIs } from "../helpers";

const CLUSTER = "list_ops";

/** Sources of list items, as the corpus's list lessons draw them. */
function sources(w: World): { kind: string; items: string[] }[] {
  return [
    { kind: "animals", items: w.animals.map((a) => a.name) },
    { kind: "objects", items: w.objects.map((o) => o.name) },
    { kind: "foods", items: w.foods.filter((f) => !f.invented).map((f) => f.name) },
    { kind: "colours", items: [...w.colours] },
    { kind: "cities", items: w.cities.map((c) => c.name) },
  ];
}

function wordList(ctx: MakeContext, min = 3, max = 6): { kind: string; items: string[]; pool: string[] } {
  const s = ctx.rng.pick(sources(ctx.world));
  return { kind: s.kind, items: ctx.rng.sample(s.items, Math.min(s.items.length, ctx.rng.int(min, max))), pool: s.items };
}

const list = (spec: Omit<Extract<VerifierSpec, { kind: "list" }>, "kind">): VerifierSpec => ({ kind: "list", ...spec });

const sortWords: TaskSpec = {
  name: "sort_words",
  cluster: CLUSTER,
  description: "Sort words alphabetically.",
  inputs: ["list"],
  make(ctx): Draft | undefined {
    const pool = wordPool(ctx.world).filter((x) => x === x.toLowerCase());
    const items = ctx.rng.sample(pool, ctx.rng.int(3, 5));
    const sorted = sortAlphabetical(items);
    if (listText(items) === listText(sorted)) return undefined;
    const extra = ctx.rng.pick(pool.filter((x) => !items.includes(x)));
    return {
      inputs: { list: listText(items) },
      answer: listText(sorted),
      verifier: list({ items, order: "alpha" }),
      vars: { extended: listText(sortAlphabetical([...items, extra])) },
      checks: { shuffled: list({ items, unlike: [listText(sorted)] }), extended: list({ count: items.length + 1, contains: items, order: "alpha" }) },
    };
  },
  templates: [
    T("Sort these words in alphabetical order: {list}"),
    T("Put the following words in order from A to Z: {list}"),
    T("Arrange alphabetically: {list}"),
    T("Write these words in alphabetical order, separated by commas.\n\n{list}"),
    T("Question: what are {list} in alphabetical order?\nAnswer:"),
    T("Order the list from A to Z.\n{list}"),
    T("Here is a list of words: {list}. Sort it alphabetically."),
    T("In which order would these words come in a dictionary? {list}"),
    T("Alphabetize the list: {list}"),
    T("Rearrange {list} so that they are in alphabetical order."),
    inv("This list is in alphabetical order: {answer}. Write the same words in a different order.", "{list}", namedCheck("shuffled")),
    inv("Add one more word to this list so that it stays in alphabetical order: {answer}", "{extended}", namedCheck("extended")),
  ],
};

const sortNumbersTask: TaskSpec = {
  name: "sort_numbers",
  cluster: CLUSTER,
  description: "Sort numbers from smallest to largest.",
  inputs: ["list"],
  make(ctx): Draft | undefined {
    const xs = Array.from({ length: ctx.rng.int(3, 6) }, () => ctx.rng.int(0, 100));
    const sorted = sortNumbers(xs);
    if (listText(xs.map(String)) === listText(sorted.map(String))) return undefined;
    const items = xs.map(String);
    const extra = ctx.rng.int(0, 100);
    return {
      inputs: { list: listText(items) },
      answer: listText(sorted.map(String)),
      verifier: list({ items, order: "asc" }),
      vars: { extended: listText(sortNumbers([...xs, extra]).map(String)) },
      checks: { shuffled: list({ items, unlike: [listText(sorted.map(String))] }), extended: list({ count: xs.length + 1, contains: items, order: "asc" }) },
    };
  },
  templates: [
    T("Sort these numbers from smallest to largest: {list}"),
    T("Put the numbers in increasing order: {list}"),
    T("Arrange from lowest to highest: {list}"),
    T("Write these numbers in order, smallest first, separated by commas.\n\n{list}"),
    T("Question: what are {list} sorted from smallest to largest?\nAnswer:"),
    T("Order the list in ascending order.\n{list}"),
    T("Here are some numbers: {list}. Sort them, starting with the smallest."),
    T("Sort ascending: {list}"),
    T("Rearrange the numbers {list} so that they go up."),
    T("List these numbers from the smallest to the biggest: {list}"),
    inv("These numbers are sorted from smallest to largest: {answer}. Write them in a different order.", "{list}", namedCheck("shuffled")),
    inv("Add one number to this list so that it stays sorted from smallest to largest: {answer}", "{extended}", namedCheck("extended")),
  ],
};

const lastItem: TaskSpec = {
  name: "last_item",
  cluster: CLUSTER,
  description: "The last item of a list.",
  inputs: ["list"],
  make(ctx) {
    const { items } = wordList(ctx);
    const last = items[items.length - 1];
    return {
      inputs: { list: listText(items) },
      answer: last,
      vars: { count: numberToWords(items.length) },
      checks: { counted: list({ count: items.length, last }), ends: list({ last }) },
    };
  },
  templates: [
    T("What is the last item in this list? {list}"),
    T("Name the final word of the list: {list}"),
    T("Which word comes last: {list}"),
    T("Question: what is at the end of the list {list}?\nAnswer:"),
    T("Give the last item of the list.\n\n{list}"),
    T("Here is a list: {list}. What is its last item?"),
    T("Read the list and write only its final item: {list}"),
    T("{list}\n\nWhich item is at the end?"),
    T("Look at this list: {list}. Tell me the item that comes last."),
    T("Last item of: {list}?"),
    inv("Write a list of {count} words that ends with \"{answer}\".", "{list}", namedCheck("counted")),
    inv("Write a short list whose last item is \"{answer}\".", "{list}", namedCheck("ends")),
  ],
};

const countItems: TaskSpec = {
  name: "count_items",
  cluster: CLUSTER,
  description: "How many items a list has.",
  inputs: ["list"],
  make(ctx) {
    const { kind, items, pool } = wordList(ctx, 2, 7);
    return {
      inputs: { list: listText(items) },
      answer: String(items.length),
      references: [String(items.length), numberToWords(items.length)],
      verifier: numberIs(items.length),
      vars: { kind },
      checks: { any: list({ count: items.length }), kind: list({ count: items.length, from: pool }) },
    };
  },
  templates: [
    T("How many items are in this list? {list}"),
    T("Count the words in the list: {list}"),
    T("How many things does this list name? {list}"),
    T("Question: how many items does the list {list} have?\nAnswer:"),
    T("Give the number of items in the list.\n\n{list}"),
    T("Here is a list: {list}. How long is it?"),
    T("Count the items and answer with a number: {list}"),
    T("{list}\n\nHow many items are there above?"),
    T("Tell me how many words are in this list: {list}"),
    T("Number of items in: {list}?"),
    inv("Write a list of {answer} words, separated by commas.", "{list}", namedCheck("any")),
    inv("Write a list of {answer} {kind}.", "{list}", namedCheck("kind")),
  ],
};

const maxNumber: TaskSpec = {
  name: "max_number",
  cluster: CLUSTER,
  description: "The largest number in a list.",
  inputs: ["list"],
  make(ctx) {
    const xs = Array.from({ length: ctx.rng.int(3, 6) }, () => ctx.rng.int(0, 100));
    const max = Math.max(...xs);
    const below = xs.filter((x) => x < max);
    return {
      inputs: { list: listText(xs.map(String)) },
      answer: String(max),
      verifier: numberIs(max),
      vars: { count: numberToWords(xs.length), smaller: String(below.length ? Math.max(...below) : max - 1) },
      checks: { list: list({ count: xs.length, max }), smaller: { kind: "number", max: max - 1 } },
    };
  },
  templates: [
    T("What is the largest number in this list? {list}"),
    T("Which number is the biggest: {list}"),
    T("Find the maximum of {list}."),
    T("Question: what is the highest number among {list}?\nAnswer:"),
    T("Give the largest of these numbers.\n\n{list}"),
    T("Here are some numbers: {list}. Which one is the greatest?"),
    T("Pick the biggest number from the list: {list}"),
    T("{list}\n\nWhich of the numbers above is the largest?"),
    T("Tell me the highest number in {list}."),
    T("Max of: {list}?"),
    inv("Write a list of {count} numbers whose largest number is {answer}.", "{list}", namedCheck("list")),
    inv("Name a number that is smaller than {answer}.", "{smaller}", namedCheck("smaller")),
  ],
};

export const listOps: ClusterSpec = {
  name: CLUSTER,
  description: "Sorting, picking and counting items of short lists.",
  tasks: [sortWords, sortNumbersTask, lastItem, countItems, maxNumber],
};
