/**
 * Reading and writing the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * header `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { str: str } }`
 * (padded with spaces), then the raw little-endian tensor bytes, offsets relative to the end of the header.
 *
 * Reading is strict (every malformed header is a one-line UserError naming the file) and streams: the
 * header is read first, then each tensor's bytes straight into its output array, so a 500 MB checkpoint
 * never sits in memory twice. Floats of any width come back as Float32Array, integers as Int32Array.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";
import { errorLine, UserError } from "../errors";
import { withAtomicFile, writeAll } from "../fsutil";

/** Bytes per element of every dtype the format defines (used to check offsets even for ones we don't load). */
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
const FLOAT_DTYPES = new Set(["F64", "F32", "F16", "BF16"]);
const INT_DTYPES = new Set(["I64", "I32", "I16", "I8", "U16", "U8", "BOOL"]);

/** The reference implementation refuses headers above 100 MB; so do we (a garbage length would else allocate). */
const MAX_HEADER_BYTES = 100_000_000;
/** Reads are split so that no single readSync call asks for more than this. */
const READ_CHUNK = 64 * 1024 * 1024;

export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U16" | "U8" | "BOOL";

/** One tensor as read: floats widened/narrowed to Float32Array, integers (and BOOL as 0/1) to Int32Array. */
export interface LoadedTensor {
  /** The dtype stored in the file (before conversion). */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** One tensor to write, or one that has been checked to be float: row-major, `data.length === prod(shape)`. */
export interface TensorData {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  /** In file order (ascending data offset). */
  tensors: Map<string, LoadedTensor>;
  /** The `__metadata__` map, `{}` when absent. */
  metadata: Record<string, string>;
}

/** A header entry, validated: byte range relative to the start of the data section. */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In file order (ascending data offset). */
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Absolute file position where the tensor data starts (8 + header length). */
  dataStart: number;
}

export interface ReadSafetensorsOptions {
  /** Return false to skip a tensor (its header entry is still validated, its bytes are not read). */
  filter?: (name: string) => boolean;
}

function bad(file: string, what: string): UserError {
  return new UserError(`${file}: ${what}`, 2);
}

function numel(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fmtShape(shape: number[]): string {
  return `[${shape.join(",")}]`;
}

function readExactly(fd: number, buf: Uint8Array, position: number): number {
  let got = 0;
  while (got < buf.byteLength) {
    const want = Math.min(READ_CHUNK, buf.byteLength - got);
    const n = readSync(fd, buf, got, want, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Parses and validates the header of an open file. Exported through `readSafetensorsHeader`. */
function parseHeader(fd: number, file: string): SafetensorsHeader {
  const size = fstatSync(fd).size;
  if (size < 8) throw bad(file, `not a safetensors file: ${size} bytes, shorter than the 8-byte header length`);
  const lenBuf = new Uint8Array(8);
  readExactly(fd, lenBuf, 0);
  const n64 = new DataView(lenBuf.buffer).getBigUint64(0, true);
  if (n64 > BigInt(size - 8)) {
    throw bad(file, `not a safetensors file (or truncated): header length ${n64} exceeds the ${size - 8} bytes after it`);
  }
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) throw bad(file, `header length ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit`);
  if (n < 2) throw bad(file, `header length ${n} is too short to hold a JSON object`);
  const headerBytes = new Uint8Array(n);
  readExactly(fd, headerBytes, 8);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw bad(file, "header is not valid UTF-8");
  }
  if (!text.startsWith("{")) throw bad(file, "header is not a JSON object (does not start with '{')");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(file, `header is not valid JSON (${errorLine(err)})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw bad(file, "header is not a JSON object");

  const metadata: Record<string, string> = {};
  const list: Array<[string, SafetensorsEntry]> = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad(file, "__metadata__ is not an object");
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") throw bad(file, `__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    list.push([name, parseEntry(file, name, raw)]);
  }

  // Tensors must tile the data section exactly: no overlap, no gap, nothing left over (as the reference reader).
  const dataLen = size - 8 - n;
  list.sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let pos = 0;
  for (const [name, e] of list) {
    if (e.begin < pos) throw bad(file, `tensor '${name}' data_offsets [${e.begin},${e.end}] overlap the previous tensor (which ends at ${pos})`);
    if (e.begin > pos) throw bad(file, `tensor '${name}' data_offsets start at ${e.begin}, leaving a gap after byte ${pos}`);
    if (e.end > dataLen) {
      throw bad(file, `truncated: tensor '${name}' needs data bytes up to ${e.end} but the file has only ${dataLen}`);
    }
    pos = e.end;
  }
  if (pos !== dataLen) throw bad(file, `${dataLen - pos} unexpected trailing bytes after the last tensor`);
  return { entries: new Map(list), metadata, dataStart: 8 + n };
}

function parseEntry(file: string, name: string, raw: unknown): SafetensorsEntry {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad(file, `tensor '${name}': header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string") throw bad(file, `tensor '${name}': missing dtype`);
  const width = DTYPE_BYTES[dtype];
  if (width === undefined) throw bad(file, `tensor '${name}': unknown dtype '${dtype}'`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(file, `tensor '${name}': shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw bad(file, `tensor '${name}': data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw bad(file, `tensor '${name}': data_offsets [${begin},${end}] end before they begin`);
  const want = numel(shape as number[]) * width;
  if (end - begin !== want) {
    throw bad(file, `tensor '${name}': data_offsets [${begin},${end}] span ${end - begin} bytes but ${dtype} ${fmtShape(shape as number[])} needs ${want}`);
  }
  return { dtype, shape: shape as number[], begin, end };
}

function checkHost(): void {
  // Tensor bytes are little-endian and are viewed in place as typed arrays.
  if (endianness() !== "LE") throw new Error("safetensors I/O needs a little-endian machine");
}

/** Reads and validates only the header: names, dtypes, shapes and metadata, without tensor data. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openForRead(path);
  try {
    return parseHeader(fd, path);
  } finally {
    closeSync(fd);
  }
}

function openForRead(path: string): number {
  try {
    return openSync(path, "r");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`${path}: cannot open (${e.code === "ENOENT" ? "no such file" : e.code ?? e.message})`, 2);
  }
}

/** float16 bits -> float32 bits. */
function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return sign | 0x7f800000 | (mant << 13); // inf / nan
  if (exp !== 0) return sign | ((exp + 112) << 23) | (mant << 13); // normal: rebias 15 -> 127
  if (mant === 0) return sign; // +-0
  // Subnormal half: becomes a normal float. Shift the mantissa up until its leading 1 is the implicit bit.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return sign | (e << 23) | ((m & 0x3ff) << 13);
}

/** float32 -> float16 bits, rounding to nearest even; overflow becomes infinity, tiny values subnormal or zero. */
export function floatToHalfBits(x: number): number {
  const f = new Float32Array([x]);
  const b = new Uint32Array(f.buffer)[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: infinity
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, right by 1 - e (+13).
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Round to nearest even; a carry into the exponent is still the right value (up to infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/** Converts raw little-endian bytes of `dtype` to the output array. `bytes` must start on an 8-byte boundary. */
function convert(file: string, name: string, dtype: string, bytes: Uint8Array, count: number): Float32Array | Int32Array {
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  switch (dtype) {
    case "F64":
      return Float32Array.from(new Float64Array(buf, off, count));
    case "F16": {
      const src = new Uint16Array(buf, off, count);
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = halfToFloatBits(src[i]);
      return out;
    }
    case "BF16": {
      // bfloat16 is the top half of a float32.
      const src = new Uint16Array(buf, off, count);
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = src[i] << 16;
      return out;
    }
    case "I64": {
      const src = new BigInt64Array(buf, off, count);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = src[i];
        if (v > 2147483647n || v < -2147483648n) throw bad(file, `tensor '${name}': I64 value ${v} does not fit in 32 bits`);
        out[i] = Number(v);
      }
      return out;
    }
    case "I16":
      return Int32Array.from(new Int16Array(buf, off, count));
    case "I8":
      return Int32Array.from(new Int8Array(buf, off, count));
    case "U16":
      return Int32Array.from(new Uint16Array(buf, off, count));
    case "U8":
      return Int32Array.from(new Uint8Array(buf, off, count));
    case "BOOL":
      return Int32Array.from(new Uint8Array(buf, off, count), (v) => (v ? 1 : 0));
  }
  throw new Error(`unreachable dtype ${dtype}`);
}

/**
 * Reads a whole safetensors file. F32/F16/BF16/F64 become Float32Array; I64/I32/I16/I8/U16/U8/BOOL become
 * Int32Array (I64 values outside 32 bits are an error); U32/U64/F8 are refused. Throws UserError (exit 2).
 */
export function readSafetensors(path: string, options: ReadSafetensorsOptions = {}): SafetensorsFile {
  checkHost();
  const fd = openForRead(path);
  try {
    const header = parseHeader(fd, path);
    const tensors = new Map<string, LoadedTensor>();
    for (const [name, e] of header.entries) {
      if (options.filter && !options.filter(name)) continue;
      if (!FLOAT_DTYPES.has(e.dtype) && !INT_DTYPES.has(e.dtype) && e.dtype !== "I32") {
        throw bad(path, `tensor '${name}': dtype ${e.dtype} is not supported (only float and up to 32-bit integer tensors)`);
      }
      const count = numel(e.shape);
      const nbytes = e.end - e.begin;
      let data: Float32Array | Int32Array;
      if (e.dtype === "F32" || e.dtype === "I32") {
        // Same layout as the output: read straight into it.
        data = e.dtype === "F32" ? new Float32Array(count) : new Int32Array(count);
        const got = readExactly(fd, new Uint8Array(data.buffer), header.dataStart + e.begin);
        if (got !== nbytes) throw bad(path, `truncated while reading tensor '${name}'`);
      } else {
        const raw = new Uint8Array(nbytes);
        const got = readExactly(fd, raw, header.dataStart + e.begin);
        if (got !== nbytes) throw bad(path, `truncated while reading tensor '${name}'`);
        data = convert(path, name, e.dtype, raw, count);
      }
      tensors.set(name, { dtype: e.dtype as SafetensorsDtype, shape: e.shape, data });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes float32 tensors as a safetensors file, atomically. Tensors are laid out in sorted name order,
 * the header is padded with spaces to a multiple of 8 bytes (so the data is 8-byte aligned).
 */
export function writeSafetensors(
  path: string,
  tensors: Record<string, TensorData> | Map<string, TensorData>,
  metadata?: Record<string, string>,
  /** Stored dtype of every tensor: F32 (default) or F16 (half the size; reading converts back to float32). */
  dtype: "F32" | "F16" = "F32",
): void {
  checkHost();
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new TypeError(`writeSafetensors: metadata '${k}' must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === "" || name === "__metadata__") throw new TypeError(`writeSafetensors: invalid tensor name '${name}'`);
    if (!(t.data instanceof Float32Array)) throw new TypeError(`writeSafetensors: tensor '${name}' data must be a Float32Array`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || numel(t.shape) !== t.data.length) {
      throw new TypeError(`writeSafetensors: tensor '${name}' has ${t.data.length} values but shape ${fmtShape(t.shape)}`);
    }
    const bytes = dtype === "F16" ? t.data.length * 2 : t.data.byteLength;
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  withAtomicFile(path, (fd) => {
    writeAll(fd, len);
    writeAll(fd, json);
    for (const [, t] of entries) {
      if (dtype === "F32") writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      else writeAll(fd, new Uint8Array(Uint16Array.from(t.data, floatToHalfBits).buffer));
    }
  });
}
