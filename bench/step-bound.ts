/**
 * How fast could a training step be if it were nothing but its matmuls? Times every matrix product one
 * training step (forward, backward) performs, with the exact shapes and transposes of lib/model/gpt.ts and
 * the custom gradients of lib/engine/ops.ts, through the kernels the trainer runs (NanoLinear for a
 * linear layer's forward, BatchMatMul for every gradient and the tied head; on the native build both end
 * in the same GEMM: OpenBLAS's sgemm with one thread, or our packed AVX2 GEMM without OpenBLAS), and
 * turns the sum into the best model FLOP utilization (MFU) and tokens/s such a step could reach.
 *
 *   node --import tsx bench/step-bound.ts [--config small|base] [--reps 7] [--peak GFLOPS | --torch-peak] [--json]
 *
 * Attention's per-head products are timed as the batched full-square products PyTorch's reference runs
 * (B·nh products of T x T x hs per direction; the MFU formula counts exactly these flops); our fused
 * attention kernels compute only the causal half of them, so a causal bound (half that time) is printed
 * too, and the fused kernels' own time for comparison.
 *
 * One thread: the whole batch in one worker thread. Two threads: two worker threads with their own TF.js
 * engines, each doing half the batch (as the trainer's replicas do), started together on every product
 * (a barrier), timed alone and concurrently. All measurements of one run are in this one process, with
 * the 1024³ matmul peak of the same path (one thread, and both threads at once) as the reference.
 */
import { loadavg } from "node:os";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { KERNEL_NAMES } from "../lib/engine/kernel-names";
import * as fused from "../lib/engine/ops";
import { GPT } from "../lib/model/gpt";
import type { GPTConfig } from "../lib/model/config";
import { BENCH_CONFIGS, median } from "./configs";

const USAGE = `usage: node --import tsx bench/step-bound.ts [options]

A training step's matmuls alone, timed shape by shape through the trainer's GEMM path, and the best MFU
a step made only of them could reach (one thread: the whole batch; two threads: half the batch each,
at the same time).

  --config small|base   model config from bench/configs.ts (default small)
  --batch N             rows per step (default: the config's batch)
  --reps N              timed rounds per product, each about 20 ms; the fastest round counts (default 7)
  --peak GFLOPS         the machine's best matmul, for MFU (default 190: PyTorch/OpenBLAS 1024^3 on 2 threads,
                        184-196 in docs/PERFORMANCE.md)
  --torch-peak          measure it now instead (bench/torch_reference.py --mode peak --threads 2, /usr/bin/python3)
  --json                one JSON object on stdout instead of the table
  --help                this text`;

interface Product {
  name: string;
  /** Calls per training step. */
  count: number;
  M: number; N: number; K: number;
  transA: boolean; transB: boolean;
  /** Batched products (attention's heads): how many matrices per call. */
  batch: number;
  /** "linear": NanoLinear (x W + b); "matmul": BatchMatMul. */
  kernel: "linear" | "matmul";
  /** Attention's products: the causal kernels compute about half of these flops. */
  attention?: boolean;
}

/** Every matrix product of one training step (forward and backward) for a batch of B rows. */
export function stepProducts(cfg: GPTConfig, B: number): Product[] {
  const T = cfg.blockSize, C = cfg.nEmbd, V = cfg.vocabSize, L = cfg.nLayer, nh = cfg.nHead, hs = C / nh;
  const R = B * T; // rows of every activation matrix
  const out: Product[] = [];
  const mm = (name: string, count: number, M: number, N: number, K: number, transA = false, transB = false, batch = 1, attention = false) =>
    out.push({ name, count, M, N, K, transA, transB, batch, kernel: "matmul", attention });
  for (const [name, inp, o] of [["attn.c_attn", C, 3 * C], ["attn.c_proj", C, C], ["mlp.c_fc", C, 4 * C], ["mlp.c_proj", 4 * C, C]] as const) {
    out.push({ name: `${name} forward x W + b`, count: L, M: R, N: o, K: inp, transA: false, transB: false, batch: 1, kernel: "linear" });
    mm(`${name} dx = dy W^T`, L, R, inp, o, false, true); // ops.ts linear(): matMul(dy, W, false, true)
    mm(`${name} dW = x^T dy`, L, inp, o, R, true, false); // matMul(x, dy, true, false)
  }
  // the head tied to wte: logits = h wte^T; TF.js's matMul gradient: dh = dlogits wte, dwte = dlogits^T h
  mm("head logits = h wte^T", 1, R, V, C, false, true);
  mm("head dh = dlogits wte", 1, R, C, V);
  mm("head dwte = dlogits^T h", 1, V, C, R, true, false);
  // attention per head, full square (B * nh matrices): scores, weighted values; their four gradients
  const bh = B * nh;
  mm("attn scores q k^T", L, T, T, hs, false, true, bh, true);
  mm("attn y = P v", L, T, hs, T, false, false, bh, true);
  mm("attn dP = dy v^T", L, T, T, hs, false, true, bh, true);
  mm("attn dv = P^T dy", L, T, hs, T, true, false, bh, true);
  mm("attn dq = dS k", L, T, hs, T, false, false, bh, true);
  mm("attn dk = dS^T q", L, T, hs, T, true, false, bh, true);
  return out;
}

const flopsOf = (p: Product) => 2 * p.M * p.N * p.K * p.batch;

/** Operands for one product and a function that runs it once (its output disposed). */
function prepare(p: Product): { run: () => void; dispose: () => void } {
  const shapeA = p.transA ? [p.K, p.M] : [p.M, p.K];
  const shapeB = p.transB ? [p.N, p.K] : [p.K, p.N];
  const bshape = (s: number[]) => (p.batch > 1 ? [p.batch, ...s] : s);
  const a = tf.randomNormal(bshape(shapeA)), b = tf.randomNormal(bshape(shapeB));
  const bias = tf.randomNormal([p.N]);
  const run = p.kernel === "linear"
    ? () => (tf.engine().runKernel(KERNEL_NAMES.linear, { x: a, weight: b, bias }) as tf.Tensor).dispose()
    : () => (tf.engine().runKernel("BatchMatMul", { a, b }, { transposeA: p.transA, transposeB: p.transB }) as tf.Tensor).dispose();
  return { run, dispose: () => tf.dispose([a, b, bias]) };
}

// ---------------------------------------------------------------------------------------------------
// Worker side: its own TF.js engine; every timed round may start at a barrier shared with the other worker.

interface WorkerData { barrier: SharedArrayBuffer; parties: number; script: string }
interface Job { type: "products"; products: Product[]; reps: number; sync: boolean }
interface PeakJob { type: "peak"; reps: number; sync: boolean }
interface SequenceJob { type: "sequence"; products: Product[]; reps: number; sync: boolean }

let barrierView: Int32Array;
let parties = 1;

/** All `parties` threads wait here until the last arrives (a generation-counting barrier). */
function barrier(): void {
  if (parties === 1) return;
  const gen = Atomics.load(barrierView, 1);
  if (Atomics.add(barrierView, 0, 1) === parties - 1) {
    Atomics.store(barrierView, 0, 0);
    Atomics.add(barrierView, 1, 1);
    Atomics.notify(barrierView, 1);
  } else {
    while (Atomics.load(barrierView, 1) === gen) Atomics.wait(barrierView, 1, gen, 50);
  }
}

/** Calls per round so that a round takes about `ms`. */
function callsFor(run: () => void, ms = 20): number {
  const t0 = performance.now();
  run();
  const one = Math.max(performance.now() - t0, 0.005);
  return Math.max(1, Math.min(2000, Math.round(ms / one)));
}

/** ms per call of each product: fastest round and median round (rounds of `calls` calls, started together). */
function timeProducts(products: Product[], reps: number, sync: boolean) {
  return products.map((p) => {
    const { run, dispose } = prepare(p);
    for (let i = 0; i < 3; i++) run(); // warm-up
    let calls = callsFor(run);
    if (sync) {
      // both threads must run the same number of calls: agree on the smaller estimate through the barrier
      calls = agree(calls);
    }
    const per: number[] = [];
    for (let r = 0; r < reps; r++) {
      if (sync) barrier();
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) run();
      per.push((performance.now() - t0) / calls);
    }
    dispose();
    return { best: Math.min(...per), median: median(per), calls };
  });
}

/** The minimum of a number over all parties (through the shared buffer's slot 2). */
function agree(x: number): number {
  if (parties === 1) return x;
  barrier();
  Atomics.store(barrierView, 2, 1 << 30);
  barrier();
  let cur = Atomics.load(barrierView, 2);
  while (x < cur) {
    const seen = Atomics.compareExchange(barrierView, 2, cur, x);
    if (seen === cur) break;
    cur = seen;
  }
  barrier();
  return Atomics.load(barrierView, 2);
}

/** Every product of a step once, in step order, as one sequence (operands allocated once): ms per step. */
function timeSequence(products: Product[], reps: number, sync: boolean) {
  const prepared = products.map((p) => ({ p, ...prepare(p) }));
  const once = () => { for (const { p, run } of prepared) for (let i = 0; i < p.count; i++) run(); };
  once();
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    if (sync) barrier();
    const t0 = performance.now();
    once();
    per.push(performance.now() - t0);
  }
  for (const x of prepared) x.dispose();
  return { best: Math.min(...per), median: median(per) };
}

/** GFLOP/s of a 1024³ product through BatchMatMul, fastest of `reps` (as bench/measure.ts's peak). */
function timePeak(reps: number, sync: boolean) {
  const n = 1024;
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    if (sync) barrier();
    const t0 = performance.now();
    tf.matMul(a, b).dispose();
    per.push(performance.now() - t0);
  }
  tf.dispose([a, b]);
  return { gflops: (2 * n ** 3) / (Math.min(...per) / 1000) / 1e9, gflops_median: (2 * n ** 3) / (median(per) / 1000) / 1e9 };
}

async function workerMain(): Promise<void> {
  const d = workerData as WorkerData;
  barrierView = new Int32Array(d.barrier);
  const engine = await initEngine("wasm");
  parentPort!.on("message", (job: Job | PeakJob | SequenceJob | { type: "close" }) => {
    if (job.type === "close") { parentPort!.close(); return; }
    parties = job.sync ? d.parties : 1;
    const result = job.type === "peak" ? timePeak(job.reps, job.sync)
      : job.type === "sequence" ? timeSequence(job.products, job.reps, job.sync)
      : timeProducts(job.products, job.reps, job.sync);
    parentPort!.postMessage(result);
  });
  parentPort!.postMessage({ ready: true, device: engine.device });
}

// ---------------------------------------------------------------------------------------------------
// Main thread: two workers; worker 0 alone, then both together.

function ask<T>(w: Worker, job: object): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once("message", resolve);
    w.once("error", reject);
    w.postMessage(job);
  });
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
    options: {
      config: { type: "string", default: "small" }, batch: { type: "string" }, reps: { type: "string", default: "7" },
      peak: { type: "string", default: "190" }, "torch-peak": { type: "boolean", default: false },
      json: { type: "boolean", default: false }, help: { type: "boolean", default: false },
    },
    strict: true,
  });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const opts = parsed.values;
  if (opts.help) { console.log(USAGE); return; }
  const preset = BENCH_CONFIGS[opts.config!];
  if (!preset) { console.error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}\n${USAGE}`); process.exit(2); }
  const cfg = preset.model, B = Number(opts.batch ?? preset.batch), reps = Number(opts.reps);
  if (!(B >= 2 && B % 2 === 0) || !(reps >= 1)) { console.error(`--batch must be even and >= 2, --reps >= 1\n${USAGE}`); process.exit(2); }
  const T = cfg.blockSize;
  const load0 = loadavg().map((x) => +x.toFixed(2));

  let machinePeak = Number(opts.peak), peakSource = "--peak";
  if (opts["torch-peak"]) {
    const py = "/usr/bin/python3";
    if (!existsSync(py)) throw new Error("--torch-peak needs /usr/bin/python3 with torch (see bench/README.md)");
    const r = spawnSync(py, ["bench/torch_reference.py", "--mode", "peak", "--threads", "2"], { encoding: "utf8" });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    machinePeak = JSON.parse(line).gflops;
    peakSource = "PyTorch 1024³, 2 threads, measured now";
  }

  await initEngine("wasm");
  const params = GPT.create(cfg, 0).parameterCount();
  const flopsPerStep = B * T * (6 * params + 12 * cfg.nLayer * cfg.nEmbd * T); // bench/measure.ts trainFlopsPerToken
  const full = stepProducts(cfg, B), half = stepProducts(cfg, B / 2);

  const barrierBuf = new SharedArrayBuffer(16);
  const workers = await Promise.all([0, 1].map(() => new Promise<{ w: Worker; device: string }>((resolve, reject) => {
    const w = new Worker(new URL("./step-bound-worker.mjs", import.meta.url),
      { workerData: { barrier: barrierBuf, parties: 2, script: import.meta.url } satisfies WorkerData });
    w.once("message", (m: { device: string }) => resolve({ w, device: m.device }));
    w.once("error", reject);
  })));
  const [w0, w1] = workers.map((x) => x.w);
  const device = workers[0].device;
  type Times = { best: number; median: number }[];

  // one thread alone (the other idle)
  const peak1 = await ask<{ gflops: number }>(w0, { type: "peak", reps, sync: false });
  const alone = await ask<Times>(w0, { type: "products", products: full, reps, sync: false });
  const aloneSeq = await ask<{ best: number; median: number }>(w0, { type: "sequence", products: full, reps, sync: false });
  const halfAlone = await ask<Times>(w0, { type: "products", products: half, reps, sync: false });
  // both threads at once, half the batch each
  const both = <T>(job: object) => Promise.all([ask<T>(w0, job), ask<T>(w1, job)]);
  const peak2 = await both<{ gflops: number }>({ type: "peak", reps, sync: true });
  const halfBoth = await both<Times>({ type: "products", products: half, reps, sync: true });
  const halfSeqBoth = await both<{ best: number; median: number }>({ type: "sequence", products: half, reps, sync: true });
  await Promise.all([w0, w1].map((w) => { w.postMessage({ type: "close" }); return w.terminate(); }));

  // the fused attention kernels (forward + backward) on one thread, for comparison with their products
  const attnMs = fusedAttentionMs(cfg, B, reps);

  const rows = full.map((p, i) => {
    const concurrent = Math.max(halfBoth[0][i].best, halfBoth[1][i].best);
    return {
      name: p.name, count: p.count, shape: `${p.batch > 1 ? `${p.batch}x ` : ""}${p.M}x${p.N}x${p.K}`,
      layout: `${p.transA ? "T" : "N"}${p.transB ? "T" : "N"}`, kernel: p.kernel,
      ms_full: alone[i].best, gflops_full: flopsOf(p) / alone[i].best / 1e6,
      ms_half: halfAlone[i].best, ms_half_concurrent: concurrent,
      gflops_half_concurrent_each: flopsOf(half[i]) / concurrent / 1e6,
      concurrent_slowdown: concurrent / halfAlone[i].best, attention: !!p.attention,
    };
  });
  const sum = (f: (r: (typeof rows)[number]) => number, which: (r: (typeof rows)[number]) => boolean = () => true) =>
    rows.filter(which).reduce((s, r) => s + r.count * f(r), 0);
  const isAttn = (r: (typeof rows)[number]) => r.attention;
  const t1 = sum((r) => r.ms_full), t1Attn = sum((r) => r.ms_full, isAttn);
  const t2 = sum((r) => r.ms_half_concurrent), t2Attn = sum((r) => r.ms_half_concurrent, isAttn);
  const t2alone = sum((r) => r.ms_half);
  const ownPeak2 = peak2[0].gflops + peak2[1].gflops;
  const bound = (ms: number) => ({
    step_ms: ms, tokens_per_s: (B * T) / (ms / 1000), mfu_vs_machine_peak: flopsPerStep / (ms / 1000) / (machinePeak * 1e9),
  });
  const result = {
    config: opts.config, batch: B, block: T, params, device, load_at_start: load0, load_at_end: loadavg().map((x) => +x.toFixed(2)),
    flops_per_step: flopsPerStep, matmul_flops_per_step: full.reduce((s, p) => s + p.count * flopsOf(p), 0),
    machine_peak_gflops: machinePeak, machine_peak_source: peakSource,
    own_peak_1_thread_gflops: peak1.gflops, own_peak_2_threads_gflops: ownPeak2,
    own_peak_2_threads_each: [peak2[0].gflops, peak2[1].gflops],
    products: rows,
    one_thread: {
      ...bound(t1), attention_ms: t1Attn, mfu_vs_own_1_thread_peak: flopsPerStep / (t1 / 1000) / (peak1.gflops * 1e9),
      causal: bound(t1 - t1Attn / 2), in_step_order_ms: aloneSeq.best, in_step_order_median_ms: aloneSeq.median,
      fused_attention_kernels_ms: attnMs,
    },
    two_threads: {
      ...bound(t2), attention_ms: t2Attn, mfu_vs_own_2_thread_peak: flopsPerStep / (t2 / 1000) / (ownPeak2 * 1e9),
      causal: bound(t2 - t2Attn / 2), half_batch_alone_ms: t2alone, concurrent_slowdown: t2 / t2alone,
      in_step_order_ms: Math.max(halfSeqBoth[0].best, halfSeqBoth[1].best),
      in_step_order_median_ms: Math.max(halfSeqBoth[0].median, halfSeqBoth[1].median),
    },
  };
  if (opts.json) { console.log(JSON.stringify(result)); return; }
  printTable(result);
}

/** NanoAttention + NanoAttentionGrad for the whole batch, ms per layer (fastest of `reps`). */
function fusedAttentionMs(cfg: GPTConfig, B: number, reps: number): number {
  const T = cfg.blockSize, C = cfg.nEmbd;
  const qkv = tf.randomNormal([B, T, 3 * C]) as tf.Tensor3D;
  const dy = tf.randomNormal([B, T, C]);
  const f = () => tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fused.causalSelfAttention(x as tf.Tensor3D, cfg.nHead), dy)));
    g(qkv).dataSync();
  });
  f();
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    per.push(performance.now() - t0);
  }
  tf.dispose([qkv, dy]);
  return Math.min(...per);
}

function printTable(r: any): void {
  const f1 = (x: number) => x.toFixed(1), f2 = (x: number) => x.toFixed(2), f3 = (x: number) => x.toFixed(3);
  console.log(`step-bound: config ${r.config}, batch ${r.batch} x ${r.block} tokens, ${r.params} parameters; ${r.device}`);
  console.log(`load average ${r.load_at_start.join(" ")} at the start, ${r.load_at_end.join(" ")} at the end`);
  console.log(`flops per step (6N + 12LCT per token): ${(r.flops_per_step / 1e9).toFixed(2)} G; the matmuls below: ${(r.matmul_flops_per_step / 1e9).toFixed(2)} G`);
  console.log(`1024³ on this path: ${f1(r.own_peak_1_thread_gflops)} GFLOP/s on one thread, ${f1(r.own_peak_2_threads_gflops)} on two at once (${r.own_peak_2_threads_each.map(f1).join(" + ")}); machine's best matmul ${f1(r.machine_peak_gflops)} (${r.machine_peak_source})`);
  console.log("");
  const head = ["product", "per step", "shape (MxNxK)", "AB", "1 thr ms", "GFLOP/s", "half ms", "half, 2 at once", "slowdown"];
  const lines = r.products.map((p: any) => [p.name, String(p.count), p.shape, p.layout, f3(p.ms_full), f1(p.gflops_full), f3(p.ms_half),
    f3(p.ms_half_concurrent), f2(p.concurrent_slowdown)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l: string[]) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(head));
  for (const l of lines) console.log(fmt(l));
  const o = r.one_thread, t = r.two_threads;
  console.log(`\none thread, whole batch: matmuls ${f1(o.step_ms)} ms per step (attention's full-square products ${f1(o.attention_ms)}); in step order ${f1(o.in_step_order_ms)} (median ${f1(o.in_step_order_median_ms)})`);
  console.log(`  bound: ${Math.round(o.tokens_per_s)} tokens/s, MFU ${f3(o.mfu_vs_machine_peak)} of the machine's best, ${f3(o.mfu_vs_own_1_thread_peak)} of this thread's 1024³`);
  console.log(`  with causal attention (half its products): ${f1(o.causal.step_ms)} ms, ${Math.round(o.causal.tokens_per_s)} tokens/s, MFU ${f3(o.causal.mfu_vs_machine_peak)}`);
  console.log(`  (the fused attention kernels, forward + backward, all heads: ${f1(o.fused_attention_kernels_ms)} ms per layer)`);
  console.log(`two threads, half the batch each, at the same time: ${f1(t.step_ms)} ms per step (alone: ${f1(t.half_batch_alone_ms)}; x${f2(t.concurrent_slowdown)} when both run); in step order ${f1(t.in_step_order_ms)} (median ${f1(t.in_step_order_median_ms)})`);
  console.log(`  bound: ${Math.round(t.tokens_per_s)} tokens/s, MFU ${f3(t.mfu_vs_machine_peak)} of the machine's best, ${f3(t.mfu_vs_own_2_thread_peak)} of both threads' 1024³`);
  console.log(`  with causal attention: ${f1(t.causal.step_ms)} ms, ${Math.round(t.causal.tokens_per_s)} tokens/s, MFU ${f3(t.causal.mfu_vs_machine_peak)}`);
}

if (isMainThread) await main();
else await workerMain();
