/// <reference lib="dom" />
/**
 * nanoinstruct's kernels for TF.js's `wasm` backend.
 *
 * TF.js-wasm trains slowly or not at all: its BatchMatMul falls off a cliff when an operand is transposed
 * (matMul's gradients always are), and it has no UnsortedSegmentSum (gather's gradient). Our module
 * (kernels/nano_kernels.c, prebuilt into nano_kernels.wasm) is instantiated on the SAME WebAssembly.Memory
 * as TF.js, so a kernel reads its inputs and writes its output in place, with no copies.
 *
 * Two builds of the module: nano_kernels.wasm (wasm SIMD 128) and nano_kernels_relaxed.wasm, the same
 * source whose matmul multiply-accumulate is relaxed SIMD's f32x4.relaxed_madd (a fused multiply-add on CPUs
 * with FMA). The relaxed one runs wherever the runtime accepts it (the feature check: Node 22 and later; Node 20
 * with --experimental-wasm-relaxed-simd), unless NANOINSTRUCT_WASM_RELAXED=0; otherwise the standard one runs.
 * Since the wasm GEMM tile became 4 x 8 it is the faster of the two (AMD Zen 4: matmul 1.17-1.19x, training
 * step ~1.15x; see docs/PERFORMANCE.md, "Wasm kernels alone"; with the 6 x 8 tile, which spilled, it measured
 * 0.82-0.87x and was opt-in). Matmul results differ between the two in the last bits (one rounding per
 * product-add instead of two), so a run on Node 22 and one on Node 20 differ there; each is deterministic.
 * Every other kernel is the same code. Where the native build loads (native-kernels.ts) it replaces both.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LIB_DIR } from "../paths";
import { BLOCK_BACKWARD_WEIGHTS, BLOCK_WEIGHTS, KERNEL_NAMES } from "./kernel-names";
import { nativeKernels, type NanoExports } from "./native-kernels";
import { clonesMayShare } from "./shared-save";

/** The subset of TF.js-wasm's backend object that kernels use. */
interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(n: number): number; _free(p: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const STACK_BYTES = 64 * 1024;

/** Throws when the module has a data section: one would be written over TF.js's heap at instantiation. */
export function assertNoDataSegments(bytes: Uint8Array): void {
  let p = 8;
  const leb = (): number => {
    let result = 0, shift = 0, b: number;
    do { b = bytes[p++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return result >>> 0;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    if (id === 11) throw new Error("nano_kernels.wasm has a data section; it must not (see nano_kernels.c)");
    p += size;
  }
}

let nano: NanoExports | null = null;
let wasmBackend: WasmBackend | null = null;
let scratchPtr = 0, scratchFloats = 0;

/** Which build of the kernels runs: the native addon, or one of the two wasm modules. */
export type KernelsVariant = "native" | "wasm relaxed-simd" | "wasm simd128";
let variant: KernelsVariant | null = null;

/** Whether the relaxed-SIMD module may run: yes unless NANOINSTRUCT_WASM_RELAXED=0 (or false / off) says no. */
function relaxedWanted(): boolean {
  const v = (process.env.NANOINSTRUCT_WASM_RELAXED ?? "").trim().toLowerCase();
  return !(v === "0" || v === "false" || v === "off");
}

/**
 * The wasm module to run and its name: the relaxed-SIMD build when it is not refused and this runtime
 * validates it (the feature check: a runtime without relaxed SIMD rejects its opcodes), else the standard one.
 */
export function wasmModuleBytes(): { bytes: Uint8Array; variant: Exclude<KernelsVariant, "native"> } {
  const dir = join(LIB_DIR, "engine", "kernels");
  if (relaxedWanted() && existsSync(join(dir, "nano_kernels_relaxed.wasm"))) {
    const relaxed = readFileSync(join(dir, "nano_kernels_relaxed.wasm"));
    if (WebAssembly.validate(relaxed)) return { bytes: relaxed, variant: "wasm relaxed-simd" };
  }
  return { bytes: readFileSync(join(dir, "nano_kernels.wasm")), variant: "wasm simd128" };
}

/** The build of the kernels the wasm backend runs (null before the backend first initializes). */
export function kernelsVariant(): KernelsVariant | null {
  return variant;
}

function instantiate(backend: WasmBackend): NanoExports {
  const picked = wasmModuleBytes();
  const bytes = picked.bytes;
  assertNoDataSegments(bytes);
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory: backend.wasm.asm.memory } });
  const ex = instance.exports as unknown as NanoExports;
  // Our shadow stack lives in a block TF.js's allocator gives us, never over its data.
  const stack = backend.wasm._malloc(STACK_BYTES);
  ex.__stack_pointer.value = (stack + STACK_BYTES) & ~15;
  // Where the native build of the same kernels is available, it runs them (on the same heap).
  const native = nativeKernels(() => backend.wasm.asm.memory.buffer, ex.__stack_pointer);
  variant = native ? "native" : picked.variant;
  return native ?? ex;
}

function scratch(floats: number): number {
  if (floats > scratchFloats) {
    const backend = wasmBackend!;
    if (scratchPtr) backend.wasm._free(scratchPtr);
    scratchFloats = Math.max(floats, Math.ceil(scratchFloats * 1.5));
    scratchPtr = backend.wasm._malloc(scratchFloats * 4 + 16);
  }
  return (scratchPtr + 15) & ~15;
}

const ptr = (backend: WasmBackend, t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId).memoryOffset;

function batchMatMul({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const be = backend as WasmBackend;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("BatchMatMul: only float32 is supported on wasm");
  const ra = a.shape.length, rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const Ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (Ka !== Kb) throw new Error(`matMul: inner dimensions ${Ka} and ${Kb} of shapes [${a.shape}] and [${b.shape}] differ`);
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1), batchB = outerB.reduce((x, y) => x * y, 1);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = outer.reduce((x, y) => x * y, 1);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
    throw new Error(`matMul: batch shapes [${outerA}] and [${outerB}] broadcast only when one of them is 1`);
  }
  const out = be.makeOutput([...outer, M, N], "float32");
  const aRows = a.shape[ra - 2], aCols = a.shape[ra - 1], bRows = b.shape[rb - 2], bCols = b.shape[rb - 1];
  const [sam, sak] = transposeA ? [1, aCols] : [aCols, 1];
  const [sbk, sbn] = transposeB ? [1, bCols] : [bCols, 1];
  const sab = batchA === 1 ? 0 : aRows * aCols, sbb = batchB === 1 ? 0 : bRows * bCols;
  const s = scratch(nano!.matmul_scratch_floats(M, N));
  nano!.matmul(ptr(be, out), ptr(be, a), ptr(be, b), batch, M, N, Ka, sab, sam, sak, sbb, sbk, sbn, 0, s);
  return out;
}

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const be = backend as WasmBackend;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  if (x.dtype !== "float32" || segmentIds.dtype !== "int32") throw new Error("UnsortedSegmentSum on wasm: float32 values, int32 ids");
  const n = segmentIds.shape.reduce((p, q) => p * q, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((p, q) => p * q, 1);
  const out = be.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], "float32");
  nano!.segment_sum(ptr(be, x), ptr(be, segmentIds), n, inner, numSegments, ptr(be, out));
  return out;
}

function xentForward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const be = backend as WasmBackend;
  const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const V = logits.shape[logits.shape.length - 1], N = labels.shape.reduce((p, q) => p * q, 1);
  const out = be.makeOutput([N], "float32");
  nano!.xent_forward(ptr(be, logits), ptr(be, labels), N, V, (attrs as { ignoreIndex: number }).ignoreIndex, ptr(be, out));
  return out;
}

function xentBackward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const be = backend as WasmBackend;
  const { logits, labels, dloss } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; dloss: tf.TensorInfo };
  const V = logits.shape[logits.shape.length - 1], N = labels.shape.reduce((p, q) => p * q, 1);
  const out = be.makeOutput([...logits.shape], "float32");
  nano!.xent_backward(ptr(be, logits), ptr(be, labels), ptr(be, dloss), N, V, (attrs as { ignoreIndex: number }).ignoreIndex, ptr(be, out));
  return out;
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
const size = (shape: number[]): number => shape.reduce((p, q) => p * q, 1);

function linear({ inputs, backend }: Args) {
  const be = backend as WasmBackend;
  const { x, weight, bias } = inputs as Record<string, tf.TensorInfo>;
  const [inp, out] = weight.shape;
  const N = size(x.shape) / inp;
  const y = be.makeOutput([...x.shape.slice(0, -1), out], "float32");
  nano!.linear_forward(ptr(be, x), ptr(be, weight), ptr(be, bias), N, inp, out, ptr(be, y), scratch(nano!.matmul_scratch_floats(N, out)));
  return y;
}

function colSum({ inputs, backend }: Args) {
  const be = backend as WasmBackend;
  const { x } = inputs as Record<string, tf.TensorInfo>;
  const C = x.shape[x.shape.length - 1];
  const out = be.makeOutput([C], "float32");
  nano!.col_sum(ptr(be, x), size(x.shape) / C, C, ptr(be, out));
  return out;
}

function gelu({ inputs, backend }: Args) {
  const be = backend as WasmBackend;
  const { x } = inputs as Record<string, tf.TensorInfo>;
  const y = be.makeOutput([...x.shape], "float32");
  nano!.gelu_forward(ptr(be, x), size(x.shape), ptr(be, y));
  return y;
}

function geluGrad({ inputs, backend }: Args) {
  const be = backend as WasmBackend;
  const { x, dy } = inputs as Record<string, tf.TensorInfo>;
  const dx = be.makeOutput([...x.shape], "float32");
  nano!.gelu_backward(ptr(be, x), ptr(be, dy), size(x.shape), ptr(be, dx));
  return dx;
}

function layerNormKernel({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
  const C = x.shape[x.shape.length - 1], N = size(x.shape) / C;
  const y = be.makeOutput([...x.shape], "float32");
  const mean = be.makeOutput([N], "float32"), rstd = be.makeOutput([N], "float32");
  nano!.layernorm_forward(ptr(be, x), ptr(be, gamma), ptr(be, beta), N, C, (attrs as { eps: number }).eps,
    ptr(be, y), ptr(be, mean), ptr(be, rstd));
  return [y, mean, rstd];
}

function layerNormGrad({ inputs, backend }: Args) {
  const be = backend as WasmBackend;
  const { x, gamma, mean, rstd, dy } = inputs as Record<string, tf.TensorInfo>;
  const C = x.shape[x.shape.length - 1], N = size(x.shape) / C;
  const dx = be.makeOutput([...x.shape], "float32");
  const dgamma = be.makeOutput([C], "float32"), dbeta = be.makeOutput([C], "float32");
  nano!.layernorm_backward(ptr(be, x), ptr(be, gamma), ptr(be, mean), ptr(be, rstd), ptr(be, dy), N, C,
    ptr(be, dx), ptr(be, dgamma), ptr(be, dbeta));
  return [dx, dgamma, dbeta];
}

interface AttentionAttrs { nHead: number; headSize: number; past: number; qOffset: number; kOffset: number; vOffset: number }

function attention({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { q, k, v, bias } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as AttentionAttrs;
  const [B, T, qRow] = q.shape;
  // k and v may hold more rows than past + T (a KV cache with room to grow); only those are read.
  const [, kRows, kRow] = k.shape;
  const [, vRows, vRow] = v.shape;
  const nh = a.nHead, hs = a.headSize, C = nh * hs, S = a.past + T;
  if (S > kRows || S > vRows) throw new Error(`NanoAttention: ${T} queries after ${a.past} but only ${kRows} keys`);
  const y = be.makeOutput([B, T, C], "float32");
  const P = be.makeOutput([B, nh, T, S], "float32");
  const s = scratch(nano!.attention_scratch_floats(T, S, hs));
  const biasPtr = bias ? ptr(be, bias) : 0;
  const bb = bias && bias.shape[0] > 1 ? T * S * (bias.shape[1] ?? 1) : 0;
  const bh = bias && bias.shape.length === 4 && bias.shape[1] > 1 ? T * S : 0;
  nano!.attention_forward(
    ptr(be, q) + 4 * a.qOffset, ptr(be, k) + 4 * a.kOffset, ptr(be, v) + 4 * a.vOffset, ptr(be, y), ptr(be, P),
    B, nh, T, a.past, hs,
    T * qRow, hs, qRow, kRows * kRow, hs, kRow, vRows * vRow, hs, vRow,
    T * C, hs, C, biasPtr, bb, bh, 1 / Math.sqrt(hs), s);
  return [y, P];
}

function attentionGrad({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { qkv, probs, dy } = inputs as Record<string, tf.TensorInfo>;
  const nh = (attrs as { nHead: number }).nHead;
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3, hs = C / nh;
  const dqkv = be.makeOutput([B, T, C3], "float32");
  const base = ptr(be, qkv), dbase = ptr(be, dqkv);
  const s = scratch(nano!.attention_scratch_floats(T, T, hs));
  nano!.attention_backward(base, base + 4 * C, base + 8 * C, ptr(be, probs), ptr(be, dy),
    dbase, dbase + 4 * C, dbase + 8 * C, B, nh, T, 0, hs,
    T * C3, hs, C3, T * C3, hs, C3, T * C3, hs, C3, T * C, hs, C, 1 / Math.sqrt(hs), s);
  return dqkv;
}

function decodeBlock({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { x, keys, values, bias } = inputs as Record<string, tf.TensorInfo>;
  const { nHead, past, eps } = attrs as unknown as { nHead: number; past: number; eps: number };
  const [B, T, C] = x.shape;
  const cap = keys.shape[1], S = past + T;
  if (keys.shape[0] !== B || keys.shape[2] !== C || S > cap || values.shape.some((d, i) => d !== keys.shape[i])) {
    throw new Error(`NanoDecodeBlock: ${T} tokens after ${past} do not fit cache [${keys.shape}] / [${values.shape}] for x [${x.shape}]`);
  }
  const y = be.makeOutput([B, T, C], "float32");
  const bb = bias && bias.shape[0] > 1 ? T * S : 0;
  const weights = BLOCK_WEIGHTS.map((n) => ptr(be, inputs[n] as tf.TensorInfo));
  const s = scratch(nano!.decode_block_scratch_floats(B, T, S, C, nHead));
  nano!.decode_block(ptr(be, x), ptr(be, y), ptr(be, keys), ptr(be, values), B, T, past, cap, C, nHead, eps,
    bias ? ptr(be, bias) : 0, bb, s, ...weights);
  return y;
}

function blockForward({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { x, bias } = inputs as Record<string, tf.TensorInfo>;
  const { nHead, eps } = attrs as unknown as { nHead: number; eps: number };
  const [B, T, C] = x.shape;
  if (C % nHead !== 0) throw new Error(`NanoBlockForward: ${C} channels do not split into ${nHead} heads`);
  if (bias && (bias.shape.length !== 4 || bias.shape[2] !== T || bias.shape[3] !== T || (bias.shape[0] !== 1 && bias.shape[0] !== B))) {
    throw new Error(`NanoBlockForward: bias [${bias.shape}] is not (B|1, 1|nh, ${T}, ${T})`);
  }
  const y = be.makeOutput([B, T, C], "float32");
  const saved = be.makeOutput([nano!.block_saved_floats(B, T, C, nHead)], "float32");
  const bb = bias && bias.shape[0] > 1 ? T * T * bias.shape[1] : 0;
  const bh = bias && bias.shape[1] > 1 ? T * T : 0;
  const weights = BLOCK_WEIGHTS.map((n) => ptr(be, inputs[n] as tf.TensorInfo));
  const s = scratch(nano!.block_scratch_floats(B, T, C, nHead));
  nano!.block_forward(ptr(be, x), ptr(be, y), ptr(be, saved), B, T, C, nHead, eps, bias ? ptr(be, bias) : 0, bb, bh, s, ...weights);
  return [y, saved];
}

function blockBackward({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { x, saved, dy } = inputs as Record<string, tf.TensorInfo>;
  const { nHead } = attrs as unknown as { nHead: number };
  const [B, T, C] = x.shape;
  if (saved.shape[0] !== nano!.block_saved_floats(B, T, C, nHead)) throw new Error("NanoBlockBackward: saved activations of another shape");
  const dx = be.makeOutput([B, T, C], "float32");
  const shapes: Record<(typeof BLOCK_WEIGHTS)[number], number[]> = {
    ln1G: [C], ln1B: [C], qkvW: [C, 3 * C], qkvB: [3 * C], projW: [C, C], projB: [C],
    ln2G: [C], ln2B: [C], fcW: [C, 4 * C], fcB: [4 * C], fc2W: [4 * C, C], fc2B: [C],
  };
  const grads = BLOCK_WEIGHTS.map((n) => be.makeOutput(shapes[n], "float32"));
  const weights = BLOCK_BACKWARD_WEIGHTS.map((n) => ptr(be, inputs[n] as tf.TensorInfo));
  const s = scratch(nano!.block_scratch_floats(B, T, C, nHead));
  nano!.block_backward(ptr(be, x), ptr(be, saved), ptr(be, dy), ptr(be, dx), B, T, C, nHead, s,
    ...weights, ...grads.map((g) => ptr(be, g)));
  return [dx, ...grads];
}

function embed({ inputs, backend, attrs }: Args) {
  const be = backend as WasmBackend;
  const { wte, wpe, ids, positions } = inputs as Record<string, tf.TensorInfo>;
  const start = (attrs as { start: number }).start;
  const [B, T] = ids.shape, C = wte.shape[1], n = B * T;
  // Indices are checked as TF.js's gather checks them (C would read out of bounds).
  const heap = new Int32Array(wasmBackend!.wasm.asm.memory.buffer);
  const check = (t: tf.TensorInfo | undefined, limit: number, what: string) => {
    for (let i = 0; i < n; i++) {
      const v = t ? heap[ptr(be, t) / 4 + i] : start + (i % T);
      if (!(v >= 0 && v < limit)) throw new Error(`NanoEmbed: ${what} ${v} is not in [0, ${limit - 1}]`);
    }
  };
  check(ids, wte.shape[0], "token id");
  check(positions, wpe.shape[0], "position");
  const out = be.makeOutput([B, T, C], "float32");
  nano!.embed(ptr(be, out), ptr(be, wte), ptr(be, wpe), ptr(be, ids), positions ? ptr(be, positions) : 0, start, n, T, C);
  return out;
}

// Identity copies on wasm; while sharedSave (shared-save.ts) runs, it shares its input's memory instead.
let copyIdentity: tf.KernelFunc | null = null;

function identity(args: Args) {
  const x = (args.inputs as Record<string, tf.TensorInfo>).x;
  if (!clonesMayShare() || x.dtype === "string") return copyIdentity!(args as Parameters<tf.KernelFunc>[0]);
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** A new float32 tensor on wasm whose memory is not initialized (for buffers filled before they are read). */
export function uninitializedTensor(shape: number[]): tf.Tensor {
  const info = wasmBackend!.makeOutput(shape, "float32");
  return tf.engine().makeTensorFromTensorInfo(info);
}

function register(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, "wasm")) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
}

/** Our module's exports while the wasm backend is active, else null. */
export function nanoModule(): NanoExports | null {
  return nano && wasmBackend === (tf.backend() as unknown as WasmBackend) ? nano : null;
}

/** The wasm heap's current buffer (re-read after allocations: growth replaces it). */
export function wasmMemoryBuffer(): ArrayBuffer {
  return wasmBackend!.wasm.asm.memory.buffer;
}

/** Byte offset of a float32/int32 tensor's data in the wasm heap (the tensor must be on wasm). */
export function heapOffset(t: tf.Tensor): number {
  return ptr(wasmBackend!, t);
}

/** Instantiates our module on the active wasm backend and registers its kernels (idempotent). */
export function installWasmKernels(): void {
  const backend = tf.backend() as unknown as WasmBackend;
  if (nano && wasmBackend === backend) return;
  wasmBackend = backend;
  scratchPtr = 0;
  scratchFloats = 0;
  nano = instantiate(backend);
  copyIdentity ??= tf.getKernel("Identity", "wasm")!.kernelFunc;
  register("Identity", identity as unknown as tf.KernelFunc);
  register("BatchMatMul", batchMatMul as unknown as tf.KernelFunc);
  register("UnsortedSegmentSum", unsortedSegmentSum as unknown as tf.KernelFunc);
  register(KERNEL_NAMES.xentForward, xentForward as unknown as tf.KernelFunc);
  register(KERNEL_NAMES.xentBackward, xentBackward as unknown as tf.KernelFunc);
  const own: [string, (a: Args) => tf.TensorInfo | tf.TensorInfo[]][] = [
    [KERNEL_NAMES.linear, linear], [KERNEL_NAMES.colSum, colSum],
    [KERNEL_NAMES.gelu, gelu], [KERNEL_NAMES.geluGrad, geluGrad],
    [KERNEL_NAMES.layerNorm, layerNormKernel], [KERNEL_NAMES.layerNormGrad, layerNormGrad],
    [KERNEL_NAMES.attention, attention], [KERNEL_NAMES.attentionGrad, attentionGrad],
    [KERNEL_NAMES.decodeBlock, decodeBlock], [KERNEL_NAMES.embed, embed],
    [KERNEL_NAMES.blockForward, blockForward], [KERNEL_NAMES.blockBackward, blockBackward],
  ];
  for (const [name, fn] of own) register(name, fn as unknown as tf.KernelFunc);
}
