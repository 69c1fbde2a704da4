// Evaluation resume (issue #10): `nanoinstruct eval` with an LLM judge (a local fake OpenAI endpoint that
// counts every request) is killed with SIGKILL in the middle of judging, while requests are in flight. The
// rerun must not ask the judge again for any judgment that was finished before the kill, must not generate
// again, and must write the same summary as an evaluation that was never interrupted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chatReply, type FakeReply } from "../eval/fake-openai";
import { runCli, runInProcess, spawnCli } from "./helpers";

const ITEMS = 12;
/** Judgments answered before the kill; the next requests are held open until the process dies. */
const ANSWER_BEFORE_KILL = 5;

const keyOf = (body: { messages: unknown }) => createHash("sha256").update(JSON.stringify(body.messages)).digest("hex");
const countLines = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).length : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A judge endpoint that records every request and answers with `respond`, or holds the request open
 * (no reply, no timer) while `respond` returns "hold".
 */
async function countingJudge(respond: (body: any) => FakeReply | "hold") {
  const requests: { body: any }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (d) => (data += d));
    req.on("end", () => {
      const body = JSON.parse(data);
      requests.push({ body });
      const reply = respond(body);
      if (reply === "hold") return void held.push(res);
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise<void>((r) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The fake judge's opinion depends only on the question: (a) for even item numbers, (b) for odd ones. */
function verdict(body: { messages: { content: string }[] }): FakeReply {
  const n = Number(/Item #(\d+)/.exec(body.messages[body.messages.length - 1].content)?.[1] ?? 0);
  return chatReply(n % 2 === 0 ? "a" : "b");
}

test("an evaluation killed mid-judging resumes without repeating finished judgments, with the same summary", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-eval-kill-"));
  const evalSet = join(root, "eval.jsonl");
  writeFileSync(evalSet, Array.from({ length: ITEMS }, (_, i) =>
    JSON.stringify({ id: `e${i}`, instruction: `Item #${i}: name a color.`, input: "", output: "Blue" })).join("\n") + "\n");
  let hold = true;
  const answered = new Set<string>();
  const srv = await countingJudge((body) => {
    if (hold && answered.size >= ANSWER_BEFORE_KILL) return "hold";
    answered.add(keyOf(body));
    return verdict(body);
  });
  const args = (out: string) => ["eval", "--model", resolve("data/models/nano-tiny"), "--baseline", resolve("tests/fixtures/tiny-gpt2"),
    "--eval-set", evalSet, "--judge", "llm", "--judge-url", srv.baseURL, "--judge-model", "fake-judge", "--max-tokens", "4", "--out", out, "--json"];
  const t0 = performance.now();
  try {
    const out = join(root, "killed");
    const cache = join(out, "llm-judgments.cache.jsonl"), generations = join(out, "generations.cache.jsonl");
    const child = spawnCli(args(out));
    // Kill once the answered judgments are on disk and more questions are waiting at the judge.
    while (!(countLines(cache) >= ANSWER_BEFORE_KILL && srv.requests.length > ANSWER_BEFORE_KILL)) {
      const r = await Promise.race([child.done, sleep(20).then(() => null)]);
      assert.equal(r, null, `eval ended before the kill: ${r?.stderr}`);
    }
    child.p.kill("SIGKILL");
    assert.equal((await child.done).signal, "SIGKILL");
    const inFlight = srv.requests.length - ANSWER_BEFORE_KILL;
    const answeredBeforeKill = new Set(answered);
    assert.equal(answeredBeforeKill.size, ANSWER_BEFORE_KILL);
    assert.equal(existsSync(join(out, "summary.json")), false, "a killed evaluation left a summary");
    const generated = countLines(generations);
    assert.equal(generated, 2 * ITEMS, "generation finishes before judging starts");

    hold = false;
    const before = srv.requests.length;
    const resumed = await runCli(args(out));
    assert.equal(resumed.code, 0, resumed.stderr);
    const again = srv.requests.slice(before).map((r) => keyOf(r.body));
    // Not one question answered before the kill was asked again; every other one was asked once.
    assert.equal(again.filter((k) => answeredBeforeKill.has(k)).length, 0, "finished judgments were asked again");
    assert.equal(again.length, ITEMS - ANSWER_BEFORE_KILL);
    assert.equal(new Set(again).size, again.length);
    assert.equal(countLines(generations), generated, "outputs were generated again");

    // The same evaluation, never interrupted (in this process, against the same judge).
    const whole = await runInProcess(args(join(root, "whole")));
    assert.equal(whole.code, 0, whole.stderr);
    const summary = (dir: string) => JSON.parse(readFileSync(join(root, dir, "summary.json"), "utf8"));
    assert.deepEqual(summary("killed"), summary("whole"));
    assert.deepEqual(JSON.parse(resumed.stdout), JSON.parse(whole.stdout));
    console.log(`eval resume: killed with ${ANSWER_BEFORE_KILL} of ${ITEMS} judgments done and ${inFlight} in flight; ` +
      `the rerun asked ${again.length} questions (0 repeated), generated nothing again; summary identical ` +
      `(win rate ${summary("killed").win_rate}); ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await srv.close();
    rmSync(root, { recursive: true, force: true });
  }
});
