// A key given twice in one JSON record ({"instruction": "a", "instruction": "b"}) is an invalid record,
// reported with its file and line, not a silent last-value-wins.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords } from "../../lib/data/load";
import { formatIssue } from "../../lib/data/validate";
import { findDuplicateKey, parseJson } from "../../lib/json-text";

const tmp = mkdtempSync(join(tmpdir(), "nano-dupkeys-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

test("parseJson: a repeated key is a problem at its own line and column, at any depth", () => {
  assert.deepEqual(parseJson('{"instruction": "a", "instruction": "b", "output": "c"}', 4),
    { problem: "duplicate key 'instruction' (column 22): a record may give each field once", line: 4 });
  const nested = '{\n  "messages": [\n    {"role": "user", "content": "hi", "role": "assistant"}\n  ]\n}';
  const r = parseJson(nested, 10);
  assert.ok("problem" in r);
  assert.equal(r.line, 12);
  assert.match(r.problem, /duplicate key 'role'/);
  // The same key in different objects is fine; so are escaped quotes and colons inside strings.
  assert.ok("value" in parseJson('[{"a": 1}, {"a": 2}]'));
  assert.ok("value" in parseJson('{"a": "say \\": \\"x\\": y", "b": {"a": 1}}'));
  assert.equal(findDuplicateKey('{"a": "\\"a\\":", "a": 2}')?.key, "a");
  // Keys compare as JSON strings decode: "\\u0061" is "a".
  assert.equal(findDuplicateKey('{"a": 1, "\\u0061": 2}')?.key, "a");
});

test("loading: duplicate keys make an invalid record with file:line in JSONL and JSON arrays; other records load", async () => {
  const jsonl = file("d.jsonl", [
    '{"instruction": "i1", "input": "", "output": "o1"}',
    '{"instruction": "i2", "instruction": "i2b", "output": "o2"}',
    '{"instruction": "i3", "output": "o3"}',
  ].join("\n") + "\n");
  const res = await loadRecords(jsonl, { mode: "lenient" });
  assert.equal(res.records.length, 2);
  assert.equal(res.invalid.length, 1);
  assert.equal(formatIssue(res.invalid[0]).startsWith(`${jsonl}:2:`), true, formatIssue(res.invalid[0]));
  assert.match(formatIssue(res.invalid[0]), /duplicate key 'instruction'/);

  const arr = file("d.json", '[\n  {\n    "instruction": "a",\n    "output": "b"\n  },\n  {\n    "instruction": "c",\n    "output": "d",\n    "output": "e"\n  }\n]\n');
  const res2 = await loadRecords(arr, { mode: "lenient" });
  assert.equal(res2.records.length, 1);
  assert.match(formatIssue(res2.invalid[0]), new RegExp(`^${arr.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:9: .*duplicate key 'output'`));
});

test("data inspect reports the duplicate as an invalid record (exit 1)", () => {
  const jsonl = file("inspect.jsonl", '{"instruction": "a", "output": "b"}\n{"instruction": "a", "output": "b", "output": "c"}\n');
  const r = spawnSync(process.execPath, ["bin/nanoinstruct.js", "data", "inspect", jsonl], { encoding: "utf8" });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout + r.stderr, /inspect\.jsonl:2: .*duplicate key 'output'/);
});
