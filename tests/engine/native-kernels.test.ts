// The native build of the kernels (lib/engine/native-kernels.ts): every test of kernels.test.ts again on
// it, plus what only the native build has (its argument checks, and that the engine really uses it).
// Where the addon is not built the file skips, except under CI, whose setup installs OpenBLAS so that
// npm ci builds it: there a missing addon is a missing install step, and fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { NATIVE_ADDON_PATH, nativeKernelsInfo, nativeKernelsUnavailableReason } from "../../lib/engine/native-kernels";

process.env.NANOINSTRUCT_NATIVE = "1";
const built = existsSync(NATIVE_ADDON_PATH);

if (!built && !process.env.CI) {
  test("native kernels", { skip: `not built here (${nativeKernelsUnavailableReason()}); npm run build:native` }, () => {});
} else {
  test("the native addon is built and loads (CI installs OpenBLAS, so npm ci must have built it)", () => {
    assert.equal(nativeKernelsUnavailableReason(), "");
    assert.match(nativeKernelsInfo() ?? "", /OpenBLAS|no BLAS: own /);
  });

  test("the wasm backend runs the native kernels, and they refuse bad arguments with an error", async () => {
    const { initEngine, tf } = await import("../../lib/engine/backend");
    const { nanoModule, wasmMemoryBuffer } = await import("../../lib/engine/wasm-kernels");
    const info = await initEngine("wasm");
    assert.match(info.device, /native kernels, (OpenBLAS|own [A-Z0-9+. ]*GEMM, no BLAS)/);
    const nano = nanoModule()!;
    // A product big enough for the BLAS path (M > 16) equals the plain triple loop.
    const M = 33, K = 40, N = 17;
    const a = tf.tensor2d(Float32Array.from({ length: M * K }, (_, i) => ((i * 7) % 13) - 6), [M, K]);
    const b = tf.tensor2d(Float32Array.from({ length: K * N }, (_, i) => ((i * 5) % 11) - 5), [K, N]);
    const c = tf.matMul(a, b).dataSync(), av = a.dataSync(), bv = b.dataSync();
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += av[i * K + k] * bv[k * N + j];
      assert.equal(c[i * N + j], s, `(${i}, ${j})`); // small integers: exact in float32 whatever the order
    }
    tf.dispose([a, b]);
    const heap = wasmMemoryBuffer().byteLength;
    assert.throws(() => nano.gelu_forward(heap + 64, 4, 16), /offset outside the wasm heap/);
    assert.throws(() => (nano.col_sum as unknown as (...a: number[]) => void)(16, 1), /wrong number of arguments/);
  });

  await import("./kernels.test");
}
