// Without the optional `webgpu` package (simulated: NANOINSTRUCT_WEBGPU_PACKAGE names a missing one), asking
// for the webgpu backend fails with one line and automatic selection still works; and automatic selection
// on a machine without a GPU device never loads Dawn. Runs everywhere (no Mesa needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { initEngine } from "../../lib/engine/backend";
import { mayHaveGpu } from "../../lib/engine/webgpu";

const MISSING = { NANOINSTRUCT_WEBGPU_PACKAGE: "nanoinstruct-no-such-package" };

function info(env: Record<string, string>) {
  return spawnSync(process.execPath, ["bin/nanoinstruct.js", "info", "--model", "tests/fixtures/tiny-gpt2", "--json"], {
    env: { ...process.env, NANOINSTRUCT_BACKEND: "", ...env }, encoding: "utf8", timeout: 120_000,
  });
}

test("webgpu requested but the package is missing: one line, non-zero exit, no stack", () => {
  const r = info({ ...MISSING, NANOINSTRUCT_BACKEND: "webgpu" });
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /backend 'webgpu' is not available: the optional package 'webgpu' is not installed \(npm install webgpu/);
});

test("without the package, automatic selection picks a CPU backend as before", () => {
  const r = info(MISSING);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(["wasm", "cpu", "tensorflow"].includes(report.backend), report.backend);
  assert.equal(report.adapter, null);
});

test("automatic selection does not load Dawn where no GPU device exists", { skip: mayHaveGpu() ? "this machine has a GPU device" : false }, async () => {
  delete process.env.NANOINSTRUCT_BACKEND;
  const engine = await initEngine();
  assert.notEqual(engine.backend, "webgpu");
  assert.equal((globalThis as Record<string, unknown>).GPUBufferUsage, undefined, "Dawn's globals were installed");
});
