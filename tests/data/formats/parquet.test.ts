import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords } from "../../../lib/data/load";
import { encodeParquet, writeParquet } from "../../../lib/data/formats/parquet-writer";
import { readParquet } from "../../../lib/data/formats/parquet";
import type { FormatName, InstructionRecord } from "../../../lib/data/record";
import { UserError } from "../../../lib/errors";

const FIX = "tests/fixtures/data";
const tmp = mkdtempSync(join(tmpdir(), "nanoinstruct-parquet-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const strip = (rs: InstructionRecord[]) => rs.map(({ provenance: _p, ...r }) => r);

async function rows(file: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of readParquet(file)) out.push("value" in item ? item.value : item);
  return out;
}

test("fixtures: flat Alpaca columns and nested chat turns (LIST<STRUCT>) read as records", async () => {
  const a = await loadRecords(`${FIX}/alpaca.parquet`);
  assert.equal(a.format, "alpaca");
  assert.equal(a.container, "parquet");
  assert.deepEqual(strip(a.records), strip((await loadRecords(`${FIX}/alpaca.json`)).records));
  const c = await loadRecords(`${FIX}/chat.parquet`);
  assert.equal(c.format, "chat");
  assert.deepEqual(strip(c.records), strip((await loadRecords(`${FIX}/chat.jsonl`)).records));
  assert.deepEqual(c.records[2].provenance, { file: `${FIX}/chat.parquet`, index: 2, format: "chat", container: "parquet" });
});

test("column types survive: strings, integers, doubles, booleans, string lists, struct lists, JSON, nulls", async () => {
  const data = [
    { s: "é☕", i: 3, d: 1.5, b: true, l: ["x", "y"], t: [{ role: "user", content: "hi" }], j: { k: [1, 2] } },
    { s: null, i: -9007199254740991, d: 2, b: false, l: [], t: [{ role: "user", content: null }], j: "text" },
    { i: 0 },
  ];
  const p = join(tmp, "types.parquet");
  writeFileSync(p, encodeParquet(data));
  assert.deepEqual(await rows(p), [
    data[0],
    { i: -9007199254740991, d: 2, b: false, l: [], t: [{ role: "user", content: null }], j: "text" },
    { i: 0 },
  ]);
});

for (const [fixture, format] of [
  ["dolly.jsonl", "dolly"],
  ["flan.jsonl", "flan"],
  ["sharegpt.json", "sharegpt"],
  ["task999_example_question_generation.json", "chat"],
] as [string, FormatName][]) {
  test(`round trip through Parquet: ${fixture} as ${format}`, async () => {
    const first = await loadRecords(`${FIX}/${fixture}`);
    const p = join(tmp, `${fixture}.${format}.parquet`);
    writeFileSync(p, writeParquet(first.records, { format }));
    const second = await loadRecords(p);
    assert.equal(second.format, format);
    assert.deepEqual(second.invalid, []);
    // Chat rows have no place for Alpaca-style fields; everything else comes back as it went in.
    const comparable = (rs: InstructionRecord[]) => strip(rs).map(({ fields, ...r }) => (format === "chat" ? r : { ...r, fields }));
    assert.deepEqual(comparable(second.records), comparable(first.records));
  });
}

test("bad UTF-8 in a string column makes that row invalid, located by row index", async () => {
  const bytes = encodeParquet([
    { prompt: "fine", completion: "ok" },
    { prompt: "BAD!", completion: "x" },
  ]);
  const at = Buffer.from(bytes).indexOf("BAD!");
  bytes.set([0x42, 0xff, 0xfe, 0x21], at);
  const p = join(tmp, "bad-utf8.parquet");
  writeFileSync(p, bytes);
  const r = await loadRecords(p, { format: "prompt-completion" });
  assert.deepEqual(r.invalid, [{ file: p, index: 1, what: "column 'prompt' is not valid UTF-8" }]);
  assert.equal(r.counts.valid, 1);
});

test("a file that is not Parquet -> UserError exit 2", async () => {
  const p = join(tmp, "fake.parquet");
  writeFileSync(p, "PAR1 but not really");
  await assert.rejects(loadRecords(p), (e: unknown) => e instanceof UserError && e.exitCode === 2 && /not a readable Parquet file/.test(e.message));
  assert.throws(() => writeParquet([], { format: "natural-instructions" }), /JSON documents/);
});

test("hyparquet-writer output: several row groups and Snappy pages read back row for row", async () => {
  const data = Array.from({ length: 2500 }, (_, i) => ({ instruction: `task ${i}`, input: i % 3 ? "" : "x".repeat(i % 50), output: `answer ${i}`, n: i }));
  const p = join(tmp, "many.parquet");
  writeFileSync(p, encodeParquet(data));
  const back = await rows(p);
  assert.equal(back.length, 2500);
  assert.deepEqual(back[0], data[0]);
  assert.deepEqual(back[2499], data[2499]);
  const r = await loadRecords(p);
  assert.equal(r.format, "alpaca");
  assert.equal(r.records.length, 2500);
});
