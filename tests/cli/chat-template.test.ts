// A real model's chat template from the command line: a tokenizer_config.json path trains (multi-turn,
// Qwen3's template, which is not prefix-stable), evaluates and serves; the tuned model carries the template,
// and `serve` uses a model's own chat template when it has one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTemplate, tokenizePrompt } from "../../lib/data/templates/index";
import { loadTokenizer } from "../../lib/tokenizer/index";

const QWEN3 = "tests/fixtures/chat-templates/qwen3/tokenizer_config.json";

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args], { env: { ...process.env, NANOINSTRUCT_WORKERS: "1" } });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `serve`, sends one chat request, stops it; resolves to the response body and the server's stderr. */
function chatOnce(args: string[], messages: unknown[]): Promise<{ body: { usage: { prompt_tokens: number } }; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", "serve", "--port", "0", "--name", "m", ...args], { env: process.env });
    let stderr = "", asked = false;
    p.stderr.on("data", async (d) => {
      stderr += d;
      const m = /at (http:\/\/\S+\/v1)/.exec(stderr);
      if (!m || asked) return;
      asked = true;
      try {
        const r = await fetch(`${m[1]}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages, max_tokens: 2, temperature: 0 }) });
        const body = await r.json();
        p.kill("SIGTERM");
        p.on("close", () => resolve({ body, stderr }));
      } catch (err) {
        p.kill("SIGKILL");
        reject(err);
      }
    });
    p.on("close", (code) => { if (!asked) reject(new Error(`serve exited ${code}: ${stderr}`)); });
  });
}

test("a tokenizer_config.json chat template trains multi-turn, evaluates and serves from the CLI", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-cli-tpl-"));
  try {
    const config = join(root, "cfg.json");
    writeFileSync(config, JSON.stringify({
      model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/chat.jsonl", template: QWEN3, mask: "assistant",
      maxSteps: 2, batchSize: 2, evalFraction: 0, maxLength: 64, outDir: join(root, "run"),
    }));
    const trained = await cli(["train", "--config", config, "--quiet"]);
    assert.equal(trained.code, 0, trained.stderr);
    const modelDir = join(root, "run", "model");
    // The tuned model carries the template itself (not the path), and writes it where transformers looks.
    const saved = JSON.parse(readFileSync(join(modelDir, "config.json"), "utf8")).nanoinstruct.template;
    const qwen = JSON.parse(readFileSync(QWEN3, "utf8"));
    assert.equal(saved.jinja, qwen.chat_template);
    assert.equal(saved.eosToken, "<|im_end|>");
    assert.equal(JSON.parse(readFileSync(join(modelDir, "tokenizer_config.json"), "utf8")).chat_template, qwen.chat_template);

    const ev = await cli(["eval", "--model", modelDir, "--baseline", "tests/fixtures/tiny-gpt2", "--eval-set", "tests/fixtures/data/chat.jsonl",
      "--judge", "reference", "--out", join(root, "eval"), "--max-tokens", "2"]);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stderr, /template tests\/fixtures\/chat-templates\/qwen3\/tokenizer_config\.json/);
    // --template takes the path too.
    const ev2 = await cli(["eval", "--model", "tests/fixtures/tiny-gpt2", "--baseline", "tests/fixtures/tiny-gpt2", "--eval-set", "tests/fixtures/data/chat.jsonl",
      "--judge", "reference", "--out", join(root, "eval2"), "--max-tokens", "2", "--template", "tests/fixtures/chat-templates/qwen3"]);
    assert.equal(ev2.code, 0, ev2.stderr);

    // A model directory with its own chat_template (and nothing in config.json): serve prompts with it.
    const own = join(root, "own");
    cpSync("tests/fixtures/tiny-gpt2", own, { recursive: true });
    const tc = JSON.parse(readFileSync(join(own, "tokenizer_config.json"), "utf8"));
    writeFileSync(join(own, "tokenizer_config.json"), JSON.stringify({ ...tc, chat_template: qwen.chat_template }));
    const messages = [{ role: "user", content: "Hi" }];
    const tok = loadTokenizer("tests/fixtures/tiny-gpt2");
    const expected = tokenizePrompt(getTemplate(QWEN3), messages as never, tok).length;
    const served = await chatOnce(["--model", own], messages);
    assert.equal(served.body.usage?.prompt_tokens, expected, JSON.stringify(served.body) + served.stderr);
    assert.match(served.stderr, /template .*own\/tokenizer_config\.json/);
    // The base fixture has no template: the plain User:/Assistant: prompt, a different length.
    const plain = await chatOnce(["--model", "tests/fixtures/tiny-gpt2"], messages);
    assert.ok(plain.body.usage.prompt_tokens > 0);
    assert.notEqual(plain.body.usage.prompt_tokens, expected);
    assert.match(plain.stderr, /template User:\/Assistant:/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a config's template that names no chat template fails in one line", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-cli-tpl-bad-"));
  try {
    for (const [template, pattern] of [
      ["tests/fixtures/tiny-gpt2", /'template': template tests\/fixtures\/tiny-gpt2: the directory has no chat template/],
      ["chatlm", /unknown template 'chatlm' \(did you mean 'chatml'\?\)/],
    ] as const) {
      const config = join(root, "cfg.json");
      writeFileSync(config, JSON.stringify({ model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/chat.jsonl", template, maxSteps: 1, outDir: join(root, "run") }));
      const r = await cli(["train", "--config", config, "--quiet"]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
