import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIssue, recordProblems, validateRecords } from "../../lib/data/validate";
import type { InstructionRecord, Message } from "../../lib/data/record";

function rec(id: string, messages: Message[], line?: number): InstructionRecord {
  return { id, source: "s", messages, metadata: {}, provenance: { file: "f.jsonl", format: "chat", container: "jsonl", ...(line ? { line } : {}) } };
}
const u = (content: string): Message => ({ role: "user", content });
const a = (content: string): Message => ({ role: "assistant", content });

test("recordProblems: what makes a record unfit to train on", () => {
  assert.deepEqual(recordProblems(rec("x", [u("q"), a("r")])), []);
  assert.deepEqual(recordProblems(rec("x", [])), ["no messages"]);
  assert.deepEqual(recordProblems(rec("x", [u("q")])), ["no assistant turn (no response to learn from)"]);
  assert.deepEqual(recordProblems(rec("x", [a("r")])), ["no user turn"]);
  assert.deepEqual(recordProblems(rec("x", [u(" "), a("\n")])), ["empty prompt", "empty response"]);
  assert.deepEqual(recordProblems(rec("x", [u("q"), a("r"), u("q2"), a("")])), ["empty response (turn 4)"]);
  assert.deepEqual(recordProblems(rec("x", [u("q"), { role: "system", content: "s" }, a("r")])), [
    "system turn at position 2; only the first turn may be a system prompt",
  ]);
  assert.deepEqual(recordProblems(rec("x", [u("bad \ud800 surrogate"), a("r")])), [
    "turn 1 has an unpaired UTF-16 surrogate (a lone \\ud800-style escape)",
  ]);
  assert.deepEqual(recordProblems(rec("", [u("q"), a("r")])), ["id must be a non-empty string"]);
  assert.deepEqual(recordProblems(rec("x", [{ role: "tool" as never, content: "t" }, u("q"), a("r")])), [
    "turn 1 has role 'tool'; expected system, user or assistant",
  ]);
});

test("validateRecords: duplicates after the first valid one, located by provenance", () => {
  const { valid, invalid } = validateRecords([rec("a", [u("q"), a("r")], 1), rec("b", [u("q")], 2), rec("a", [u("q"), a("r")], 3)]);
  assert.deepEqual(valid.map((r) => r.provenance.line), [1]);
  assert.deepEqual(invalid.map(formatIssue), [
    "f.jsonl:2: no assistant turn (no response to learn from)",
    "f.jsonl:3: duplicate id 'a' (first used at line 1)",
  ]);
});

test("formatIssue: file, line, index", () => {
  assert.equal(formatIssue({ file: "a.json", line: 4, index: 2, what: "bad" }), "a.json:4: [index 2] bad");
  assert.equal(formatIssue({ file: "t.json", index: 2, what: "bad" }), "t.json: [index 2] bad");
  assert.equal(formatIssue({ file: "x.jsonl", line: 9, what: "bad" }), "x.jsonl:9: bad");
});
