/**
 * JavaScript versions of nanoinstruct's custom kernels for TF.js's `cpu` backend: the reference the wasm
 * kernels are tested against, and the fallback where wasm cannot load.
 */
import * as tf from "@tensorflow/tfjs";
import { KERNEL_NAMES } from "./kernel-names";

interface CpuBackend {
  data: { get(id: object): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function rowLogSumExp(x: Float32Array | Int32Array, off: number, V: number): number {
  let mx = -Infinity;
  for (let j = 0; j < V; j++) if (x[off + j] > mx) mx = x[off + j];
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(x[off + j] - mx);
  return Math.log(s) + mx;
}

function xentForward({ inputs, backend, attrs }: KernelArgs) {
  const be = backend as CpuBackend;
  const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const ignore = (attrs as { ignoreIndex: number }).ignoreIndex;
  const V = logits.shape[logits.shape.length - 1];
  const x = be.data.get(logits.dataId).values, y = be.data.get(labels.dataId).values;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const t = y[i];
    if (t === ignore || t < 0 || t >= V) continue;
    out[i] = rowLogSumExp(x, i * V, V) - x[i * V + t];
  }
  return be.makeTensorInfo([y.length], "float32", out);
}

function xentBackward({ inputs, backend, attrs }: KernelArgs) {
  const be = backend as CpuBackend;
  const { logits, labels, dloss } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; dloss: tf.TensorInfo };
  const ignore = (attrs as { ignoreIndex: number }).ignoreIndex;
  const V = logits.shape[logits.shape.length - 1];
  const x = be.data.get(logits.dataId).values, y = be.data.get(labels.dataId).values, g = be.data.get(dloss.dataId).values;
  const out = new Float32Array(x.length);
  for (let i = 0; i < y.length; i++) {
    const t = y[i];
    if (t === ignore || t < 0 || t >= V) continue;
    const lse = rowLogSumExp(x, i * V, V);
    for (let j = 0; j < V; j++) out[i * V + j] = g[i] * Math.exp(x[i * V + j] - lse);
    out[i * V + t] -= g[i];
  }
  return be.makeTensorInfo([...logits.shape], "float32", out);
}

const CPU_KERNELS: Record<string, (args: KernelArgs) => tf.TensorInfo> = {
  [KERNEL_NAMES.xentForward]: xentForward,
  [KERNEL_NAMES.xentBackward]: xentBackward,
};

/** Registers the JS kernels on the `cpu` backend (other backends use composite ops; see ops.ts). */
export function installCpuKernels(backendName: string): void {
  if (backendName !== "cpu") return;
  for (const [kernelName, fn] of Object.entries(CPU_KERNELS)) {
    if (!tf.getKernel(kernelName, "cpu")) tf.registerKernel({ kernelName, backendName: "cpu", kernelFunc: fn as unknown as tf.KernelFunc });
  }
}
