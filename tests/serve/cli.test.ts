// `nanoinstruct serve` as a user runs it: a real process, real HTTP, and SIGINT/SIGTERM to stop it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";

function startCli(args: string[], env: Record<string, string> = {}): { p: ChildProcess; url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }> } {
  const p = spawn(process.execPath, ["bin/nanoinstruct.js", "serve", ...args], { env: { ...process.env, ...env } });
  let stderr = "";
  let resolveUrl!: (u: string) => void;
  const url = new Promise<string>((r) => (resolveUrl = r));
  p.stderr!.on("data", (d) => {
    stderr += d;
    const m = /at (http:\/\/\S+\/v1)/.exec(stderr);
    if (m) resolveUrl(m[1]);
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((r) => p.on("close", (code) => {
    resolveUrl("");
    r({ code, stderr });
  }));
  return { p, url, exit };
}

test("serve answers over HTTP and shuts down cleanly on SIGTERM", async () => {
  const { p, url, exit } = startCli(["--model", "tests/fixtures/tiny-gpt2", "--port", "0", "--name", "tiny", "--api-key", "k1", "--max-tokens", "4"]);
  const api = await url;
  assert.match(api, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const headers = { "content-type": "application/json", authorization: "Bearer k1" };
  const models = await (await fetch(`${api}/models`, { headers })).json();
  assert.equal(models.data[0].id, "tiny");
  const r = await fetch(`${api}/chat/completions`, { method: "POST", headers, body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: 50, temperature: 0 }) });
  assert.equal(r.status, 200);
  assert.ok((await r.json()).usage.completion_tokens <= 4);
  assert.equal((await fetch(`${api}/models`)).status, 401);
  p.kill("SIGTERM");
  const { code, stderr } = await exit;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /SIGTERM: finishing the running request/);
  assert.match(stderr, /POST \/v1\/chat\/completions 200/);
});

test("serve exits on SIGINT, and rejects bad flags in one line", async () => {
  const { p, url, exit } = startCli(["--model", "tests/fixtures/tiny-gpt2", "--port", "0"]);
  const bad = startCli(["--model", "tests/fixtures/tiny-gpt2", "--port", "http"]);
  assert.ok(await url);
  p.kill("SIGINT");
  assert.equal((await exit).code, 0);
  const r = await bad.exit;
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), "nanoinstruct: --port must be an integer, got 'http'");
});
