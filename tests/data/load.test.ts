import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords, openRecords, validateLoadOptions } from "../../lib/data/load";
import { UserError } from "../../lib/errors";
import { formatIssue } from "../../lib/data/validate";

const FIX = "tests/fixtures/data";
const tmp = mkdtempSync(join(tmpdir(), "nanoinstruct-load-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

/** Asserts `fn` rejects with a UserError of `exitCode` whose message matches `message`. */
async function rejectsUser(fn: () => Promise<unknown>, exitCode: number, message: RegExp): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${e}`);
    assert.equal(e.exitCode, exitCode);
    assert.match(e.message, message);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

test("lenient: every bad JSONL record reported at its line, the good ones kept", async () => {
  const r = await loadRecords(`${FIX}/chat-broken.jsonl`);
  assert.deepEqual(r.counts, { read: 9, valid: 2, invalid: 7 });
  assert.deepEqual(r.records.map((x) => x.id), ["ok1", "ok2"]);
  assert.deepEqual(
    r.invalid.map((i) => [i.line, i.what.replace(/\(.*$/, "").trim()]),
    [
      [2, "no assistant turn"],
      [3, "not valid JSON: unexpected end of input"],
      [5, "messages[0].role 'tool' is not one of system, user, assistant"],
      [6, "duplicate id 'ok1'"],
      [7, "not valid UTF-8"],
      [8, "empty response"],
      [9, "field 'messages' must be an array, got string"],
    ],
  );
  assert.equal(formatIssue(r.invalid[3]), `${FIX}/chat-broken.jsonl:6: duplicate id 'ok1' (first used at line 1)`);
  assert.equal(r.records[1].provenance.line, 10);
});

test("lenient: JSON array problems carry index and line", async () => {
  const r = await loadRecords(`${FIX}/alpaca-broken.json`);
  assert.deepEqual(r.counts, { read: 8, valid: 2, invalid: 6 });
  assert.deepEqual(
    r.invalid.map((i) => [i.index, i.line]),
    [
      [1, 3],
      [2, 4],
      [3, 5],
      [4, 6],
      [5, 7],
      [6, 8],
    ],
  );
  assert.equal(formatIssue(r.invalid[0]), `${FIX}/alpaca-broken.json:3: [index 1] missing field 'output'`);
  assert.equal(r.records[1].provenance.index, 7);
});

test("strict: the first bad record throws a one-line UserError with exit code 1", async () => {
  await rejectsUser(() => loadRecords(`${FIX}/chat-broken.jsonl`, { mode: "strict" }), 1, /chat-broken\.jsonl:2: no assistant turn/);
  await rejectsUser(() => loadRecords(`${FIX}/dolly-broken.csv`, { mode: "strict" }), 1, /dolly-broken\.csv:3: row has 3 fields/);
  const ok = await loadRecords(`${FIX}/dolly.jsonl`, { mode: "strict" });
  assert.equal(ok.counts.valid, 3);
});

test("csv: located problems, multi-line record lines", async () => {
  const r = await loadRecords(`${FIX}/dolly-broken.csv`);
  assert.equal(r.format, "dolly");
  assert.deepEqual(r.invalid.map((i) => i.line), [3, 4, 7]);
  assert.deepEqual(r.records.map((x) => x.provenance.line), [2, 5]);
});

test("unreadable files: exit code 2 and the place", async () => {
  await rejectsUser(() => loadRecords(join(tmp, "missing.jsonl")), 2, /missing\.jsonl: cannot read: no such file/);
  await rejectsUser(() => loadRecords(tmp), 2, /is a directory|cannot read/);
  await rejectsUser(() => loadRecords(`${FIX}/empty.jsonl`), 2, /empty file/);
  await rejectsUser(() => loadRecords(`${FIX}/not-json.json`), 2, /not-json\.json:1: expected JSON/);
  await rejectsUser(() => loadRecords(`${FIX}/garbage.jsonl`), 2, /garbage\.jsonl:1: not valid JSON/);
  await rejectsUser(() => loadRecords(`${FIX}/unknown-fields.jsonl`), 2, /cannot tell the format: the first records have fields question, answer/);
  await rejectsUser(() => loadRecords(file("x.json", '{\n  "not": "a task"\n}\n')), 2, /not a task file/);
  await rejectsUser(() => loadRecords(file("bad-doc.json", '{\n  "Definition": ["d"],\n  "Instances": [,]\n}')), 2, /bad-doc\.json:3: not valid JSON/);
  await rejectsUser(() => loadRecords(file("utf16.jsonl", new Uint8Array([0xff, 0xfe, 0x7b, 0]))), 2, /UTF-16/);
  await rejectsUser(() => loadRecords(file("bad.csv", "a,a\n1,2\n")), 2, /bad\.csv:1: CSV header names column 'a' twice/);
});

test("a line longer than maxRecordBytes is an invalid record, not a crash", async () => {
  const row = (s: string) => JSON.stringify({ prompt: "p", completion: s }) + "\n";
  const p = file("long.jsonl", row("short") + row("x".repeat(5000)) + row("fine"));
  const r = await loadRecords(p, { maxRecordBytes: 1000 });
  assert.deepEqual(r.counts, { read: 3, valid: 2, invalid: 1 });
  assert.equal(r.invalid[0].line, 2);
  assert.match(r.invalid[0].what, /longer than the limit of 1000/);
});

test("overrides: --format schema, container, container:schema, and column renames", async () => {
  const p = file("qa.jsonl", JSON.stringify({ question: "Why?", answer: "Because." }) + "\n");
  const r = await loadRecords(p, { format: "alpaca", columns: { question: "instruction", answer: "output" } });
  assert.deepEqual(r.records[0].fields, { instruction: "Why?", input: "", output: "Because." });
  // A .txt file holding CSV, read as CSV Dolly rows.
  const t = file("dolly.txt", "instruction,response\nQ,A\n");
  const d = await loadRecords(t, { container: "csv", format: "dolly" });
  assert.equal(d.container, "csv");
  assert.equal(d.records[0].fields?.output, "A");
  // An explicit format the rows do not match makes every row invalid, each reported.
  const wrong = await loadRecords(`${FIX}/dolly.jsonl`, { format: "flan" });
  assert.equal(wrong.counts.invalid, 3);
  assert.match(wrong.invalid[0].what, /missing field 'inputs'/);
});

test("source: file name by default, a row's own source next, the option over both", async () => {
  const p = file("mixed.jsonl", [JSON.stringify({ prompt: "a", completion: "b" }), JSON.stringify({ prompt: "c", completion: "d", source: "other" })].join("\n"));
  assert.deepEqual((await loadRecords(p)).records.map((r) => r.source), ["mixed", "other"]);
  assert.deepEqual((await loadRecords(p, { source: "mine" })).records.map((r) => r.source), ["mine", "mine"]);
});

test("openRecords streams records and issues in file order", async () => {
  const opened = await openRecords(`${FIX}/chat-broken.jsonl`);
  assert.equal(opened.format, "chat");
  const kinds: string[] = [];
  for await (const e of opened.events) kinds.push("record" in e ? "R" : "I");
  assert.equal(kinds.join(""), "RIIIIIIIR");
});

test("validateLoadOptions rejects nonsense with a UserError", () => {
  assert.throws(() => validateLoadOptions({ maxRecordBytes: 0 }), UserError);
  assert.throws(() => validateLoadOptions({ mode: "loose" as never }), /mode must be/);
  assert.throws(() => validateLoadOptions({ format: "natural-instructions", container: "csv" }), /JSON documents/);
  assert.equal(validateLoadOptions().mode, "lenient");
});
