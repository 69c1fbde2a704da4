import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { GPT } from "../../lib/model/gpt";
import { applyLora, mergeLora, unmergeLora, removeLora, saveLoraAdapters, loadLoraAdapters, parameterCounts, freezeAllButLastBlocks, DEFAULT_LORA } from "../../lib/model/lora";
import { readSafetensors } from "../../lib/model/safetensors";

const CFG = { vocabSize: 40, blockSize: 16, nLayer: 3, nHead: 2, nEmbd: 16, dropout: 0, layerNormEpsilon: 1e-5 };
const idx = () => tf.tensor2d([[1, 5, 9, 3, 7]], [1, 5], "int32");
const logits = (m: GPT) => Float32Array.from(tf.tidy(() => m.forward(idx())).dataSync());
const close = (a: Float32Array, b: Float32Array, tol = 1e-5) => a.every((x, i) => Math.abs(x - b[i]) < tol);

test("LoRA starts as the base model, trains only adapters, and merges/unmerges exactly", async () => {
  await initEngine("wasm");
  const m = GPT.create(CFG, 1);
  const base = logits(m);
  const vars = applyLora(m, { ...DEFAULT_LORA, rank: 4, alpha: 8, targets: ["attn.c_attn", "mlp.c_fc"] });
  assert.equal(vars.size, 2 * 2 * CFG.nLayer);
  assert.ok(close(logits(m), base), "B = 0: the adapted model equals the base at the start");
  assert.ok([...m.params.values()].every((v) => !v.trainable));
  const counts = parameterCounts(m, vars);
  assert.equal(counts.trainable, CFG.nLayer * (4 * (16 + 48) + 4 * (16 + 64)));
  // Give B values so the adapters matter.
  for (const [name, v] of vars) if (name.endsWith("lora_B.weight")) { const t = tf.randomNormal(v.shape, 0, 0.5, "float32", 3); v.assign(t); t.dispose(); }
  const adapted = logits(m);
  assert.ok(!close(adapted, base));
  const w0 = Float32Array.from(m.p("transformer.h.0.attn.c_attn.weight").dataSync());
  mergeLora(m);
  assert.ok(close(logits(m), adapted, 1e-4), "merged weights reproduce the adapted model");
  unmergeLora(m);
  assert.ok(close(Float32Array.from(m.p("transformer.h.0.attn.c_attn.weight").dataSync()), w0, 1e-6));
  assert.ok(close(logits(m), adapted, 1e-5));

  // Saved in PEFT's layout, loaded back onto a fresh copy of the base.
  const dir = mkdtempSync(join(tmpdir(), "nano-lora-"));
  await saveLoraAdapters(dir, m, { ...DEFAULT_LORA, rank: 4, alpha: 8 }, "base");
  const cfg = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
  assert.equal(cfg.peft_type, "LORA");
  assert.equal(cfg.r, 4);
  assert.equal(cfg.fan_in_fan_out, true);
  const st = readSafetensors(join(dir, "adapter_model.safetensors"));
  assert.deepEqual(st.tensors.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight")!.shape, [4, 16]);
  assert.deepEqual(st.tensors.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")!.shape, [48, 4]);
  const fresh = GPT.create(CFG, 1);
  loadLoraAdapters(dir, fresh);
  assert.ok(close(logits(fresh), adapted, 1e-5));
  removeLora(m);
  assert.ok(close(logits(m), base));
  assert.ok([...m.params.values()].every((v) => v.trainable));
  rmSync(dir, { recursive: true });
  m.dispose();
  fresh.dispose();
});

test("freezing all but the last N blocks", async () => {
  await initEngine("wasm");
  const m = GPT.create(CFG, 2);
  freezeAllButLastBlocks(m, 1);
  const trainable = [...m.params].filter(([, v]) => v.trainable).map(([n]) => n);
  assert.ok(trainable.every((n) => n.startsWith("transformer.h.2.") || n.startsWith("transformer.ln_f.")));
  assert.ok(trainable.length === 12 + 2);
  assert.throws(() => applyLora(m, { ...DEFAULT_LORA, targets: ["nothing-matches"] }), /match no linear layer/);
  m.dispose();
});
