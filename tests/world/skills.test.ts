import { test } from "node:test";
import assert from "node:assert/strict";
import * as S from "../../lib/world/skills";

test("string skills", () => {
  assert.equal(S.reverseText("lamp"), "pmal");
  assert.equal(S.reverseText("Velmora"), "aromleV");
  assert.equal(S.reverseWords("red big dog"), "dog big red");
  assert.equal(S.toUpper("lamp"), "LAMP");
  assert.equal(S.firstLetter("lamp"), "l");
  assert.equal(S.lastLetter("lamp"), "p");
  assert.equal(S.letterCount("ice-cream"), 8);
  assert.equal(S.countLetter("Banana", "a"), 3);
  assert.equal(S.countLetter("banana", "B"), 1);
  assert.equal(S.countVowels("banana"), 3);
  assert.equal(S.spellOut("cat"), "c-a-t");
});

test("list and number skills", () => {
  assert.deepEqual(S.sortAlphabetical(["pear", "Apple", "lime"]), ["Apple", "lime", "pear"]);
  assert.deepEqual(S.sortNumbers([10, 9, 100, 1]), [1, 9, 10, 100]);
  assert.equal(S.longestWord(["a", "abc", "abd"]), "abc");
  assert.equal(S.shortestWord(["abc", "ab", "cd"]), "ab");
  assert.equal(S.isEven(4), true);
  assert.equal(S.isEven(7), false);
  assert.equal(S.applyOp(7, "plus", 5), 12);
  assert.equal(S.applyOp(7, "minus", 5), 2);
  assert.equal(S.applyOp(7, "times", 5), 35);
});
