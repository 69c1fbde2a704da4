import { test } from "node:test";
import assert from "node:assert/strict";
import { numberToWords, ordinalSuffix, ordinalWords, wordsToNumber } from "../../lib/world/numbers";

test("numberToWords spells numbers correctly", () => {
  const cases: [number, string][] = [
    [0, "zero"], [7, "seven"], [11, "eleven"], [13, "thirteen"], [19, "nineteen"], [20, "twenty"], [21, "twenty-one"],
    [40, "forty"], [42, "forty-two"], [58, "fifty-eight"], [99, "ninety-nine"], [100, "one hundred"],
    [105, "one hundred and five"], [115, "one hundred and fifteen"], [250, "two hundred and fifty"],
    [1000, "one thousand"], [1005, "one thousand and five"], [2345, "two thousand three hundred and forty-five"], [-3, "minus three"],
  ];
  for (const [n, w] of cases) assert.equal(numberToWords(n), w, String(n));
  assert.throws(() => numberToWords(1.5), RangeError);
  assert.throws(() => numberToWords(1_000_000), RangeError);
});

test("wordsToNumber inverts numberToWords", () => {
  for (let n = 0; n <= 1000; n++) assert.equal(wordsToNumber(numberToWords(n)), n);
  assert.equal(wordsToNumber("  Forty-Two "), 42);
  assert.equal(wordsToNumber("lamp"), undefined);
});

test("ordinals", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8, 9, 12, 20, 21, 22, 100].map(ordinalWords), [
    "first", "second", "third", "fourth", "fifth", "eighth", "ninth", "twelfth", "twentieth", "twenty-first", "twenty-second", "one hundredth",
  ]);
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 102].map(ordinalSuffix), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd"]);
});
