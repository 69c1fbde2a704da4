// Queueing, slow clients and shutdown, with a fake engine whose speed the test controls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { startServer } from "../../lib/serve/server";
import { GenerationQueue } from "../../lib/serve/queue";
import { FakeEngine, post, sseEvents } from "./helpers";

const body = (c: string, extra: Record<string, unknown> = {}) => ({ model: "m", prompt: c, max_tokens: 50, ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("queue unit: FIFO, bounded, abort while waiting, close", async () => {
  const q = new GenerationQueue(2);
  const order: number[] = [];
  const job = (i: number, ms: number) => () => new Promise<number>((r) => setTimeout(() => { order.push(i); r(i); }, ms));
  const a = q.run(job(1, 30));
  const b = q.run(job(2, 1));
  const ctl = new AbortController();
  const c = q.run(job(3, 1), ctl.signal);
  await assert.rejects(q.run(job(4, 1)), (e: { status: number; code: string }) => e.status === 503 && e.code === "queue_full");
  ctl.abort();
  await assert.rejects(c, (e: { status: number }) => e.status === 499);
  const d = q.run(job(5, 1));
  assert.deepEqual(await Promise.all([a, b, d]), [1, 2, 5]);
  assert.deepEqual(order, [1, 2, 5]);
  assert.equal(q.busy, false);
  const e = q.run(job(6, 20));
  const f = q.run(job(7, 1));
  q.close();
  await assert.rejects(f, (err: { status: number }) => err.status === 503);
  assert.equal(await e, 6);
  await assert.rejects(q.run(job(8, 1)), (err: { code: string }) => err.code === "shutting_down");
});

test("one generation at a time, FIFO, 503 when the line is full, others still answered", async () => {
  // Generations long enough (~0.4 s each) that "did not wait for them" holds on a loaded machine.
  const engine = new FakeEngine(40, 10);
  const s = await startServer({ engine, config: { port: 0, modelId: "m", maxQueue: 2 } });
  try {
    const url = `${s.url}/v1/completions`;
    const first = post(url, body("A"));
    await sleep(15);
    const second = post(url, body("B"));
    await sleep(15);
    const third = post(url, body("C"));
    await sleep(15);
    const t0 = performance.now();
    const full = await post(url, body("D"));
    const models = await fetch(`${s.url}/v1/models`);
    assert.ok(performance.now() - t0 < 300, "refusals and listings do not wait for the generation");
    assert.equal(full.status, 503);
    assert.equal(full.json.error.code, "queue_full");
    assert.equal(full.headers.get("retry-after"), "1");
    assert.equal(models.status, 200);
    const health = await (await fetch(`${s.url}/health`)).json();
    assert.deepEqual(health, { status: "ok", busy: true, waiting: 2 });
    const results = await Promise.all([first, second, third]);
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    assert.deepEqual(engine.ran, ["A", "B", "C"].map((c) => c.charCodeAt(0)));
  } finally {
    await s.close();
  }
});

test("a client that leaves while waiting gives up its place", async () => {
  const engine = new FakeEngine(40, 3);
  const s = await startServer({ engine, config: { port: 0, modelId: "m", maxQueue: 1 } });
  try {
    const url = `${s.url}/v1/completions`;
    const first = post(url, body("A"));
    await sleep(15);
    const ctl = new AbortController();
    const leaving = fetch(url, { method: "POST", body: JSON.stringify(body("B")), signal: ctl.signal }).catch((e) => e);
    await sleep(15);
    ctl.abort();
    await leaving;
    await sleep(10);
    const third = await post(url, body("C")); // the line has room again
    assert.equal(third.status, 200);
    assert.equal((await first).status, 200);
    assert.deepEqual(engine.ran, ["A", "C"].map((c) => c.charCodeAt(0)));
  } finally {
    await s.close();
  }
});

test("a streaming client that stops reading is dropped and does not block the next request", async () => {
  // 64 KB per token: socket buffers fill after a few hundred KB, then writes stall.
  const engine = new FakeEngine(0, 2, "z", { S: { tokens: 400, piece: "y".repeat(65536) } });
  const log: string[] = [];
  const s = await startServer({ engine, config: { port: 0, modelId: "m", writeTimeoutMs: 300 }, log: (l) => log.push(l) });
  try {
    const payload = JSON.stringify(body("S", { stream: true, max_tokens: 400 }));
    const stalled = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = request(`${s.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" } }, resolve);
      req.on("error", reject);
      req.end(payload);
    });
    stalled.pause(); // never read
    stalled.on("error", () => {});
    const t0 = performance.now();
    const next = await post(`${s.url}/v1/completions`, body("N"));
    assert.equal(next.status, 200);
    assert.ok(performance.now() - t0 < 3000, `waited ${performance.now() - t0} ms`);
    assert.deepEqual(engine.ran, ["S", "N"].map((c) => c.charCodeAt(0)));
    assert.match(log[0], /^POST \/v1\/completions 499 /, "the stalled stream was cut off");
    stalled.destroy();
  } finally {
    await s.close();
  }
});

test("a client that sends its body too slowly times out without blocking others", async () => {
  const engine = new FakeEngine(1, 2);
  const s = await startServer({ engine, config: { port: 0, modelId: "m", requestTimeoutMs: 400 } });
  try {
    const sock = connect(s.port, "127.0.0.1");
    let reply = "";
    sock.on("data", (d) => (reply += d));
    const closed = new Promise((r) => sock.on("close", r));
    sock.write("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
    const ok = await post(`${s.url}/v1/completions`, body("F"));
    assert.equal(ok.status, 200);
    await closed;
    assert.match(reply, /^HTTP\/1\.1 408/);
  } finally {
    await s.close();
  }
});

test("shutdown: the running request finishes, waiting ones get 503, new connections are refused", async () => {
  const engine = new FakeEngine(50, 4);
  const s = await startServer({ engine, config: { port: 0, modelId: "m", shutdownGraceMs: 5000 } });
  const url = `${s.url}/v1/completions`;
  const running = post(url, body("R", { stream: true }));
  await sleep(20);
  const waiting = post(url, body("W"));
  await sleep(20);
  const closing = s.close();
  const [r, w] = await Promise.all([running, waiting]);
  await closing;
  assert.equal(r.status, 200);
  assert.equal(sseEvents(r.text).at(-1), "[DONE]");
  assert.equal(w.status, 503);
  assert.equal(w.json.error.code, "shutting_down");
  await assert.rejects(fetch(url, { method: "POST", body: "{}" }));
  assert.deepEqual(engine.ran, ["R".charCodeAt(0)]);
});

test("shutdown cuts off a generation that outlasts the grace period", async () => {
  const engine = new FakeEngine(30, 1000);
  const s = await startServer({ engine, config: { port: 0, modelId: "m", shutdownGraceMs: 100 } });
  const running = post(`${s.url}/v1/completions`, body("R", { max_tokens: 1000 })).catch((e) => e);
  await sleep(30);
  const t0 = performance.now();
  await s.close();
  assert.ok(performance.now() - t0 < 1000);
  await running;
});
