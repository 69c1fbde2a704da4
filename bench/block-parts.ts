/**
 * One transformer block's forward + backward at a replica's shapes (half the config's batch by default),
 * taken apart, on the kernels this process uses (native when built; NANOINSTRUCT_NATIVE=0 for wasm):
 *   fused      the block as one kernel each way (trainingBlock in lib/engine/ops.ts), when the build has it
 *   separate   the same block as separate kernels with TF.js's autograd between them (the path before it)
 *   matmuls    its linear layers' 12 products alone (4 forwards with bias, 4 input and 4 weight gradients)
 *   attention  the attention kernel and its gradient alone (softmax and the 6 small products per head)
 *   layernorm  its two layer norms, forward and gradient
 *   gelu       the GELU kernel and its gradient (the fused block runs its own variant, keeping tanh)
 * Each is run --reps times, interleaved, and the fastest and median times are printed (ms per block, and per
 * pass of all the config's layers). Both passes of fused and separate are differentiated by tf.grads of
 * sum(block(x) * r), so both include the same small autograd overhead.
 *
 *   node --import tsx bench/block-parts.ts [--config small|base] [--batch 8] [--reps 15] [--json]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { KERNEL_NAMES } from "../lib/engine/kernel-names";
import * as ops from "../lib/engine/ops";
import { normalSamples } from "../lib/model/init";
import { BENCH_CONFIGS, median } from "./configs";

const { values: o } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    batch: { type: "string" },
    reps: { type: "string", default: "15" },
    json: { type: "boolean", default: false },
  },
});
const preset = BENCH_CONFIGS[o.config!];
if (!preset) {
  console.error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}`);
  process.exit(2);
}
const engine = await initEngine("wasm");
const cfg = preset.model;
const B = Number(o.batch ?? preset.batch / 2), T = cfg.blockSize, C = cfg.nEmbd, nh = cfg.nHead, N = B * T;
let seed = 1;
const rnd = (shape: number[], std: number) => tf.tensor(normalSamples(shape.reduce((a, b) => a * b, 1), std, seed++), shape);
const w: ops.BlockWeights = {
  ln1G: tf.add(rnd([C], 0.1), 1), ln1B: rnd([C], 0.1), qkvW: rnd([C, 3 * C], 0.02), qkvB: rnd([3 * C], 0.02),
  projW: rnd([C, C], 0.02), projB: rnd([C], 0.02), ln2G: tf.add(rnd([C], 0.1), 1), ln2B: rnd([C], 0.1),
  fcW: rnd([C, 4 * C], 0.02), fcB: rnd([4 * C], 0.02), fc2W: rnd([4 * C, C], 0.02), fc2B: rnd([C], 0.02),
};
const names = Object.keys(w) as (keyof ops.BlockWeights)[];
const x = rnd([B, T, C], 1), r = rnd([B, T, C], 1);
const x2 = rnd([N, C], 1), h2 = rnd([N, 4 * C], 1), qkv = rnd([B, T, 3 * C], 1), dy = rnd([B, T, C], 1);
const lnx = rnd([B, T, C], 1), pre = rnd([N, 4 * C], 1);

/** The block as the model ran it before the fused kernels: layer norm, linear, attention, GELU kernels one by one. */
function separateBlock(xi: tf.Tensor3D, ws: ops.BlockWeights): tf.Tensor3D {
  const lin = (t: tf.Tensor, W: tf.Tensor, b: tf.Tensor, out: number) =>
    ops.linear(t.reshape([N, -1]) as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D).reshape([B, T, out]);
  const q = lin(ops.layerNorm(xi, ws.ln1G, ws.ln1B, 1e-5), ws.qkvW, ws.qkvB, 3 * C) as tf.Tensor3D;
  const x1 = tf.add(xi, lin(ops.causalSelfAttention(q, nh), ws.projW, ws.projB, C));
  const hid = ops.geluTanh(lin(ops.layerNorm(x1, ws.ln2G, ws.ln2B, 1e-5), ws.fcW, ws.fcB, 4 * C));
  return tf.add(x1, lin(hid, ws.fc2W, ws.fc2B, C)) as tf.Tensor3D;
}

function differentiated(block: (xi: tf.Tensor3D, ws: ops.BlockWeights) => tf.Tensor3D) {
  const g = tf.grads((xi: tf.Tensor, ...ws: tf.Tensor[]) =>
    tf.sum(tf.mul(block(xi as tf.Tensor3D, Object.fromEntries(names.map((n, i) => [n, ws[i]])) as unknown as ops.BlockWeights), r)));
  return () => tf.dispose(g([x, ...names.map((n) => w[n])]));
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) => {
  const out = tf.engine().runKernel(name, inputs, attrs);
  return Array.isArray(out) ? out : [out];
};

const parts: Record<string, () => void> = {};
// (the build before the fused block has no canFuseTrainingBlock: only the separate path is measured there)
if ((ops as { canFuseTrainingBlock?: () => boolean }).canFuseTrainingBlock?.()) parts.fused = differentiated((xi, ws) => ops.trainingBlock(xi, ws, nh, 1e-5));
parts.separate = differentiated(separateBlock);
parts.matmuls = () => {
  const outs: tf.Tensor[] = [];
  for (const [inp, W, b] of [[x2, w.qkvW, w.qkvB], [x2, w.projW, w.projB], [x2, w.fcW, w.fcB], [h2, w.fc2W, w.fc2B]] as const) {
    const y = run(KERNEL_NAMES.linear, { x: inp, weight: W, bias: b })[0] as tf.Tensor2D; // (N, out), also the stand-in dy
    outs.push(y, tf.matMul(y, W as tf.Tensor2D, false, true), tf.matMul(inp as tf.Tensor2D, y, true, false));
  }
  tf.dispose(outs);
};
parts.attention = () => {
  const [y, probs] = run(KERNEL_NAMES.attention, { q: qkv, k: qkv, v: qkv },
    { nHead: nh, headSize: C / nh, past: 0, qOffset: 0, kOffset: C, vOffset: 2 * C }) as tf.Tensor[];
  const d = run(KERNEL_NAMES.attentionGrad, { qkv, probs, dy }, { nHead: nh });
  tf.dispose([y, probs, ...d]);
};
parts.layernorm = () => {
  for (let i = 0; i < 2; i++) {
    const [y, mean, rstd] = run(KERNEL_NAMES.layerNorm, { x: lnx, gamma: w.ln1G, beta: w.ln1B }, { eps: 1e-5 }) as tf.Tensor[];
    const d = run(KERNEL_NAMES.layerNormGrad, { x: lnx, gamma: w.ln1G, mean, rstd, dy });
    tf.dispose([y, mean, rstd, ...d]);
  }
};
parts.gelu = () => {
  const [y] = run(KERNEL_NAMES.gelu, { x: pre });
  const [d] = run(KERNEL_NAMES.geluGrad, { x: pre, dy: h2 });
  tf.dispose([y, d]);
};

const times: Record<string, number[]> = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
for (const f of Object.values(parts)) { f(); f(); } // warm-up: JIT, heap growth, scratch
const before = tf.memory().numTensors;
for (let rep = 0; rep < Number(o.reps); rep++) {
  for (const [k, f] of Object.entries(parts)) {
    const t0 = performance.now();
    f();
    times[k].push(performance.now() - t0);
  }
}
if (tf.memory().numTensors !== before) throw new Error("block-parts leaked tensors");
const result = {
  config: o.config, device: engine.device, batch: B, block: T, layers: cfg.nLayer, reps: Number(o.reps), load: +loadavg()[0].toFixed(2),
  ms_per_block: Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { min: +Math.min(...t).toFixed(2), median: +median(t).toFixed(2) }])),
};
if (o.json) console.log(JSON.stringify(result));
else {
  console.log(`${result.config}, ${result.device}: one block, ${B} x ${T} tokens, forward + backward; fastest / median of ${result.reps} (load ${result.load})`);
  for (const [k, v] of Object.entries(result.ms_per_block)) {
    console.log(`  ${k.padEnd(10)} ${v.min.toFixed(2).padStart(7)} / ${v.median.toFixed(2).padStart(7)} ms   x ${cfg.nLayer} layers: ${(v.min * cfg.nLayer).toFixed(1)} ms`);
  }
}
tf.dispose([x, r, x2, h2, qkv, dy, lnx, pre, ...Object.values(w)]);
