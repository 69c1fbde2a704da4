// The device line every run records and the notebooks print names the BLAS in whole words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { blasLabel } from "../../lib/engine/native-kernels";

test("device line: OpenBLAS by name and version; a build without BLAS says so in a whole phrase", () => {
  assert.equal(blasLabel("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"), "OpenBLAS 0.3.21");
  // What the addon reports when built without OpenBLAS (nano_native.c's blas_name), once cut to "no BLAS:".
  assert.equal(blasLabel("no BLAS: own AVX2+FMA GEMM"), "own AVX2+FMA GEMM, no BLAS");
  assert.equal(blasLabel("no BLAS"), "own GEMM, no BLAS");
  assert.equal(blasLabel("BLAS"), "BLAS");
  for (const s of ["no BLAS: own AVX2+FMA GEMM", "OpenBLAS 0.3.21 X"]) assert.doesNotMatch(`(${blasLabel(s)})`, /:\)$/);
});
