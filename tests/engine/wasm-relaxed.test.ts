// The relaxed-SIMD build of the wasm kernels (nano_kernels_relaxed.wasm): used wherever the runtime validates
// it unless NANOINSTRUCT_WASM_RELAXED=0, the standard module otherwise; and, in a
// child Node with relaxed SIMD on (Node 20: --experimental-wasm-relaxed-simd), every test of kernels.test.ts
// (each kernel against the cpu backend) passes on it, and its matmul really fuses where the CPU has FMA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LIB_DIR } from "../../lib/paths";

const FLAG = "--experimental-wasm-relaxed-simd";
const relaxedBytes = readFileSync(join(LIB_DIR, "engine", "kernels", "nano_kernels_relaxed.wasm"));

if (process.env.NANOINSTRUCT_RELAXED_CHILD === "1") {
  // The child: relaxed SIMD is on here, the native build off (kernels.test.ts sets NANOINSTRUCT_NATIVE=0).
  test("[relaxed] the wasm backend runs the relaxed-SIMD module, and its matmul multiply-adds are fused", async () => {
    const { initEngine, tf } = await import("../../lib/engine/backend");
    const { kernelsVariant } = await import("../../lib/engine/wasm-kernels");
    process.env.NANOINSTRUCT_NATIVE = "0";
    await initEngine("wasm");
    assert.equal(kernelsVariant(), "wasm relaxed-simd");
    // 1 * (1 + 2^-11) + (1 + 2^-12) * -(1 + 2^-12): the second product is 1 + 2^-11 + 2^-24, which float32
    // rounds to 1 + 2^-11. Fused, the sum keeps -2^-24; a multiply then an add gives 0.
    const e = 2 ** -12;
    const c = tf.matMul(tf.tensor2d([[1, 1 + e]]), tf.tensor2d([[1 + 2 * e], [-(1 + e)]])).dataSync()[0];
    let fma = false;
    try { fma = /\bfma\b/.test(readFileSync("/proc/cpuinfo", "utf8")); } catch { /* not Linux: either answer */ }
    if (fma) assert.equal(c, -(2 ** -24), "relaxed_madd should be a fused multiply-add on a CPU with FMA");
    else assert.ok(c === 0 || c === -(2 ** -24), String(c));
  });
  await import("./kernels.test");
} else {
  test("the relaxed-SIMD module is used where the runtime validates it, unless NANOINSTRUCT_WASM_RELAXED=0", async () => {
    const { wasmModuleBytes } = await import("../../lib/engine/wasm-kernels");
    const runtimeHasIt = WebAssembly.validate(relaxedBytes);
    if (process.versions.node.startsWith("20.") && !process.execArgv.includes(FLAG)) {
      assert.equal(runtimeHasIt, false, "Node 20 accepts relaxed SIMD only behind " + FLAG);
    }
    const saved = process.env.NANOINSTRUCT_WASM_RELAXED;
    try {
      const want = runtimeHasIt ? "wasm relaxed-simd" : "wasm simd128";
      delete process.env.NANOINSTRUCT_WASM_RELAXED;
      assert.equal(wasmModuleBytes().variant, want);
      process.env.NANOINSTRUCT_WASM_RELAXED = "1";
      assert.equal(wasmModuleBytes().variant, want);
      for (const off of ["0", "false", "off"]) {
        process.env.NANOINSTRUCT_WASM_RELAXED = off;
        assert.equal(wasmModuleBytes().variant, "wasm simd128", off);
      }
    } finally {
      if (saved === undefined) delete process.env.NANOINSTRUCT_WASM_RELAXED;
      else process.env.NANOINSTRUCT_WASM_RELAXED = saved;
    }
  });

  test("every kernel test passes on the relaxed-SIMD module (a child Node with relaxed SIMD on)", () => {
    // (without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of printing)
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const flags = WebAssembly.validate(relaxedBytes) ? [] : [FLAG];
    const r = spawnSync(process.execPath, [...flags, "--import", "tsx", "--test", "--test-reporter=tap", "tests/engine/wasm-relaxed.test.ts"], {
      encoding: "utf8", env: { ...env, NANOINSTRUCT_RELAXED_CHILD: "1", NANOINSTRUCT_NATIVE: "0", NANOINSTRUCT_WASM_RELAXED: "1" },
    });
    assert.equal(r.status, 0, (r.stdout + r.stderr).split("\n").filter((l) => /not ok|rror/.test(l)).slice(0, 12).join("\n"));
    assert.match(r.stdout, /# fail 0/);
    assert.match(r.stdout, /ok \d+ - \[relaxed\] the wasm backend runs the relaxed-SIMD module/);
    const pass = Number(/# pass (\d+)/.exec(r.stdout)?.[1]);
    assert.ok(pass >= 17, `only ${pass} tests ran`);
  });
}
