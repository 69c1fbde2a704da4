#!/usr/bin/env node
// Builds lib/engine/kernels/build/nano_native.node: nanoinstruct's kernels compiled for this CPU, with
// large matmuls on OpenBLAS (see lib/engine/native-kernels.ts). Runs at `npm install` (postinstall) and by
// `npm run build:native`. Optional: when a C compiler, Node's headers or OpenBLAS are missing it says what
// to install and exits 0, and training runs on the wasm kernels alone (about half the speed). Without
// OpenBLAS it still builds, with our own GEMM for the large matmuls. CPUs: x86-64 (SSE4.1, AVX2 + FMA where
// present) and 64-bit ARM (NEON; checked under qemu by scripts/test-arm.sh). macOS is attempted with its
// clang (untested there: see the README).
//   NANOINSTRUCT_NATIVE=0          skip the build
//   NANOINSTRUCT_BLAS_CFLAGS/LIBS  compiler/linker flags for a BLAS elsewhere (default: pkg-config openblas)
//   --strict                       exit 1 when it cannot build (for scripts that need the native build)
//   --out FILE                     build there instead (tests build the variant without OpenBLAS this way)
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "lib", "engine", "kernels");
const argv = process.argv.slice(2);
const outArg = argv.indexOf("--out");
const out = outArg >= 0 ? resolve(argv[outArg + 1]) : join(dir, "build", "nano_native.node");
const strict = argv.includes("--strict");
const HINT = "Debian/Ubuntu: apt-get install gcc libopenblas-dev pkg-config (npm run setup -- native does it)";

function skip(why) {
  console.log(`nanoinstruct: native kernels not built: ${why}. Training uses the wasm kernels (about half the speed).`);
  if (why !== "NANOINSTRUCT_NATIVE=0") console.log(`  ${HINT}; then npm run build:native`);
  process.exit(strict ? 1 : 0);
}

const off = process.env.NANOINSTRUCT_NATIVE;
if (off === "0" || off === "false" || off === "off") skip("NANOINSTRUCT_NATIVE=0");
if (process.arch !== "x64" && process.arch !== "arm64") skip(`the SIMD mapping is written for x86-64 and 64-bit ARM, this is ${process.arch}`);

const run = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" });
const cc = process.env.CC || "cc";
if (run(cc, ["--version"]).status !== 0) skip(`no C compiler ('${cc}')`);

// Node's own headers: next to the binary (official builds, nvm, Debian's nodejs), or node-gyp's cache.
const headerDirs = [
  join(dirname(process.execPath), "..", "include", "node"),
  "/usr/include/node",
  join(process.env.HOME ?? "", ".cache", "node-gyp", process.versions.node, "include", "node"),
];
const headers = headerDirs.find((d) => existsSync(join(d, "node_api.h")));
if (!headers) skip(`Node's headers (node_api.h) are not in ${headerDirs.join(", ")}`);

// OpenBLAS when present (pkg-config, or the NANOINSTRUCT_BLAS_* flags); otherwise our own packed GEMM.
let blasCflags = process.env.NANOINSTRUCT_BLAS_CFLAGS, blasLibs = process.env.NANOINSTRUCT_BLAS_LIBS, blasNote = "";
if (blasCflags === undefined || blasLibs === undefined) {
  const pc = run("pkg-config", ["--cflags", "--libs", "openblas"]);
  if (pc.status === 0) {
    const flags = pc.stdout.trim().split(/\s+/);
    blasCflags = flags.filter((f) => f.startsWith("-I")).join(" ");
    blasLibs = flags.filter((f) => !f.startsWith("-I")).join(" ");
  } else {
    blasCflags = "-DNANO_NO_BLAS";
    blasLibs = "";
    blasNote = " (no OpenBLAS found: matmuls use our own GEMM; apt-get install libopenblas-dev pkg-config for the faster one)";
  }
}
// x86-64: AVX2 + FMA where this CPU has them (the build is for this machine; it runs at install).
// 64-bit ARM: NEON is part of the base architecture, so no flags.
let simd = [];
if (process.arch === "x64") {
  let cpuFlags = "";
  try { cpuFlags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? ""; } catch { /* not Linux */ }
  if (!cpuFlags && process.platform === "darwin") {
    const sc = run("sysctl", ["-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"]);
    cpuFlags = sc.status === 0 ? sc.stdout.toLowerCase().replace(/sse4\.1/g, "sse4_1") : "";
  }
  const has = (f) => new RegExp(`\\b${f}\\b`).test(cpuFlags);
  simd = has("avx2") && has("fma") ? ["-mavx2", "-mfma"] : ["-msse4.1"];
  if (!has("sse4_1") && !has("avx2")) skip("this CPU lacks SSE4.1 (or its CPU flags are unreadable)");
}
// A Node addon leaves Node's own symbols undefined; macOS's linker must be told they come at load time.
const linkFlags = process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : [];

mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
// -ffp-contract=off: no fused multiply-adds the wasm build would not do, so every kernel but the BLAS
// matmul computes exactly what the wasm module computes.
// (-mtune=native only on x86-64: compilers for ARM spell it differently, and Apple's clang refuses some.)
const tune = process.arch === "x64" ? ["-mtune=native"] : [];
const args = ["-O3", ...simd, ...tune, "-ffp-contract=off", "-Wno-unused-function", "-fPIC", "-shared", "-Wall", "-Wno-unknown-pragmas",
  `-I${headers}`, ...blasCflags.split(/\s+/).filter(Boolean), "-o", tmp, join(dir, "nano_native.c"),
  ...blasLibs.split(/\s+/).filter(Boolean), ...linkFlags, "-lm"];
const r = run(cc, args);
if (r.status !== 0) {
  rmSync(tmp, { force: true });
  process.stderr.write(r.stderr);
  skip("the compiler failed (output above)");
}
renameSync(tmp, out);
// Load it once here, so a library that links but does not load is reported now rather than at first use.
const check = run(process.execPath, ["-e", `const m = require(${JSON.stringify(out)}); console.log(m.blas_info())`]);
if (check.status !== 0) {
  rmSync(out, { force: true });
  skip(`the addon does not load: ${(check.stderr || "").trim().split("\n")[0]}`);
}
console.log(`nanoinstruct: native kernels built (${check.stdout.trim()}, ${simd.join(" ") || "NEON"}): ${out}${blasNote}`);
