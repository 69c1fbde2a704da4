/**
 * The Parquet container (Hugging Face's native layout), read with hyparquet in batches of rows so a large
 * file is never decoded whole. Nested columns (lists of {role, content} structs) arrive as plain arrays of
 * objects, so chat and ShareGPT rows need nothing special. Strings are decoded strictly: a value with bad
 * UTF-8 makes its row invalid instead of silently gaining U+FFFD.
 */
// The node entry point by path: tslab's TypeScript ignores package "exports" and would see the browser types.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet/src/node.js";
import { open } from "node:fs/promises";
import { UnreadableFile, type RawItem } from "./format";
import { decodeUtf8 } from "./utf8";

/** Rows decoded at a time. */
const BATCH_ROWS = 2048;

/** Stands in for a string whose bytes were not UTF-8, so the row can be reported with the column. */
class BadUtf8 {}

const parsers = {
  stringFromBytes(bytes: Uint8Array | undefined) {
    if (!bytes) return bytes;
    return decodeUtf8(bytes) ?? new BadUtf8();
  },
};

/** Path of the first bad string in a value ("messages[2].content"), or undefined. */
function findBadUtf8(value: unknown, path: string): string | undefined {
  if (value instanceof BadUtf8) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findBadUtf8(value[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      const p = findBadUtf8(v, path ? `${path}.${k}` : k);
      if (p) return p;
    }
  }
  return undefined;
}

/** 64-bit integers arrive as bigint, which JSON cannot print: numbers when exact, else strings. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object" && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** A null cell is an absent field: columns exist for every row once any row has a value. */
function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) if (row[k] === null || row[k] === undefined) delete row[k];
  return row;
}

/** A Parquet file starts and ends with "PAR1", with the footer's length just before the end. */
async function checkMagic(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(4), tail = Buffer.alloc(8);
    if (size >= 12) {
      await handle.read(head, 0, 4, 0);
      await handle.read(tail, 0, 8, size - 8);
    }
    if (size < 12 || head.toString("latin1") !== "PAR1") {
      throw new UnreadableFile(`not a Parquet file: it does not start with the "PAR1" magic bytes${size < 12 ? ` (only ${size} bytes)` : ""}`);
    }
    if (tail.toString("latin1", 4) !== "PAR1") throw new UnreadableFile(`not a readable Parquet file: no "PAR1" footer at the end (truncated?)`);
    const footer = tail.readUInt32LE(0);
    if (footer + 12 > size) throw new UnreadableFile(`not a readable Parquet file: the footer claims ${footer} bytes but the file has ${size}`);
  } finally {
    await handle.close();
  }
}

/** Rows of a Parquet file as objects keyed by column name; `index` is the 0-based row number. */
export async function* readParquet(file: string): AsyncGenerator<RawItem> {
  await checkMagic(file);
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    // The magic bytes were right, so it is the footer's metadata that is damaged (hyparquet's own words vary,
    // and a malformed footer can surface as a TypeError from deep inside it).
    const msg = (err as Error).message ?? String(err);
    throw new UnreadableFile(`not a readable Parquet file: the footer metadata cannot be decoded (${/parquet/i.test(msg) ? msg : "corrupt or truncated"})`);
  }
  const total = Number(metadata.num_rows);
  for (let start = 0; start < total; start += BATCH_ROWS) {
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: Math.min(total, start + BATCH_ROWS), parsers });
    } catch (err) {
      throw new UnreadableFile(`Parquet rows ${start}..${start + BATCH_ROWS - 1} cannot be decoded (${(err as Error).message})`);
    }
    for (let i = 0; i < rows.length; i++) {
      const loc = { index: start + i };
      const bad = findBadUtf8(rows[i], "");
      if (bad) yield { loc, problem: `column '${bad}' is not valid UTF-8` };
      else yield { loc, value: withoutNulls(plain(rows[i]) as Record<string, unknown>) };
    }
  }
}
