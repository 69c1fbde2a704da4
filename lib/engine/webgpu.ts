/**
 * The WebGPU backend in Node: Dawn (the npm package `webgpu`, a prebuilt `dawn.node`) under TF.js's
 * `@tensorflow/tfjs-backend-webgpu`. Both are optional dependencies, loaded only when this backend is tried
 * (backend.ts): nothing here runs on the default CPU path.
 *
 * Adapters: Dawn's default request finds a hardware GPU through Vulkan (Linux, Windows), Metal (macOS) or
 * D3D12; automatic selection takes that one, never a software or fallback adapter. Only when webgpu is forced
 * (NANOINSTRUCT_BACKEND=webgpu), Dawn's OpenGL(ES) backend in compatibility mode also runs on Mesa's llvmpipe
 * software renderer: correct and slow, which is what CI tests the path with.
 *
 * Node has no OffscreenCanvas, so TF.js's synchronous reads (dataSync) cannot work on this backend; the
 * trainer, evaluation, scoring and generation read asynchronously (generateAsync, evaluateAsync,
 * tokenLogprobsAsync); a synchronous read fails with one line naming them (backend.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { repoRequire } from "../paths";
import { errorLine, firstLine } from "../errors";

/** What the selected WebGPU adapter is. */
export interface AdapterInfo {
  /** GPUAdapterInfo fields as Dawn reports them (vendor and architecture may be empty on OpenGL). */
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend: "default" (Vulkan/Metal/D3D12 as the platform has), "opengl" or "opengles". */
  dawnBackend: string;
  /** Requested in WebGPU's compatibility feature level (the OpenGL path needs it). */
  compatibility: boolean;
  /** A software renderer (llvmpipe, lavapipe, SwiftShader, WARP) rather than a GPU. */
  software: boolean;
}

/** Why the last attempt found no usable adapter (for the one-line error when webgpu was asked for). */
let lastFailure = "";
let loaded: AdapterInfo | null = null;
/**
 * Dawn's GPU object (its native instance) must outlive every device made from it: collected while the
 * device is in use, its event processing crashes the process (segfaults, "futex" errors). Held here forever.
 */
let instance: GpuLike | null = null;

export function webgpuFailure(): string {
  return lastFailure;
}

export function webgpuAdapter(): AdapterInfo | null {
  return loaded;
}

/** Software renderers by the names Dawn reports them with (device, description, vendor or architecture). */
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/**
 * Whether an adapter is a software renderer (Mesa's llvmpipe or lavapipe, SwiftShader, WARP) or one the
 * implementation marks as a fallback adapter: never chosen automatically, only when webgpu is forced.
 */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  const i = adapter.info;
  if (adapter.isFallbackAdapter === true || i.isFallbackAdapter === true) return true;
  return SOFTWARE.test([i.vendor, i.architecture, i.device, i.description].join(" "));
}

/**
 * Whether this machine may have a GPU worth probing: on Linux a DRM render node or an NVIDIA device file;
 * macOS and Windows always. Keeps automatic selection from loading Dawn (about 60 ms and a 21 MB library)
 * on machines that cannot have a hardware adapter.
 */
export function mayHaveGpu(): boolean {
  // A test that names its own Dawn stand-in (NANOINSTRUCT_WEBGPU_PACKAGE) is probed whatever the device files say.
  if (process.env.NANOINSTRUCT_WEBGPU_PACKAGE) return true;
  if (process.platform === "darwin" || process.platform === "win32") return true;
  if (process.platform !== "linux") return false;
  try {
    if (existsSync("/dev/dri") && readdirSync("/dev/dri").some((n) => n.startsWith("renderD"))) return true;
  } catch { /* unreadable: fall through */ }
  return existsSync("/dev/nvidia0");
}

/** What this module uses of Dawn's `webgpu` package (an interface, so tests can hand in adapters of their own). */
export interface DawnLike { create(flags: string[]): GpuLike; globals: Record<string, unknown> }
export interface GpuLike { requestAdapter(o?: object): Promise<AdapterLike | null> }
export interface AdapterLike {
  info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  /** Where older implementations report it; newer ones (this Dawn) report it on `info`. */
  isFallbackAdapter?: boolean;
}

/** An adapter findAdapter chose, and the Dawn instance it came from. */
export interface FoundAdapter { gpu: GpuLike; adapter: AdapterLike; info: AdapterInfo }

/**
 * The first usable adapter: Dawn's default (Vulkan, Metal or D3D12: a hardware GPU where there is one), then,
 * only if `allowSoftware`, OpenGL and OpenGL ES in compatibility mode (Mesa's llvmpipe without a GPU). A
 * software or fallback adapter is passed over unless `allowSoftware`: automatic selection takes hardware only.
 */
export async function findAdapter(dawn: DawnLike, allowSoftware: boolean): Promise<FoundAdapter | null> {
  const attempts: { flags: string[]; dawnBackend: string; compatibility: boolean }[] = [
    { flags: [], dawnBackend: "default", compatibility: false },
  ];
  if (allowSoftware) {
    attempts.push({ flags: ["backend=opengl"], dawnBackend: "opengl", compatibility: true });
    attempts.push({ flags: ["backend=opengles"], dawnBackend: "opengles", compatibility: true });
  }
  for (const a of attempts) {
    let adapter: AdapterLike | null = null, gpu: GpuLike;
    try {
      gpu = dawn.create(a.flags);
      adapter = await gpu.requestAdapter(a.compatibility ? { featureLevel: "compatibility" } : { powerPreference: "high-performance" });
    } catch {
      continue;
    }
    if (!adapter) continue;
    const software = isSoftwareAdapter(adapter);
    if (software && !allowSoftware) continue;
    const i = adapter.info;
    return {
      gpu, adapter,
      info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, dawnBackend: a.dawnBackend, compatibility: a.compatibility, software },
    };
  }
  return null;
}

/**
 * Loads Dawn and TF.js's webgpu backend and registers backend "webgpu" on the first adapter found (a
 * hardware one; then, if `allowSoftware`, OpenGL/OpenGL ES in compatibility mode). Returns its description,
 * or null with webgpuFailure() saying why.
 */
export async function prepareWebGPU(allowSoftware: boolean): Promise<AdapterInfo | null> {
  if (loaded && loaded.software && !allowSoftware) {
    lastFailure = "only a software WebGPU adapter (taken when webgpu is forced, never automatically)";
    return null;
  }
  if (loaded) return loaded;
  let dawn: DawnLike;
  // The package name is a test hook: tests point it at a missing package to check the message.
  const pkg = process.env.NANOINSTRUCT_WEBGPU_PACKAGE || "webgpu";
  try {
    dawn = repoRequire(pkg) as typeof dawn; // an ES module; Node >= 20.19 requires those synchronously
  } catch (e) {
    lastFailure = (e as { code?: string }).code === "MODULE_NOT_FOUND" && (e as Error).message.includes(`'${pkg}'`)
      ? "the optional package 'webgpu' is not installed (npm install webgpu @tensorflow/tfjs-backend-webgpu)"
      : `the 'webgpu' package did not load: ${errorLine(e)}`;
    return null;
  }
  try {
    repoRequire.resolve("@tensorflow/tfjs-backend-webgpu");
  } catch {
    lastFailure = "the optional package '@tensorflow/tfjs-backend-webgpu' is not installed (npm install @tensorflow/tfjs-backend-webgpu)";
    return null;
  }
  // Dawn's OpenGL backend on Mesa without a display: EGL's surfaceless platform, and a runtime dir Mesa can use.
  process.env.EGL_PLATFORM ??= "surfaceless";
  process.env.XDG_RUNTIME_DIR ??= tmpdir();

  const chosen = await findAdapter(dawn, allowSoftware);
  if (!chosen) {
    lastFailure = allowSoftware
      ? "no WebGPU adapter: no GPU driver, and no Mesa for the software path (apt-get install mesa-vulkan-drivers libegl1 libegl-mesa0 libgles2)"
      : "no hardware WebGPU adapter";
    return null;
  }
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage and the rest, which TF.js's backend uses
  // TF.js's backend registers itself when navigator.gpu exists at import; it asks navigator.gpu for an adapter
  // when first set, and gets the one chosen here.
  const { adapter } = chosen;
  instance = chosen.gpu;
  const gpu = {
    instance, requestAdapter: async () => withDeviceDefaults(adapter), getPreferredCanvasFormat: () => "rgba8unorm", wgslLanguageFeatures: new Set() };
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator === undefined) Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  else Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  if (!tf.findBackendFactory("webgpu")) repoRequire("@tensorflow/tfjs-backend-webgpu");
  if (!tf.findBackendFactory("webgpu")) {
    lastFailure = "@tensorflow/tfjs-backend-webgpu did not register a backend";
    return null;
  }
  chunkAddN();
  loaded = chosen.info;
  return loaded;
}

/**
 * TF.js's webgpu AddN binds all its inputs at once (Concat splits by the device limit; AddN does not): above
 * the limit its pipeline is invalid and the result garbage. Re-registered to add at most 7 at a time.
 */
function chunkAddN(): void {
  const original = tf.getKernel("AddN", "webgpu");
  if (!original || (original as { nanoChunked?: boolean }).nanoChunked) return;
  const MAX = 7;
  type Args = Parameters<tf.KernelFunc>[0];
  const kernelFunc = (args: Args): tf.TensorInfo => {
    let list = args.inputs as unknown as tf.TensorInfo[];
    if (list.length <= MAX) return original.kernelFunc(args) as tf.TensorInfo;
    const be = args.backend as unknown as { disposeData(id: object): void };
    const made: tf.TensorInfo[] = [];
    while (list.length > MAX) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < list.length; i += MAX) {
        const part = list.slice(i, i + MAX);
        const sum = part.length === 1 ? part[0] : original.kernelFunc({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        if (part.length > 1) made.push(sum);
        next.push(sum);
      }
      list = next;
    }
    const out = original.kernelFunc({ ...args, inputs: list as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
    for (const t of made) be.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel("AddN", "webgpu");
  tf.registerKernel({ kernelName: "AddN", backendName: "webgpu", kernelFunc: Object.assign(kernelFunc, { nanoChunked: true }) as unknown as tf.KernelFunc });
}

let errors = 0;
let firstError = "";

/** Validation and other errors the device reported (TF.js does not check; a failed kernel leaves garbage). */
export function webgpuErrors(): { count: number; first: string } {
  return { count: errors, first: firstError };
}

interface DeviceLike { addEventListener(type: string, f: (e: { error?: { message?: string } }) => void): void }
type RealAdapter = AdapterLike & { features: unknown; limits: Record<string, number>; requestDevice(d?: object): Promise<DeviceLike> };

/**
 * The adapter as TF.js gets it: its device asks for as many storage buffers per shader stage as the adapter
 * has (TF.js's AddN and Concat bind one per input, and WebGPU's default is 8: past it a kernel fails
 * validation and leaves garbage), and counts uncaptured errors.
 */
function withDeviceDefaults(adapter: AdapterLike): object {
  const a = adapter as RealAdapter;
  return {
    info: a.info, features: a.features, limits: a.limits, isFallbackAdapter: a.isFallbackAdapter,
    requestDevice: async (d: { requiredLimits?: Record<string, number> } = {}) => {
      const requiredLimits = { ...d.requiredLimits, maxStorageBuffersPerShaderStage: a.limits.maxStorageBuffersPerShaderStage };
      const device = await a.requestDevice({ ...d, requiredLimits });
      device.addEventListener("uncapturederror", (e) => {
        errors += 1;
        if (!firstError) firstError = firstLine(String(e.error?.message ?? "unknown"));
      });
      return device;
    },
  };
}

/** "gpu (webgpu: NVIDIA ..., vulkan)" or "software gpu (webgpu: llvmpipe ..., opengl)". */
export function describeAdapter(a: AdapterInfo): string {
  const name = [a.vendor, a.architecture, a.device].filter((s) => s).join(" ") || a.description || "unknown adapter";
  const driver = a.description && !name.includes(a.description) ? `, ${a.description}` : "";
  return `${a.software ? "software gpu" : "gpu"} (webgpu: ${name}${driver}; dawn ${a.dawnBackend}${a.compatibility ? ", compatibility mode" : ""})`;
}
