/**
 * The JSONL container: one JSON value per line. Lines are cut from raw bytes, never from a decoded string,
 * so an enormous line costs at most `maxRecordBytes` of memory and is reported instead of loaded.
 */
import type { RawItem } from "./format";
import { parseJson } from "../../json-text";
import { badUtf8, decodeUtf8, hasBom } from "./utf8";

export interface LineBytes {
  line: number;
  /** The line without its "\n" / "\r\n"; undefined when it was longer than the cap. */
  bytes?: Uint8Array;
  /** Length of a line over the cap, in bytes. */
  length: number;
}

/** Splits a byte stream into lines (1-based numbers), keeping at most `maxBytes` of any one line. */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<LineBytes> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let line = 1;
  const emit = (): LineBytes => {
    let bytes: Uint8Array | undefined;
    if (length <= maxBytes) {
      bytes = parts.length === 1 ? parts[0] : concat(parts, length);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const out: LineBytes = { line, bytes, length };
    parts = [];
    length = 0;
    line++;
    return out;
  };
  for await (const chunk of chunks) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (end > start) {
        // Past the cap only the length is kept.
        if (length + (end - start) <= maxBytes) parts.push(chunk.subarray(start, end));
        else parts = [];
        length += end - start;
      }
      if (nl < 0) break;
      yield emit();
      start = nl + 1;
    }
  }
  if (length > 0) yield emit();
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Rows of a JSONL byte stream: blank lines are skipped, anything else is a value or a located problem. */
export async function* readJsonl(chunks: AsyncIterable<Uint8Array>, maxRecordBytes: number): AsyncGenerator<RawItem> {
  for await (const l of splitLines(chunks, maxRecordBytes)) {
    const loc = { line: l.line };
    if (l.bytes === undefined) {
      yield { loc, problem: `line is ${l.length} bytes, longer than the limit of ${maxRecordBytes}` };
      continue;
    }
    const bytes = l.line === 1 && hasBom(l.bytes) ? l.bytes.subarray(3) : l.bytes;
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      yield { loc, problem: badUtf8(bytes) };
      continue;
    }
    if (text.trim() === "") continue;
    const parsed = parseJson(text, l.line);
    yield "value" in parsed ? { loc, value: parsed.value } : { loc, problem: parsed.problem };
  }
}

/** One JSON object per line, "\n"-terminated. */
export function writeJsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r) + "\n").join("");
}
