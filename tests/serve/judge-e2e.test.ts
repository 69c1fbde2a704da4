// The LLM judge against our own server and the tiny GPT-2: its verdicts are noise, but every step of the
// plumbing is real (HTTP, chat rendering, truncation, logprobs, label reading, order mapping, cache).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadModel, type LoadedModel } from "../../lib/model/load";
import { ModelEngine } from "../../lib/serve/engine";
import { startServer, type RunningServer } from "../../lib/serve/server";
import { defaultChatRenderer } from "../../lib/serve/chat";
import { LlmJudge, type OrderDetail } from "../../lib/eval/judges/llm";
import { judgeAll, positionBias } from "../../lib/eval/judges/run";
import { pairwiseMessages, tokenLabel } from "../../lib/eval/judges/pairwise-prompt";
import { summarize } from "../../lib/eval/summary";
import type { JudgeItem } from "../../lib/eval/judges/types";

let loaded: LoadedModel;
let srv: RunningServer;
let dir: string;
const log: string[] = [];

const items: JudgeItem[] = ["cats", "tea", "rain", "maps", "bees"].map((w, i) => ({
  id: `q${i}`, instruction: `Write one line about ${w}.`, outputA: `${w} are fine`, outputB: `I like ${w} a lot`, cluster: i % 2 ? "odd" : "even",
}));

before(async () => {
  loaded = await loadModel("tests/fixtures/tiny-gpt2");
  // The judge prompt is far longer than the tiny model's 64-token context: keep its end, where the question is.
  srv = await startServer({
    engine: new ModelEngine(loaded.model, loaded.tokenizer),
    config: { port: 0, modelId: "tiny-judge", truncatePrompt: true, maxTopLogprobs: 400 },
    log: (l) => log.push(l),
  });
  dir = mkdtempSync(join(tmpdir(), "ni-judge-e2e-"));
});
after(async () => {
  await srv.close();
  loaded.model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** P(first shown better) computed directly from the model, as the server and judge should. */
function expectedPreferenceFirst(first: string, second: string, instruction: string, maxTokens: number): number {
  const prompt = defaultChatRenderer(pairwiseMessages(instruction, first, second)) as string;
  const ids = loaded.tokenizer.encode(prompt);
  const ctx = loaded.config.blockSize;
  const kept = ids.slice(ids.length - Math.max(ctx - maxTokens, Math.floor(ctx / 2)));
  const logits = tf.tidy(() => loaded.model.forward(tf.tensor2d([kept], [1, kept.length], "int32")));
  const all = logits.dataSync() as Float32Array;
  logits.dispose();
  const V = loaded.config.vocabSize, row = all.subarray((kept.length - 1) * V, kept.length * V);
  const mx = Math.max(...row);
  const mass = { a: 0, b: 0 };
  for (let id = 0; id < loaded.tokenizer.vocabSize; id++) {
    const label = tokenLabel(loaded.tokenizer.decode([id]));
    if (label) mass[label] += Math.exp(row[id] - mx);
  }
  return mass.a / (mass.a + mass.b);
}

test("soft judgments from the server's logprobs, mapped back through the order, then cached", async () => {
  const cacheFile = join(dir, "cache.jsonl");
  const config = { baseURL: `${srv.url}/v1`, model: "tiny-judge", topLogprobs: 357, maxTokens: 1, cacheFile, seed: 2, retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 10_000 } };
  const judge = new LlmJudge(config);
  const out = await judgeAll(judge, items, { concurrency: 2 });
  assert.equal(judge.requests, 5);
  const firsts = new Set<string>();
  for (const [k, j] of out.entries()) {
    const o = (j.details.orders as OrderDetail[])[0];
    firsts.add(o.first);
    assert.equal(o.source, "logprobs");
    assert.ok(j.preference > 0 && j.preference < 1);
    const it = items[k];
    const [first, second] = o.first === "A" ? [it.outputA, it.outputB] : [it.outputB, it.outputA];
    const pf = expectedPreferenceFirst(first, second, it.instruction, 1);
    assert.ok(Math.abs(o.preferenceFirst - pf) < 1e-4, `${o.preferenceFirst} vs ${pf}`);
    assert.ok(Math.abs(j.preference - (o.first === "A" ? pf : 1 - pf)) < 1e-4);
  }
  assert.deepEqual([...firsts].sort(), ["A", "B"], "both orders occur among 5 items with seed 2");
  const served = log.length;
  const again = new LlmJudge(config);
  const cached = await judgeAll(again, items);
  assert.equal(again.requests, 0);
  assert.equal(log.length, served, "no request reached the server");
  assert.deepEqual(cached.map((j) => j.preference), out.map((j) => j.preference));
  const s = summarize(items, out, { model: "tiny", baseline: "base", winRate: { resamples: 200 } });
  assert.equal(s.judge, "llm:tiny-judge");
  assert.equal(s.n, 5);
  assert.equal(s.position_bias!.n, 5);
});

test("both orders and the text-only path", async () => {
  const judge = new LlmJudge({ baseURL: `${srv.url}/v1`, model: "tiny-judge", topLogprobs: 357, maxTokens: 1, bothOrders: true });
  const out = await judgeAll(judge, items.slice(0, 3));
  assert.equal(judge.requests, 6);
  const bias = positionBias(out);
  assert.equal(bias.n, 6);
  assert.equal(bias.nBoth, 3);
  assert.ok(bias.agreement !== null && bias.agreement >= 0 && bias.agreement <= 100);
  for (const j of out) {
    const [x, y] = j.details.orders as OrderDetail[];
    assert.notEqual(x.first, y.first);
    assert.ok(Math.abs(j.preference - (x.preference + y.preference) / 2) < 1e-12);
  }
  const text = new LlmJudge({ baseURL: `${srv.url}/v1`, model: "tiny-judge", logprobs: false, maxTokens: 3 });
  const t = await judgeAll(text, items.slice(0, 3));
  for (const j of t) {
    const o = (j.details.orders as OrderDetail[])[0];
    assert.ok(o.source === "text" || o.source === "unparsed");
    assert.ok([0, 0.5, 1].includes(j.preference));
  }
  // A wrong model name is a clear error, not a retry loop.
  await assert.rejects(new LlmJudge({ baseURL: `${srv.url}/v1`, model: "nope", retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 5000 } }).judge(items[0]),
    /404 for model 'nope'.*does not exist/);
});
