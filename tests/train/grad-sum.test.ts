// sumSlots: the replicas' sum of the micro-batches' gradients must be an in-process run's bits (slots added
// in slot order, each add rounded to float32) with each parameter's sum of squares in double in element order.
import test from "node:test";
import assert from "node:assert/strict";
import { sumSlots } from "../../lib/train/grad-sum";
import { mulberry32 } from "../../lib/random";

const layout = [{ offset: 0, size: 7 }, { offset: 7, size: 130 }, { offset: 137, size: 1 }, { offset: 138, size: 61 }];
const total = 199;

function slotsOf(n: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  // magnitudes from 1e-4 to 1e3, so that the order of the adds changes the rounding
  return Array.from({ length: n }, () => Float32Array.from({ length: total }, () => (rng() - 0.5) * 10 ** (rng() * 7 - 4)));
}

/** The in-process order, written out plainly. */
function reference(slots: Float32Array[], n: number, order: number[]): { sum: Float32Array; squares: number[] } {
  const sum = new Float32Array(total);
  const squares: number[] = [];
  for (const { offset, size } of layout) {
    let sq = 0;
    for (let i = offset; i < offset + size; i++) {
      let v = slots[order[0]][i];
      for (const s of order.slice(1, n)) v = Math.fround(v + slots[s][i]);
      sum[i] = v;
      sq += v * v;
    }
    squares.push(sq);
  }
  return { sum, squares };
}

test("sumSlots adds the slots in slot order, float32 after each add, with the squares in double (1 to 4 slots)", () => {
  for (const n of [1, 2, 3, 4]) {
    const slots = slotsOf(n, 11 + n);
    const out = new Float32Array(total).fill(NaN);
    const squares = new Float64Array(layout.length);
    sumSlots(layout, 0, layout.length, slots, n, out, squares);
    const order = Array.from({ length: n }, (_, i) => i);
    const want = reference(slots, n, order);
    assert.deepEqual(out, want.sum, `${n} slots`);
    assert.deepEqual([...squares], want.squares, `${n} slots`);
    if (n >= 3) {
      // the data is such that another order gives other bits: the check above can tell
      const reversed = reference(slots, n, [...order].reverse());
      assert.notDeepEqual(reversed.sum, want.sum);
    }
  }
});

test("sumSlots writes only its range of parameters, and uses only the first n slots", () => {
  const slots = slotsOf(3, 5);
  const out = new Float32Array(total).fill(-7);
  const squares = new Float64Array(layout.length).fill(-1);
  sumSlots(layout, 1, 3, slots, 2, out, squares);
  const want = reference(slots, 2, [0, 1]);
  for (let i = 0; i < total; i++) {
    const inside = i >= 7 && i < 138;
    assert.equal(out[i], inside ? want.sum[i] : -7, `element ${i}`);
  }
  assert.deepEqual([...squares], [-1, want.squares[1], want.squares[2], -1]);
});
