/**
 * Summing the replicas' gradient slots (replica.ts runs it, each replica over its own range of parameters):
 * pure TypeScript over shared Float32Arrays, in slot order, so the sums are an in-process run's bits.
 */

/**
 * Sums parameters [from, to) of the layout over the first `n` slots in slot order into `out` (a Float32Array
 * store rounds as the in-process sum does), and each one's sum of squares in double, in element order (the
 * operations of the sum_squares kernel, so the gradient norm is the same bits). The last slot's add and the
 * squares share one pass (two slots, the usual case: 2.3 -> 1.7 ms for half of the small config's 875k floats).
 */
export function sumSlots(layout: readonly { offset: number; size: number }[], from: number, to: number, slots: Float32Array[], n: number,
                         out: Float32Array, sumSquares: Float64Array): void {
  for (let p = from; p < to; p++) {
    const { offset, size } = layout[p];
    const sum = out.subarray(offset, offset + size);
    let sq = 0;
    if (n === 1) {
      sum.set(slots[0].subarray(offset, offset + size));
      for (let i = 0; i < size; i++) sq += sum[i] * sum[i];
    } else {
      // slots 0 .. n-2 into `sum`, read from slot 0 itself while there are only two
      let acc = slots[0].subarray(offset, offset + size);
      if (n > 2) {
        sum.set(acc);
        for (let s = 1; s < n - 1; s++) {
          const src = slots[s].subarray(offset, offset + size);
          for (let i = 0; i < size; i++) sum[i] += src[i];
        }
        acc = sum;
      }
      const last = slots[n - 1].subarray(offset, offset + size);
      for (let i = 0; i < size; i++) {
        const v = Math.fround(acc[i] + last[i]);
        sum[i] = v;
        sq += v * v;
      }
    }
    sumSquares[p] = sq;
  }
}
