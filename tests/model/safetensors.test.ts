import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from "../../lib/model/safetensors";
import { UserError } from "../../lib/errors";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "model", "reference.safetensors");

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ni-st-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Builds a file from a header object (or raw header string) and a data section. */
function makeFile(name: string, header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): string {
  const json = Buffer.from(typeof header === "string" ? header : JSON.stringify(header), "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([len, json, data]));
  return path;
}

function expectError(path: string, pattern: RegExp): void {
  assert.throws(() => readSafetensors(path), (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${err}`);
    assert.equal(err.exitCode, 2);
    assert.ok(err.message.startsWith(path + ": "), `message should name the file: ${err.message}`);
    assert.ok(!err.message.includes("\n"), "one line");
    assert.match(err.message, pattern);
    return true;
  });
}

describe("writeSafetensors / readSafetensors", () => {
  test("round trip keeps names, shapes, values and metadata", () => {
    const path = join(dir, "rt.safetensors");
    const a = new Float32Array([1, -2.5, 3.25, 1e-7, -1e20, 0]);
    const b = new Float32Array([42]);
    const c = new Float32Array(0);
    writeSafetensors(path, { "z.last": { shape: [2, 3], data: a }, "a.first": { shape: [], data: b }, empty: { shape: [0, 4], data: c } },
      { format: "pt", note: "hi" });
    const st = readSafetensors(path);
    assert.deepEqual(st.metadata, { format: "pt", note: "hi" });
    assert.deepEqual([...st.tensors.keys()], ["a.first", "empty", "z.last"], "sorted, in file order");
    assert.deepEqual(st.tensors.get("z.last"), { dtype: "F32", shape: [2, 3], data: a });
    assert.deepEqual(st.tensors.get("a.first")!.shape, []);
    assert.deepEqual([...st.tensors.get("a.first")!.data], [42]);
    assert.equal(st.tensors.get("empty")!.data.length, 0);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temp file left");
  });

  test("header is padded with spaces to a multiple of 8 and data offsets follow sorted names", () => {
    const path = join(dir, "pad.safetensors");
    writeSafetensors(path, new Map([["b", { shape: [3], data: new Float32Array(3) }], ["a", { shape: [1], data: new Float32Array(1) }]]));
    const buf = readFileSync(path);
    const n = Number(buf.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const header = buf.subarray(8, 8 + n).toString("utf8");
    assert.match(header, /^\{.*\} *$/);
    const parsed = JSON.parse(header);
    assert.deepEqual(parsed.a, { dtype: "F32", shape: [1], data_offsets: [0, 4] });
    assert.deepEqual(parsed.b, { dtype: "F32", shape: [3], data_offsets: [4, 16] });
    assert.equal(parsed.__metadata__, undefined, "no metadata key when none given");
    assert.equal(buf.length, 8 + n + 16);
  });

  test("writes subarray views correctly (byteOffset honoured)", () => {
    const path = join(dir, "view.safetensors");
    const big = new Float32Array([9, 1, 2, 3, 9]);
    writeSafetensors(path, { v: { shape: [3], data: big.subarray(1, 4) } });
    assert.deepEqual([...readSafetensors(path).tensors.get("v")!.data], [1, 2, 3]);
  });

  test("refuses data whose length does not match the shape", () => {
    assert.throws(() => writeSafetensors(join(dir, "x.safetensors"), { w: { shape: [2, 2], data: new Float32Array(3) } }),
      /tensor 'w' has 3 values but shape \[2,2\]/);
  });

  test("reads a file written by the reference Python implementation", () => {
    const st = readSafetensors(FIXTURE);
    assert.deepEqual(st.metadata, { format: "pt", note: "made by python safetensors" });
    const get = (k: string) => st.tensors.get(k)!;
    assert.deepEqual(get("w.f32").shape, [2, 3]);
    assert.deepEqual([...get("w.f32").data], [1.5, -2.25, 0, 3, Math.fround(1e-8), Math.fround(-1e30)]);
    assert.deepEqual([...get("w.f16").data], [1, -2, 65504, 2 ** -24, 0.333251953125, -0]);
    assert.ok(Object.is(get("w.f16").data[5], -0));
    assert.deepEqual([...get("w.bf16").data], [1, -2, 3.140625, Infinity]);
    assert.deepEqual([...get("w.f64").data], [Math.fround(0.1), -Infinity, 3.5, 2]);
    assert.ok(get("i.i64").data instanceof Int32Array);
    assert.deepEqual([...get("i.i64").data], [0, -1, 2147483647, -2147483648]);
    assert.deepEqual([...get("i.i32").data], [7, -9]);
    assert.deepEqual([...get("i.u8").data], [0, 255]);
    assert.equal(get("w.f16").dtype, "F16");
    assert.deepEqual(get("empty").shape, [0, 3]);
  });

  test("filter skips reading tensors; header-only read lists everything", () => {
    const st = readSafetensors(FIXTURE, { filter: (n) => n.startsWith("w.") });
    assert.deepEqual([...st.tensors.keys()].sort(), ["w.bf16", "w.f16", "w.f32", "w.f64"]);
    const h = readSafetensorsHeader(FIXTURE);
    assert.equal(h.entries.size, 8);
    assert.deepEqual(h.entries.get("w.f32"), { dtype: "F32", shape: [2, 3], begin: 64, end: 88 });
    assert.equal(h.dataStart, 8 + 552);
  });
});

describe("float16 / bfloat16 conversion", () => {
  /** Independent reference: the IEEE half formula. */
  function halfRef(h: number): number {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) return s * m * 2 ** -24;
    if (e === 31) return m ? NaN : s * Infinity;
    return s * (1 + m / 1024) * 2 ** (e - 15);
  }

  test("every one of the 65536 half values converts exactly", () => {
    const bits = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) bits[i] = i;
    const path = makeFile("allhalf.safetensors", { h: { dtype: "F16", shape: [65536], data_offsets: [0, 131072] } },
      new Uint8Array(bits.buffer));
    const data = readSafetensors(path).tensors.get("h")!.data;
    for (let i = 0; i < 65536; i++) {
      const want = halfRef(i);
      if (!Object.is(data[i], want)) assert.fail(`half 0x${i.toString(16)}: got ${data[i]}, want ${want}`);
    }
  });

  test("bfloat16 is the top half of a float32", () => {
    const f = new Float32Array([1, -0.5, 3.140625, -Infinity, 1e-38]);
    const u = new Uint32Array(f.buffer);
    const bf = new Uint16Array(f.length);
    for (let i = 0; i < f.length; i++) bf[i] = u[i] >>> 16;
    const path = makeFile("bf.safetensors", { b: { dtype: "BF16", shape: [5], data_offsets: [0, 10] } }, new Uint8Array(bf.buffer));
    const got = readSafetensors(path).tensors.get("b")!.data;
    for (let i = 0; i < f.length; i++) assert.equal(got[i], new Float32Array(new Uint32Array([bf[i] << 16]).buffer)[0]);
    assert.deepEqual([...got].slice(0, 4), [1, -0.5, 3.140625, -Infinity]);
  });
});

describe("malformed files are one-line errors naming the file", () => {
  const f32 = (n: number) => new Uint8Array(new Float32Array(n).buffer);

  test("shorter than 8 bytes", () => {
    const path = join(dir, "short.safetensors");
    writeFileSync(path, Buffer.from([1, 2, 3]));
    expectError(path, /3 bytes, shorter than the 8-byte header length/);
  });
  test("empty file", () => {
    const path = join(dir, "empty.safetensors");
    writeFileSync(path, "");
    expectError(path, /0 bytes/);
  });
  test("header length beyond the file", () => {
    expectError(makeFile("hlen.safetensors", {}, f32(0), 1000n), /header length 1000 exceeds the 2 bytes/);
  });
  test("absurd header length (e.g. a text file)", () => {
    const path = join(dir, "text.safetensors");
    writeFileSync(path, "hello world, this is not a model at all");
    expectError(path, /header length \d+ exceeds/);
  });
  test("header not JSON", () => {
    expectError(makeFile("nojson.safetensors", '{"a": [1,'), /header is not valid JSON/);
  });
  test("header JSON but not an object", () => {
    expectError(makeFile("arr.safetensors", "[1, 2]"), /not a JSON object/);
  });
  test("header not UTF-8", () => {
    const path = join(dir, "utf.safetensors");
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(4n);
    writeFileSync(path, Buffer.concat([len, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]));
    expectError(path, /not valid UTF-8/);
  });
  test("unknown dtype", () => {
    expectError(makeFile("dt.safetensors", { w: { dtype: "F17", shape: [1], data_offsets: [0, 4] } }, f32(1)),
      /tensor 'w': unknown dtype 'F17'/);
  });
  test("known but unsupported dtype", () => {
    expectError(makeFile("u64.safetensors", { w: { dtype: "U64", shape: [1], data_offsets: [0, 8] } }, f32(2)),
      /tensor 'w': dtype U64 is not supported/);
  });
  test("missing dtype / bad shape / bad offsets", () => {
    expectError(makeFile("nodt.safetensors", { w: { shape: [1], data_offsets: [0, 4] } }, f32(1)), /tensor 'w': missing dtype/);
    expectError(makeFile("shp.safetensors", { w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, f32(1)),
      /shape \[-1\] is not a list of non-negative integers/);
    expectError(makeFile("off.safetensors", { w: { dtype: "F32", shape: [1], data_offsets: [0] } }, f32(1)),
      /data_offsets \[0\] is not a pair/);
    expectError(makeFile("rev.safetensors", { w: { dtype: "F32", shape: [0], data_offsets: [4, 0] } }, f32(1)),
      /end before they begin/);
  });
  test("offsets not matching shape * dtype size", () => {
    expectError(makeFile("size.safetensors", { w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 16] } }, f32(4)),
      /tensor 'w': data_offsets \[0,16\] span 16 bytes but F32 \[2,3\] needs 24/);
  });
  test("offsets out of range (truncated data)", () => {
    expectError(makeFile("trunc.safetensors", { w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, f32(2)),
      /truncated: tensor 'w' needs data bytes up to 16 but the file has only 8/);
  });
  test("overlapping tensors", () => {
    expectError(makeFile("overlap.safetensors", {
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
    }, f32(3)), /tensor 'b' data_offsets \[4,12\] overlap the previous tensor/);
  });
  test("gap between tensors", () => {
    expectError(makeFile("gap.safetensors", {
      a: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      b: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
    }, f32(3)), /tensor 'b' data_offsets start at 8, leaving a gap after byte 4/);
  });
  test("trailing bytes after the last tensor", () => {
    expectError(makeFile("trail.safetensors", { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32(2)),
      /4 unexpected trailing bytes/);
  });
  test("__metadata__ values must be strings", () => {
    expectError(makeFile("meta.safetensors", { __metadata__: { step: 3 } }), /__metadata__.step is not a string/);
  });
  test("I64 value that does not fit in 32 bits", () => {
    const big = new BigInt64Array([1n << 40n]);
    expectError(makeFile("i64.safetensors", { i: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(big.buffer)),
      /I64 value 1099511627776 does not fit/);
  });
  test("missing file", () => {
    expectError(join(dir, "nope.safetensors"), /cannot open \(no such file\)/);
  });
});

test("float16 storage: half the bytes, values rounded to nearest even, read back as float32", async () => {
  const { floatToHalfBits } = await import("../../lib/model/safetensors");
  // Exact halves, rounding ties to even, overflow, subnormals, signed zero.
  assert.equal(floatToHalfBits(1), 0x3c00);
  assert.equal(floatToHalfBits(-2), 0xc000);
  assert.equal(floatToHalfBits(65504), 0x7bff);
  assert.equal(floatToHalfBits(1e6), 0x7c00);
  assert.equal(floatToHalfBits(1 + 2 ** -11), 0x3c00); // a tie rounds to the even mantissa
  assert.equal(floatToHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(floatToHalfBits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(floatToHalfBits(-0), 0x8000);
  const dir = mkdtempSync(join(tmpdir(), "st16-"));
  const data = Float32Array.from({ length: 1000 }, (_x, i) => Math.sin(i) * (i % 7) * 0.37);
  writeSafetensors(join(dir, "a.safetensors"), { w: { shape: [10, 100], data } }, undefined, "F16");
  writeSafetensors(join(dir, "b.safetensors"), { w: { shape: [10, 100], data } });
  assert.ok(statSync(join(dir, "a.safetensors")).size < statSync(join(dir, "b.safetensors")).size * 0.55);
  const back = readSafetensors(join(dir, "a.safetensors")).tensors.get("w")!.data as Float32Array;
  for (let i = 0; i < data.length; i++) assert.ok(Math.abs(back[i] - data[i]) <= Math.abs(data[i]) * 2 ** -11 + 2 ** -25, `${i}: ${data[i]} -> ${back[i]}`);
  rmSync(dir, { recursive: true });
});
