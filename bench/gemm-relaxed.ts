/**
 * The wasm kernels' matmul with and without relaxed SIMD: the committed nano_kernels.wasm and
 * nano_kernels_relaxed.wasm instantiated side by side on TF.js's heap, timed back to back in this process
 * (alternating, best of N each), on a training step's shapes (standard small config: B*T = 2048 rows,
 * C = 128, MLP 512, vocab 512, in the transposes the gradients use), a 1024^3 product and generation's
 * one-row products. Needs a runtime with relaxed SIMD (Node 20: the flag below).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gemm-relaxed.ts [--reps 7] [--std F.wasm] [--relaxed F.wasm]
 * (--std / --relaxed compare other builds of the module instead of the committed ones)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { heapOffset } from "../lib/engine/wasm-kernels";
import { LIB_DIR } from "../lib/paths";

const arg = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const reps = Number(arg("--reps")) || 7;
process.env.NANOINSTRUCT_NATIVE = "0";
await initEngine("wasm");
interface Heap { wasm: { asm: { memory: WebAssembly.Memory }; _malloc(n: number): number } }
const be = tf.backend() as unknown as Heap;
type Exports = { __stack_pointer: WebAssembly.Global; matmul(...args: number[]): void; matmul_scratch_floats(M: number, N: number): number };

function load(file: string): Exports {
  const bytes = readFileSync(file.includes("/") ? file : join(LIB_DIR, "engine", "kernels", file));
  if (!WebAssembly.validate(bytes)) throw new Error(`${file} does not validate here: run with --experimental-wasm-relaxed-simd (Node 20)`);
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: be.wasm.asm.memory } }).exports as unknown as Exports;
  const stack = be.wasm._malloc(65536);
  ex.__stack_pointer.value = (stack + 65536) & ~15;
  return ex;
}
const std = load(arg("--std") ?? "nano_kernels.wasm"), relaxed = load(arg("--relaxed") ?? "nano_kernels_relaxed.wasm");

// [name, M, N, K, A transposed, B transposed]
const shapes: [string, number, number, number, boolean, boolean][] = [
  ["mlp fc fwd    2048x512x128", 2048, 512, 128, false, false],
  ["mlp fc dW     128x512x2048 A^T", 128, 512, 2048, true, false],
  ["mlp fc dX     2048x128x512 B^T", 2048, 128, 512, false, true],
  ["qkv fwd       2048x384x128", 2048, 384, 128, false, false],
  ["head fwd      2048x512x128 B^T", 2048, 512, 128, false, true],
  ["square        1024x1024x1024", 1024, 1024, 1024, false, false],
  ["generation    1x384x128", 1, 384, 128, false, false],
  ["gen head      1x512x128 B^T", 1, 512, 128, false, true],
];
// Warm-up: V8 compiles a module's functions with its baseline compiler first and optimizes them in the
// background once they are hot; on a busy machine that takes long enough to spoil the first shapes' times.
{
  const n = 512, a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]), c = tf.zeros([n, n]);
  const s = (be.wasm._malloc(4 * std.matmul_scratch_floats(n, n) + 16) + 15) & ~15;
  for (const ex of [std, relaxed]) {
    const t0 = performance.now();
    while (performance.now() - t0 < 1500) ex.matmul(heapOffset(c), heapOffset(a), heapOffset(b), 1, n, n, n, 0, n, 1, 0, n, 1, 0, s);
  }
  tf.dispose([a, b, c]);
}
console.log(`wasm matmul, best of ${reps} alternating runs each; GFLOP/s standard / relaxed, ratio, max relative difference`);
const ratios: number[] = [];
for (const [name, M, N, K, ta, tb] of shapes) {
  const a = tf.randomNormal(ta ? [K, M] : [M, K]), b = tf.randomNormal(tb ? [N, K] : [K, N]);
  const c1 = tf.zeros([M, N]), c2 = tf.zeros([M, N]);
  const scratch = (be.wasm._malloc(4 * std.matmul_scratch_floats(M, N) + 16) + 15) & ~15;
  const [sam, sak] = ta ? [1, M] : [K, 1], [sbk, sbn] = tb ? [1, K] : [N, 1];
  const inner = Math.max(1, Math.round(2e8 / (2 * M * N * K))); // ~0.2 GFLOP per timing
  const time = (ex: Exports, c: tf.Tensor) => {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) ex.matmul(heapOffset(c), heapOffset(a), heapOffset(b), 1, M, N, K, 0, sam, sak, 0, sbk, sbn, 0, scratch);
    return (performance.now() - t0) / inner;
  };
  let bs = Infinity, br = Infinity;
  time(std, c1); time(relaxed, c2); // warm up
  for (let r = 0; r < reps; r++) { bs = Math.min(bs, time(std, c1)); br = Math.min(br, time(relaxed, c2)); }
  const x = c1.dataSync(), y = c2.dataSync();
  let diff = 0, scale = 0;
  for (let i = 0; i < x.length; i++) { diff = Math.max(diff, Math.abs(x[i] - y[i])); scale = Math.max(scale, Math.abs(x[i])); }
  const gf = (ms: number) => (2 * M * N * K) / ms / 1e6;
  ratios.push(bs / br);
  console.log(`${name.padEnd(32)} ${gf(bs).toFixed(1).padStart(6)} / ${gf(br).toFixed(1).padStart(6)}  x${(bs / br).toFixed(2)}  ${(diff / scale).toExponential(1)}`);
  tf.dispose([a, b, c1, c2]);
}
const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
console.log(`geometric mean speed-up (relaxed over standard): x${geo.toFixed(2)}`);
