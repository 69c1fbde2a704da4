// Each of Alpaca's instruction filters, one at a time: a task that passes, and the smallest change that
// makes exactly that rule drop it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALPACA_BLACKLIST, RuleFilter, validateFilters, wordCount } from "../../lib/selfinstruct/filters";
import { UserError } from "../../lib/errors";

const rules = new RuleFilter();
const check = (instruction: string, output = "fine") => rules.check(instruction, output);
const GOOD = "Name the capital of the country.";

test("a well-formed task passes every rule", () => {
  assert.equal(check(GOOD), undefined);
  assert.equal(check("  Sort these words in alphabetical order. "), undefined);
});

test("length: 3 words or fewer and more than 150 are dropped, 4 and 150 kept", () => {
  assert.equal(check("Name the capital.")?.rule, "too-short");
  assert.equal(check("")?.rule, "too-short");
  assert.match(check("Name   the \n capital.")!.detail, /^3 words/);
  assert.equal(check("Name the capital city."), undefined);
  const words = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? "Describe" : `word${i}`)).join(" ");
  assert.equal(check(words(150)), undefined);
  assert.deepEqual(check(words(151)), { rule: "too-long", detail: "151 words (more than 150)" });
  assert.equal(wordCount(" a\tb\nc  d "), 4);
});

test("blacklist: every keyword, as a whole word in any case, and 'go to' as a phrase", () => {
  for (const word of ALPACA_BLACKLIST) {
    const v = check(`Please describe the ${word.toUpperCase()} for this task.`);
    assert.equal(v?.rule, "blacklist", word);
    assert.equal(v?.detail, `contains '${word}'`);
  }
  // Inside other words the keywords do not count (Python's \b semantics).
  assert.equal(check("Explain what a profile of a mapping is."), undefined);
  assert.equal(check("Write a short plotline summary for mapmakers."), undefined);
  assert.equal(check("Tell me how to go home from the market."), undefined);
  assert.equal(check("Tell me how to go   to the market.")?.rule, "blacklist");
  assert.equal(check("Give a plot, then summarize it.")?.rule, "blacklist");
});

test("instructions opening with 'Write a program' are dropped (case-sensitive, as in Alpaca)", () => {
  assert.deepEqual(check("Write a program that adds two numbers."), { rule: "banned-prefix", detail: "starts with 'Write a program'" });
  assert.equal(check("Write a poem that adds two numbers."), undefined);
  assert.equal(check("write a program that adds two numbers."), undefined);
  assert.equal(new RuleFilter({ bannedPrefixes: ["Write"] }).check("Write a poem about the sea.", "x")?.rule, "banned-prefix");
});

test("a leading ASCII punctuation mark or non-ASCII character is dropped", () => {
  for (const p of ["-", "*", "\"", "(", "#", "1."]) {
    const v = check(`${p} Name the capital of the country.`);
    if (p === "1.") assert.equal(v, undefined, "a digit is not punctuation");
    else assert.equal(v?.rule, "leading-punctuation", p);
  }
  assert.deepEqual(check("¿Cuál es la capital del país dado?"), { rule: "non-ascii-start", detail: "starts with '¿' (U+00BF)" });
  assert.equal(check("Élise asks: name the capital of Kipaun.")?.rule, "non-ascii-start");
  assert.equal(check("😀 Name the capital of the country.")?.rule, "non-ascii-start");
  assert.equal(check("Name the capital of Kipaun — Griasto?"), undefined, "non-ASCII later on is fine");
  assert.equal(new RuleFilter({ leadingPunctuation: false }).check("- Name the capital of the country.", "x"), undefined);
  assert.equal(new RuleFilter({ nonAsciiStart: false }).check("Élise asks: name the capital of Kipaun.", "x"), undefined);
});

test("an empty output is dropped (our addition), unless turned off", () => {
  assert.deepEqual(check(GOOD, " \n"), { rule: "empty-output", detail: "the output is empty" });
  assert.equal(new RuleFilter({ emptyOutput: false }).check(GOOD, ""), undefined);
});

test("rules apply in Alpaca's order: the first failing one is reported", () => {
  assert.equal(check("Draw it.")?.rule, "too-short");
  assert.equal(check("- Draw the capital of the country.")?.rule, "blacklist");
  assert.equal(check("Write a program to plot the data.")?.rule, "blacklist");
});

test("configuration errors name the field", () => {
  const err = (c: object) => {
    try {
      validateFilters(c);
    } catch (e) {
      assert.ok(e instanceof UserError);
      return (e as Error).message;
    }
    assert.fail("no error");
  };
  assert.match(err({ maxWords: 2 }), /filters\.maxWords must be an integer above minWordsExclusive \(3\)/);
  assert.match(err({ rougeThreshold: 1.5 }), /filters\.rougeThreshold must be a number in \(0, 1\] or null/);
  assert.match(err({ blacklist: ["ok", ""] }), /filters\.blacklist/);
  assert.match(err({ neighbours: -1 }), /filters\.neighbours/);
  assert.equal(validateFilters({ rougeThreshold: null }).rougeThreshold, null);
});
