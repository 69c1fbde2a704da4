import { test } from "node:test";
import assert from "node:assert/strict";
import { answerTokens, chrF, exactMatch, meanMetric, squadNormalize, rougeLF1, tokenF1 } from "../../lib/eval/metrics";
import { lcsLength, rougeTokens } from "../../lib/data/rouge";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test("normalization lowercases, drops punctuation and articles, collapses spaces", () => {
  assert.equal(squadNormalize("The Cat's  hat!"), "cats hat");
  assert.equal(squadNormalize("  An apple, a day… "), "apple day");
  assert.deepEqual(answerTokens("The."), []);
  assert.deepEqual(rougeTokens("Hello, World-2!"), ["hello", "world", "2"]);
});

test("exact match takes the best reference", () => {
  assert.equal(exactMatch("The cat.", ["dog", "a CAT"]), 1);
  assert.equal(exactMatch("cat", "dog"), 0);
  assert.equal(exactMatch("cat", []), 0);
});

test("token F1 by hand", () => {
  // pred {cat, sat, on, mat}, ref {cat, sat}: 2 shared; P = 1/2, R = 1, F1 = 2/3
  close(tokenF1("the cat sat on the mat", "a cat sat"), 2 / 3);
  // multiset overlap: {x:2, y:1} vs {x:1, y:2} share 2 of 3 each way
  close(tokenF1("x x y", "x y y"), 2 / 3);
  close(tokenF1("cat sat", ["dog", "cat"]), 2 / 3);
  assert.equal(tokenF1("", ""), 1);
  assert.equal(tokenF1("the", "cat"), 0);
});

test("ROUGE-L by hand", () => {
  assert.equal(lcsLength([..."abcd"], [..."acde"]), 3);
  close(rougeLF1("a b c d", "a c d e"), 0.75); // LCS 3 of 4 each way
  // LCS "the cat on mat" = 4; P = 4/6, R = 4/4; F1 = 0.8
  close(rougeLF1("the cat sat on the mat", "the cat on mat"), 0.8);
  close(rougeLF1("x y", ["q", "the cat on mat", "x y"]), 1);
  assert.equal(rougeLF1("x", "y"), 0);
});

test("chrF by hand and against sacreBLEU's documented value", () => {
  // "ab" vs "abc": 1-grams P 2/2, R 2/3; 2-grams P 1/1, R 1/2; 3..6-grams absent from "ab".
  // avg P = 1, avg R = 7/12; F2 = 5·P·R / (4P + R) = 7/11
  close(chrF("ab", "abc"), 7 / 11);
  assert.equal(chrF("a b", "ab"), 1); // whitespace is removed
  assert.ok(chrF("a b", "ab", { whitespace: true }) < 1);
  assert.equal(chrF("", "abc"), 0);
  close(chrF("The relationship between Obama and Netanyahu is not exactly friendly.",
    ["The ties between Obama and Netanyahu are not particularly friendly."]), 0.61576379378113785, 1e-12);
  close(chrF("zzz", ["ab", "abc"]), 0);
  close(chrF("ab", ["zzz", "abc"]), 7 / 11);
  assert.throws(() => chrF("a", "a", { order: 0 }));
});

test("meanMetric skips items without references", () => {
  const pairs = [{ prediction: "cat", references: ["cat"] }, { prediction: "dog", references: ["cat"] }, { prediction: "x" }];
  assert.equal(meanMetric("exact_match", pairs), 0.5);
  assert.equal(meanMetric("token_f1", [{ prediction: "x" }]), null);
});
