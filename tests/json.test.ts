// The one JSONL reader (lib/json.ts) and the files read through it: metrics.jsonl, results.jsonl,
// the generation and judgment caches, and the small shared helpers (isObject, errorLine).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isObject, jsonlLines, parseJsonl, readJsonl } from "../lib/json";
import { errorLine, firstLine, UserError } from "../lib/errors";
import { MetricsLog } from "../lib/train/metrics";
import { readResults } from "../lib/ablate/results";
import { lastEvalLoss } from "../lib/ablate/cell";
import { JudgmentCache } from "../lib/eval/judges/cache";

function inTmp(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "nano-json-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("parseJsonl: line numbers count blank lines; a bad line is an error naming file:line, or skipped when asked", () => {
  const text = '{"a":1}\n\n  \n[2]\n{"b":\n3\n';
  assert.throws(() => parseJsonl(text, "x.jsonl"), (e: unknown) => e instanceof UserError && e.exitCode === 2 && /^x\.jsonl:5: not JSON \(/.test(e.message) && !e.message.includes("\n"));
  assert.throws(() => parseJsonl('{"b":', "x.jsonl", { hint: "fix it" }), /: x\.jsonl:1: not JSON \(.*\); fix it$/);
  const bad: number[] = [];
  assert.deepEqual(parseJsonl(text, "x.jsonl", { onBadLine: (m, line) => { assert.match(m, /^x\.jsonl:5: /); bad.push(line); } }), [
    { line: 1, value: { a: 1 } }, { line: 4, value: [2] }, { line: 6, value: 3 },
  ]);
  assert.deepEqual(bad, [5]);
  // Lazy: a caller that stops at line 1 never meets the bad line 2.
  const it = jsonlLines('{"a":1}\n{oops\n', "y.jsonl");
  assert.deepEqual(it.next().value, { line: 1, value: { a: 1 } });
});

test("readJsonl: [] for a missing file, a FIFO-safe regular-file check", () => {
  inTmp((dir) => {
    assert.deepEqual(readJsonl(join(dir, "none.jsonl")), []);
    assert.throws(() => readJsonl(dir), /is a directory, not a regular file/);
  });
});

test("metrics.jsonl: a torn line is left out by MetricsLog.read and by the ablation cell's last eval loss", () => {
  inTmp((dir) => {
    const file = join(dir, "metrics.jsonl");
    writeFileSync(file, '{"type":"eval","step":1,"eval_loss":2.5}\n{"type":"step","step":2,"loss":1}\n{"type":"eval","step":3,"eval_loss":1.25}\n{"type":"ev');
    assert.deepEqual(new MetricsLog(file).read().map((l) => l.step), [1, 2, 3]);
    // This reader used to JSON.parse every line itself and threw an unlocated SyntaxError on a torn line.
    assert.equal(lastEvalLoss(file), 1.25);
    assert.equal(lastEvalLoss(join(dir, "none.jsonl")), null);
  });
});

test("results.jsonl: a bad line is named by its line in the file, blank lines counted", () => {
  inTmp((dir) => {
    // readResults used to drop blank lines before numbering, so this error said line 2.
    writeFileSync(join(dir, "results.jsonl"), '{"a":1}\n\n{"a":\n');
    assert.throws(() => readResults(dir), (e: unknown) => e instanceof UserError && e.message.startsWith(`${join(dir, "results.jsonl")}:3: not JSON (`));
    writeFileSync(join(dir, "results.jsonl"), '{"a":1}\n\n{"a":2}\n');
    assert.deepEqual(readResults(dir).objects(), [{ a: 1 }, { a: 2 }]);
  });
});

test("judgment cache: torn lines and lines that are not entries are skipped and counted", () => {
  inTmp((dir) => {
    const file = join(dir, "judgments.jsonl");
    writeFileSync(file, '{"model":"m","prompt_hash":"h","value":1,"time":"t"}\n5\nnull\n{"model":"m"}\n{"model":"m","prompt_hash":"g","val');
    const cache = new JudgmentCache<number>(file);
    assert.equal(cache.size, 1);
    assert.equal(cache.get("m", "h"), 1);
    assert.equal(cache.skippedLines, 4);
  });
});

test("isObject, firstLine, errorLine", () => {
  assert.equal(isObject({}), true);
  assert.equal(isObject([]), false);
  assert.equal(isObject(null), false);
  assert.equal(isObject("x"), false);
  assert.equal(firstLine("a\nb"), "a");
  assert.equal(errorLine(new Error("one\ntwo")), "one");
  assert.equal(errorLine("plain\nthrown"), "plain");
  assert.equal(errorLine(undefined), "undefined");
});
