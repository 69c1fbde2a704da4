// scripts/build-native.js as npm runs it at install: builds the addon where it can, says why not and
// exits 0 where it cannot (or 1 with --strict), and the variant without OpenBLAS (own AVX2 GEMM) passes
// every kernel test too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const build = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ["scripts/build-native.js", ...args], { encoding: "utf8", env: { ...process.env, ...env } });

const canBuild = (process.arch === "x64" || process.arch === "arm64") && spawnSync("cc", ["--version"]).status === 0;

test("without a C compiler it explains, builds nothing, and exits 0 (1 with --strict)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-native-"));
  try {
    const out = join(dir, "nano_native.node");
    const r = build({ CC: join(dir, "no-such-cc") }, "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /native kernels not built: no C compiler .*wasm kernels/s);
    assert.match(r.stdout, /apt-get install gcc libopenblas-dev/);
    assert.equal(existsSync(out), false);
    assert.equal(build({ CC: join(dir, "no-such-cc") }, "--out", out, "--strict").status, 1);
    const off = build({ NANOINSTRUCT_NATIVE: "0" }, "--out", out);
    assert.equal(off.status, 0);
    assert.match(off.stdout, /not built: NANOINSTRUCT_NATIVE=0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without OpenBLAS it builds our own GEMM, and every kernel test passes on that build", { skip: !canBuild && "needs x86-64 or 64-bit ARM, and cc" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-native-"));
  try {
    const out = join(dir, "nano_native.node");
    const r = build({ NANOINSTRUCT_BLAS_CFLAGS: "-DNANO_NO_BLAS", NANOINSTRUCT_BLAS_LIBS: "" }, "--out", out);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /native kernels built \(no BLAS: own (AVX2\+FMA|SSE4\.1|NEON\+FMA) GEMM/);
    assert.ok(readFileSync(out).length > 10_000);
    // The kernel tests in a process of their own, on this build (the CI flag makes a load failure fatal).
    // (without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of printing)
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const t = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", "tests/engine/native-kernels.test.ts"], {
      encoding: "utf8", env: { ...env, NANOINSTRUCT_NATIVE_ADDON: out, CI: "1" },
    });
    assert.equal(t.status, 0, t.stdout.split("\n").filter((l) => /not ok|error|Error/.test(l)).slice(0, 10).join("\n"));
    assert.match(t.stdout, /# pass 20/);
    assert.match(t.stdout, /# fail 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
