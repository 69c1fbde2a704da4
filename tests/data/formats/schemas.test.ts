import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords } from "../../../lib/data/load";
import { writeRecords } from "../../../lib/data/formats/index";
import type { ContainerName, FormatName, InstructionRecord } from "../../../lib/data/record";
import { TASK_FILE_KEY } from "../../../lib/data/formats/natural-instructions";

const FIX = "tests/fixtures/data";
const EXT: Record<ContainerName, string> = { jsonl: ".jsonl", json: ".json", csv: ".csv", parquet: ".parquet" };

function withoutProvenance(records: InstructionRecord[]): Omit<InstructionRecord, "provenance">[] {
  return records.map(({ provenance: _p, ...rest }) => rest);
}

const tmp = mkdtempSync(join(tmpdir(), "nanoinstruct-schemas-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("alpaca: fields kept apart for the template, input '' when absent, extras in metadata", async () => {
  const r = await loadRecords(`${FIX}/alpaca.json`);
  assert.equal(r.format, "alpaca");
  assert.equal(r.container, "json");
  assert.deepEqual(r.counts, { read: 3, valid: 3, invalid: 0 });
  const [a, b, c] = r.records;
  assert.deepEqual(a.fields, { instruction: "Give three tips for staying healthy.", input: "", output: "1. Eat well.\n2. Exercise.\n3. Sleep." });
  assert.deepEqual(a.messages, [
    { role: "user", content: "Give three tips for staying healthy." },
    { role: "assistant", content: "1. Eat well.\n2. Exercise.\n3. Sleep." },
  ]);
  assert.equal(b.messages[0].content, "Translate to French.\n\nGood morning");
  assert.equal(a.id, "alpaca-0");
  assert.equal(a.source, "alpaca");
  assert.deepEqual(c.metadata, { text: "kept as metadata" });
  assert.deepEqual(b.provenance, { file: `${FIX}/alpaca.json`, line: 7, index: 1, format: "alpaca", container: "json" });
});

test("dolly: context is the input, category the task", async () => {
  const r = await loadRecords(`${FIX}/dolly.jsonl`);
  assert.equal(r.format, "dolly");
  assert.equal(r.records[0].task, "closed_qa");
  assert.equal(r.records[0].fields?.input, "Virgin Australia commenced services on 31 August 2000.");
  assert.equal(r.records[1].fields?.input, "");
  assert.deepEqual(r.records[2].provenance, { file: `${FIX}/dolly.jsonl`, line: 3, format: "dolly", container: "jsonl" });
});

test("prompt-completion: one user and one assistant turn, own id kept", async () => {
  const r = await loadRecords(`${FIX}/prompt-completion.jsonl`);
  assert.equal(r.format, "prompt-completion");
  assert.deepEqual(r.records[1].messages, [
    { role: "user", content: "Capital of France?" },
    { role: "assistant", content: "Paris" },
  ]);
  assert.equal(r.records[1].id, "cap-1");
  assert.equal(r.records[0].fields, undefined);
});

test("chat: system message or system field, multi-turn, task and cluster", async () => {
  const r = await loadRecords(`${FIX}/chat.jsonl`);
  assert.equal(r.format, "chat");
  assert.equal(r.records[0].messages[0].role, "system");
  assert.deepEqual(r.records[1].messages.map((m) => m.role), ["system", "user", "assistant", "user", "assistant"]);
  assert.equal(r.records[1].messages[0].content, "You are a pirate.");
  assert.equal(r.records[2].task, "colours");
  assert.equal(r.records[2].cluster, "trivia");
});

test("sharegpt: human/gpt/system speakers", async () => {
  const r = await loadRecords(`${FIX}/sharegpt.json`);
  assert.equal(r.format, "sharegpt");
  assert.deepEqual(r.records[1].messages.map((m) => m.role), ["system", "user", "assistant", "user", "assistant"]);
  assert.equal(r.records[0].id, "s1");
});

test("flan: task and cluster from any of the collection's spellings, template fields in metadata", async () => {
  const r = await loadRecords(`${FIX}/flan.jsonl`);
  assert.equal(r.format, "flan");
  assert.deepEqual(r.records.map((x) => [x.task, x.cluster]), [
    ["anli_r1", "NIv2"],
    ["wmt16_translate", "translation"],
    ["trivia_qa", "T0"],
  ]);
  assert.deepEqual(r.records[0].metadata, { _template_type: "zs_opt", _template_idx: 3 });
  assert.deepEqual(r.records[1].metadata, { template: "Translate to {lang}: {text}" });
});

test("natural-instructions: definition as instruction, all outputs as references, task file shared", async () => {
  const r = await loadRecords(`${FIX}/task999_example_question_generation.json`);
  assert.equal(r.format, "natural-instructions");
  assert.deepEqual(r.counts, { read: 4, valid: 2, invalid: 2 });
  const [a] = r.records;
  assert.equal(a.id, "task999-a1");
  assert.equal(a.task, "task999_example_question_generation");
  assert.equal(a.cluster, "Question Generation");
  assert.equal(a.source, "natural-instructions");
  assert.deepEqual(a.references, ["What is the capital of France?", "Which city is France's capital?"]);
  assert.equal(a.fields?.instruction, "In this task, you're given a passage. Write a question about it.");
  assert.equal(a.fields?.output, "What is the capital of France?");
  const taskFile = a.metadata[TASK_FILE_KEY] as Record<string, unknown>;
  assert.equal((taskFile["Positive Examples"] as unknown[]).length, 1);
  assert.ok(!("Instances" in taskFile));
  assert.equal(r.records[1].metadata[TASK_FILE_KEY], taskFile, "one shared object, not a copy per instance");
  assert.deepEqual(r.invalid.map((i) => [i.index, i.what]), [
    [2, "empty response"],
    [3, "Instances[3]: field 'input' must be a string, got number"],
  ]);
});

test("csv: alpaca columns with quoted, multi-line fields; chat messages as JSON cells", async () => {
  const r = await loadRecords(`${FIX}/alpaca.csv`);
  assert.equal(r.format, "alpaca");
  assert.equal(r.container, "csv");
  assert.deepEqual(r.records[1].fields, { instruction: "Write a two-line poem", input: 'about "rain"', output: "Rain falls down,\r\nthe ground drinks deep." });
  assert.equal(r.records[2].provenance.line, 5);
  const c = await loadRecords(`${FIX}/chat.csv`);
  assert.equal(c.format, "chat");
  assert.deepEqual(c.records[0].messages[0], { role: "user", content: "Hi, there" });
  assert.equal(c.records[0].id, "k1");
});

const ROUND_TRIPS: [string, FormatName, ContainerName][] = [
  ["alpaca.json", "alpaca", "json"],
  ["alpaca.json", "alpaca", "jsonl"],
  ["alpaca.json", "alpaca", "csv"],
  ["alpaca.csv", "alpaca", "csv"],
  ["dolly.jsonl", "dolly", "jsonl"],
  ["dolly.jsonl", "dolly", "csv"],
  ["prompt-completion.jsonl", "prompt-completion", "jsonl"],
  ["chat.jsonl", "chat", "jsonl"],
  ["chat.jsonl", "chat", "json"],
  ["chat.jsonl", "chat", "csv"],
  ["chat.jsonl", "sharegpt", "jsonl"],
  ["sharegpt.json", "sharegpt", "json"],
  ["flan.jsonl", "flan", "jsonl"],
  ["task999_example_question_generation.json", "natural-instructions", "json"],
  // Converting between schemas that hold the same information also reads back identical records.
  ["dolly.jsonl", "alpaca", "json"],
];

for (const [fixture, format, container] of ROUND_TRIPS) {
  test(`round trip: ${fixture} -> ${format} as ${container} -> read back identical`, async () => {
    const first = await loadRecords(`${FIX}/${fixture}`);
    // A task file's name is its task's name, so that one keeps its name (in a directory of its own).
    const name = format === "natural-instructions" ? join("sni", fixture) : `${fixture}.${format}${EXT[container]}`;
    mkdirSync(join(tmp, "sni"), { recursive: true });
    const out = join(tmp, name);
    writeFileSync(out, writeRecords(first.records, { format, container: container as "jsonl" | "json" | "csv" }));
    const second = await loadRecords(out, { format, container });
    assert.deepEqual(second.invalid, []);
    // Dolly's category is its task; written as Alpaca, the task travels in a `task` field of its own.
    assert.deepEqual(withoutProvenance(second.records), withoutProvenance(first.records));
    // And detection finds the same layout and schema without being told.
    const detected = await loadRecords(out);
    assert.equal(detected.format, format);
    assert.equal(detected.container, container);
  });
}

test("writers refuse records their format cannot hold, naming the record", () => {
  const chat = { id: "x", source: "s", messages: [{ role: "user" as const, content: "a" }, { role: "assistant" as const, content: "b" }, { role: "user" as const, content: "c" }, { role: "assistant" as const, content: "d" }], metadata: {}, provenance: { file: "f", format: "chat" as const, container: "jsonl" as const } };
  assert.throws(() => writeRecords([chat], { format: "alpaca" }), /record 'x' has 4 turns; alpaca holds one prompt and one response/);
  const sys = { ...chat, messages: [{ role: "system" as const, content: "s" }, ...chat.messages.slice(0, 2)] };
  assert.throws(() => writeRecords([sys], { format: "flan" }), /system turn/);
  assert.throws(() => writeRecords([sys], { format: "natural-instructions", container: "jsonl" }), /JSON documents/);
});

test("write options: ids and metadata can be left out", async () => {
  const r = await loadRecords(`${FIX}/alpaca.json`);
  const text = writeRecords(r.records, { format: "alpaca", container: "jsonl", ids: false, metadata: false });
  assert.deepEqual(JSON.parse(text.split("\n")[2]), { instruction: "Classify the sentiment.", input: "I love this café ☕", output: "positive" });
});
