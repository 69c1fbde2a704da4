// Automatic backend selection and WebGPU adapters. Without a GPU here, the adapters are injected: a fake Dawn
// object for findAdapter (runs everywhere), and tests/engine/fake-dawn.cjs, which presents Mesa's llvmpipe as
// a hardware GPU (or as itself, or as a fallback adapter), for whole processes (needs Mesa, like webgpu.test.ts).
// Automatic selection takes webgpu on a hardware adapter only; NANOINSTRUCT_BACKEND=webgpu takes llvmpipe too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { AUTO_ORDER } from "../../lib/engine/backend";
import { findAdapter, isSoftwareAdapter, type AdapterLike, type DawnLike } from "../../lib/engine/webgpu";
import { webgpuProblem } from "./webgpu-available";

const skip = await webgpuProblem();

const info = (device: string, more: Partial<AdapterLike["info"]> = {}) => ({ vendor: "", architecture: "", device, description: "", ...more });

test("software and fallback adapters are recognized by the names Dawn reports", () => {
  const software = [
    info("llvmpipe-llvm-15-0-6-256-bits-", { description: "OpenGL version 4.5 (Core Profile) Mesa 22.3.6" }), // Dawn's OpenGL on Mesa
    info("llvmpipe (LLVM 15.0.6, 256 bits)", { vendor: "mesa", description: "Mesa 22.3.6 (LLVM 15.0.6)" }), // lavapipe on Vulkan
    info("SwiftShader Device (Subzero)", { vendor: "google", architecture: "swiftshader" }),
    info("Microsoft Basic Render Driver", { vendor: "microsoft" }),
    info("", { description: "softpipe" }),
  ];
  for (const i of software) assert.equal(isSoftwareAdapter({ info: i }), true, JSON.stringify(i));
  const hardware = [
    info("NVIDIA GeForce RTX 4090", { vendor: "nvidia", architecture: "ada-lovelace", description: "NVIDIA: 550.54.14" }),
    info("AMD Radeon RX 7900 XTX (RADV NAVI31)", { vendor: "amd", architecture: "rdna-3" }),
    info("Apple M2 Pro", { vendor: "apple", architecture: "metal-3" }),
    info("Intel(R) Arc(tm) A770 Graphics (DG2)", { vendor: "intel", architecture: "gen-12hp" }),
  ];
  for (const i of hardware) assert.equal(isSoftwareAdapter({ info: i }), false, JSON.stringify(i));
  assert.equal(isSoftwareAdapter({ info: hardware[0], isFallbackAdapter: true }), true, "fallback on the adapter");
  assert.equal(isSoftwareAdapter({ info: { ...hardware[0], isFallbackAdapter: true } }), true, "fallback on its info (newer Dawn)");
});

/** A Dawn whose default request returns `def` and whose OpenGL request returns `gl`; records what was asked. */
function fakeDawn(def: AdapterLike | null, gl: AdapterLike | null) {
  const asked: string[] = [];
  const dawn: DawnLike = {
    globals: {},
    create: (flags) => ({
      requestAdapter: async () => {
        asked.push(flags.join(",") || "default");
        return flags.length === 0 ? def : flags[0] === "backend=opengl" ? gl : null;
      },
    }),
  };
  return { dawn, asked };
}

test("findAdapter: a hardware adapter always; software only when allowed, through OpenGL when the default has none", async () => {
  const gpu: AdapterLike = { info: info("NVIDIA GeForce RTX 4090", { vendor: "nvidia", architecture: "ada-lovelace" }) };
  const llvmpipe: AdapterLike = { info: info("llvmpipe-llvm-15-0-6-256-bits-", { description: "OpenGL version 4.5 (Core Profile) Mesa 22.3.6" }) };
  const lavapipe: AdapterLike = { info: info("llvmpipe (LLVM 15.0.6, 256 bits)", { vendor: "mesa" }) };
  const fallback: AdapterLike = { info: { ...gpu.info, isFallbackAdapter: true } };

  for (const allow of [false, true]) {
    const f = fakeDawn(gpu, llvmpipe);
    const got = await findAdapter(f.dawn, allow);
    assert.equal(got?.info.software, false);
    assert.equal(got?.info.dawnBackend, "default");
    assert.equal(got?.info.device, "NVIDIA GeForce RTX 4090");
    assert.deepEqual(f.asked, ["default"], "a hardware adapter ends the search");
  }
  // Automatic selection: no hardware adapter, no adapter, whatever software there is.
  for (const [def, gl] of [[null, llvmpipe], [lavapipe, llvmpipe], [fallback, null]] as const) {
    const f = fakeDawn(def, gl);
    assert.equal(await findAdapter(f.dawn, false), null);
    assert.deepEqual(f.asked, ["default"], "OpenGL is not even tried");
  }
  // Forced: the default's software adapter is taken as it comes; without one, OpenGL in compatibility mode.
  const forcedLava = await findAdapter(fakeDawn(lavapipe, llvmpipe).dawn, true);
  assert.deepEqual([forcedLava?.info.software, forcedLava?.info.dawnBackend], [true, "default"]);
  const forcedGl = await findAdapter(fakeDawn(null, llvmpipe).dawn, true);
  assert.deepEqual([forcedGl?.info.software, forcedGl?.info.dawnBackend, forcedGl?.info.compatibility], [true, "opengl", true]);
  // A Dawn that throws (no driver at all) is a missing adapter, not a crash.
  const broken: DawnLike = { globals: {}, create: () => { throw new Error("no driver"); } };
  assert.equal(await findAdapter(broken, true), null);
});

test("automatic order: CUDA, then webgpu on hardware only, then the CPU backends", () => {
  assert.deepEqual(AUTO_ORDER.map(([name, gpuOnly]) => `${name}${gpuOnly ? " (gpu only)" : ""}`),
    ["tensorflow (gpu only)", "webgpu (gpu only)", "tensorflow", "wasm", "cpu"]);
});

/** `nanoinstruct info --json` in a process whose Dawn is tests/engine/fake-dawn.cjs. */
function infoWith(adapter: string, backend = "") {
  const r = spawnSync(process.execPath, ["bin/nanoinstruct.js", "info", "--model", "tests/fixtures/tiny-gpt2", "--json"], {
    env: { ...process.env, NANOINSTRUCT_BACKEND: backend, NANOINSTRUCT_WEBGPU_PACKAGE: "./tests/engine/fake-dawn.cjs", NANOINSTRUCT_FAKE_ADAPTER: adapter },
    encoding: "utf8", timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr.split("\n").filter((l) => l.trim() && !/^(Warning| - |\s+at )/.test(l)).slice(-4).join(" | "));
  return JSON.parse(r.stdout) as { backend: string; device: string; adapter: { software: boolean; device: string; dawnBackend: string } | null };
}

test("automatic selection picks webgpu on a hardware adapter and runs on it (llvmpipe presented as a GPU)", { skip }, () => {
  const r = infoWith("hardware");
  assert.equal(r.backend, "webgpu");
  assert.equal(r.adapter?.software, false);
  assert.match(r.adapter?.device ?? "", /NVIDIA GeForce RTX 4090/);
  assert.match(r.device, /^gpu \(webgpu: nvidia ada-lovelace NVIDIA GeForce RTX 4090/);
});

test("automatic selection never picks a software or fallback adapter; NANOINSTRUCT_BACKEND=webgpu still does", { skip }, () => {
  for (const adapter of ["software", "fallback"]) {
    const r = infoWith(adapter);
    assert.notEqual(r.backend, "webgpu", `${adapter} adapter chosen automatically`);
    assert.equal(r.adapter, null);
  }
  const forced = infoWith("software", "webgpu");
  assert.equal(forced.backend, "webgpu");
  assert.equal(forced.adapter?.software, true);
  assert.match(forced.device, /^software gpu \(webgpu: llvmpipe/);
});
