// AdamW against torch.optim.AdamW: tests/fixtures/adamw/reference.json holds six steps computed by PyTorch in
// float64 (scripts/make_adamw_fixture.py) with weight decay, bias correction, a warmup learning rate, the
// trainer's per-token gradient scale and global-norm clipping (some steps clip, some do not). Our optimizer
// runs them in float32 on wasm (the fused in-place kernel) and on cpu (TF.js ops) and must land on the same
// weights and moments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { AdamW, clipFactor, decays, globalNorm, globalNormAsync } from "../../lib/train/optimizer";
import { lrAt } from "../../lib/train/schedule";
import { assertClose } from "../assert-close";

type Named = Record<string, number[]>;
interface Fixture {
  config: { beta1: number; beta2: number; eps: number; weightDecay: number; maxNorm: number; gradScale: number };
  params: Record<string, { shape: number[]; init: number[] }>;
  grads: Named[];
  runs: Record<"default" | "nanogpt", {
    decays: Record<string, boolean>;
    steps: { step: number; lr: number; norm: number; clipped: boolean; params: Named; exp_avg: Named; exp_avg_sq: Named }[];
  }>;
}
const FIX: Fixture = JSON.parse(readFileSync("tests/fixtures/adamw/reference.json", "utf8"));


test("the default weight-decay mask skips biases, LayerNorm and embeddings; nanoGPT's decays every 2-D tensor", () => {
  for (const [name, want] of Object.entries(FIX.runs.default.decays)) assert.equal(decays(name), want, name);
  for (const name of ["transformer.h.3.ln_1.weight", "transformer.ln_f.bias", "transformer.wpe.weight"]) assert.equal(decays(name), false, name);
  for (const name of ["transformer.h.3.attn.c_attn.weight", "transformer.h.0.mlp.c_proj.weight"]) assert.equal(decays(name), true, name);
  for (const [name, want] of Object.entries(FIX.runs.nanogpt.decays)) assert.equal(FIX.params[name].shape.length >= 2, want, name);
});

test("the fixture's learning rates are lrAt's warmup", () => {
  for (const s of FIX.runs.default.steps) {
    assert.equal(lrAt(s.step, { schedule: "constant", learningRate: 0.05, warmupSteps: 3, totalSteps: 6, minLrRatio: 0 }), s.lr);
  }
});

test("clipFactor: maxNorm / norm above the limit, 1 at or below it and when clipping is off", () => {
  assert.equal(clipFactor(4, 1), 0.25);
  assert.equal(clipFactor(1, 1), 1);
  assert.equal(clipFactor(0.5, 1), 1);
  assert.equal(clipFactor(100, 0), 1);
});

for (const backend of ["wasm", "cpu"] as const) {
  for (const run of ["default", "nanogpt"] as const) {
    test(`AdamW matches torch.optim.AdamW step by step (${backend}, ${run} weight-decay mask, clipping, bias correction)`, async () => {
      await initEngine(backend);
      const { config: c, runs } = FIX;
      const params = new Map(Object.entries(FIX.params).map(([name, p]) => [name, tf.variable(tf.tensor(p.init, p.shape), true)]));
      const mask = run === "default" ? decays : (name: string) => FIX.params[name].shape.length >= 2;
      const opt = new AdamW(params, { beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay }, mask);
      for (const [i, want] of runs[run].steps.entries()) {
        const grads = new Map(Object.entries(FIX.grads[i]).map(([name, g]) => [name, tf.tensor(g, FIX.params[name].shape)]));
        // As the trainer does: the norm of the scaled gradients, then one factor for scale and clipping.
        const norm = backend === "cpu" ? await globalNormAsync(grads.values(), c.gradScale) : globalNorm(grads.values(), c.gradScale);
        assert.ok(Math.abs(norm - want.norm) <= 1e-6 * want.norm, `step ${want.step}: norm ${norm} vs torch ${want.norm}`);
        const clip = clipFactor(norm, c.maxNorm);
        assert.equal(clip < 1, want.clipped, `step ${want.step}: clipped`);
        opt.apply(grads, want.lr, c.gradScale * clip);
        tf.dispose([...grads.values()]);
        assert.equal(opt.step, want.step);
        const state = await opt.state();
        for (const [name, v] of params) {
          assertClose(v.dataSync(), want.params[name], 2e-6, `step ${want.step} ${name}`);
          assertClose(state.m.get(name)!, want.exp_avg[name], 2e-6, `step ${want.step} ${name} first moment`);
          assertClose(state.v.get(name)!, want.exp_avg_sq[name], 2e-6, `step ${want.step} ${name} second moment`);
        }
      }
      // The mask matters: the embedding (decayed only by nanoGPT's mask) ends elsewhere, the 2-D weight
      // (decayed by both) and the bias (by neither) end the same.
      const other = runs[run === "default" ? "nanogpt" : "default"].steps.at(-1)!.params;
      const last = runs[run].steps.at(-1)!.params;
      assert.notDeepEqual(last["transformer.wte.weight"], other["transformer.wte.weight"]);
      assert.deepEqual(last["transformer.h.0.mlp.c_fc.weight"], other["transformer.h.0.mlp.c_fc.weight"]);
      assert.deepEqual(last["transformer.h.0.mlp.c_fc.bias"], other["transformer.h.0.mlp.c_fc.bias"]);
      opt.dispose();
      tf.dispose([...params.values()]);
    });
  }
}

test("AdamW state saved and loaded continues exactly where it was", async () => {
  await initEngine("wasm");
  const { config: c, runs } = FIX;
  const make = () => new Map(Object.entries(FIX.params).map(([name, p]) => [name, tf.variable(tf.tensor(p.init, p.shape), true)]));
  const stepOnce = (opt: AdamW, i: number) => {
    const grads = new Map(Object.entries(FIX.grads[i]).map(([name, g]) => [name, tf.tensor(g, FIX.params[name].shape)]));
    opt.apply(grads, runs.default.steps[i].lr, c.gradScale * clipFactor(globalNorm(grads.values(), c.gradScale), c.maxNorm));
    tf.dispose([...grads.values()]);
  };
  const cfg = { beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay };
  const a = make(), optA = new AdamW(a, cfg);
  for (let i = 0; i < 6; i++) stepOnce(optA, i);
  const b = make(), optB = new AdamW(b, cfg);
  for (let i = 0; i < 3; i++) stepOnce(optB, i);
  const saved = await optB.state();
  const weightsB = new Map([...b].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
  const c2 = make();
  for (const [n, v] of c2) v.assign(tf.tensor(weightsB.get(n)!, v.shape));
  const optC = new AdamW(c2, cfg);
  optC.loadState(saved);
  for (let i = 3; i < 6; i++) stepOnce(optC, i);
  for (const [n, v] of a) assert.deepEqual(c2.get(n)!.dataSync(), v.dataSync(), n);
  for (const o of [optA, optB, optC]) o.dispose();
  tf.dispose([...a.values(), ...b.values(), ...c2.values()]);
});
