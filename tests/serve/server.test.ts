// The server over real HTTP on 127.0.0.1 with the tiny GPT-2 fixture.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadModel, type LoadedModel } from "../../lib/model/load";
import { generate } from "../../lib/model/generate";
import { tokenLogprobs } from "../../lib/model/score";
import { ModelEngine, topIds } from "../../lib/serve/engine";
import { startServer, type RunningServer } from "../../lib/serve/server";
import { defaultChatRenderer } from "../../lib/serve/chat";
import { findStop, heldBack } from "../../lib/serve/stop";
import { post, sseEvents } from "./helpers";

let loaded: LoadedModel;
let srv: RunningServer;
let api: string;

before(async () => {
  loaded = await loadModel("tests/fixtures/tiny-gpt2");
  srv = await startServer({ engine: new ModelEngine(loaded.model, loaded.tokenizer), config: { port: 0, modelId: "tiny", maxTokens: 24, maxBodyBytes: 4000, maxTopLogprobs: 5 } });
  api = `${srv.url}/v1`;
});
after(async () => {
  await srv.close();
  loaded.model.dispose();
});

test("stop-string helpers", () => {
  assert.equal(findStop("abc\nUser: x", ["\nUser:", "c"]), 2);
  assert.equal(findStop("abc", ["z"]), -1);
  assert.equal(heldBack("hello\nUs", ["\nUser:"]), 3);
  assert.equal(heldBack("hello", ["\nUser:"]), 0);
  assert.equal(heldBack("ab", ["bcd", "abx"]), 2);
  assert.deepEqual(topIds(new Float32Array([1, 5, 3, 5, 0]), 5, 3), [1, 3, 2]);
  assert.deepEqual(topIds(new Float32Array([1, 5, 3]), 2, 5), [1, 0]);
});

test("binds 127.0.0.1 and lists the model", async () => {
  assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${api}/models`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, "list");
  assert.deepEqual(body.data.map((m: { id: string }) => m.id), ["tiny"]);
  assert.equal((await fetch(`${api}/models/tiny`)).status, 200);
  const missing = await fetch(`${api}/models/other`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "model_not_found");
});

test("greedy completions match generate(), and logprobs match a scoring pass", async () => {
  const prompt = "The robot";
  const r = await post(`${api}/completions`, { model: "tiny", prompt, max_tokens: 6, temperature: 0, logprobs: 3 });
  assert.equal(r.status, 200, r.text);
  const ids = loaded.tokenizer.encode(prompt);
  const [g] = generate(loaded.model, [ids], { maxNewTokens: 6, stopTokenIds: [loaded.tokenizer.eosId] }, (x) => loaded.tokenizer.decode(x));
  const choice = r.json.choices[0];
  assert.equal(r.json.object, "text_completion");
  assert.equal(choice.text, g.text);
  assert.equal(choice.finish_reason, g.finishReason);
  assert.deepEqual(r.json.usage, { prompt_tokens: ids.length, completion_tokens: g.ids.length, total_tokens: ids.length + g.ids.length });
  const scored = tokenLogprobs(loaded.model, [...ids, ...g.ids]).slice(ids.length - 1);
  const lp = choice.logprobs;
  assert.equal(lp.token_logprobs.length, g.ids.length);
  lp.token_logprobs.forEach((v: number, i: number) => assert.ok(Math.abs(v - scored[i]) < 1e-4, `${v} vs ${scored[i]}`));
  // Greedy: the chosen token is the most likely alternative.
  lp.top_logprobs.forEach((top: Record<string, number>, i: number) => {
    assert.ok(Object.keys(top).length >= 1 && Object.keys(top).length <= 3);
    assert.ok(Math.abs(Math.max(...Object.values(top)) - lp.token_logprobs[i]) < 1e-9);
  });
  assert.deepEqual(lp.tokens, g.ids.map((id) => loaded.tokenizer.decode([id])));
  assert.equal(lp.text_offset[0], 0);
});

test("chat completions: shape, seeded sampling, chat logprobs", async () => {
  const body = { model: "tiny", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi!" }], max_tokens: 8, temperature: 0.9, seed: 11, logprobs: true, top_logprobs: 2 };
  const a = await post(`${api}/chat/completions`, body);
  const b = await post(`${api}/chat/completions`, body);
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.object, "chat.completion");
  assert.match(a.json.id, /^chatcmpl-/);
  assert.equal(a.json.model, "tiny");
  const choice = a.json.choices[0];
  assert.equal(choice.message.role, "assistant");
  assert.equal(choice.message.content, b.json.choices[0].message.content);
  assert.ok(["stop", "length"].includes(choice.finish_reason));
  const rendered = defaultChatRenderer([{ role: "system", content: "Be brief." }, { role: "user", content: "Hi!" }]) as string;
  assert.equal(a.json.usage.prompt_tokens, loaded.tokenizer.encode(rendered).length);
  for (const t of choice.logprobs.content) {
    assert.equal(typeof t.token, "string");
    assert.ok(t.logprob <= 0);
    assert.ok(Array.isArray(t.bytes));
    assert.equal(t.top_logprobs.length, 2);
    assert.ok(t.top_logprobs[0].logprob >= t.top_logprobs[1].logprob);
  }
  const noLp = await post(`${api}/chat/completions`, { ...body, logprobs: false, top_logprobs: undefined });
  assert.equal(noLp.json.choices[0].logprobs, null);
});

test("streaming: SSE chunks add up to the non-streamed answer", async () => {
  const body = { model: "tiny", messages: [{ role: "user", content: "Tell me a story" }], max_tokens: 10, temperature: 0.8, seed: 5 };
  const whole = await post(`${api}/chat/completions`, body);
  const r = await post(`${api}/chat/completions`, { ...body, stream: true, stream_options: { include_usage: true } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /^text\/event-stream/);
  const events = sseEvents(r.text);
  assert.equal(events[events.length - 1], "[DONE]");
  const chunks = events.slice(0, -1);
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
  assert.ok(chunks.every((c: any) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
  const usageChunk = chunks[chunks.length - 1];
  assert.deepEqual(usageChunk.choices, []);
  assert.deepEqual(usageChunk.usage, whole.json.usage);
  const last = chunks[chunks.length - 2].choices[0];
  assert.equal(last.finish_reason, whole.json.choices[0].finish_reason);
  const text = chunks.slice(0, -1).map((c: any) => c.choices[0].delta.content ?? "").join("");
  assert.equal(text, whole.json.choices[0].message.content);
  // Completions stream too, with logprobs per chunk.
  const c = await post(`${api}/completions`, { model: "tiny", prompt: "Once", max_tokens: 5, temperature: 0, stream: true, logprobs: 1 });
  const ce = sseEvents(c.text);
  assert.equal(ce[ce.length - 1], "[DONE]");
  const tokens = ce.slice(0, -1).flatMap((e: any) => e.choices[0].logprobs?.tokens ?? []);
  const nonStream = await post(`${api}/completions`, { model: "tiny", prompt: "Once", max_tokens: 5, temperature: 0, logprobs: 1 });
  assert.deepEqual(tokens, nonStream.json.choices[0].logprobs.tokens);
});

test("stop strings cut the answer, streamed or not", async () => {
  const base = { model: "tiny", prompt: "The robot", max_tokens: 16, temperature: 0 };
  const full = (await post(`${api}/completions`, base)).json.choices[0].text as string;
  assert.ok(full.length >= 4, JSON.stringify(full));
  const stop = full.slice(2, 4);
  const expected = full.slice(0, full.indexOf(stop));
  const cut = await post(`${api}/completions`, { ...base, stop });
  assert.equal(cut.json.choices[0].text, expected);
  assert.equal(cut.json.choices[0].finish_reason, "stop");
  const streamed = sseEvents((await post(`${api}/completions`, { ...base, stop: [stop, "never"], stream: true })).text).slice(0, -1);
  assert.equal(streamed.map((e: any) => e.choices[0].text).join(""), expected);
  assert.equal(streamed[streamed.length - 1].choices[0].finish_reason, "stop");
});

test("max_tokens is capped by the server", async () => {
  const r = await post(`${api}/completions`, { model: "tiny", prompt: [1, 2, 3], max_tokens: 500, temperature: 0 });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.usage.completion_tokens <= 24);
});

test("bad requests get OpenAI-style errors", async () => {
  const cases: [unknown, number, string | null, string | null][] = [
    ["{not json", 400, null, "invalid_json"],
    ["[1, 2]", 400, null, "invalid_json"],
    [{ model: "tiny" }, 400, "messages", "missing_required_parameter"],
    [{ model: "tiny", messages: [{ role: "user", content: "x" }], temperature: "hot" }, 400, "temperature", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "wizard", content: "x" }] }, 400, "messages[0].role", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "user", content: 3 }] }, 400, "messages[0].content", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "user", content: "x" }], n: 2 }, 400, "n", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "user", content: "x" }], top_logprobs: 2 }, 400, "top_logprobs", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "user", content: "x" }], logprobs: true, top_logprobs: 50 }, 400, "top_logprobs", "invalid_value"],
    [{ model: "tiny", messages: [{ role: "user", content: "x" }], stop: ["a", "b", "c", "d", "e"] }, 400, "stop", "invalid_value"],
    [{ model: "gpt-4", messages: [{ role: "user", content: "x" }] }, 404, "model", "model_not_found"],
    [{ model: "tiny", messages: [{ role: "user", content: "word ".repeat(100) }] }, 400, "messages", "context_length_exceeded"],
    [{ model: "tiny", messages: [{ role: "user", content: "x".repeat(5000) }] }, 413, null, "request_too_large"],
  ];
  for (const [body, status, param, code] of cases) {
    const r = await post(`${api}/chat/completions`, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} -> ${r.text}`);
    assert.equal(r.json.error.param, param);
    assert.equal(r.json.error.code, code);
    assert.equal(typeof r.json.error.message, "string");
    assert.equal(typeof r.json.error.type, "string");
  }
  const c = await post(`${api}/completions`, { model: "tiny", prompt: { text: "x" } });
  assert.equal(c.json.error.param, "prompt");
  const path = await post(`${srv.url}/v2/whatever`, {});
  assert.equal(path.status, 404);
  const method = await fetch(`${api}/chat/completions`);
  assert.equal(method.status, 405);
  assert.equal((await method.json()).error.code, "method_not_allowed");
});

test("an API key, when set, is required", async () => {
  const s = await startServer({ engine: new ModelEngine(loaded.model, loaded.tokenizer), config: { port: 0, modelId: "tiny", apiKey: "sekret" } });
  try {
    const body = { model: "tiny", prompt: "a", max_tokens: 1 };
    const none = await post(`${s.url}/v1/completions`, body);
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, "invalid_api_key");
    assert.equal((await post(`${s.url}/v1/completions`, body, { authorization: "Bearer wrong" })).status, 401);
    assert.equal((await fetch(`${s.url}/v1/models`)).status, 401);
    assert.equal((await post(`${s.url}/v1/completions`, body, { authorization: "Bearer sekret" })).status, 200);
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  } finally {
    await s.close();
  }
});

test("long prompts keep their end when truncation is on", async () => {
  const s = await startServer({ engine: new ModelEngine(loaded.model, loaded.tokenizer), config: { port: 0, modelId: "tiny", truncatePrompt: true } });
  try {
    const r = await post(`${s.url}/v1/completions`, { model: "tiny", prompt: "word ".repeat(100), max_tokens: 4, temperature: 0 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.usage.prompt_tokens, 60);
    assert.equal(r.json.usage.completion_tokens, 4);
  } finally {
    await s.close();
  }
});
