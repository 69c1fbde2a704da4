import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LlmJudge, readVerdict } from "../../lib/eval/judges/llm";
import { judgeAll, positionBias } from "../../lib/eval/judges/run";
import { labelProbabilities, parseLabel, readLogprobs, tokenLabel } from "../../lib/eval/judges/pairwise-prompt";
import { backoffDelay, DEFAULT_RETRY } from "../../lib/eval/judges/chat-client";
import { UserError } from "../../lib/errors";
import type { JudgeItem } from "../../lib/eval/judges/types";
import { chatReply, fakeOpenAI, labelOf } from "./fake-openai";

const FAST = { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 };
const items: JudgeItem[] = Array.from({ length: 12 }, (_, i) => ({
  id: `item-${i}`, instruction: `Say something nice #${i}`, outputA: `GOOD answer ${i}`, outputB: `meh answer ${i}`,
}));

test("answers are parsed from text and label tokens", () => {
  for (const [answer, label] of [["a", "a"], [" (B)", "b"], ["b.", "b"], ["Response (a) is better.", "a"], ["A: clearer", "a"], ["A better answer is hard to say", null], ["", null]] as const) {
    assert.equal(parseLabel(answer), label, answer);
  }
  assert.equal(tokenLabel(" (a"), "a");
  assert.equal(tokenLabel("B"), "b");
  assert.equal(tokenLabel("ab"), null);
  // legacy completions-style logprobs; " a" and "a" both count for a
  const pos = readLogprobs({ tokens: ["a"], token_logprobs: [Math.log(0.5)], top_logprobs: [{ a: Math.log(0.5), " a": Math.log(0.1), b: Math.log(0.3), x: Math.log(0.1) }] });
  const probs = labelProbabilities(pos)!;
  assert.ok(Math.abs(probs.a - 0.6) < 1e-12 && Math.abs(probs.b - 0.3) < 1e-12);
  assert.equal(labelProbabilities(readLogprobs(null)), null);
  assert.throws(() => readVerdict({ choices: [] }), UserError);
});

test("backoff doubles, honours Retry-After, and is capped", () => {
  assert.equal(backoffDelay(0, DEFAULT_RETRY), 1000);
  assert.equal(backoffDelay(3, DEFAULT_RETRY), 8000);
  assert.equal(backoffDelay(0, DEFAULT_RETRY, "5"), 5000);
  assert.equal(backoffDelay(20, DEFAULT_RETRY), DEFAULT_RETRY.maxDelayMs);
});

test("order randomization is seeded and mapped back to model-vs-baseline", async () => {
  // The fake judge always prefers the response containing GOOD (the model's), wherever it is shown.
  const srv = await fakeOpenAI((body) => chatReply(labelOf(body, "GOOD")));
  try {
    const judge = new LlmJudge({ baseURL: srv.baseURL, model: "fake-judge", seed: 1, retry: FAST, apiKey: "k" });
    const out = await judgeAll(judge, items, { concurrency: 3 });
    assert.ok(out.every((j) => j.preference === 1), JSON.stringify(out.map((j) => j.preference)));
    const firsts = out.map((j) => (j.details.orders as { first: string }[])[0].first);
    assert.ok(firsts.includes("A") && firsts.includes("B"), "both orders occur");
    // Reproducible: the same seed gives the same order per item.
    const again = await judgeAll(new LlmJudge({ baseURL: srv.baseURL, model: "fake-judge", seed: 1, retry: FAST }), items);
    assert.deepEqual(again.map((j) => (j.details.orders as { first: string }[])[0].first), firsts);
    // The first-shown output won exactly when it was A.
    const bias = positionBias(out);
    assert.equal(bias.n, 12);
    assert.equal(bias.firstWins, (100 * firsts.filter((f) => f === "A").length) / 12);
    assert.equal(srv.requests[0].headers.authorization, "Bearer k");
    assert.equal(srv.requests[0].body.logprobs, true);
    assert.equal(srv.requests[0].body.model, "fake-judge");
  } finally {
    await srv.close();
  }
});

test("soft preference from label logprobs, mapped back through the order", async () => {
  // Whatever is shown, the judge gives (a) 0.7 and (b) 0.2: P(first better) = 7/9.
  const srv = await fakeOpenAI(() => chatReply("a", { a: 0.7, b: 0.2, c: 0.05 }));
  try {
    const judge = new LlmJudge({ baseURL: srv.baseURL, model: "m", seed: 3, retry: FAST });
    for (const it of items.slice(0, 6)) {
      const j = await judge.judge(it);
      const o = (j.details.orders as { first: string; source: string }[])[0];
      assert.equal(o.source, "logprobs");
      const expected = o.first === "A" ? 7 / 9 : 2 / 9;
      assert.ok(Math.abs(j.preference - expected) < 1e-12, `${j.preference} vs ${expected}`);
    }
  } finally {
    await srv.close();
  }
});

test("without logprobs the answer text decides; both orders average and measure agreement", async () => {
  const srv = await fakeOpenAI((body) => chatReply(`(${labelOf(body, "GOOD")})`));
  try {
    const judge = new LlmJudge({ baseURL: srv.baseURL, model: "m", bothOrders: true, logprobs: false, retry: FAST });
    const out = await judgeAll(judge, items.slice(0, 4));
    assert.equal(srv.requests.length, 8);
    assert.equal(srv.requests[0].body.logprobs, undefined);
    for (const j of out) {
      assert.equal(j.preference, 1);
      const orders = j.details.orders as { first: string; source: string }[];
      assert.deepEqual(orders.map((o) => o.first).sort(), ["A", "B"]);
      assert.ok(orders.every((o) => o.source === "text"));
    }
    const bias = positionBias(out);
    assert.equal(bias.firstWins, 50);
    assert.equal(bias.agreement, 100);
    // An unreadable answer is a tie.
    const srv2 = await fakeOpenAI(() => chatReply("I cannot decide"));
    try {
      const j = await new LlmJudge({ baseURL: srv2.baseURL, model: "m", retry: FAST }).judge(items[0]);
      assert.equal(j.preference, 0.5);
      assert.equal((j.details.orders as { source: string }[])[0].source, "unparsed");
    } finally {
      await srv2.close();
    }
  } finally {
    await srv.close();
  }
});

test("429 and timeouts are retried with backoff; persistent 500 gives up with a clear error", async () => {
  let srv = await fakeOpenAI((_body, n) => (n === 0 ? { status: 429, body: { error: { message: "slow down" } } } : n === 1 ? { ...chatReply("a"), delayMs: 400 } : chatReply("a")));
  try {
    const judge = new LlmJudge({ baseURL: srv.baseURL, model: "m", retry: { ...FAST, timeoutMs: 150 } });
    const j = await judge.judge(items[0]);
    assert.equal(srv.requests.length, 3, "429, timeout, success");
    assert.ok(j.preference === 0 || j.preference === 1);
  } finally {
    await srv.close();
  }
  srv = await fakeOpenAI(() => ({ status: 500, body: { error: { message: "boom" } } }));
  try {
    const judge = new LlmJudge({ baseURL: srv.baseURL, model: "m", retry: FAST });
    await assert.rejects(judge.judge(items[0]), (e: Error) =>
      e instanceof UserError && e.message.includes(`${srv.baseURL}/chat/completions`) && /after 4 attempt\(s\): HTTP 500 \(boom\)/.test(e.message));
    assert.equal(srv.requests.length, 4);
  } finally {
    await srv.close();
  }
});

test("401 and 404 fail at once with the URL and model named", async () => {
  const srv = await fakeOpenAI((body) => body.model === "missing"
    ? { status: 404, body: { error: { message: "The model `missing` does not exist" } } }
    : { status: 401, body: { error: { message: "Incorrect API key" } } });
  try {
    await assert.rejects(new LlmJudge({ baseURL: srv.baseURL, model: "gpt-x", retry: FAST }).judge(items[0]), (e: Error) =>
      e instanceof UserError && e.message.includes(srv.baseURL) && e.message.includes("'gpt-x'") && /401/.test(e.message) && /API_KEY/.test(e.message));
    await assert.rejects(new LlmJudge({ baseURL: srv.baseURL, model: "missing", retry: FAST }).judge(items[0]), (e: Error) =>
      e instanceof UserError && /404 for model 'missing'.*does not exist/.test(e.message));
    assert.equal(srv.requests.length, 2, "no retries");
  } finally {
    await srv.close();
  }
  assert.throws(() => new LlmJudge({ baseURL: "localhost:8000", model: "m" }), /baseURL must be an http/);
});

test("the disk cache answers repeated questions and survives a torn line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ni-judge-cache-"));
  const cacheFile = join(dir, "judge-cache.jsonl");
  const srv = await fakeOpenAI((body) => chatReply(labelOf(body, "GOOD"), { a: 0.6, b: 0.4 }));
  try {
    const first = new LlmJudge({ baseURL: srv.baseURL, model: "m", cacheFile, retry: FAST });
    const a = await judgeAll(first, items.slice(0, 5));
    assert.equal(first.requests, 5);
    appendFileSync(cacheFile, '{"model":"m","prompt_h'); // a write cut short by a kill
    const second = new LlmJudge({ baseURL: srv.baseURL, model: "m", cacheFile, retry: FAST });
    const b = await judgeAll(second, items.slice(0, 6));
    assert.equal(second.requests, 1, "only the new item is asked");
    assert.deepEqual(b.slice(0, 5).map((j) => j.preference), a.map((j) => j.preference));
    assert.ok((b[0].details.orders as { cached: boolean }[])[0].cached);
    const third = new LlmJudge({ baseURL: srv.baseURL, model: "m", cacheFile, retry: FAST });
    await judgeAll(third, items.slice(0, 6));
    assert.equal(third.requests, 0);
    const lines = readFileSync(cacheFile, "utf8").split("\n").filter(Boolean);
    assert.equal(lines.length, 7, "6 entries and the torn line");
    // Another judge model never reuses these verdicts.
    const other = new LlmJudge({ baseURL: srv.baseURL, model: "m2", cacheFile, retry: FAST });
    await other.judge(items[0]);
    assert.equal(other.requests, 1);
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
