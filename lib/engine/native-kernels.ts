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
import type { NanoExports } from "./wasm-kernels";
import { errorLine } from "../errors";

/** Where scripts/build-native.js puts the addon (NANOINSTRUCT_NATIVE_ADDON points elsewhere, e.g. a test's build). */
export const NATIVE_ADDON_PATH = process.env.NANOINSTRUCT_NATIVE_ADDON || join(LIB_DIR, "engine", "kernels", "build", "nano_native.node");

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
