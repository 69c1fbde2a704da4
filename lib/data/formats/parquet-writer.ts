/**
 * A small Parquet writer: one row group, one uncompressed PLAIN data page (v1) per column. No Parquet
 * writer is installed, and this much is enough to export records and to make Parquet test files.
 * Column types are inferred from the values: strings -> UTF8, integers -> INT64, other numbers -> DOUBLE,
 * booleans -> BOOLEAN, arrays of strings -> LIST<UTF8>, arrays of flat string objects (chat turns) ->
 * LIST<STRUCT<UTF8...>>, anything else -> JSON text (which readers parse back). Every column is optional.
 */
import { UserError } from "../../errors";
import type { FormatName, InstructionRecord } from "../record";
import { DEFAULT_WRITE_OPTIONS, RecordProblem, type WriteOptions } from "./format";
import { SCHEMAS } from "./index";
import { isObject } from "./fields";

// Thrift compact protocol: just the writing half, for the structs Parquet's footer and page headers use.
const T_TRUE = 1;
const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

class ThriftWriter {
  readonly bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint): void {
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  private zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, T_I32);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number | bigint): this {
    this.header(id, T_I64);
    this.zigzag(v);
    return this;
  }
  bool(id: number, v: boolean): this {
    this.header(id, v ? T_TRUE : T_FALSE);
    return this;
  }
  string(id: number, s: string): this {
    this.header(id, T_BINARY);
    const b = new TextEncoder().encode(s);
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private listHeader(size: number, elemType: number): void {
    if (size < 15) this.bytes.push((size << 4) | elemType);
    else {
      this.bytes.push(0xf0 | elemType);
      this.varint(BigInt(size));
    }
  }
  i32List(id: number, values: number[]): this {
    this.header(id, T_LIST);
    this.listHeader(values.length, T_I32);
    for (const v of values) this.zigzag(v);
    return this;
  }
  stringList(id: number, values: string[]): this {
    this.header(id, T_LIST);
    this.listHeader(values.length, T_BINARY);
    for (const s of values) {
      const b = new TextEncoder().encode(s);
      this.varint(BigInt(b.length));
      for (const x of b) this.bytes.push(x);
    }
    return this;
  }
  struct(id: number, body: (w: this) => void): this {
    this.header(id, T_STRUCT);
    this.nested(body);
    return this;
  }
  structList<T>(id: number, items: T[], body: (w: this, item: T) => void): this {
    this.header(id, T_LIST);
    this.listHeader(items.length, T_STRUCT);
    for (const item of items) this.nested((w) => body(w, item));
    return this;
  }
  private nested(body: (w: this) => void): void {
    this.last.push(0);
    body(this);
    this.bytes.push(0); // stop
    this.last.pop();
  }
  /** Ends the top-level struct. */
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

// Parquet enums used here.
const TYPE = { BOOLEAN: 0, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const REP = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
const CONVERTED = { UTF8: 0, LIST: 3, JSON: 19 } as const;
const PLAIN = 0;
const RLE = 3;

type Kind =
  | { kind: "string" | "json" | "int64" | "double" | "boolean" }
  | { kind: "string-list" }
  | { kind: "struct-list"; fields: string[] };

/** The narrowest column kind that holds every value of a column (nulls fit any). */
function inferKind(values: unknown[]): Kind {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.every((v) => typeof v === "string")) return { kind: "string" };
  if (present.every((v) => typeof v === "boolean")) return { kind: "boolean" };
  if (present.every((v) => typeof v === "number")) {
    return present.every((v) => Number.isSafeInteger(v)) ? { kind: "int64" } : { kind: "double" };
  }
  if (present.every((v) => Array.isArray(v))) {
    const items = (present as unknown[][]).flat();
    if (items.every((x) => typeof x === "string")) return { kind: "string-list" };
    if (items.every((x) => isObject(x) && Object.values(x).every((f) => typeof f === "string" || f === null))) {
      const fields = [...new Set(items.flatMap((x) => Object.keys(x as object)))];
      if (fields.length > 0) return { kind: "struct-list", fields };
    }
  }
  return { kind: "json" };
}

/** One leaf column: its schema path, physical type, levels and values in PLAIN order. */
interface Leaf {
  path: string[];
  type: number;
  maxDef: number;
  maxRep: number;
  defs: number[];
  reps: number[];
  values: unknown[];
}

function leavesOf(name: string, kind: Kind, column: unknown[]): Leaf[] {
  const flat = (type: number, encode: (v: unknown) => unknown): Leaf => {
    const leaf: Leaf = { path: [name], type, maxDef: 1, maxRep: 0, defs: [], reps: [], values: [] };
    for (const v of column) {
      const present = v !== undefined && v !== null;
      leaf.defs.push(present ? 1 : 0);
      if (present) leaf.values.push(encode(v));
    }
    return leaf;
  };
  switch (kind.kind) {
    case "string":
      return [flat(TYPE.BYTE_ARRAY, (v) => v)];
    case "json":
      return [flat(TYPE.BYTE_ARRAY, (v) => JSON.stringify(v))];
    case "int64":
      return [flat(TYPE.INT64, (v) => v)];
    case "double":
      return [flat(TYPE.DOUBLE, (v) => v)];
    case "boolean":
      return [flat(TYPE.BOOLEAN, (v) => v)];
    case "string-list":
    case "struct-list": {
      // optional group name (LIST) { repeated group list { optional <element> } }: levels 1 list, 2 entry, 3 element.
      const fields = kind.kind === "struct-list" ? kind.fields : [undefined];
      return fields.map((field) => {
        const path = field === undefined ? [name, "list", "element"] : [name, "list", "element", field];
        const leaf: Leaf = { path, type: TYPE.BYTE_ARRAY, maxDef: path.length, maxRep: 1, defs: [], reps: [], values: [] };
        for (const v of column) {
          if (v === undefined || v === null) (leaf.defs.push(0), leaf.reps.push(0));
          else if ((v as unknown[]).length === 0) (leaf.defs.push(1), leaf.reps.push(0));
          else {
            (v as unknown[]).forEach((item, i) => {
              leaf.reps.push(i === 0 ? 0 : 1);
              const x = field === undefined ? item : item === null ? null : (item as Record<string, unknown>)[field];
              if (field !== undefined && item === null) leaf.defs.push(2);
              else if (x === undefined || x === null) leaf.defs.push(path.length - 1);
              else (leaf.defs.push(path.length), leaf.values.push(x));
            });
          }
        }
        return leaf;
      });
    }
  }
}

/** The schema elements of one top-level column, depth first, as the footer lists them. */
function schemaElements(name: string, kind: Kind): ((w: ThriftWriter) => void)[] {
  const leaf = (n: string, type: number, converted?: number) => (w: ThriftWriter) => {
    w.i32(1, type).i32(3, REP.OPTIONAL).string(4, n);
    if (converted !== undefined) w.i32(6, converted);
  };
  const group = (n: string, rep: number, children: number, converted?: number) => (w: ThriftWriter) => {
    w.i32(3, rep).string(4, n).i32(5, children);
    if (converted !== undefined) w.i32(6, converted);
  };
  switch (kind.kind) {
    case "string":
      return [leaf(name, TYPE.BYTE_ARRAY, CONVERTED.UTF8)];
    case "json":
      return [leaf(name, TYPE.BYTE_ARRAY, CONVERTED.JSON)];
    case "int64":
      return [leaf(name, TYPE.INT64)];
    case "double":
      return [leaf(name, TYPE.DOUBLE)];
    case "boolean":
      return [leaf(name, TYPE.BOOLEAN)];
    case "string-list":
      return [group(name, REP.OPTIONAL, 1, CONVERTED.LIST), group("list", REP.REPEATED, 1), leaf("element", TYPE.BYTE_ARRAY, CONVERTED.UTF8)];
    case "struct-list":
      return [
        group(name, REP.OPTIONAL, 1, CONVERTED.LIST),
        group("list", REP.REPEATED, 1),
        group("element", REP.OPTIONAL, kind.fields.length),
        ...kind.fields.map((f) => leaf(f, TYPE.BYTE_ARRAY, CONVERTED.UTF8)),
      ];
  }
}

/** RLE/bit-packed hybrid levels as RLE runs, prefixed by their byte length (data page v1). */
function encodeLevels(levels: number[], max: number): number[] {
  const width = Math.ceil(Math.log2(max + 1));
  const bytesPerValue = Math.ceil(width / 8);
  const out: number[] = [];
  for (let i = 0; i < levels.length; ) {
    let j = i;
    while (j < levels.length && levels[j] === levels[i]) j++;
    let header = (j - i) << 1;
    while (header >= 0x80) (out.push((header & 0x7f) | 0x80), (header >>>= 7));
    out.push(header);
    for (let k = 0; k < bytesPerValue; k++) out.push((levels[i] >> (8 * k)) & 0xff);
    i = j;
  }
  const n = out.length;
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff, ...out];
}

function encodeValues(leaf: Leaf): Uint8Array {
  const parts: Uint8Array[] = [];
  if (leaf.type === TYPE.BYTE_ARRAY) {
    for (const v of leaf.values) {
      const b = new TextEncoder().encode(v as string);
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, b.length, true);
      parts.push(len, b);
    }
  } else if (leaf.type === TYPE.INT64 || leaf.type === TYPE.DOUBLE) {
    const buf = new Uint8Array(8 * leaf.values.length);
    const view = new DataView(buf.buffer);
    leaf.values.forEach((v, i) => {
      if (leaf.type === TYPE.INT64) view.setBigInt64(8 * i, BigInt(v as number), true);
      else view.setFloat64(8 * i, v as number, true);
    });
    parts.push(buf);
  } else {
    const buf = new Uint8Array(Math.ceil(leaf.values.length / 8));
    leaf.values.forEach((v, i) => {
      if (v) buf[i >> 3] |= 1 << (i & 7);
    });
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

/** A Parquet file holding `rows`; columns are the union of the rows' keys in first-seen order. */
export function encodeParquet(rows: readonly Record<string, unknown>[]): Uint8Array {
  const names: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!names.includes(k)) names.push(k);
  const kinds = names.map((n) => inferKind(rows.map((r) => r[n])));
  const leaves = names.flatMap((n, i) => leavesOf(n, kinds[i], rows.map((r) => r[n])));

  const chunks: Uint8Array[] = [new TextEncoder().encode("PAR1")];
  let offset = 4;
  const columnMeta: { leaf: Leaf; offset: number; size: number }[] = [];
  for (const leaf of leaves) {
    const body = Buffer.concat([
      Uint8Array.from(leaf.maxRep > 0 ? encodeLevels(leaf.reps, leaf.maxRep) : []),
      Uint8Array.from(encodeLevels(leaf.defs, leaf.maxDef)),
      encodeValues(leaf),
    ]);
    const header = new ThriftWriter()
      .i32(1, 0) // DATA_PAGE
      .i32(2, body.length)
      .i32(3, body.length)
      .struct(5, (w) => w.i32(1, leaf.defs.length).i32(2, PLAIN).i32(3, RLE).i32(4, RLE))
      .end();
    columnMeta.push({ leaf, offset, size: header.length + body.length });
    chunks.push(header, body);
    offset += header.length + body.length;
  }

  const elements = [
    (w: ThriftWriter) => w.string(4, "schema").i32(5, names.length),
    ...names.flatMap((n, i) => schemaElements(n, kinds[i])),
  ];
  const total = columnMeta.reduce((s, c) => s + c.size, 0);
  const footer = new ThriftWriter()
    .i32(1, 1)
    .structList(2, elements, (w, el) => el(w))
    .i64(3, rows.length)
    .structList(4, rows.length === 0 ? [] : [0], (w) =>
      w
        .structList(1, columnMeta, (c, m) =>
          c.i64(2, m.offset).struct(3, (md) =>
            md
              .i32(1, m.leaf.type)
              .i32List(2, [PLAIN, RLE])
              .stringList(3, m.leaf.path)
              .i32(4, 0) // UNCOMPRESSED
              .i64(5, m.leaf.defs.length)
              .i64(6, m.size)
              .i64(7, m.size)
              .i64(9, m.offset),
          ),
        )
        .i64(2, total)
        .i64(3, rows.length),
    )
    .string(6, "nanoinstruct")
    .end();
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.length, true);
  tail.set(new TextEncoder().encode("PAR1"), 4);
  chunks.push(footer, tail);
  return Buffer.concat(chunks);
}

/** Records as a Parquet file in `format`'s row layout (task files, being documents, are not offered). */
export function writeParquet(records: readonly InstructionRecord[], options: Partial<WriteOptions> & { format: FormatName }): Uint8Array {
  const schema = SCHEMAS[options.format];
  if (schema.kind !== "rows") throw new UserError(`${options.format} files are JSON documents; cannot write them as Parquet`);
  const opts = { ...DEFAULT_WRITE_OPTIONS, ...options };
  try {
    return encodeParquet(records.map((r) => schema.write(r, opts)));
  } catch (err) {
    if (err instanceof RecordProblem) throw new UserError(`cannot write ${options.format}: ${err.message}`, 1);
    throw err;
  }
}
