import { test } from "node:test";
import assert from "node:assert/strict";
import { ema } from "../../lib/viz/smooth";
import { UserError } from "../../lib/errors";

const close = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `index ${i}: ${v} != ${b[i]}`));
};

test("ema is debiased: hand-checked values for weight 0.5", () => {
  // acc: 0.5, 1.25, 2.125; divided by 1-0.5, 1-0.25, 1-0.125
  close(ema([1, 2, 3], 0.5), [1, 1.25 / 0.75, 2.125 / 0.875]);
});

test("ema with weight 0.9: first value kept, then hand-checked", () => {
  // acc1 = 0.1*10 = 1 -> /0.1 = 10; acc2 = 0.9 + 0 = 0.9 -> /0.19
  close(ema([10, 0], 0.9), [10, 0.9 / 0.19]);
});

test("ema of a constant is that constant; weight 0 returns the input", () => {
  close(ema([3, 3, 3, 3], 0.95), [3, 3, 3, 3]);
  close(ema([5, 1, 4], 0), [5, 1, 4]);
});

test("ema passes NaN through without disturbing the average", () => {
  const out = ema([1, NaN, 3], 0.5);
  assert.ok(Number.isNaN(out[1]));
  close([out[0], out[2]], ema([1, 3], 0.5));
});

test("ema rejects weights outside [0, 1)", () => {
  assert.throws(() => ema([1], 1), UserError);
  assert.throws(() => ema([1], -0.1), UserError);
  assert.throws(() => ema([1], NaN), UserError);
});
