import { test } from "node:test";
import assert from "node:assert/strict";
import { readJsonl, splitLines, writeJsonl } from "../../../lib/data/formats/jsonl";
import { readJsonArray, writeJsonArray } from "../../../lib/data/formats/json-array";
import { parseCsv, readCsv, writeCsv } from "../../../lib/data/formats/csv";
import { UnreadableFile, type RawItem } from "../../../lib/data/formats/format";
import { decodeUtf8, firstInvalidUtf8 } from "../../../lib/data/formats/utf8";
import { findJsonError, parseJson } from "../../../lib/json-text";

/** The bytes of `data` in chunks of `size`, to exercise every chunk boundary. */
async function* chunks(data: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

test("utf8: strict decode and the offset of the first bad byte", () => {
  assert.equal(decodeUtf8(Buffer.from("café ☕")), "café ☕");
  assert.equal(decodeUtf8(bytes("caf", [0xe9])), undefined);
  assert.equal(firstInvalidUtf8(bytes("caf", [0xe9])), 3);
  assert.equal(firstInvalidUtf8(bytes("ok", [0xc0, 0x80])), 2, "overlong encoding");
  assert.equal(firstInvalidUtf8(bytes([0xed, 0xa0, 0x80])), 0, "surrogate");
  assert.equal(firstInvalidUtf8(Buffer.from("fine ☕ 𝄞")), -1);
});

test("splitLines: line numbers, CRLF, cap on long lines, any chunk size", async () => {
  const text = "a\r\nbb\n" + "x".repeat(50) + "\nlast";
  for (const size of [1, 3, 7, 1000]) {
    const lines = await collect(splitLines(chunks(text, size), 10));
    assert.deepEqual(
      lines.map((l) => [l.line, l.bytes && Buffer.from(l.bytes).toString(), l.length]),
      [
        [1, "a", 2],
        [2, "bb", 2],
        [3, undefined, 50],
        [4, "last", 4],
      ],
      `chunk size ${size}`,
    );
  }
});

test("readJsonl: values, blank lines skipped, located problems", async () => {
  const data = bytes('{"a":1}\n\n{"b":\n', [0xef, 0xbb, 0xbf], '{"c":3}\n{"d":"', [0xff], '"}\n', "z".repeat(40), "\n");
  const items = await collect(readJsonl(chunks(data, 5), 32));
  assert.deepEqual(items[0], { loc: { line: 1 }, value: { a: 1 } });
  assert.equal(items[1].loc.line, 3);
  assert.match((items[1] as { problem: string }).problem, /not valid JSON/);
  // A BOM is only skipped on line 1; elsewhere it is part of the line and breaks JSON.
  assert.equal(items[2].loc.line, 4);
  assert.ok("problem" in items[2]);
  assert.deepEqual(items[3].loc, { line: 5 });
  assert.match((items[3] as { problem: string }).problem, /not valid UTF-8/);
  assert.deepEqual(items[4], { loc: { line: 6 }, problem: "line is 40 bytes, longer than the limit of 32" });
  assert.equal(items.length, 5);
});

test("readJsonl: BOM on the first line is ignored", async () => {
  const items = await collect(readJsonl(chunks(bytes([0xef, 0xbb, 0xbf], '{"a":1}\n'), 2), 100));
  assert.deepEqual(items, [{ loc: { line: 1 }, value: { a: 1 } }]);
});

test("readJsonArray: elements with start line and index at any chunk size", async () => {
  const text = '[\n  {"a": "x]}\\"", "b": [1, {"c": 2}]},\n  {"a": 2},\n\n  3, "s",\n  {"a":\n    4}\n]\n';
  for (const size of [1, 2, 5, 64]) {
    const items = await collect(readJsonArray(chunks(text, size), 1000));
    assert.deepEqual(
      items,
      [
        { loc: { line: 2, index: 0 }, value: { a: 'x]}"', b: [1, { c: 2 }] } },
        { loc: { line: 3, index: 1 }, value: { a: 2 } },
        { loc: { line: 5, index: 2 }, value: 3 },
        { loc: { line: 5, index: 3 }, value: "s" },
        { loc: { line: 6, index: 4 }, value: { a: 4 } },
      ],
      `chunk size ${size}`,
    );
  }
});

test("readJsonArray: a syntax error costs one element; its line is the line of the fault", async () => {
  const items = await collect(readJsonArray(chunks('[{"a": 1},\n {"a":\n 2,}, {"a": 3}]', 4), 1000));
  assert.equal(items.length, 3);
  assert.deepEqual(items[1].loc, { line: 3, index: 1 });
  assert.match((items[1] as { problem: string }).problem, /not valid JSON/);
  assert.deepEqual(items[2], { loc: { line: 3, index: 2 }, value: { a: 3 } });
});

test("readJsonArray: oversized element, missing comma, cut-off file, not an array", async () => {
  const big = await collect(readJsonArray(chunks(`[{"a": "${"x".repeat(100)}"}, {"b": 1}]`, 7), 50));
  assert.match((big[0] as { problem: string }).problem, /longer than the limit of 50/);
  assert.deepEqual(big[1], { loc: { line: 1, index: 1 }, value: { b: 1 } });

  const missing = await collect(readJsonArray(chunks('[{"a": 1}\n{"a": 2}]', 3), 100));
  assert.deepEqual(missing.map((i) => ("value" in i ? i.value : i.problem)), [{ a: 1 }, "expected ',' or ']' between records", { a: 2 }]);

  const cut = await collect(readJsonArray(chunks('[{"a": 1},\n{"a": "unfinished', 3), 100));
  assert.deepEqual(cut[1], { loc: { line: 2, index: 1 }, problem: "record is cut off by the end of the file" });

  await assert.rejects(collect(readJsonArray(chunks('{"a": 1}', 3), 100)), (e: unknown) => e instanceof UnreadableFile && e.line === 1);
  await assert.rejects(collect(readJsonArray(chunks("", 3), 100)), UnreadableFile);
});

test("writeJsonArray / writeJsonl round trip through the readers", async () => {
  const rows = [{ a: "line\nbreak", b: [1, 2] }, { a: "ü" }];
  const arr = await collect(readJsonArray(chunks(writeJsonArray(rows), 5), 1000));
  assert.deepEqual(arr.map((i) => ("value" in i ? i.value : i)), rows);
  const jl = await collect(readJsonl(chunks(writeJsonl(rows), 5), 1000));
  assert.deepEqual(jl.map((i) => ("value" in i ? i.value : i)), rows);
  assert.equal(writeJsonArray([]), "[]\n");
});

test("parseCsv: RFC 4180 quoting, multi-line fields, CRLF and LF, start lines", async () => {
  const text = 'a,b,c\r\n1,"two, with comma","say ""hi"""\r\n"multi\r\nline",,x\n\nlast,row,"end"';
  for (const size of [1, 4, 100]) {
    const rows = await collect(parseCsv(chunks(text, size), { delimiter: ",", maxRecordBytes: 1000 }));
    assert.deepEqual(
      rows,
      [
        { line: 1, cells: ["a", "b", "c"] },
        { line: 2, cells: ["1", "two, with comma", 'say "hi"'] },
        { line: 3, cells: ["multi\r\nline", "", "x"] },
        { line: 6, cells: ["last", "row", "end"] },
      ],
      `chunk size ${size}`,
    );
  }
});

test("parseCsv: problems are located at the row's first line", async () => {
  const data = bytes('h1,h2\n"ok",x\n"bad" tail,y\nz,"caf', [0xe9], '"\n"open,never\nclosed\n');
  const rows = await collect(parseCsv(chunks(data, 3), { delimiter: ",", maxRecordBytes: 1000 }));
  assert.deepEqual(rows[2], { line: 3, problem: "text after the closing quote of field 1" });
  assert.deepEqual(rows[3], { line: 4, problem: "field 2 is not valid UTF-8" });
  assert.deepEqual(rows[4], { line: 5, problem: "quoted field opened on line 5 is never closed" });
  const long = await collect(parseCsv(chunks("a\n" + "x".repeat(30) + "\nb\n", 4), { delimiter: ",", maxRecordBytes: 10 }));
  assert.deepEqual(long, [
    { line: 1, cells: ["a"] },
    { line: 2, problem: "row is longer than the limit of 10 bytes" },
    { line: 3, cells: ["b"] },
  ]);
});

test("readCsv: header keys, wrong field counts, bad headers, tabs", async () => {
  const items: RawItem[] = await collect(readCsv(chunks("x, y\n1,2\n3\n", 2), { delimiter: ",", maxRecordBytes: 100 }));
  assert.deepEqual(items, [
    { loc: { line: 2 }, value: { x: "1", y: "2" } },
    { loc: { line: 3 }, problem: "row has 1 fields, the header has 2" },
  ]);
  const tsv = await collect(readCsv(chunks("x\ty\n1,5\t2\n", 2), { delimiter: "\t", maxRecordBytes: 100 }));
  assert.deepEqual(tsv, [{ loc: { line: 2 }, value: { x: "1,5", y: "2" } }]);
  await assert.rejects(collect(readCsv(chunks("a,a\n1,2\n", 2), { delimiter: ",", maxRecordBytes: 100 })), /names column 'a' twice/);
  await assert.rejects(collect(readCsv(chunks("", 2), { delimiter: ",", maxRecordBytes: 100 })), UnreadableFile);
});

test("writeCsv (arquero's toCSV) quotes what needs quoting and reads back identically", async () => {
  const rows = [
    { a: "plain", b: 'has "quotes"', c: "multi\nline" },
    { a: "comma, inside", b: "", c: "\r\n" },
  ];
  const text = writeCsv(rows);
  assert.equal(text, 'a,b,c\nplain,"has ""quotes""","multi\nline"\n"comma, inside",,"\r\n"\n');
  const back = await collect(readCsv(chunks(text, 3), { delimiter: ",", maxRecordBytes: 1000 }));
  assert.deepEqual(back.map((i) => ("value" in i ? i.value : i)), rows);
  // Columns are every key of every row; nested values are JSON text; tabs for TSV; no rows is a header alone.
  assert.equal(writeCsv([{ a: "x" }, { b: ["r1", "r2"], a: "y\tz" }], "\t"), 'a\tb\nx\t\n"y\tz"\t"[""r1"",""r2""]"\n');
  assert.equal(writeCsv([]), "\n");
});

test("parseJson: the line and column of a fault, in the same words on every Node version", () => {
  assert.deepEqual(parseJson('{"a": 1}', 5), { value: { a: 1 } });
  assert.deepEqual(parseJson('{\n  "a": [1,]\n}', 10), { problem: "not valid JSON: unexpected ']' (column 11)", line: 11 });
  assert.deepEqual(parseJson('{"a": 1,}'), { problem: "not valid JSON: unexpected '}': expected a double-quoted property name (column 9)", line: 1 });
  assert.deepEqual(parseJson('{"a" 1}'), { problem: "not valid JSON: unexpected '1': expected ':' (column 6)", line: 1 });
  assert.deepEqual(parseJson('{"a": "x\ny"}'), { problem: "not valid JSON: control character (raw line break or tab) inside a string (column 9)", line: 1 });
  assert.deepEqual(parseJson('{"a": tru}'), { problem: "not valid JSON: unexpected '}' (column 10)", line: 1 });
  assert.deepEqual(parseJson("{'a': 1}"), { problem: `not valid JSON: unexpected "'": expected a double-quoted property name (column 2)`, line: 1 });
  assert.deepEqual(parseJson('{"a": 1} x'), { problem: "not valid JSON: unexpected 'x' after the end of the JSON value (column 10)", line: 1 });
  assert.deepEqual(parseJson('"abc'), { problem: "not valid JSON: unterminated string (column 5)", line: 1 });
  for (const ok of ['{"a": [1, -2.5e3, true, null, "\\u00e9\\n"]}', "[]", "0", '"s"']) assert.equal(findJsonError(ok), undefined, ok);
});
