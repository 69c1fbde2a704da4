// A tiny random GPT-2 in Hugging Face format (tests/fixtures/tiny-gpt2, made by
// scripts/make_parity_fixture.py with an independent PyTorch implementation) must give the same
// token ids and log-probabilities here, within 1e-4, on every backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initEngine } from "../../lib/engine/backend";
import { loadModel } from "../../lib/model/load";
import { tokenLogprobs } from "../../lib/model/score";
import { generate } from "../../lib/model/generate";

const DIR = "tests/fixtures/tiny-gpt2";
const ref = JSON.parse(readFileSync(`${DIR}/reference.json`, "utf8"));

for (const backend of ["wasm", "cpu"] as const) {
  test(`tiny GPT-2 matches the PyTorch reference on ${backend}`, async () => {
    await initEngine(backend);
    const { model, tokenizer } = await loadModel(DIR);
    try {
      assert.ok(ref.cases.length >= 5);
      for (const c of ref.cases) {
        assert.deepEqual(tokenizer.encode(c.text), c.ids, `token ids of ${c.name}`);
        const lp = tokenLogprobs(model, c.ids);
        assert.equal(lp.length, c.logprobs.length);
        const worst = Math.max(...lp.map((v: number, i: number) => Math.abs(v - c.logprobs[i])));
        assert.ok(worst < 1e-4, `${c.name}: max |logprob diff| ${worst}`);
      }
      // Greedy continuation with the KV cache follows the reference's argmax path.
      const g = ref.greedy;
      const [out] = generate(model, [g.prompt_ids], { maxNewTokens: g.new_tokens });
      assert.deepEqual(out.ids, g.ids.slice(g.prompt_ids.length));
    } finally {
      model.dispose();
    }
  });
}
