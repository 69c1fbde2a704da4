/**
 * The JSON-array container (`[ {...}, {...} ]`, Alpaca's layout). A small scanner finds where each element
 * starts and ends in the byte stream, and each element is decoded and parsed on its own, so that
 *  - a 1 GB array never becomes one string, and no element larger than `maxRecordBytes` is held;
 *  - a syntax error or bad UTF-8 in one element costs that element only, and is reported with the line
 *    where it starts and its index.
 */
import { type RawItem, UnreadableFile } from "./format";
import { parseJson } from "../../json-text";
import { badUtf8, decodeUtf8, hasBom } from "./utf8";

const enum Phase {
  Start,
  Between,
  Element,
  After,
  End,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Elements of a JSON array, with the line each starts on and its index. */
export async function* readJsonArray(chunks: AsyncIterable<Uint8Array>, maxRecordBytes: number): AsyncGenerator<RawItem> {
  let phase = Phase.Start;
  let line = 1;
  let index = 0;
  let firstChunk = true;
  // State of the element being scanned.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let startLine = 0;
  let parts: Uint8Array[] = [];
  let size = 0;
  let segStart = 0;

  const take = (seg: Uint8Array): void => {
    if (size + seg.length <= maxRecordBytes) parts.push(seg);
    else parts = [];
    size += seg.length;
  };
  const finish = (): RawItem => {
    const loc = { line: startLine, index: index++ };
    if (size > maxRecordBytes) return { loc, problem: `record is ${size} bytes, longer than the limit of ${maxRecordBytes}` };
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    parts = [];
    const text = decodeUtf8(bytes);
    if (text === undefined) return { loc, problem: badUtf8(bytes) };
    const parsed = parseJson(text, startLine);
    return "value" in parsed ? { loc, value: parsed.value } : { loc: { ...loc, line: parsed.line }, problem: parsed.problem };
  };

  for await (const chunk of chunks) {
    let i = firstChunk && hasBom(chunk) ? 3 : 0;
    firstChunk = false;
    segStart = 0;
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      // A byte may end one phase and start the next, so it is looked at again until some phase keeps it.
      for (let again = true; again; ) {
        again = false;
        switch (phase) {
          case Phase.Start:
            if (isSpace(b)) break;
            if (b !== OPEN_BRACKET) throw new UnreadableFile("expected a JSON array starting with '['", line);
            phase = Phase.Between;
            break;
          case Phase.Between:
            if (isSpace(b)) break;
            if (b === CLOSE_BRACKET) phase = Phase.End;
            else if (b === COMMA) yield { loc: { line, index: index++ }, problem: "empty element (two commas in a row)" };
            else {
              phase = Phase.Element;
              depth = 0;
              inString = false;
              escaped = false;
              startLine = line;
              size = 0;
              parts = [];
              segStart = i;
              again = true;
            }
            break;
          case Phase.Element: {
            // endAt: exclusive end of the element within this chunk, when it ends at this byte.
            let endAt = -1;
            let reprocess = false;
            if (inString) {
              if (escaped) escaped = false;
              else if (b === BACKSLASH) escaped = true;
              else if (b === QUOTE) {
                inString = false;
                if (depth === 0) endAt = i + 1;
              }
            } else if (b === QUOTE) inString = true;
            else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
            else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
              if (depth === 0) (endAt = i), (reprocess = true);
              else if (--depth === 0) endAt = i + 1;
            } else if (depth === 0 && (isSpace(b) || b === COMMA)) (endAt = i), (reprocess = true);
            if (endAt >= 0) {
              take(chunk.subarray(segStart, endAt));
              yield finish();
              phase = Phase.After;
              again = reprocess;
            }
            break;
          }
          case Phase.After:
            if (isSpace(b)) break;
            if (b === COMMA) phase = Phase.Between;
            else if (b === CLOSE_BRACKET) phase = Phase.End;
            else {
              yield { loc: { line }, problem: "expected ',' or ']' between records" };
              phase = Phase.Between;
              again = true;
            }
            break;
          case Phase.End:
            if (isSpace(b)) break;
            yield { loc: { line }, problem: "unexpected text after the closing ']'" };
            return;
        }
      }
      if (b === NEWLINE) line++;
    }
    if (phase === Phase.Element) take(chunk.subarray(segStart));
  }
  if (phase === Phase.Start) throw new UnreadableFile("empty file: no JSON array");
  if (phase === Phase.Element) {
    yield { loc: { line: startLine, index: index++ }, problem: "record is cut off by the end of the file" };
  } else if (phase !== Phase.End) {
    yield { loc: { line }, problem: "the array is never closed with ']' (file cut off?)" };
  }
}

/** A pretty-printed JSON array, one element per line group, as Alpaca's own files are laid out. */
export function writeJsonArray(rows: readonly unknown[]): string {
  if (rows.length === 0) return "[]\n";
  return "[\n" + rows.map((r) => "  " + JSON.stringify(r, null, 2).replace(/\n/g, "\n  ")).join(",\n") + "\n]\n";
}
