/**
 * Which container and schema a file uses: the extension says what it claims, the first bytes say what it
 * is (a ".json" file is often JSONL; a ".jsonl" file is sometimes a JSON array), and a sample of parsed
 * rows says which schema's field names it uses.
 */
import { extname } from "node:path";
import type { ContainerName } from "../record";
import { UnreadableFile, type RowSchema } from "./format";
import { isObject } from "./fields";
import { SCHEMAS } from "./index";
import { decodeUtf8, hasBom } from "./utf8";

/** How a file's records are laid out; `document` is a JSON object holding all records (a task file). */
export interface Layout {
  container: ContainerName;
  document: boolean;
  /** CSV separator guessed from the extension. */
  delimiter?: string;
}

const EXTENSIONS: Readonly<Record<string, ContainerName>> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
  ".csv": "csv",
  ".tsv": "csv",
  ".parquet": "parquet",
  ".pq": "parquet",
};

export function containerFromExtension(file: string): ContainerName | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}

function firstNonSpace(head: Uint8Array): number {
  for (let i = hasBom(head) ? 3 : 0; i < head.length; i++) {
    const b = head[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  }
  return -1;
}

/** A `{...}` first line that parses alone means JSONL, unless it is a whole one-line task file. */
function firstLineIsRecord(head: Uint8Array): boolean {
  // Without a newline the head is the whole first line only if the file is that short; then it parses.
  const nl = head.indexOf(0x0a) < 0 ? head.length : head.indexOf(0x0a);
  const text = decodeUtf8(head.subarray(hasBom(head) ? 3 : 0, nl));
  if (text === undefined) return false;
  try {
    const v = JSON.parse(text);
    return isObject(v) && !("Instances" in v);
  } catch {
    return false;
  }
}

/**
 * The layout of a file from its name and its first bytes (`head`, a few KiB). `override` is the
 * container the caller named, which wins over everything but the shape of JSON.
 */
export function detectLayout(file: string, head: Uint8Array, override?: ContainerName): Layout {
  if (head.length === 0) throw new UnreadableFile("empty file");
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new UnreadableFile("file is UTF-16; convert it to UTF-8");
  }
  const ext = extname(file).toLowerCase();
  const byExt = containerFromExtension(file);
  const delimiter = ext === ".tsv" ? "\t" : undefined;
  const first = firstNonSpace(head);
  const magic = head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31; // "PAR1"
  if (override === "parquet" || override === "csv") return { container: override, document: false, delimiter };
  if (override === "jsonl") return { container: override, document: false };
  if (override === "json") return { container: override, document: first !== 0x5b };
  if (magic) return { container: "parquet", document: false };
  if (byExt === "csv" || byExt === "parquet") return { container: byExt, document: false, delimiter };
  if (first === 0x5b) return { container: "json", document: false };
  if (first === 0x7b) {
    if (byExt === "jsonl" || firstLineIsRecord(head)) return { container: "jsonl", document: false };
    return { container: "json", document: true };
  }
  // A JSONL file whose first line is broken is still JSONL: each line is judged on its own.
  if (byExt === "jsonl") return { container: "jsonl", document: false };
  if (byExt === "json") throw new UnreadableFile("expected JSON: the file starts with neither '[' nor '{'", 1);
  // No telling extension and not JSON: a first line with commas or tabs is taken for a CSV header.
  const firstLine = new TextDecoder().decode(head.subarray(0, head.indexOf(0x0a) < 0 ? head.length : head.indexOf(0x0a)));
  if (firstLine.includes("\t")) return { container: "csv", document: false, delimiter: "\t" };
  if (firstLine.includes(",")) return { container: "csv", document: false };
  throw new UnreadableFile("cannot tell the file's layout (not JSON, JSONL, CSV or Parquet); name it with --format");
}

/** The row schema whose fields best match `samples`, or undefined when none matches at all. */
export function detectSchema(samples: readonly unknown[]): RowSchema | undefined {
  let best: RowSchema | undefined;
  let bestScore = 0;
  for (const schema of Object.values(SCHEMAS)) {
    if (schema.kind !== "rows") continue;
    let score = 0;
    for (const s of samples) if (isObject(s)) score += schema.sniff(s);
    if (score > bestScore) (best = schema), (bestScore = score);
  }
  return best;
}
