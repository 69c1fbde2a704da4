import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_GPT_CONFIG, parseHFConfig, readHFConfig, toHFConfig, validateGPTConfig, writeHFConfig, type GPTConfig,
} from "../../lib/model/config";
import { UserError } from "../../lib/errors";

const TINY: GPTConfig = { vocabSize: 50257, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, layerNormEpsilon: 1e-5, bias: true };

/** The fields of the hub's gpt2 config.json that matter here (with a few of the unrelated extras it carries). */
const HUB_GPT2 = {
  activation_function: "gelu_new",
  architectures: ["GPT2LMHeadModel"],
  attn_pdrop: 0.1,
  bos_token_id: 50256,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  initializer_range: 0.02,
  layer_norm_epsilon: 1e-5,
  model_type: "gpt2",
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  resid_pdrop: 0.1,
  summary_type: "cls_index",
  task_specific_params: { "text-generation": { do_sample: true, max_length: 50 } },
  vocab_size: 50257,
};

function userError(pattern: RegExp, exitCode: number) {
  return (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${err}`);
    assert.equal(err.exitCode, exitCode);
    assert.ok(!err.message.includes("\n"));
    assert.match(err.message, pattern);
    return true;
  };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ni-cfg-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("validateGPTConfig", () => {
  test("defaults are GPT-2 small and valid", () => {
    assert.equal(validateGPTConfig(DEFAULT_GPT_CONFIG), DEFAULT_GPT_CONFIG);
    assert.equal(DEFAULT_GPT_CONFIG.layerNormEpsilon, 1e-5);
    assert.equal(DEFAULT_GPT_CONFIG.nEmbd, 768);
  });
  test("explains what is wrong", () => {
    assert.throws(() => validateGPTConfig({ ...TINY, nEmbd: 10, nHead: 3 }),
      userError(/model config: nEmbd \(10\) must be divisible by nHead \(3\)/, 1));
    assert.throws(() => validateGPTConfig({ ...TINY, nLayer: 0 }), userError(/nLayer must be a positive integer, got 0/, 1));
    assert.throws(() => validateGPTConfig({ ...TINY, vocabSize: 2.5 }), userError(/vocabSize must be a positive integer/, 1));
    assert.throws(() => validateGPTConfig({ ...TINY, dropout: 1 }), userError(/dropout must be a number in \[0, 1\)/, 1));
    assert.throws(() => validateGPTConfig({ ...TINY, layerNormEpsilon: 0 }, "run.json"), userError(/^run.json: layerNormEpsilon/, 1));
  });
});

describe("HF config.json", () => {
  test("reads the hub's gpt2 config", () => {
    const info = parseHFConfig(HUB_GPT2, "gpt2/config.json");
    assert.deepEqual(info.config, { ...DEFAULT_GPT_CONFIG, dropout: 0.1 });
    assert.equal(info.bosTokenId, 50256);
    assert.equal(info.eosTokenId, 50256);
    assert.deepEqual(info.extra, {});
    assert.equal(info.raw.summary_type, "cls_index");
  });

  test("toHFConfig writes what GPT2LMHeadModel expects", () => {
    const hf = toHFConfig(TINY);
    assert.equal(hf.model_type, "gpt2");
    assert.deepEqual(hf.architectures, ["GPT2LMHeadModel"]);
    assert.equal(hf.n_positions, 64);
    assert.equal(hf.n_ctx, 64);
    assert.equal(hf.n_embd, 8);
    assert.equal(hf.activation_function, "gelu_new");
    assert.equal(hf.tie_word_embeddings, true);
    assert.equal(hf.layer_norm_epsilon, 1e-5);
    assert.equal(hf.resid_pdrop, 0);
    assert.equal(hf.eos_token_id, 50256);
    assert.equal(hf.nanoinstruct, undefined);
    assert.equal(toHFConfig({ ...TINY, vocabSize: 100 }).eos_token_id, 99, "special id kept inside a small vocab");
    assert.equal(toHFConfig(TINY, { eosTokenId: 7 }).eos_token_id, 7);
  });

  test("round trip through a directory, with extras and bias=false", () => {
    const cfg: GPTConfig = { ...TINY, dropout: 0.05, bias: false, layerNormEpsilon: 1e-6 };
    writeHFConfig(dir, cfg, { extra: { chatTemplate: "alpaca", step: 12 }, bosTokenId: 1, eosTokenId: 2 });
    const onDisk = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    assert.deepEqual(onDisk.nanoinstruct, { chatTemplate: "alpaca", step: 12, bias: false });
    const info = readHFConfig(dir);
    assert.deepEqual(info.config, cfg);
    assert.deepEqual(info.extra, { chatTemplate: "alpaca", step: 12 });
    assert.equal(info.bosTokenId, 1);
    assert.equal(info.eosTokenId, 2);
    const plain = parseHFConfig(toHFConfig(TINY), "x");
    assert.deepEqual(plain.config, TINY);
  });

  test("n_ctx is used when n_positions is absent; defaults for epsilon and activation", () => {
    const { n_positions: _p, layer_norm_epsilon: _e, activation_function: _a, ...rest } = HUB_GPT2;
    const info = parseHFConfig({ ...rest, n_ctx: 256 }, "c.json");
    assert.equal(info.config.blockSize, 256);
    assert.equal(info.config.layerNormEpsilon, 1e-5);
  });

  test("rejects unsupported models with a clear error", () => {
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, model_type: "llama" }, "m/config.json"),
      userError(/^m\/config.json: model_type "llama" is not supported \(only GPT-2/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, activation_function: "relu" }, "c.json"),
      userError(/activation_function "relu" is not supported/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, n_inner: 1000 }, "c.json"), userError(/n_inner 1000 is not supported/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, tie_word_embeddings: false }, "c.json"), userError(/tie_word_embeddings false/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, scale_attn_by_inverse_layer_idx: true }, "c.json"),
      userError(/scale_attn_by_inverse_layer_idx/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, n_embd: undefined }, "c.json"), userError(/missing n_embd/, 1));
    assert.throws(() => parseHFConfig({ ...HUB_GPT2, n_head: 5 }, "c.json"), userError(/^c.json: nEmbd \(768\) must be divisible by nHead \(5\)/, 1));
    assert.throws(() => parseHFConfig([1], "c.json"), userError(/not a JSON object/, 2));
    // n_inner null (the hub default) and gelu_pytorch_tanh (same math) are fine.
    parseHFConfig({ ...HUB_GPT2, n_inner: null, activation_function: "gelu_pytorch_tanh" }, "c.json");
  });

  test("missing or unparsable config.json is exit code 2 naming the file", () => {
    const empty = mkdtempSync(join(dir, "e-"));
    assert.throws(() => readHFConfig(empty), userError(/config.json: cannot read \(no such file\)/, 2));
    writeFileSync(join(empty, "config.json"), "{ nope");
    assert.throws(() => readHFConfig(empty), userError(/config.json: not valid JSON/, 2));
  });
});
