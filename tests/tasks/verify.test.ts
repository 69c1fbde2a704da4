import { test } from "node:test";
import assert from "node:assert/strict";
import { checkOutput, normalizeAnswer, parseExpression, parseList, parseNumber, verifierProblems, asVerifier, type VerifierSpec } from "../../lib/tasks/verify";
import { UserError } from "../../lib/errors";

const ok = (spec: VerifierSpec, ...outs: string[]) => outs.forEach((o) => assert.ok(checkOutput(spec, o), `${JSON.stringify(spec)} should accept ${JSON.stringify(o)}`));
const no = (spec: VerifierSpec, ...outs: string[]) => outs.forEach((o) => assert.ok(!checkOutput(spec, o), `${JSON.stringify(spec)} should reject ${JSON.stringify(o)}`));

test("normalization: case, whitespace, quotes, final punctuation", () => {
  assert.equal(normalizeAnswer("  'Tarsk'. "), "tarsk");
  assert.equal(normalizeAnswer("The  capital\nis Tarsk!"), "the capital is tarsk");
  ok({ kind: "normalized", accept: ["Tarsk"] }, "tarsk", " Tarsk.", "\"Tarsk\"", "TARSK!");
  no({ kind: "normalized", accept: ["Tarsk"] }, "Tars", "Tarsk Velmora", "", "It is Tarsk");
  ok({ kind: "exact", accept: ["LAMP"] }, "LAMP", " LAMP. ");
  no({ kind: "exact", accept: ["LAMP"] }, "lamp", "Lamp");
  ok({ kind: "one-of", accept: ["it is not possible to tell"] }, "It is not possible to tell.");
  no({ kind: "one-of", accept: ["yes"] }, "no", "yes no");
});

test("numbers in digits or words", () => {
  assert.equal(parseNumber("42"), 42);
  assert.equal(parseNumber("forty-two"), 42);
  assert.equal(parseNumber("Forty two."), 42);
  assert.equal(parseNumber("one hundred and five"), 105);
  assert.equal(parseNumber("1,200"), 1200);
  assert.equal(parseNumber("-3"), -3);
  assert.equal(parseNumber("minus three"), -3);
  assert.equal(parseNumber("4 legs"), undefined);
  ok({ kind: "number", value: 12 }, "12", "twelve", "Twelve.", " 12 ");
  no({ kind: "number", value: 12 }, "13", "twelve apples", "", "1 2");
  ok({ kind: "number", max: 9 }, "8", "-1", "zero");
  no({ kind: "number", max: 9 }, "10", "ten");
});

test("arithmetic expressions", () => {
  assert.deepEqual(parseExpression("3 + 4"), { a: 3, op: "plus", b: 4, stated: undefined });
  assert.deepEqual(parseExpression("What is six times seven?"), { a: 6, op: "times", b: 7, stated: undefined });
  assert.equal(parseExpression("6 x 7 = 42")?.stated, 42);
  ok({ kind: "expression", value: 7, ops: ["plus"] }, "3 + 4", "three plus four", "What is 5 plus 2?", "0 + 7", "3 + 4 = 7");
  no({ kind: "expression", value: 7, ops: ["plus"] }, "3 + 5", "10 - 3", "7", "3 + 4 = 8", "three plus");
  ok({ kind: "expression", value: 42, ops: ["times"] }, "6 x 7", "six times seven", "21 * 2");
  ok({ kind: "expression", value: 5, ops: ["minus"] }, "9 - 4", "twelve minus seven");
});

test("lists: permutations, order, counts, ends", () => {
  assert.deepEqual(parseList("cup, lamp and dog."), ["cup", "lamp", "dog"]);
  assert.deepEqual(parseList("- cup\n- lamp"), ["cup", "lamp"]);
  const sorted: VerifierSpec = { kind: "list", items: ["pear", "Apple", "lime"], order: "alpha" };
  ok(sorted, "Apple, lime, pear", "apple, lime, pear.", "apple, lime and pear");
  no(sorted, "lime, Apple, pear", "Apple, lime", "Apple, lime, pear, pear", "Apple, lemon, pear");
  // Ties may come in either order.
  ok({ kind: "list", items: ["b", "a", "B"], order: "alpha" }, "a, b, B", "a, B, b");
  const asc: VerifierSpec = { kind: "list", items: ["10", "9", "100"], order: "asc" };
  ok(asc, "9, 10, 100", "nine, 10, 100");
  no(asc, "10, 9, 100", "100, 10, 9");
  ok({ kind: "list", count: 3, last: "dog" }, "cat, cow, dog");
  no({ kind: "list", count: 3, last: "dog" }, "cat, dog", "dog, cat, cow");
  ok({ kind: "list", count: 2, from: ["red", "blue", "green"] }, "red, green");
  no({ kind: "list", count: 2, from: ["red", "blue", "green"] }, "red, pink");
  ok({ kind: "list", count: 3, max: 40 }, "1, 40, 3");
  no({ kind: "list", count: 3, max: 40 }, "1, 41, 3", "a, 40, b");
  no({ kind: "list", items: ["a", "b"], unlike: ["a, b"] }, "a, b");
  ok({ kind: "list", items: ["a", "b"], unlike: ["a, b"] }, "b, a");
});

test("translations: articles ignored into English, words mapped back into the invented language", () => {
  const en: VerifierSpec = { kind: "translation", into: "english", accept: ["the dog sees the cat"] };
  ok(en, "The dog sees the cat.", "dog sees cat", "the dog sees a cat");
  no(en, "the cat sees the dog", "the dog sees");
  const fo: VerifierSpec = { kind: "translation", into: "foreign", accept: ["hobo tal vis"], glossary: { hobo: "dog", tal: "cat", vis: "see" } };
  ok(fo, "hobo tal vis", "Hobo tal vis.");
  no(fo, "tal hobo vis", "hobo tal", "hobo tal visa");
});

test("mentions, patterns and combinators", () => {
  const m: VerifierSpec = { kind: "mentions", all: ["Mira"], any: ["baker", "bakers"], forbid: ["not"], maxWords: 8 };
  ok(m, "Mira is a baker.", "By trade, Mira is a baker");
  no(m, "Mira is not a baker.", "Mirabel is a baker", "Mira is a teacher", "Mira is a baker and she bakes bread all day long");
  no({ kind: "mentions", all: ["x"], unlike: ["x y"] }, "X Y.");
  ok({ kind: "pattern", regex: "^l[a-z]*$", flags: "i" }, "Lamp", "lamp.");
  no({ kind: "pattern", regex: "^l[a-z]*$", flags: "i" }, "a lamp");
  ok({ kind: "any", of: [{ kind: "number", value: 0 }, { kind: "normalized", accept: ["none"] }] }, "0", "None");
  no({ kind: "all", of: [{ kind: "number", min: 1 }, { kind: "number", max: 3 }] }, "4", "0");
});

test("descriptors are checked when read back from JSON", () => {
  assert.deepEqual(verifierProblems({ kind: "normalized", accept: ["a"] }), []);
  assert.deepEqual(verifierProblems({ kind: "any", of: [{ kind: "number", value: 3 }] }), []);
  assert.match(verifierProblems({ kind: "nope" })[0], /kind must be one of/);
  assert.match(verifierProblems({ kind: "exact" })[0], /accept is missing/);
  assert.match(verifierProblems({ kind: "all", of: [{ kind: "pattern" }] })[0], /of\[0\]\.regex/);
  assert.match(verifierProblems(null)[0], /must be an object/);
  assert.throws(() => asVerifier({ kind: "list", count: "3" }), UserError);
});
