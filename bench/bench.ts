/**
 * `npm run bench`: nanoinstruct against the PyTorch reference (bench/torch_reference.py, Debian's python3-torch)
 * on the same model configs, in one run: training tokens/s (as users run it, and one thread each), generation
 * tokens/s with and without the KV cache, peak memory of training, model FLOP utilization against matmul
 * peaks measured in the same processes, and the ratios. Each measurement runs in a fresh process; with
 * --repeat N each is taken N times, ours and PyTorch's interleaved so both see the same machine load, and
 * the medians are reported. Prints a table (or the JSON with --json) and writes the JSON to --out.
 *
 *   npm run bench                         the three configs (small, base, 2m); 4-10 minutes on a quiet 2-core machine (12-27 with --repeat 3)
 *   npm run bench -- --config small       one config
 *   npm run bench -- --repeat 3           medians of 3 of everything (3x the time)
 *   npm run bench -- --no-reference       without PyTorch
 *   npm run bench -- --full               generation without the cache on every config (default: the first
 *                                         only), PyTorch's at batch 8 included (about 45 s a run)
 *   npm run bench -- --steps 10 --out bench/results/latest.json --json
 *   npm run bench -- --no-webgpu          without the WebGPU measurement (by default: the first config, 2 training
 *                                         steps and 16 generated tokens on the webgpu backend, when an adapter is
 *                                         there; on Mesa's llvmpipe that checks the path works, not GPU speed)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { errorLine } from "../lib/errors";
import { nativeKernelsInfo } from "../lib/engine/native-kernels";
import { writeJsonAtomic } from "../lib/fsutil";
import { BENCH_CONFIGS, type BenchConfig } from "./configs";

const USAGE = `usage: npm run bench -- [--config small,base,2m] [--steps N] [--repeat N] [--gen-tokens N] [--no-reference]
                     [--full] [--json] [--out FILE] [--backend NAME] [--no-webgpu]
nanoinstruct against the PyTorch reference on the same configs: training and generation tokens/s, peak memory,
model FLOP utilization and the ratios (see the comment at the top of bench/bench.ts for each option).`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        config: { type: "string", default: "small,base,2m" },
        steps: { type: "string", default: "10" },
        repeat: { type: "string", default: "1" },
        "gen-tokens": { type: "string", default: "256" },
        "no-reference": { type: "boolean", default: false },
        full: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        out: { type: "string", default: "bench/results/latest.json" },
        backend: { type: "string" },
        "no-webgpu": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    // An unknown or malformed option: one line and the usage, no stack trace.
    console.error(`bench: ${errorLine(err)}\n${USAGE}`);
    process.exit(2);
  }
}

const { values: opts } = parseOptions();
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

type Json = Record<string, unknown>;
const names = opts.config!.split(",");
for (const n of names) if (!BENCH_CONFIGS[n]) throw new Error(`--config: '${n}' is not one of ${Object.keys(BENCH_CONFIGS).join(", ")}`);
const steps = Number(opts.steps), repeat = Math.max(1, Number(opts.repeat)), genTokens = Number(opts["gen-tokens"]);
const workers = Math.min(4, availableParallelism());
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Runs a command that prints one JSON line last; null (with a note) when it fails. */
function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Json | null {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log(`  failed: ${cmd} ${args.join(" ")}: ${(r.stderr || "").trim().split("\n").slice(-3).join(" | ")}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function ours(name: string, task: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Json | null {
  const args = ["--import", "tsx", "bench/child.ts", "--task", task, "--config", name, "--steps", `${steps}`, ...extra];
  if (opts.backend) args.push("--backend", opts.backend);
  return runJson(process.execPath, args, { ...process.env, ...env });
}

/**
 * Builds `file` into a folder of its own under the system's temporary folder (removed by the caller, or here
 * when the build fails: then the reason is logged and null returned, and that row is not measured).
 */
function buildInTemp(what: string, file: string, build: (out: string) => { status: number | null; stderr: string; stdout: string }): { path: string; dir: string } | null {
  const dir = mkdtempSync(join(tmpdir(), "nanoinstruct-bench-"));
  const path = join(dir, file);
  const r = build(path);
  if (r.status === 0 && existsSync(path)) return { path, dir };
  log(`  ${what} did not build, not measured: ${(r.stderr || r.stdout || "").trim().split("\n").pop()}`);
  rmSync(dir, { recursive: true, force: true });
  return null;
}

// The native kernels as `npm ci` builds them on a machine without OpenBLAS (our own GEMM), when this
// machine's build uses OpenBLAS, so that both builds are measured (elsewhere the main build is that one).
const ownGemm = /^OpenBLAS\b/.test(nativeKernelsInfo() ?? "")
  ? buildInTemp("the build without OpenBLAS", "nano_native.node", (out) => spawnSync(process.execPath, ["scripts/build-native.js", "--out", out, "--strict"], {
    encoding: "utf8", env: { ...process.env, NANOINSTRUCT_BLAS_CFLAGS: "-DNANO_NO_BLAS", NANOINSTRUCT_BLAS_LIBS: "" },
  }))
  : null;

// The hardware's multiply-add peak on all cores (bench/fma-peak.c, each run ~0.3 s, best of 3): the ceiling
// under every matmul, PyTorch's included. x86-64 only.
const fma = process.arch === "x64"
  ? buildInTemp("the FMA peak probe", "fma-peak", (out) => spawnSync(process.env.CC || "cc", ["-O2", "-mavx2", "-mfma", "-pthread", "bench/fma-peak.c", "-o", out], { encoding: "utf8" }))
  : null;

const PYTHON = "/usr/bin/python3";
const hasTorch = !opts["no-reference"] && existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
if (!opts["no-reference"] && !hasTorch) log("PyTorch not found (apt-get install -y python3-torch libopenblas0-pthread): reference skipped");

function torch(c: BenchConfig, args: string[]): Json | null {
  if (!hasTorch) return null;
  const m = c.model;
  return runJson(PYTHON, ["bench/torch_reference.py", "--n-layer", `${m.nLayer}`, "--n-head", `${m.nHead}`, "--n-embd", `${m.nEmbd}`,
    "--block-size", `${m.blockSize}`, "--vocab-size", `${m.vocabSize}`, "--batch-size", `${c.batch}`, ...args]);
}

/** Takes `repeat` measurements, interleaving the given producers, and keeps each one's runs. */
function interleaved<K extends string>(producers: Record<K, () => Json | null>): Record<K, Json[]> {
  const out = Object.fromEntries(Object.keys(producers).map((k) => [k, [] as Json[]])) as Record<K, Json[]>;
  for (let r = 0; r < repeat; r++) {
    for (const k of Object.keys(producers) as K[]) {
      const v = producers[k]();
      if (v) out[k].push(v);
    }
  }
  return out;
}

/** The run with the median of `key` (the run itself, so its other fields stay consistent). */
function mid(runs: Json[], key = "tokens_per_s"): Json | null {
  if (runs.length === 0) return null;
  const sorted = [...runs].sort((a, b) => (a[key] as number) - (b[key] as number));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], ...(runs.length > 1 ? { [`${key}_runs`]: runs.map((r) => r[key]) } : {}) };
}

const num = (j: Json | null, key = "tokens_per_s"): number | null => (j && typeof j[key] === "number" ? (j[key] as number) : null);
const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
/** Of PyTorch's thread counts, the faster (the reference a user would pick). */
const best = (...rs: (Json | null)[]): Json | null =>
  rs.filter((r): r is Json => r !== null).reduce<Json | null>((a, b) => (a && num(a)! >= num(b)! ? a : b), null);

function benchConfig(name: string): Json {
  const c = BENCH_CONFIGS[name];
  const t1 = ["--threads", "1"], t2 = ["--threads", "2"];
  const tsteps = ["--steps", `${steps}`, "--warmup", "3"];
  log(`[${name}] training (ours: one thread, then ${workers} workers; PyTorch: 1 and 2 threads) ...`);
  const train = interleaved({
    ours: () => ours(name, "train"),
    torch1: () => torch(c, ["--mode", "train", ...t1, ...tsteps]),
    trainer: () => ours(name, "trainer", ["--workers", `${workers}`]),
    torch2: () => torch(c, ["--mode", "train", ...t2, ...tsteps]),
    // the same step on the wasm kernels alone: what machines without the native build get
    wasmOnly: () => ours(name, "train", [], { NANOINSTRUCT_NATIVE: "0" }),
    // and the trainer on them, as a user on ARM or a Mac runs it (one worker per core)
    wasmOnlyTrainer: () => ours(name, "trainer", ["--workers", `${workers}`], { NANOINSTRUCT_NATIVE: "0" }),
    // the trainer on the build a machine without OpenBLAS gets (our own GEMM)
    trainerOwnGemm: () => (ownGemm ? ours(name, "trainer", ["--workers", `${workers}`], { NANOINSTRUCT_NATIVE_ADDON: ownGemm.path }) : null),
  });
  const peaks = interleaved({
    torch1: () => torch(c, ["--mode", "peak", ...t1]),
    torch2: () => torch(c, ["--mode", "peak", ...t2]),
    fma: () => (fma ? runJson(fma.path, [`${cpus().length}`]) : null),
  });
  log(`[${name}] generation, ${genTokens} new tokens ...`);
  const gen = (batch: number, cache: boolean, runs: number) =>
    ours(name, "generate", ["--batch", `${batch}`, "--tokens", `${genTokens}`, "--runs", `${runs}`, ...(cache ? [] : ["--no-cache"])]);
  const tgen = (batch: number, threads: string[], cache: boolean, runs: number) =>
    torch(c, ["--mode", "generate", ...threads, "--gen-batch", `${batch}`, "--gen-tokens", `${genTokens}`, "--steps", `${runs}`,
      "--warmup", "1", ...(cache ? [] : ["--no-cache"])]);
  const cached = interleaved({
    b1: () => gen(1, true, 5), torchB1t1: () => tgen(1, t1, true, 5), torchB1t2: () => tgen(1, t2, true, 5),
    b8: () => gen(8, true, 5), torchB8t1: () => tgen(8, t1, true, 5), torchB8t2: () => tgen(8, t2, true, 5),
  });
  // Without the cache: ours at batch 1 and 8 (the cache's speed-up); PyTorch's batch 8 takes ~45 s a run.
  const noCacheAll = opts.full || name === names[0];
  const uncached = interleaved({
    b1: () => (noCacheAll ? gen(1, false, 1) : null), torchB1: () => (noCacheAll ? tgen(1, t1, false, 1) : null),
    b8: () => (noCacheAll ? gen(8, false, 1) : null), torchB8: () => (opts.full ? tgen(8, t1, false, 1) : null),
  });

  const o = mid(train.ours), tr = mid(train.trainer), p1 = mid(train.torch1), p2 = mid(train.torch2);
  const pk1 = mid(peaks.torch1, "gflops"), pk2 = mid(peaks.torch2, "gflops");
  const ref = best(p1, p2);
  const flops = num(o, "flops_per_token"), wasmPeak = num(o, "peak_matmul_gflops");
  const machinePeak = Math.max(num(pk1, "gflops") ?? 0, num(pk2, "gflops") ?? 0) || null;
  const fmaPeakGflops = num(mid(peaks.fma, "gflops"), "gflops");
  const own = mid(train.trainerOwnGemm);
  const mfu = (tps: number | null, peakGflops: number | null) => (tps !== null && flops !== null && peakGflops ? (tps * flops) / (peakGflops * 1e9) : null);
  const [b1, b8, n1, n8] = [mid(cached.b1), mid(cached.b8), mid(uncached.b1), mid(uncached.b8)];
  const rb1 = best(mid(cached.torchB1t1), mid(cached.torchB1t2)), rb8 = best(mid(cached.torchB8t1), mid(cached.torchB8t2));
  const rn1 = mid(uncached.torchB1), rn8 = mid(uncached.torchB8);
  const refThreads = (r: Json | null) => (r ? r.threads : null);
  return {
    config: { name, description: c.description, ...c.model, batch: c.batch },
    train: {
      tokens_per_s: num(tr), workers, ref_tokens_per_s: num(ref), ref_threads: refThreads(ref), ratio: ratio(num(tr), num(ref)),
      single_thread_tokens_per_s: num(o), ref_1_thread_tokens_per_s: num(p1), single_thread_ratio: ratio(num(o), num(p1)),
      ref_2_threads_tokens_per_s: num(p2),
      device: o?.device ?? null,
      own_gemm_tokens_per_s: num(own), own_gemm_ratio: ratio(num(own), num(ref)),
      own_gemm_mfu_vs_machine_peak: mfu(num(own), machinePeak), own_gemm_device: own?.device ?? null,
      wasm_only_single_thread_tokens_per_s: num(mid(train.wasmOnly)),
      wasm_only_single_thread_ratio: ratio(num(mid(train.wasmOnly)), num(p1)),
      // the trainer on the wasm kernels alone, against PyTorch's faster thread count (as the trainer line)
      wasm_only_trainer_tokens_per_s: num(mid(train.wasmOnlyTrainer)),
      wasm_only_trainer_ratio: ratio(num(mid(train.wasmOnlyTrainer)), num(ref)),
      // which wasm module ran: "wasm relaxed-simd" where the runtime has relaxed SIMD (Node 22), else "wasm simd128"
      wasm_only_kernels: (mid(train.wasmOnly)?.kernels as string | undefined) ?? null,
      // per CPU-second of the process (one thread each): less sensitive to other jobs on a shared machine
      single_thread_tokens_per_cpu_s: num(o, "tokens_per_cpu_s"), ref_1_thread_tokens_per_cpu_s: num(p1, "tokens_per_cpu_s"),
      single_thread_ratio_per_cpu_s: ratio(num(o, "tokens_per_cpu_s"), num(p1, "tokens_per_cpu_s")),
      flops_per_token: flops, params: o?.params ?? null,
      // MFU: against our own matmul in the same process (one core; the trainer against that x workers),
      // and against the machine's best matmul (PyTorch/OpenBLAS, 1 or 2 threads).
      peak_matmul_gflops: wasmPeak, machine_peak_gflops: machinePeak,
      mfu: mfu(num(tr), wasmPeak === null ? null : wasmPeak * workers), single_thread_mfu: mfu(num(o), wasmPeak),
      mfu_vs_machine_peak: mfu(num(tr), machinePeak), ref_mfu_vs_own_peak: mfu(num(ref), num(refThreads(ref) === 2 ? pk2 : pk1, "gflops")),
      ref_mfu_vs_machine_peak: mfu(num(ref), machinePeak),
      // and against the hardware's multiply-add peak on all cores (bench/fma-peak.c), the ceiling of both
      fma_peak_gflops: fmaPeakGflops, mfu_vs_fma_peak: mfu(num(tr), fmaPeakGflops), ref_mfu_vs_fma_peak: mfu(num(ref), fmaPeakGflops),
      runs: { ours: train.ours.map((r) => r.tokens_per_s), trainer: train.trainer.map((r) => r.tokens_per_s),
        torch1: train.torch1.map((r) => r.tokens_per_s), torch2: train.torch2.map((r) => r.tokens_per_s),
        wasm_only: train.wasmOnly.map((r) => r.tokens_per_s), wasm_only_trainer: train.wasmOnlyTrainer.map((r) => r.tokens_per_s),
        own_gemm: train.trainerOwnGemm.map((r) => r.tokens_per_s) },
    },
    memory: {
      peak_rss_mb: num(o, "peak_rss_mb"), wasm_heap_mb: num(o, "wasm_heap_mb"), ref_peak_rss_mb: num(p1, "peak_rss_mb"),
      ratio: ratio(num(o, "peak_rss_mb"), num(p1, "peak_rss_mb")),
      trainer_peak_rss_mb: num(tr, "peak_rss_mb"), ref_2_threads_peak_rss_mb: num(p2, "peak_rss_mb"),
      trainer_ratio: ratio(num(tr, "peak_rss_mb"), num(p2, "peak_rss_mb")),
    },
    generate: {
      new_tokens: genTokens,
      b1: num(b1), ref_b1: num(rb1), ref_b1_threads: refThreads(rb1), ratio_b1: ratio(num(b1), num(rb1)),
      b8: num(b8), ref_b8: num(rb8), ref_b8_threads: refThreads(rb8), ratio_b8: ratio(num(b8), num(rb8)),
      no_cache_b1: num(n1), ref_no_cache_b1: num(rn1), no_cache_b8: num(n8), ref_no_cache_b8: num(rn8),
      cache_speedup_b1: ratio(num(b1), num(n1)), cache_speedup_b8: ratio(num(b8), num(n8)),
      // per CPU-second, against PyTorch with one thread
      b1_per_cpu_s: num(b1, "tokens_per_cpu_s"), ref_b1_1_thread_per_cpu_s: num(mid(cached.torchB1t1), "tokens_per_cpu_s"),
      ratio_b1_per_cpu_s: ratio(num(b1, "tokens_per_cpu_s"), num(mid(cached.torchB1t1), "tokens_per_cpu_s")),
      b8_per_cpu_s: num(b8, "tokens_per_cpu_s"), ref_b8_1_thread_per_cpu_s: num(mid(cached.torchB8t1), "tokens_per_cpu_s"),
      ratio_b8_per_cpu_s: ratio(num(b8, "tokens_per_cpu_s"), num(mid(cached.torchB8t1), "tokens_per_cpu_s")),
      runs: {
        ...Object.fromEntries(Object.entries(cached).map(([k, v]) => [k, v.map((r) => r.tokens_per_s)])),
        ...Object.fromEntries(Object.entries(uncached).map(([k, v]) => [`no_cache_${k}`, v.map((r) => r.tokens_per_s)])),
      },
    },
  };
}

const load0 = loadavg();
const t0 = performance.now();
const configs = names.map(benchConfig);
for (const built of [ownGemm, fma]) if (built) rmSync(built.dir, { recursive: true, force: true });
const webgpu = opts["no-webgpu"] ? null : webgpuFigures(names[0]);
const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, load_at_start: load0.map((x) => +x.toFixed(2)), load_at_end: loadavg().map((x) => +x.toFixed(2)) },
  reference: hasTorch ? "bench/torch_reference.py (Debian python3-torch + OpenBLAS; the faster of 1 and 2 threads)" : null,
  repeat, steps, seconds: Math.round((performance.now() - t0) / 1000),
  configs,
  webgpu,
};
writeJsonAtomic(opts.out!, result);
if (opts.json) console.log(JSON.stringify(result, null, 2));
else console.log(table(result.configs as Json[]) + webgpuTable(webgpu) + `\n${result.machine.cpus} cores (${result.machine.cpu}), load average ${load0[0].toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end; ${result.seconds} s; JSON in ${opts.out}`);

function table(rows: Json[]): string {
  const f = (x: unknown, digits = 0) => (typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-");
  const r2 = (x: unknown) => (typeof x === "number" ? `${x.toFixed(2)}x` : "-");
  const lines: string[] = [];
  const row = (label: string, a: string, b: string, c: string) => lines.push(`  ${label.padEnd(44)}${a.padStart(16)}${b.padStart(16)}${c.padStart(16)}`);
  for (const r of rows) {
    const cfg = r.config as Json, t = r.train as Json, m = r.memory as Json, g = r.generate as Json;
    lines.push(`${cfg.name}: ${cfg.description}`);
    lines.push(`  ours on: ${t.device ?? "?"}`);
    row("", "nanoinstruct", "PyTorch", "ratio");
    row(`training tokens/s (ours: ${t.workers} workers)`, f(t.tokens_per_s), `${f(t.ref_tokens_per_s)} (${t.ref_threads ?? "-"} thr)`, r2(t.ratio));
    if (t.own_gemm_tokens_per_s !== null)
      row(`  the same without OpenBLAS (own GEMM), MFU ${f(t.own_gemm_mfu_vs_machine_peak, 2)}`, f(t.own_gemm_tokens_per_s), f(t.ref_tokens_per_s), r2(t.own_gemm_ratio));
    row("training tokens/s, one thread each", f(t.single_thread_tokens_per_s), f(t.ref_1_thread_tokens_per_s), r2(t.single_thread_ratio));
    row(`  the same, wasm kernels only (${String(t.wasm_only_kernels ?? "no native").replace(/^wasm /, "")})`, f(t.wasm_only_single_thread_tokens_per_s), f(t.ref_1_thread_tokens_per_s), r2(t.wasm_only_single_thread_ratio));
    row(`  trainer (${t.workers} workers), wasm kernels only`, f(t.wasm_only_trainer_tokens_per_s), `${f(t.ref_tokens_per_s)} (${t.ref_threads ?? "-"} thr)`, r2(t.wasm_only_trainer_ratio));
    row(`generation b1, KV cache, ${g.new_tokens} tokens, tok/s`, f(g.b1), `${f(g.ref_b1)} (${g.ref_b1_threads ?? "-"} thr)`, r2(g.ratio_b1));
    row(`generation b8, KV cache, tok/s`, f(g.b8), `${f(g.ref_b8)} (${g.ref_b8_threads ?? "-"} thr)`, r2(g.ratio_b8));
    row("generation b1, no cache, tok/s", f(g.no_cache_b1), f(g.ref_no_cache_b1), "");
    row("generation b8, no cache, tok/s", f(g.no_cache_b8), f(g.ref_no_cache_b8), "");
    row("KV cache speed-up b1 / b8", `${r2(g.cache_speedup_b1)} / ${r2(g.cache_speedup_b8)}`, "", "");
    row("peak RSS, training step, one thread (MB)", `${f(m.peak_rss_mb)} (heap ${f(m.wasm_heap_mb)})`, f(m.ref_peak_rss_mb), r2(m.ratio));
    row(`peak RSS, trainer / 2 threads (MB)`, f(m.trainer_peak_rss_mb), f(m.ref_2_threads_peak_rss_mb), r2(m.trainer_ratio));
    row("matmul peak, GFLOP/s (ours: one core)", f(t.peak_matmul_gflops, 1), f(t.machine_peak_gflops, 1), "");
    row("MFU vs own matmul peak (trainer / 1 thread)", `${f(t.mfu, 2)} / ${f(t.single_thread_mfu, 2)}`, f(t.ref_mfu_vs_own_peak, 2), "");
    row("MFU vs the machine's peak (best matmul)", f(t.mfu_vs_machine_peak, 2), f(t.ref_mfu_vs_machine_peak, 2), "");
    row(`MFU vs the FMA peak (${f(t.fma_peak_gflops, 1)} GFLOP/s, all cores)`, f(t.mfu_vs_fma_peak, 2), f(t.ref_mfu_vs_fma_peak, 2), "");
    row("per CPU-second, one thread each: training", f(t.single_thread_tokens_per_cpu_s), f(t.ref_1_thread_tokens_per_cpu_s), r2(t.single_thread_ratio_per_cpu_s));
    row("  generation b1 / b8 (KV cache)", `${f(g.b1_per_cpu_s)} / ${f(g.b8_per_cpu_s)}`,
      `${f(g.ref_b1_1_thread_per_cpu_s)} / ${f(g.ref_b8_1_thread_per_cpu_s)}`, `${r2(g.ratio_b1_per_cpu_s)} / ${r2(g.ratio_b8_per_cpu_s)}`);
    lines.push("");
  }
  return lines.join("\n");
}

/**
 * The webgpu backend on `name`'s config: a few training steps and cached generation (bench/measure.ts
 * asyncBackend), with the adapter. Null (with the reason logged) where no adapter or package is there.
 */
function webgpuFigures(name: string): Json | null {
  log(`[${name}] webgpu backend (2 training steps, 16 generated tokens) ...`);
  const r = runJson(process.execPath, ["--import", "tsx", "bench/child.ts", "--task", "async", "--config", name, "--steps", "2", "--tokens", "16", "--backend", "webgpu"]);
  if (!r) return null;
  const a = r.adapter as Json | null;
  return { config: name, device: r.device, adapter: a, software: a?.software ?? null,
    note: a?.software ? "software adapter (Mesa llvmpipe): these figures show the path works, not GPU speed" : "hardware adapter",
    train_tokens_per_s: r.tokens_per_s, step_ms: r.step_ms, generate_b1_tokens_per_s: r.generate_b1_tokens_per_s, peak_rss_mb: r.peak_rss_mb };
}

function webgpuTable(w: Json | null): string {
  if (!w) return "\nwebgpu: not measured (--no-webgpu, or no adapter: see docs/GPU.md)\n";
  const f = (x: unknown, d = 0) => (typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "-");
  return `\nwebgpu on ${w.config}: ${w.device}\n  ${w.note}\n`
    + `  training tokens/s ${f(w.train_tokens_per_s, 1)} (2 steps), generation tokens/s (batch 1, KV cache) ${f(w.generate_b1_tokens_per_s, 1)}\n`;
}
