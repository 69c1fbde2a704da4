// The filters on an existing data set (the Alpaca "quality filtering" ablation): a real file read by the data
// loader, every rule hit once, the kept records untouched, and the result equal to the generation's screening.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords } from "../../lib/data/load";
import { messagesFromFields, type InstructionRecord } from "../../lib/data/record";
import { filterRecords, recordInstruction } from "../../lib/selfinstruct/filter-records";

const rows = [
  { instruction: "Name the capital of the given country.", input: "Kipaun", output: "Griasto" }, // kept
  { instruction: "Name the capital.", input: "Kipaun", output: "Griasto" }, // too-short
  { instruction: "Describe the picture of the city.", input: "", output: "A city." }, // blacklist
  { instruction: "Write a program that sorts a list.", input: "", output: "sorted()" }, // banned-prefix
  { instruction: "\"Quote\" this sentence back to me.", input: "hi", output: "\"hi\"" }, // leading-punctuation
  { instruction: "Ñame the animal that says moo, please.", input: "", output: "cow" }, // non-ascii-start
  { instruction: "Name the capital of the country given.", input: "Thiovia", output: "Feze" }, // rouge vs row 0
  { instruction: "List three cities of the given country.", input: "Thiovia", output: "Feze, Haipleiston, Breivein" }, // kept
  { instruction: `Summarize ${"this very long text ".repeat(40)}`, input: "", output: "ok" }, // too-long
];

test("an Alpaca file: every rule drops its record, the rest are kept in order and unchanged", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ni-si-filter-"));
  try {
    const file = join(dir, "data.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const { records } = await loadRecords(file);
    const r = filterRecords(records);
    assert.deepEqual(r.kept, [records[0], records[7]]);
    assert.deepEqual(r.dropped.map((d) => [d.record.provenance.line, d.rule]), [
      [2, "too-short"], [3, "blacklist"], [4, "banned-prefix"], [5, "leading-punctuation"], [6, "non-ascii-start"], [7, "rouge"], [9, "too-long"],
    ]);
    const rouge = r.dropped.find((d) => d.rule === "rouge")!;
    assert.equal(rouge.nearest[0].id, records[0].id, "names the kept record it duplicates");
    assert.ok(rouge.nearest[0].score > 0.7);
    assert.equal(r.byRule.rouge, 1);
    assert.equal(r.byRule.malformed, 0);
    assert.equal(Object.values(r.byRule).reduce((a, b) => a + b, 0), r.dropped.length);

    // Switching rules off: only what is left on drops anything.
    const loose = filterRecords(records, { filters: { blacklist: [], bannedPrefixes: [], leadingPunctuation: false, nonAsciiStart: false, rougeThreshold: null, maxWords: 1000 } });
    assert.deepEqual(loose.dropped.map((d) => d.rule), ["too-short"]);
    // With neighbours asked for, dropped records list the kept ones sharing words with them (some share none).
    const verbose = filterRecords(records, { filters: { neighbours: 3 } });
    assert.deepEqual(verbose.dropped.map((d) => d.nearest.length), [1, 1, 0, 0, 1, 1, 0]);
    assert.deepEqual(verbose.dropped[0].nearest.map((n) => n.id), [records[0].id]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("records without fields use their prompt; a pool of seed instructions counts for deduplication only", () => {
  const rec = (id: string, prompt: string, response = "ok"): InstructionRecord => ({
    id, source: "t", messages: [{ role: "user", content: prompt }, { role: "assistant", content: response }], metadata: {},
    provenance: { file: "x.jsonl", format: "chat", container: "jsonl" },
  });
  const a = rec("a", "Tell me what a bear usually eats.");
  const b = rec("b", "Which country is Saflir in?", " ");
  const c: InstructionRecord = { ...rec("c", ""), fields: { instruction: "Say which material a spade is made of.", input: "spade", output: "metal" } };
  c.messages = messagesFromFields(c.fields!);
  assert.equal(recordInstruction(c), "Say which material a spade is made of.");
  const r = filterRecords([a, b, c], { pool: [{ id: "seed_task_6", instruction: "Tell me what a bear usually eats!" }] });
  assert.deepEqual(r.kept.map((x) => x.id), ["c"]);
  assert.deepEqual(r.dropped.map((d) => [d.record.id, d.rule, d.nearest[0]?.id]), [["a", "rouge", "seed_task_6"], ["b", "empty-output", undefined]]);
});
