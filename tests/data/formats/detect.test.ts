import { test } from "node:test";
import assert from "node:assert/strict";
import { detectLayout, detectSchema } from "../../../lib/data/formats/detect";
import { parseFormatSpec } from "../../../lib/data/formats/index";
import { UnreadableFile } from "../../../lib/data/formats/format";

const enc = (s: string) => new TextEncoder().encode(s);

test("layout: extension first, content decides between JSON array, JSONL and task file", () => {
  assert.deepEqual(detectLayout("a.json", enc('[{"a":1}]')), { container: "json", document: false });
  assert.deepEqual(detectLayout("a.json", enc('{"a":1}\n{"a":2}\n')), { container: "jsonl", document: false });
  assert.deepEqual(detectLayout("a.json", enc('{\n  "Definition": ["x"],\n')), { container: "json", document: true });
  assert.deepEqual(detectLayout("a.json", enc('{"Definition": ["x"], "Instances": []}\n')), { container: "json", document: true });
  assert.deepEqual(detectLayout("a.jsonl", enc('[{"a":1}]')), { container: "json", document: false });
  assert.deepEqual(detectLayout("a.jsonl", enc("not json\n")), { container: "jsonl", document: false });
  assert.deepEqual(detectLayout("a.tsv", enc("a\tb\n")), { container: "csv", document: false, delimiter: "\t" });
  assert.deepEqual(detectLayout("a.csv", enc("a,b\n")), { container: "csv", document: false, delimiter: undefined });
  assert.deepEqual(detectLayout("data", enc("PAR1....")), { container: "parquet", document: false });
  assert.deepEqual(detectLayout("data", enc("instruction,output\n")), { container: "csv", document: false });
  assert.deepEqual(detectLayout("data", enc('\ufeff  {"a":1}')), { container: "jsonl", document: false });
  assert.deepEqual(detectLayout("a.json", enc("a,b\n"), "csv"), { container: "csv", document: false, delimiter: undefined });
  assert.throws(() => detectLayout("a.json", enc("hello")), UnreadableFile);
  assert.throws(() => detectLayout("a.txt", enc("hello")), /cannot tell/);
  assert.throws(() => detectLayout("a.txt", new Uint8Array()), /empty/);
});

test("schema: the best-matching field names win", () => {
  const name = (rows: unknown[]) => detectSchema(rows)?.name;
  assert.equal(name([{ instruction: "i", input: "", output: "o" }]), "alpaca");
  assert.equal(name([{ instruction: "i", output: "o" }]), "alpaca");
  assert.equal(name([{ instruction: "i", context: "", response: "r", category: "c" }]), "dolly");
  assert.equal(name([{ prompt: "p", completion: "c" }]), "prompt-completion");
  assert.equal(name([{ prompt: "p", response: "c" }]), "prompt-completion");
  assert.equal(name([{ messages: [{ role: "user", content: "x" }] }]), "chat");
  assert.equal(name([{ conversations: [{ from: "human", value: "x" }] }]), "sharegpt");
  assert.equal(name([{ inputs: "x", targets: "y", _task_name: "t" }]), "flan");
  assert.equal(name([{ question: "q", answer: "a" }]), undefined);
  assert.equal(name(["strings", 1]), undefined);
});

test("--format accepts a schema, a container, or container:schema", () => {
  assert.deepEqual(parseFormatSpec("alpaca"), { format: "alpaca" });
  assert.deepEqual(parseFormatSpec("csv"), { container: "csv" });
  assert.deepEqual(parseFormatSpec("csv:dolly"), { container: "csv", format: "dolly" });
  assert.deepEqual(parseFormatSpec("dolly:csv"), { container: "csv", format: "dolly" });
  assert.throws(() => parseFormatSpec("yaml"), /unknown format 'yaml'/);
  assert.throws(() => parseFormatSpec("csv:jsonl"), /unknown format/);
});
