/**
 * Backend selection: the only place in nanoinstruct that imports a TF.js backend package.
 *
 * Order: `tensorflow` through @tensorflow/tfjs-node-gpu (when installed and CUDA loads), then `webgpu` on a
 * hardware adapter (Dawn through the optional `webgpu` package; probed only where a GPU device exists, see
 * webgpu.ts), then @tensorflow/tfjs-node, then `wasm` (with nanoinstruct's own SIMD kernels), then `cpu`.
 * NANOINSTRUCT_BACKEND=tensorflow|webgpu|wasm|cpu forces one (`webgpu` then also takes a software adapter,
 * Mesa's llvmpipe); forcing one that cannot load is an error.
 */
import * as tf from "@tensorflow/tfjs";
import { repoRequire } from "../paths";
import { errorLine, UserError } from "../errors";
import { installWasmKernels } from "./wasm-kernels";
import { installCpuKernels } from "./cpu-kernels";
import { blasLabel, nativeKernelsInfo } from "./native-kernels";
import type { AdapterInfo } from "./webgpu";

export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];

export interface EngineInfo {
  /** The TF.js backend in use. */
  backend: BackendName;
  /**
   * What computes: "cuda-gpu", "cpu (libtensorflow)", "cpu (wasm simd + nanoinstruct kernels)",
   * "cpu (wasm + nanoinstruct native kernels, OpenBLAS ...)", "cpu (js)".
   */
  device: string;
  /** The npm package that provides the backend. */
  package: string;
  tfjsVersion: string;
  /** On webgpu: the adapter (vendor, architecture, driver, software or hardware). */
  adapter?: AdapterInfo;
}

let current: EngineInfo | null = null;
let pending: Promise<EngineInfo> | null = null;
// Not named `require`: compiled to CommonJS in the notebook kernel, that would shadow the module wrapper's own.
const requireFromRepo = repoRequire;

function tryRequire(name: string): boolean {
  try {
    requireFromRepo(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * TF.js's webgpu readSync (dataSync, arraySync) needs OffscreenCanvas, which Node lacks: it would fail with
 * "OffscreenCanvas is not defined". Values already on the host are still returned; otherwise this says what
 * to use instead.
 */
function refuseSyncReads(): void {
  const be = tf.backend() as unknown as { readSync(id: object): unknown; tensorMap: { get(id: object): { values?: unknown } } };
  be.readSync = (dataId: object) => {
    const values = be.tensorMap.get(dataId)?.values;
    if (values != null) return values;
    throw new UserError("the webgpu backend cannot read a tensor synchronously in Node (dataSync); this command needs "
      + "an async read (await tensor.data(), generateAsync, evaluateAsync, tokenLogprobsAsync); or run it on the CPU with NANOINSTRUCT_BACKEND=wasm");
  };
}

/** Why forcing webgpu failed, for the error message. */
let webgpuWhy = "";

/**
 * `gpuOnly`: automatic selection's first pass (tfjs-node-gpu only; webgpu only on a hardware adapter, and
 * only probed where a GPU device exists). Otherwise: tfjs-node too, and webgpu on a software adapter.
 */
async function activate(name: BackendName, gpuOnly = false): Promise<EngineInfo | null> {
  if (name === "webgpu") {
    // Loaded only here: the default CPU path never imports Dawn or TF.js's webgpu backend.
    const gpu = await import("./webgpu");
    if (gpuOnly && !gpu.mayHaveGpu()) return null;
    const adapter = await gpu.prepareWebGPU(!gpuOnly);
    if (!adapter) {
      webgpuWhy = gpu.webgpuFailure();
      return null;
    }
    try {
      if (!(await tf.setBackend("webgpu"))) return null;
    } catch (e) {
      webgpuWhy = `TF.js's webgpu backend did not start: ${errorLine(e)}`;
      return null;
    }
    refuseSyncReads();
    return { backend: "webgpu", device: gpu.describeAdapter(adapter), package: "@tensorflow/tfjs-backend-webgpu", tfjsVersion: tf.version.tfjs, adapter };
  }
  if (name === "tensorflow") {
    // tfjs-node(-gpu) registers the `tensorflow` backend when required; neither is a hard dependency.
    let pkg = "";
    if (tryRequire("@tensorflow/tfjs-node-gpu")) pkg = "@tensorflow/tfjs-node-gpu";
    else if (!gpuOnly && tryRequire("@tensorflow/tfjs-node")) pkg = "@tensorflow/tfjs-node";
    if (!pkg || !tf.findBackendFactory("tensorflow")) return null;
    if (!(await tf.setBackend("tensorflow"))) return null;
    installCpuKernels("tensorflow");
    const gpu = pkg.endsWith("-gpu");
    return { backend: "tensorflow", device: gpu ? "cuda-gpu" : "cpu (libtensorflow)", package: pkg, tfjsVersion: tf.version.tfjs };
  }
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    if (!(await tf.setBackend("wasm"))) return null;
    installWasmKernels();
    installCpuKernels("wasm"); // JS fallbacks for our custom ops are registered only where no wasm one exists
    const blas = nativeKernelsInfo();
    const device = blas ? `cpu (wasm + nanoinstruct native kernels, ${blasLabel(blas)})` : "cpu (wasm simd + nanoinstruct kernels)";
    return { backend: "wasm", device, package: "@tensorflow/tfjs-backend-wasm", tfjsVersion: tf.version.tfjs };
  }
  if (!(await tf.setBackend("cpu"))) return null;
  installCpuKernels("cpu");
  return { backend: "cpu", device: "cpu (js)", package: "@tensorflow/tfjs-backend-cpu", tfjsVersion: tf.version.tfjs };
}

/**
 * Automatic selection, in order; `true` marks the GPU-only pass (tfjs-node-gpu; webgpu on a hardware adapter,
 * probed only where a GPU device exists). Everything that may run on the engine it picks reads tensors
 * asynchronously (training, evaluation, generation, scoring, pretraining's probes), which webgpu needs.
 */
export const AUTO_ORDER: readonly (readonly [BackendName, boolean])[] = [
  ["tensorflow", true], ["webgpu", true], ["tensorflow", false], ["wasm", false], ["cpu", false],
];

/**
 * Initializes TF.js once per process and returns what it runs on. `prefer` (or NANOINSTRUCT_BACKEND) forces
 * a backend; otherwise the first that loads in the order above.
 */
export async function initEngine(prefer?: BackendName): Promise<EngineInfo> {
  const forced = prefer ?? ((process.env.NANOINSTRUCT_BACKEND || undefined) as BackendName | undefined);
  if (forced !== undefined && !BACKENDS.includes(forced)) {
    throw new UserError(`NANOINSTRUCT_BACKEND='${forced}' is not one of ${BACKENDS.join(", ")}`);
  }
  if (current && (forced === undefined || current.backend === forced)) return current;
  if (pending && forced === undefined) return pending;
  const run = async (): Promise<EngineInfo> => {
    tf.enableProdMode(); // no debug checks, and no console banner about tfjs-node
    if (forced) {
      const info = await activate(forced);
      if (!info) {
        const hint = forced === "tensorflow"
          ? " (install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu with CUDA; see README)"
          : forced === "webgpu" ? `: ${webgpuWhy || "no adapter"} (see docs/GPU.md)` : "";
        throw new UserError(`backend '${forced}' is not available${hint}`);
      }
      return info;
    }
    for (const [name, gpuOnly] of AUTO_ORDER) {
      const info = await activate(name, gpuOnly);
      if (info) return info;
    }
    throw new UserError("no TF.js backend could be initialized");
  };
  pending = run();
  try {
    current = await pending;
    return current;
  } finally {
    pending = null;
  }
}

/** The engine in use, or null before initEngine(). */
export function engineInfo(): EngineInfo | null {
  return current;
}

export { tf };
