// `nanoinstruct mix` driven as a user would: spawning the real binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "mix");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args]);
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The CLI in this process (no spawn): exit code and what it printed to stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import("../../lib/cli/main");
  const saved = { log: console.log, error: console.error };
  let stdout = "", stderr = "";
  console.log = (...parts: unknown[]) => void (stdout += parts.join(" ") + "\n");
  console.error = (...parts: unknown[]) => void (stderr += parts.join(" ") + "\n");
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    Object.assign(console, saved);
  }
}

test("mix writes mixture.jsonl and manifest.json; the same recipe gives the same bytes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mix-cli-"));
  try {
    const out = join(dir, "out");
    const r = await cli(["mix", "--recipe", join(FIXTURES, "recipe.json"), "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote 10 records to .*mixture\.jsonl/);
    assert.match(r.stdout, /removed: 18 held out \(nli, paraphrase\), 1 contaminated, 1 exact and 1 near duplicates/);
    assert.deepEqual(readdirSync(out).sort(), ["manifest.json", "mixture.jsonl"]);
    assert.deepEqual(readdirSync(dir), ["out"], "no temporary directory left behind");
    const jsonl = readFileSync(join(out, "mixture.jsonl"));
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    assert.equal(manifest.sha256, createHash("sha256").update(jsonl).digest("hex"));
    assert.equal(manifest.recipe.strategy.cap, 5);

    // An existing output is refused without --force, replaced with it.
    const again = await inProcess(["mix", "--recipe", join(FIXTURES, "recipe.json"), "--out", out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^nanoinstruct: .*out: already exists \(use --force to replace it\)\n$/);
    const forced = await cli(["mix", "--recipe", join(FIXTURES, "recipe.json"), "--out", out, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(readFileSync(join(out, "mixture.jsonl")), jsonl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mix --sources loads generators registered in code", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mix-cli-"));
  try {
    const recipe = join(dir, "r.json");
    writeFileSync(recipe, JSON.stringify({ strategy: { type: "counts" }, sources: [{ name: "count", generator: "counting", count: 6, options: { n: 4 } }] }));
    const r = await inProcess(["mix", "--recipe", recipe, "--out", join(dir, "o"), "--sources", join(FIXTURES, "sources.ts"), "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.records, 6);
    assert.deepEqual(m.counts.byTemplateType, { zs_noopt: 6 });
    assert.equal(m.sources[0].repeated, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mix: recipe problems are one line naming the file and key; nothing is written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mix-cli-"));
  try {
    const cases: [string, RegExp][] = [
      ['{"sources": [{"name": "a", "file": "x.jsonl", "wieght": 2}]}', /r\.json: sources\[0\]\.wieght is not a known key/],
      ['{"sources": [}', /r\.json:1: /],
      ['{"sources": [{"name": "a", "file": "missing.jsonl"}]}', /missing\.jsonl: cannot read: no such file/],
      ['{"strategy": {"type": "temperature", "temperature": 0}, "sources": [{"name": "a", "file": "x"}]}', /r\.json: strategy\.temperature must be a number > 0, got 0/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(join(dir, "r.json"), text);
      const r = await inProcess(["mix", "--recipe", join(dir, "r.json"), "--out", join(dir, "o")]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.equal(existsSync(join(dir, "o")), false);
    }
    const none = await inProcess(["mix", "--out", join(dir, "o")]);
    assert.match(none.stderr, /--recipe is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
