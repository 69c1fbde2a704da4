import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countParameters, expectedShapes, isGpt2Buffer, normalizeGpt2StateDict } from "../../lib/model/state-dict";
import { DEFAULT_GPT_CONFIG, type GPTConfig } from "../../lib/model/config";
import { readSafetensors, writeSafetensors, type LoadedTensor, type TensorData } from "../../lib/model/safetensors";
import { UserError } from "../../lib/errors";

const CFG: GPTConfig = { vocabSize: 11, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 4, dropout: 0, layerNormEpsilon: 1e-5 };
const F = "ckpt/model.safetensors";

/** A random-ish checkpoint in canonical names; `strip` removes the "transformer." prefix like the hub's gpt2. */
function checkpoint(cfg: GPTConfig, strip = false): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  let seed = 1;
  for (const [name, shape] of expectedShapes(cfg)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    out.set(strip ? name.replace(/^transformer\./, "") : name, { shape, data });
  }
  return out;
}

function userError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${err}`);
    assert.equal(err.exitCode, 1);
    assert.ok(err.message.startsWith(F + ": "), err.message);
    assert.ok(!err.message.includes("\n"));
    assert.match(err.message, pattern);
    return true;
  };
}

describe("expectedShapes", () => {
  test("HF GPT-2 names and Conv1D [in,out] shapes", () => {
    const s = expectedShapes(CFG);
    assert.equal(s.size, 2 + 12 * 2 + 2);
    assert.deepEqual(s.get("transformer.wte.weight"), [11, 4]);
    assert.deepEqual(s.get("transformer.wpe.weight"), [6, 4]);
    assert.deepEqual(s.get("transformer.h.1.attn.c_attn.weight"), [4, 12]);
    assert.deepEqual(s.get("transformer.h.1.attn.c_attn.bias"), [12]);
    assert.deepEqual(s.get("transformer.h.0.attn.c_proj.weight"), [4, 4]);
    assert.deepEqual(s.get("transformer.h.0.mlp.c_fc.weight"), [4, 16]);
    assert.deepEqual(s.get("transformer.h.0.mlp.c_proj.weight"), [16, 4]);
    assert.deepEqual(s.get("transformer.h.0.mlp.c_proj.bias"), [4]);
    assert.deepEqual(s.get("transformer.ln_f.bias"), [4]);
    assert.equal(s.has("lm_head.weight"), false, "tied, not saved");
    assert.deepEqual([...s.keys()].slice(0, 3), ["transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.ln_1.weight"]);
  });
  test("GPT-2 small has 124,439,808 parameters", () => {
    assert.equal(countParameters(DEFAULT_GPT_CONFIG), 124_439_808);
  });
  test("bias=false drops every bias", () => {
    const s = expectedShapes({ ...CFG, bias: false });
    assert.equal([...s.keys()].some((k) => k.endsWith(".bias")), false);
    assert.equal(s.size, 2 + 6 * 2 + 1);
  });
});

describe("normalizeGpt2StateDict", () => {
  test("canonical names pass through unchanged, in canonical order", () => {
    const ck = checkpoint(CFG);
    const out = normalizeGpt2StateDict(ck, CFG, F);
    assert.deepEqual([...out.keys()], [...expectedShapes(CFG).keys()]);
    assert.equal(out.get("transformer.wte.weight")!.data, ck.get("transformer.wte.weight")!.data, "no copy");
  });

  test("hub-style names without prefix, with attention buffers and a tied lm_head", () => {
    const ck = checkpoint(CFG, true);
    const input = new Map<string, LoadedTensor | TensorData>(ck);
    input.set("h.0.attn.bias", { shape: [1, 1, 6, 6], data: new Float32Array(36) });
    input.set("h.1.attn.masked_bias", { shape: [], data: new Float32Array([-1e4]) });
    input.set("lm_head.weight", { shape: [11, 4], data: ck.get("wte.weight")!.data.slice() });
    const out = normalizeGpt2StateDict(input, CFG, F);
    assert.deepEqual([...out.keys()], [...expectedShapes(CFG).keys()]);
    assert.deepEqual(out.get("transformer.h.1.mlp.c_fc.bias")!.data, ck.get("h.1.mlp.c_fc.bias")!.data);
    // And back: canonical names with prefix, a mixed record works too.
    const mixed: Record<string, TensorData> = {};
    for (const [k, v] of out) mixed[k.includes(".h.0.") ? k.replace("transformer.", "") : k] = v;
    assert.equal(normalizeGpt2StateDict(mixed, CFG, F).size, out.size);
  });

  test("lm_head.weight that differs from wte is refused", () => {
    const ck = new Map<string, TensorData>(checkpoint(CFG));
    const lm = ck.get("transformer.wte.weight")!.data.slice();
    lm[5] += 1;
    ck.set("lm_head.weight", { shape: [11, 4], data: lm });
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F),
      userError(/tensor 'lm_head.weight' differs from transformer.wte.weight; untied output layers are not supported/));
    ck.set("lm_head.weight", { shape: [12, 4], data: new Float32Array(48) });
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F), userError(/tensor 'lm_head.weight' has shape \[12,4\]/));
  });

  test("missing tensor", () => {
    const ck = checkpoint(CFG);
    ck.delete("transformer.h.1.ln_2.weight");
    ck.delete("transformer.ln_f.bias");
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F), userError(/missing tensor transformer.h.1.ln_2.weight \(and 1 more\)$/));
    assert.throws(() => normalizeGpt2StateDict(new Map(), CFG, F), userError(/is this a GPT-2 checkpoint\?/));
  });

  test("unexpected tensor (e.g. a deeper model than config.json says)", () => {
    const ck = checkpoint({ ...CFG, nLayer: 3 });
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F), userError(/unexpected tensor 'transformer.h.2.ln_1.weight' \(and 11 more\)/));
  });

  test("shape mismatch names the tensor and hints at transposed weights", () => {
    const ck = checkpoint(CFG);
    ck.set("transformer.wte.weight", { shape: [12, 4], data: new Float32Array(48) });
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F),
      userError(/tensor 'transformer.wte.weight' has shape \[12,4\] but config.json implies \[11,4\]$/));
    const ck2 = checkpoint(CFG, true);
    ck2.set("h.0.mlp.c_fc.weight", { shape: [16, 4], data: new Float32Array(64) });
    assert.throws(() => normalizeGpt2StateDict(ck2, CFG, F), userError(/'h.0.mlp.c_fc.weight' has shape \[16,4\].*looks transposed/));
  });

  test("duplicate under both spellings, integer tensors", () => {
    const ck = new Map<string, LoadedTensor | TensorData>(checkpoint(CFG));
    ck.set("wpe.weight", ck.get("transformer.wpe.weight")!);
    assert.throws(() => normalizeGpt2StateDict(ck, CFG, F), userError(/transformer.wpe.weight appears twice/));
    const ck2 = new Map<string, LoadedTensor | TensorData>(checkpoint(CFG));
    ck2.set("transformer.ln_f.weight", { dtype: "I64", shape: [4], data: new Int32Array(4) });
    assert.throws(() => normalizeGpt2StateDict(ck2, CFG, F), userError(/'transformer.ln_f.weight' is I64, expected a float tensor/));
  });

  test("isGpt2Buffer", () => {
    assert.equal(isGpt2Buffer("h.3.attn.bias"), true);
    assert.equal(isGpt2Buffer("transformer.h.3.attn.masked_bias"), true);
    assert.equal(isGpt2Buffer("transformer.h.3.attn.c_attn.bias"), false);
    assert.equal(isGpt2Buffer("h.3.attn.c_proj.bias"), false);
  });
});

describe("file round trip", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ni-sd-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("hub-style file -> normalize -> save canonical -> read -> normalize", () => {
    const hub = checkpoint(CFG, true);
    const withBuffers = new Map(hub);
    withBuffers.set("h.0.attn.bias", { shape: [1, 1, 6, 6], data: new Float32Array(36).fill(1) });
    const p1 = join(dir, "hub.safetensors");
    writeSafetensors(p1, withBuffers);
    const st = readSafetensors(p1, { filter: (n) => !isGpt2Buffer(n) });
    assert.equal(st.tensors.has("h.0.attn.bias"), false);
    const canon = normalizeGpt2StateDict(st.tensors, CFG, p1);
    const p2 = join(dir, "ours.safetensors");
    writeSafetensors(p2, canon, { format: "pt" });
    const again = normalizeGpt2StateDict(readSafetensors(p2).tensors, CFG, p2);
    for (const [name, t] of again) assert.deepEqual(t.data, hub.get(name.replace("transformer.", ""))!.data, name);
  });
});
