/**
 * Why two worker threads do not train twice as fast as one: the trainer's step three ways, interleaved
 * step by step so that all three see the same load, with where each one's time goes.
 *
 *   node --import tsx bench/train-scaling.ts [--config small|base] [--steps 9] [--json]
 *
 *   inline  one thread, the whole batch in one pass (the trainer with workers: 1)
 *   pool1   one replica thread doing two micro-batches of half the batch, one after the other
 *   pool2   two replica threads, one half each, at the same time (the trainer with 2 workers)
 *
 * Each step is the trainer's: gradients, global norm, AdamW on the main thread's model, parameters
 * published to the replicas. pool1 against inline is the cost of halving the batch and of the replica
 * machinery; pool2 against pool1 the cost of running two at once (a micro-batch's forward + backward
 * timed inside the replica, alone and concurrently).
 */
import { loadavg } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { GPT } from "../lib/model/gpt";
import { AdamW, clipFactor, globalNorm, normFromSumSquares } from "../lib/train/optimizer";
import { ReplicaPool, type PoolTimings } from "../lib/train/parallel";
import { lossAndGradients, disposeBatch } from "../lib/train/step";
import { microBatches, rowsToBatch } from "../lib/train/batch";
import { BENCH_CONFIGS, median } from "./configs";
import { rows as syntheticRows } from "./measure";

const USAGE = `usage: node --import tsx bench/train-scaling.ts [--config small|base] [--steps 9] [--json]

The trainer's step on one thread (inline), on one replica thread doing two half batches (pool1), and on
two replica threads at once (pool2), interleaved; medians of --steps steps after 2 warm-up steps.`;

const options = { config: { type: "string", default: "small" }, steps: { type: "string", default: "9" },
  json: { type: "boolean", default: false }, help: { type: "boolean", default: false } } as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
try {
  parsed = parseArgs({ options });
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
const opts = parsed.values;
if (opts.help) { console.log(USAGE); process.exit(0); }
const preset = BENCH_CONFIGS[opts.config!];
if (!preset) { console.error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}\n${USAGE}`); process.exit(2); }
const cfg = preset.model, B = preset.batch, T = cfg.blockSize, steps = Number(opts.steps);
const load0 = loadavg().map((x) => +x.toFixed(2));
await initEngine("wasm");
const data = syntheticRows(cfg.vocabSize, B, T);

/** CPU ticks (user + system) of every thread of this process, by thread id, with its name (Linux only). */
function threadTicks(): Map<string, { name: string; ticks: number }> {
  const out = new Map<string, { name: string; ticks: number }>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const f = stat.slice(close + 2).split(" ");
      out.set(tid, { name, ticks: Number(f[11]) + Number(f[12]) }); // utime, stime (fields 14 and 15)
    }
  } catch { /* not Linux */ }
  return out;
}

interface Mode {
  name: string; model: GPT; opt: AdamW; pool: ReplicaPool | null; rec: Record<string, number[]>;
  /** CPU ticks by thread during this mode's recorded steps, and their wall time. */
  ticks: Map<string, { name: string; ticks: number }>; wallMs: number; cpuMs: number;
}
const mode = async (name: string, workers: number): Promise<Mode> => {
  const model = GPT.create(cfg, 0);
  const pool = workers ? await ReplicaPool.create(model, workers, 2, 0) : null;
  return { name, model, opt: new AdamW(model.params, { weightDecay: 0.1 }), pool, rec: {}, ticks: new Map(), wallMs: 0, cpuMs: 0 };
};
const modes = [await mode("inline", 0), await mode("pool1", 1), await mode("pool2", 2)];
const push = (m: Mode, k: string, v: number) => (m.rec[k] ??= []).push(v);

async function step(m: Mode, record: boolean): Promise<void> {
  const t0 = performance.now();
  let grads: Map<string, tf.Tensor>, tokens: number;
  let timings: PoolTimings | null = null, sumSquares: Float64Array | null = null;
  if (m.pool) {
    const g = await m.pool.gradients(microBatches(data, B / 2), 1);
    grads = g.grads; tokens = g.tokens; timings = m.pool.lastTimings; sumSquares = g.sumSquares;
  } else {
    const batch = rowsToBatch(data, 0);
    grads = lossAndGradients(m.model, batch, undefined, { training: true, dropoutSeed: 1 }).grads;
    tokens = batch.trainedTokens;
    disposeBatch(batch);
  }
  const t1 = performance.now();
  const norm = sumSquares ? normFromSumSquares(sumSquares, 1 / tokens) : globalNorm(grads.values(), 1 / tokens);
  m.opt.apply(grads, 1e-4, clipFactor(norm, 1) / tokens);
  const t2 = performance.now();
  m.pool?.publish(m.model);
  tf.dispose([...grads.values()]);
  const t3 = performance.now();
  if (!record) return;
  push(m, "step_ms", t3 - t0);
  push(m, "gradients_ms", t1 - t0);
  push(m, "norm_adamw_ms", t2 - t1);
  push(m, "publish_ms", t3 - t2);
  if (timings) {
    push(m, "wait_ms", timings.waitMs);
    push(m, "sum_ms", timings.sumMs);
    const busy = timings.workers.map((w) => w.busyMs);
    push(m, "worker_busy_max_ms", Math.max(...busy));
    push(m, "worker_busy_min_ms", Math.min(...busy));
    busy.forEach((b, i) => push(m, `worker${i}_busy_ms`, b));
    push(m, "message_overhead_ms", timings.waitMs - Math.max(...busy));
    push(m, "param_sync_ms", Math.max(...timings.workers.map((w) => w.syncMs)));
    push(m, "barrier_wait_max_ms", Math.max(...timings.workers.map((w) => w.barrierMs)));
    push(m, "replica_sum_max_ms", Math.max(...timings.workers.map((w) => w.sumMs)));
    const micro = timings.workers.flatMap((w) => w.micro);
    push(m, "micro_compute_ms", median(micro.map((x) => x.computeMs)));
    push(m, "micro_copy_ms", median(micro.map((x) => x.copyMs)));
  } else {
    push(m, "micro_compute_ms", t1 - t0);
  }
}

for (let s = 0; s < steps + 2; s++) {
  for (const m of modes) {
    const before = threadTicks(), c0 = process.cpuUsage(), t0 = performance.now();
    await step(m, s >= 2);
    if (s < 2) continue;
    const c = process.cpuUsage(c0);
    m.wallMs += performance.now() - t0;
    m.cpuMs += (c.user + c.system) / 1000;
    for (const [tid, a] of threadTicks()) {
      const d = a.ticks - (before.get(tid)?.ticks ?? 0);
      const e = m.ticks.get(tid) ?? { name: a.name, ticks: 0 };
      e.ticks += d;
      m.ticks.set(tid, e);
    }
  }
}
await Promise.all(modes.map((m) => m.pool?.close()));

const summary = Object.fromEntries(modes.map((m) => [m.name, {
  ...Object.fromEntries(Object.entries(m.rec).map(([k, v]) => [k, +median(v).toFixed(2)])),
  tokens_per_s: Math.round((B * T) / (median(m.rec.step_ms) / 1000)),
}]));
// CPU use: the whole process per wall second (2.0 = both cores busy), and by kind of thread (ticks are 10 ms)
const cpuUse = Object.fromEntries(modes.map((m) => {
  const byName: Record<string, number> = {};
  const threads = [...m.ticks.values()].filter((t) => t.ticks > 0).sort((a, b) => b.ticks - a.ticks);
  for (const t of threads) byName[t.name] = (byName[t.name] ?? 0) + t.ticks * 10;
  return [m.name, { cores_busy: +(m.cpuMs / m.wallMs).toFixed(2), wall_ms: Math.round(m.wallMs),
    threads_ms: threads.map((t) => `${t.name}:${t.ticks * 10}`).join(" "), by_name_ms: byName }];
}));
const [inl, p1, p2] = ["inline", "pool1", "pool2"].map((n) => summary[n] as Record<string, number>);
const result = {
  config: opts.config, batch: B, block: T, steps, load_at_start: load0, load_at_end: loadavg().map((x) => +x.toFixed(2)),
  modes: summary, cpu: cpuUse,
  speedup_pool2_vs_inline: inl.step_ms / p2.step_ms,
  // the factors: halving the batch (two passes of B/2 on one thread against one of B), the pool's
  // serial work per step, and two replicas at once (a half batch's forward + backward, concurrent / alone)
  half_batch_cost: (2 * p1.micro_compute_ms) / inl.micro_compute_ms,
  concurrency_slowdown: p2.micro_compute_ms / p1.micro_compute_ms,
  pool2_serial_ms: p2.step_ms - p2.worker_busy_max_ms,
};
if (opts.json) console.log(JSON.stringify(result));
else {
  console.log(`train-scaling: config ${opts.config}, batch ${B} x ${T}; load ${load0.join(" ")} -> ${result.load_at_end.join(" ")}; medians of ${steps} steps (ms)`);
  const keys = [...new Set(modes.flatMap((m) => Object.keys(summary[m.name])))];
  console.log(["", ...modes.map((m) => m.name)].map((c, i) => (i ? c.padStart(10) : c.padEnd(22))).join(""));
  for (const k of keys) console.log([k, ...modes.map((m) => String((summary[m.name] as Record<string, number>)[k] ?? "-"))].map((c, i) => (i ? c.padStart(10) : c.padEnd(22))).join(""));
  for (const m of modes) console.log(`${m.name}: ${cpuUse[m.name].cores_busy} cores busy over ${cpuUse[m.name].wall_ms} ms; CPU ms by thread: ${cpuUse[m.name].threads_ms}`);
  console.log(`pool2 / inline speed-up ${result.speedup_pool2_vs_inline.toFixed(2)}x; two half batches cost x${result.half_batch_cost.toFixed(2)} of one whole;`
    + ` a half batch runs x${result.concurrency_slowdown.toFixed(2)} slower beside the other replica; pool2's serial part ${result.pool2_serial_ms.toFixed(1)} ms per step`);
}
