/**
 * The native build of nanoinstruct's kernels (kernels/nano_native.c): the same C source as the wasm
 * module, compiled for this CPU, with large matmuls handed to the system's OpenBLAS (or, without it, to our
 * own AVX2 GEMM). It is optional: built at install by scripts/build-native.js when a C compiler and Node's
 * headers are present, and used by the wasm backend in place of the wasm module when it loads. Tensors stay in TF.js-wasm's heap;
 * the addon takes that heap and the same byte offsets the wasm module does.
 *
 * NANOINSTRUCT_NATIVE=0 turns it off (the wasm module then runs every kernel, as on machines without it).
 * Results differ from the wasm module's only in the rounding of large matmuls (summation order); runs are
 * deterministic either way.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LIB_DIR, repoRequire } from "../paths";
import { errorLine } from "../errors";

/** Where scripts/build-native.js puts the addon (NANOINSTRUCT_NATIVE_ADDON points elsewhere, e.g. a test's build). */
export const NATIVE_ADDON_PATH = process.env.NANOINSTRUCT_NATIVE_ADDON || join(LIB_DIR, "engine", "kernels", "build", "nano_native.node");

/** The kernels as exported by nano_kernels.wasm (pointers into the heap); the native addon is wrapped to look the same. */
export interface NanoExports {
  __stack_pointer: WebAssembly.Global;
  matmul_scratch_floats(M: number, N: number): number;
  matmul(C: number, A: number, B: number, batch: number, M: number, N: number, K: number,
    sab: number, sam: number, sak: number, sbb: number, sbk: number, sbn: number, accumulate: number, scratch: number): void;
  xent_forward(logits: number, labels: number, N: number, V: number, ignore: number, loss: number): void;
  xent_backward(logits: number, labels: number, dloss: number, N: number, V: number, ignore: number, dlogits: number): void;
  segment_sum(x: number, ids: number, n: number, inner: number, numSegments: number, out: number): void;
  linear_forward(x: number, W: number, b: number, N: number, inp: number, out: number, y: number, scratch: number): void;
  col_sum(x: number, N: number, C: number, out: number): void;
  gelu_forward(x: number, n: number, y: number): void;
  gelu_backward(x: number, dy: number, n: number, dx: number): void;
  layernorm_forward(x: number, g: number, b: number, N: number, C: number, eps: number, y: number, mean: number, rstd: number): void;
  layernorm_backward(x: number, g: number, mean: number, rstd: number, dy: number, N: number, C: number, dx: number, dg: number, db: number): void;
  sum_squares(x: number, n: number): number;
  adamw_update(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number,
    wd: number, bc1: number, bc2: number, gscale: number): void;
  attention_scratch_floats(T: number, S: number, hs: number): number;
  attention_forward(q: number, k: number, v: number, y: number, P: number, B: number, nh: number, T: number, past: number, hs: number,
    qb: number, qh: number, qt: number, kb: number, kh: number, kt: number, vb: number, vh: number, vt: number,
    yb: number, yh: number, yt: number, bias: number, bb: number, bh: number, scale: number, scratch: number): void;
  attention_backward(q: number, k: number, v: number, P: number, dy: number, dq: number, dk: number, dv: number,
    B: number, nh: number, T: number, past: number, hs: number,
    qb: number, qh: number, qt: number, kb: number, kh: number, kt: number, vb: number, vh: number, vt: number,
    yb: number, yh: number, yt: number, scale: number, scratch: number): void;
  copy_rows(dst: number, dstBatch: number, dstRow: number, src: number, srcBatch: number, srcRow: number, B: number, rows: number, cols: number): void;
  embed(out: number, wte: number, wpe: number, ids: number, pos: number, start: number, n: number, T: number, C: number): void;
  decode_block_scratch_floats(B: number, T: number, S: number, C: number, nh: number): number;
  decode_block(x: number, y: number, K: number, V: number, B: number, T: number, past: number, cap: number, C: number, nh: number,
    eps: number, bias: number, bb: number, scratch: number, ...weights: number[]): void;
  block_saved_floats(B: number, T: number, C: number, nh: number): number;
  block_scratch_floats(B: number, T: number, C: number, nh: number): number;
  block_forward(x: number, y: number, saved: number, B: number, T: number, C: number, nh: number, eps: number,
    bias: number, bb: number, bh: number, scratch: number, ...weights: number[]): void;
  block_backward(x: number, saved: number, dy: number, dx: number, B: number, T: number, C: number, nh: number,
    scratch: number, ...weightsAndGrads: number[]): void;
}

type NativeAddon = { [K in Exclude<keyof NanoExports, "__stack_pointer">]: (heap: ArrayBuffer, ...args: number[]) => number } & {
  blas_info(): string;
};

let addon: NativeAddon | null | undefined;
let loadError = "";

/** Whether the native kernels are switched off by NANOINSTRUCT_NATIVE=0. */
function nativeDisabled(): boolean {
  const v = process.env.NANOINSTRUCT_NATIVE;
  return v === "0" || v === "false" || v === "off";
}

function loadAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (!existsSync(NATIVE_ADDON_PATH)) {
    loadError = `${NATIVE_ADDON_PATH} is not built (run: npm run build:native)`;
    return null;
  }
  try {
    addon = repoRequire(NATIVE_ADDON_PATH) as NativeAddon;
  } catch (e) {
    loadError = `${NATIVE_ADDON_PATH} does not load: ${errorLine(e)}`;
  }
  return addon;
}

/** What the native kernels run on (OpenBLAS's build string), or null when they are not in use. */
export function nativeKernelsInfo(): string | null {
  if (nativeDisabled()) return null;
  const a = loadAddon();
  return a ? a.blas_info().trim() : null;
}

/**
 * The BLAS part of the device line, from nativeKernelsInfo(): "OpenBLAS 0.3.21" (name and version of
 * OpenBLAS's long build string), or "own AVX2+FMA GEMM, no BLAS" for a build without one.
 */
export function blasLabel(info: string): string {
  const text = info.trim();
  if (/^OpenBLAS\b/.test(text)) return text.split(/\s+/).slice(0, 2).join(" ");
  const own = /^no BLAS:?\s*(.*)$/.exec(text);
  if (own) return `${own[1] || "own GEMM"}, no BLAS`;
  return text;
}

/** Why the native kernels are not in use ("" when they are). */
export function nativeKernelsUnavailableReason(): string {
  if (nativeDisabled()) return "NANOINSTRUCT_NATIVE=0";
  loadAddon();
  return addon ? "" : loadError;
}

/**
 * The native kernels with the wasm module's interface: each call passes the heap's current buffer (it is
 * replaced when the heap grows). Null when the addon is missing, does not load, or is switched off.
 */
export function nativeKernels(heap: () => ArrayBuffer, stackPointer: WebAssembly.Global): NanoExports | null {
  if (nativeDisabled()) return null;
  const a = loadAddon();
  if (!a) return null;
  const ex: Record<string, unknown> = { __stack_pointer: stackPointer };
  for (const name of Object.keys(a) as (keyof NativeAddon)[]) {
    if (name === "blas_info") continue;
    const fn = a[name] as (heap: ArrayBuffer, ...args: number[]) => number;
    ex[name] = (...args: number[]) => fn(heap(), ...args);
  }
  return ex as unknown as NanoExports;
}
