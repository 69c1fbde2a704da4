// lib/finetune/data: the seeded evaluation split, loading with warnings, mixture directories, and records
// turned into trainer rows (template, loss mask, truncation, packing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer } from "../../lib/tokenizer";
import { dataFile, loadInstructionData, prepareRows, splitRecords } from "../../lib/finetune/data";
import type { InstructionRecord } from "../../lib/data/record";
import { IGNORE_INDEX } from "../../lib/engine/ops";

const tokenizer = loadTokenizer("tests/fixtures/tiny-gpt2");
const fake = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}` }) as InstructionRecord);
const ids = (rs: InstructionRecord[]) => rs.map((r) => r.id);

test("splitRecords: a seeded, disjoint split of round(n * fraction) records (at least one), order kept", () => {
  const records = fake(40);
  const a = splitRecords(records, 0.2, 7);
  assert.equal(a.eval.length, 8);
  assert.equal(a.train.length, 32);
  assert.deepEqual([...ids(a.train), ...ids(a.eval)].sort(), ids(records).sort(), "every record in exactly one part");
  const order = (rs: InstructionRecord[]) => rs.map((r) => Number(r.id.slice(1)));
  for (const part of [a.train, a.eval]) assert.deepEqual(order(part), [...order(part)].sort((x, y) => x - y), "file order kept");
  assert.deepEqual(splitRecords(records, 0.2, 7), a, "same seed, same split");
  assert.notDeepEqual(ids(splitRecords(records, 0.2, 8).eval), ids(a.eval), "another seed, another split");
  assert.equal(splitRecords(records, 0.001, 7).eval.length, 1, "a positive fraction holds out at least one");
  const none = splitRecords(records, 0, 7);
  assert.equal(none.train, records);
  assert.deepEqual(none.eval, []);
});

test("loadInstructionData warns about invalid records and refuses a file with none valid", async () => {
  const warnings: string[] = [];
  const good = await loadInstructionData("tests/fixtures/data/alpaca.json", (s) => warnings.push(s));
  assert.equal(good.length, 3);
  assert.equal(warnings.length, 0);
  const some = await loadInstructionData("tests/fixtures/data/chat-broken.jsonl", (s) => warnings.push(s));
  assert.ok(some.length > 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /chat-broken\.jsonl: \d+ of \d+ records invalid and skipped \(run 'nanoinstruct data inspect /);
  await assert.rejects(loadInstructionData("tests/fixtures/data/empty.jsonl"), /empty\.jsonl: empty file/);
  const dir = mkdtempSync(join(tmpdir(), "ft-data-"));
  try {
    const allBad = join(dir, "all-bad.jsonl");
    writeFileSync(allBad, '{"instruction": "", "input": "", "output": ""}\n{"instruction": "", "input": "", "output": ""}\n');
    await assert.rejects(loadInstructionData(allBad), /all-bad\.jsonl: no valid records/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(loadInstructionData("tests/fixtures/data/no-such-file.jsonl"), /no such file or directory/);
});

test("dataFile: a file is itself; a mixture directory is its manifest's file, which may not lead outside", () => {
  const dir = mkdtempSync(join(tmpdir(), "ft-data-"));
  try {
    assert.equal(dataFile("tests/fixtures/data/alpaca.json"), "tests/fixtures/data/alpaca.json");
    const mix = join(dir, "mix");
    mkdirSync(mix);
    assert.throws(() => dataFile(mix), /without manifest\.json/);
    writeFileSync(join(mix, "manifest.json"), JSON.stringify({ file: "records.jsonl" }));
    assert.equal(dataFile(mix), join(mix, "records.jsonl"));
    writeFileSync(join(mix, "manifest.json"), JSON.stringify({}));
    assert.equal(dataFile(mix), join(mix, "data.jsonl"), "data.jsonl by default");
    writeFileSync(join(mix, "manifest.json"), JSON.stringify({ file: "../outside.jsonl" }));
    assert.throws(() => dataFile(mix));
    writeFileSync(join(mix, "manifest.json"), JSON.stringify({ file: 3 }));
    assert.throws(() => dataFile(mix), /'file' must be a file name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const shape = { template: "alpaca" as const, mask: "completion" as const, maxLength: 256, packing: "none" as const, truncation: "truncate-left-prompt" as const };

test("prepareRows: one unpadded row per record, labels are the next tokens, only the response trains under 'completion'", async () => {
  const records = await loadInstructionData("tests/fixtures/data/alpaca.json");
  const prepared = prepareRows(records, tokenizer, shape);
  assert.equal(prepared.rows.length, 3);
  assert.equal(prepared.stats.records, 3);
  assert.deepEqual(prepared.dropped, []);
  let trained = 0;
  for (const row of prepared.rows) {
    assert.equal(row.labels.length, row.inputIds.length);
    assert.equal(row.positionIds, undefined, "unpacked rows carry no positions");
    const labels = Array.from(row.labels), inputs = Array.from(row.inputIds);
    const first = labels.findIndex((l) => l !== IGNORE_INDEX);
    assert.ok(first > 0, "the prompt does not train");
    // The response trains up to the last input (the end-of-text token), which has no next token.
    assert.ok(labels.slice(first, -1).every((l) => l !== IGNORE_INDEX), "the response trains to its end");
    assert.equal(labels.at(-1), IGNORE_INDEX);
    assert.equal(inputs.at(-1), tokenizer.eosId);
    // Label t is input t + 1: the next token.
    for (let t = first; t < labels.length - 1; t++) assert.equal(labels[t], inputs[t + 1]);
    trained += labels.length - 1 - first;
  }
  assert.equal(prepared.stats.trainedTokens, trained);
  const all = prepareRows(records, tokenizer, { ...shape, mask: "all" });
  for (const row of all.rows) assert.ok(Array.from(row.labels).slice(0, -1).every((l) => l !== IGNORE_INDEX), "mask 'all' trains every token");
});

test("prepareRows: too-long records are dropped (and named) or truncated, as the policy says", async () => {
  const records = await loadInstructionData("tests/fixtures/data/alpaca.json");
  const longest = Math.max(...prepareRows(records, tokenizer, shape).rows.map((r) => r.inputIds.length));
  const maxLength = longest - 1;
  const dropped = prepareRows(records, tokenizer, { ...shape, maxLength, truncation: "drop" });
  assert.ok(dropped.rows.length < 3);
  assert.ok(dropped.dropped.length >= 1);
  assert.ok(dropped.dropped.every((d) => d.reason === "too-long" && records.some((r) => r.id === d.id)));
  const cut = prepareRows(records, tokenizer, { ...shape, maxLength, truncation: "truncate-left-prompt" });
  assert.equal(cut.rows.length, 3);
  assert.ok(cut.stats.truncated >= 1);
  assert.ok(cut.rows.every((r) => r.inputIds.length <= maxLength));
});

test("prepareRows with packing: several records per row, positions restart per sample, segments number them", async () => {
  const records = await loadInstructionData("tests/fixtures/data/alpaca.json");
  const single = prepareRows(records, tokenizer, shape);
  const total = single.rows.reduce((n, r) => n + r.inputIds.length, 0);
  const packed = prepareRows(records, tokenizer, { ...shape, packing: "bfd", maxLength: total });
  assert.equal(packed.rows.length, 1, "all three fit in one row");
  const row = packed.rows[0];
  assert.equal(row.inputIds.length, total);
  const seg = Array.from(row.segmentIds!), pos = Array.from(row.positionIds!);
  assert.deepEqual([...new Set(seg)].sort(), [1, 2, 3]);
  for (let t = 1; t < total; t++) assert.equal(pos[t], seg[t] === seg[t - 1] ? pos[t - 1] + 1 : 0, `position ${t}`);
  assert.equal(pos[0], 0);
  assert.equal(packed.stats.trainedTokens, single.stats.trainedTokens, "packing trains the same tokens");
});
