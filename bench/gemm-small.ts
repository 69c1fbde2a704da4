/**
 * Why SMALL_M in nano_kernels.c: times our matmul with few rows of A both ways, B read in place (the
 * small-M path) and B packed first (the general path), for the shapes of generation (the block's linear
 * layers; the tied LM head is a transposed B). Builds two variants of the module with clang (as
 * scripts/build-kernels.sh does) into a temporary directory, on TF.js's heap like the real one.
 *
 *   node --import tsx bench/gemm-small.ts      prints microseconds per call, in place / packed, per M
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { heapOffset } from "../lib/engine/wasm-kernels";
import { LIB_DIR } from "../lib/paths";

await initEngine("wasm");
interface Heap { wasm: { asm: { memory: WebAssembly.Memory }; _malloc(n: number): number } }
const be = tf.backend() as unknown as Heap;
type Matmul = (...args: number[]) => void;

const dir = mkdtempSync(join(tmpdir(), "nano-gemm-"));
function build(smallM: number): Matmul {
  const out = join(dir, `m${smallM}.wasm`);
  execFileSync("clang", ["--target=wasm32", "-O3", "-msimd128", "-mmutable-globals", "-nostdlib", "-fno-builtin", "-ffreestanding",
    "-mllvm", "-disable-lsr", `-DSMALL_M=${smallM}`, "-Wl,--no-entry", "-Wl,--import-memory", "-Wl,--export=__stack_pointer", "-Wl,-z,stack-size=65536",
    "-o", out, join(LIB_DIR, "engine", "kernels", "nano_kernels.c")]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), { env: { memory: be.wasm.asm.memory } });
  const ex = inst.exports as unknown as { __stack_pointer: WebAssembly.Global; matmul: Matmul };
  const stack = be.wasm._malloc(65536);
  ex.__stack_pointer.value = (stack + 65536) & ~15;
  return ex.matmul;
}
const inPlace = build(1 << 20), packed = build(0);
rmSync(dir, { recursive: true, force: true });
const scratch = (be.wasm._malloc(4 * 4_000_000) + 15) & ~15;

// [name, N, K, B transposed]: C = 128 blocks' linears (qkv, fc, mlp proj) and a 512-token tied head.
const shapes: [string, number, number, boolean][] = [["attn qkv", 384, 128, false], ["mlp fc", 512, 128, false],
  ["mlp proj", 128, 512, false], ["head (B^T)", 512, 128, true]];
for (const [name, N, K, tb] of shapes) {
  const cells: string[] = [];
  for (const M of [1, 2, 4, 8, 12, 16, 32]) {
    const a = tf.randomNormal([M, K]), b = tf.randomNormal(tb ? [N, K] : [K, N]), c = tf.zeros([M, N]);
    const [pa, pb, pc] = [heapOffset(a), heapOffset(b), heapOffset(c)];
    const time = (mm: Matmul) => {
      const reps = Math.max(20, Math.floor(2000 / M));
      let bestUs = Infinity;
      for (let r = 0; r < 7; r++) {
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) mm(pc, pa, pb, 1, M, N, K, 0, K, 1, 0, tb ? 1 : N, tb ? K : 1, 0, scratch);
        bestUs = Math.min(bestUs, ((performance.now() - t0) / reps) * 1000);
      }
      return bestUs;
    };
    cells.push(`M=${M} ${time(inPlace).toFixed(1)}/${time(packed).toFixed(1)}`);
    tf.dispose([a, b, c]);
  }
  console.log(`${name.padEnd(11)} ${cells.join("  ")}`);
}
console.log("microseconds per call (best of 7), B read in place / B packed");
