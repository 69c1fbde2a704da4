/**
 * Reading an instruction-data file of any known format into `InstructionRecord`s, with every bad record
 * reported by location. `openRecords` streams (for files larger than memory); `loadRecords` collects.
 */
import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { located, UserError } from "../errors";
import type { ContainerName, FormatName, InstructionRecord } from "./record";
import { RecordProblem, UnreadableFile, type DocumentItem, type DocumentSchema, type RawItem, type RowSchema } from "./formats/format";
import { SCHEMAS, isContainerName, isFormatName } from "./formats/index";
import { detectLayout, detectSchema, type Layout } from "./formats/detect";
import { readJsonl } from "./formats/jsonl";
import { readJsonArray } from "./formats/json-array";
import { csvRowValues, readCsv } from "./formats/csv";
import { readParquet } from "./formats/parquet";
import { isObject } from "./formats/fields";
import { parseJson } from "../json-text";
import { badUtf8, decodeUtf8, firstInvalidUtf8, lineAt } from "./formats/utf8";
import { formatIssue, IdRegistry, issueFor, recordProblems, type Issue, type ValidationMode } from "./validate";

export interface LoadOptions {
  /** Schema to read with; detected from the rows' field names when absent. */
  format?: FormatName;
  /** Layout to read with; detected from extension and content when absent. */
  container?: ContainerName;
  mode: ValidationMode;
  /** Source name of the records (wins over a row's `source` field); default: file name without extension. */
  source?: string;
  /** Longest line / JSON element / CSV row read, in bytes; longer ones are reported as invalid. */
  maxRecordBytes: number;
  /** Largest whole-document file (task files) read, in bytes. */
  maxDocumentBytes: number;
  /** Renames fields before the schema sees them: {question: "instruction", answer: "output"}. */
  columns?: Record<string, string>;
  /** CSV separator; default "," ("\t" for .tsv). */
  delimiter?: string;
  /** Rows looked at to detect the schema. */
  sniffRows: number;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = {
  mode: "lenient",
  maxRecordBytes: 16 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
  sniffRows: 32,
};

/** Defaults filled in and every option checked; throws UserError naming the bad option. */
export function validateLoadOptions(options: Partial<LoadOptions> = {}): LoadOptions {
  const o: LoadOptions = { ...DEFAULT_LOAD_OPTIONS, ...options };
  if (o.format !== undefined && !isFormatName(o.format)) throw new UserError(`unknown format '${o.format}'`);
  if (o.container !== undefined && !isContainerName(o.container)) throw new UserError(`unknown container '${o.container}'`);
  if (o.mode !== "strict" && o.mode !== "lenient") throw new UserError(`mode must be 'strict' or 'lenient', got '${o.mode}'`);
  for (const key of ["maxRecordBytes", "maxDocumentBytes", "sniffRows"] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) throw new UserError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.delimiter !== undefined && o.delimiter.length !== 1) throw new UserError(`delimiter must be one character, got '${o.delimiter}'`);
  if (o.source !== undefined && o.source === "") throw new UserError("source must not be empty");
  if (o.format && o.container && SCHEMAS[o.format].kind === "document" && o.container !== "json") {
    throw new UserError(`${o.format} files are JSON documents, not ${o.container}`);
  }
  return o;
}

export interface LoadCounts {
  /** Records looked at (valid + invalid). */
  read: number;
  valid: number;
  invalid: number;
}

export interface LoadResult {
  file: string;
  format: FormatName;
  container: ContainerName;
  records: InstructionRecord[];
  invalid: Issue[];
  counts: LoadCounts;
}

/** One step of a stream of records: a good record or a bad one's issue. */
export type RecordEvent = { record: InstructionRecord } | { issue: Issue };

export interface OpenedRecords {
  file: string;
  format: FormatName;
  container: ContainerName;
  /** In strict mode, throws UserError (exit code 1) at the first issue instead of yielding it. */
  events: AsyncGenerator<RecordEvent>;
}

/** Bytes read to detect the layout. */
const HEAD_BYTES = 64 * 1024;

async function readHead(file: string): Promise<Uint8Array> {
  let handle;
  try {
    // Only regular files: opening a FIFO with no writer blocks for ever, and a device never ends.
    const st = await stat(file);
    if (!st.isFile() && !st.isDirectory()) {
      const kind = st.isFIFO() ? "a FIFO (named pipe)" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : st.isSocket() ? "a socket" : "not a regular file";
      throw new UserError(located(file, undefined, `cannot read: it is ${kind}, not a regular file`), 2);
    }
    handle = await open(file, "r");
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(located(file, undefined, `cannot read: ${describeFsError(err)}`), 2);
  } finally {
    await handle?.close();
  }
}

function describeFsError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === "ENOENT") return "no such file";
  if (e.code === "EISDIR") return "is a directory";
  if (e.code === "EACCES") return "permission denied";
  return e.message ?? String(err);
}

/** Bytes per read while streaming: large enough that a 1 GB line is a thousand reads, not sixteen thousand. */
const STREAM_CHUNK = 1024 * 1024;

function byteChunks(file: string): AsyncIterable<Uint8Array> {
  return createReadStream(file, { highWaterMark: STREAM_CHUNK });
}

function issueAt(file: string, loc: { line?: number; index?: number }, what: string): Issue {
  const issue: Issue = { file, what };
  if (loc.line !== undefined) issue.line = loc.line;
  if (loc.index !== undefined) issue.index = loc.index;
  return issue;
}

function defaultSource(file: string): string {
  const name = basename(file);
  return basename(name, extname(name)) || name;
}

function unreadable(file: string, err: UnreadableFile): UserError {
  return new UserError(located(file, err.line, err.message), 2);
}

/**
 * Opens `file` and detects its layout and schema (reading a few rows ahead); the records then stream from
 * `events`. Throws UserError (exit code 2) when the file cannot be read or its format cannot be told.
 */
export async function openRecords(file: string, options: Partial<LoadOptions> = {}): Promise<OpenedRecords> {
  const opts = validateLoadOptions(options);
  const head = await readHead(file);
  let layout: Layout;
  try {
    layout = detectLayout(file, head, opts.container ?? (opts.format && SCHEMAS[opts.format].kind === "document" ? "json" : undefined));
  } catch (err) {
    if (err instanceof UnreadableFile) throw unreadable(file, err);
    throw err;
  }
  if (layout.document) return openDocument(file, opts);
  if (opts.format && SCHEMAS[opts.format].kind === "document") {
    throw new UserError(located(file, undefined, `${opts.format} expects a JSON object (a task file), but this is ${layout.container}`), 2);
  }

  const raw = rawItems(file, layout, opts);
  // Rows are read ahead until enough objects are seen to tell the schema; they are replayed afterwards.
  // The look-ahead is bounded too, so a file of nothing but bad rows is not buffered whole.
  const ahead: RawItem[] = [];
  let ended = false;
  let objects = 0;
  try {
    while (objects < opts.sniffRows && ahead.length < 16 * opts.sniffRows) {
      const next = await raw.next();
      if (next.done) {
        ended = true;
        break;
      }
      ahead.push(next.value);
      if ("value" in next.value && isObject(next.value.value)) objects++;
    }
  } catch (err) {
    if (err instanceof UnreadableFile) throw unreadable(file, err);
    throw err;
  }
  const values = ahead.flatMap((it) => ("value" in it ? [renamed(it.value, opts.columns)] : []));
  if (ended && ahead.length > 0 && values.length === 0) {
    // Nothing in the whole file parses: unreadable, not merely invalid.
    const first = ahead[0] as { loc: { line?: number; index?: number }; problem: string };
    throw new UserError(formatIssue(issueAt(file, first.loc, first.problem)), 2);
  }
  let schema: RowSchema;
  if (opts.format) schema = SCHEMAS[opts.format] as RowSchema;
  else {
    if (ahead.length === 0) throw new UserError(located(file, undefined, "no records (empty file)"), 2);
    const found = detectSchema(values);
    if (!found) {
      const keys = [...new Set(values.flatMap((v) => (isObject(v) ? Object.keys(v) : [])))];
      const what = keys.length > 0 ? `fields ${keys.slice(0, 8).join(", ")}` : "no JSON objects";
      throw new UserError(located(file, undefined, `cannot tell the format: the first records have ${what}; name it with --format`), 2);
    }
    schema = found;
  }
  const events = rowEvents(file, layout.container, schema, opts, ahead, ended ? undefined : raw);
  return { file, format: schema.name, container: layout.container, events };
}

function rawItems(file: string, layout: Layout, opts: LoadOptions): AsyncGenerator<RawItem> {
  switch (layout.container) {
    case "jsonl":
      return readJsonl(byteChunks(file), opts.maxRecordBytes);
    case "json":
      return readJsonArray(byteChunks(file), opts.maxRecordBytes);
    case "csv":
      return readCsv(byteChunks(file), { delimiter: opts.delimiter ?? layout.delimiter ?? ",", maxRecordBytes: opts.maxRecordBytes });
    case "parquet":
      return readParquet(file);
  }
}

function renamed(value: unknown, columns: Record<string, string> | undefined): unknown {
  if (!columns || !isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[Object.hasOwn(columns, k) ? columns[k] : k] = v;
  return out;
}

async function* rowEvents(
  file: string,
  container: ContainerName,
  schema: RowSchema,
  opts: LoadOptions,
  ahead: RawItem[],
  rest: AsyncGenerator<RawItem> | undefined,
): AsyncGenerator<RecordEvent> {
  const ids = new IdRegistry();
  const source = opts.source ?? defaultSource(file);
  let ordinal = 0;
  async function* all(): AsyncGenerator<RawItem> {
    for (const item of ahead) yield item;
    if (rest) for await (const item of rest) yield item;
  }
  try {
    for await (const item of all()) {
      const ctx = { file, source, forceSource: opts.source !== undefined, container, ordinal: ordinal++, loc: item.loc };
      let event: RecordEvent;
      if ("problem" in item) event = { issue: issueAt(file, item.loc, item.problem) };
      else {
        try {
          let value = renamed(item.value, opts.columns);
          if (container === "csv" && isObject(value)) value = csvRowValues(value, schema.columns, schema.nested);
          event = checked(schema.read(value, ctx), ids);
        } catch (err) {
          if (!(err instanceof RecordProblem)) throw err;
          event = { issue: issueAt(file, item.loc, err.message) };
        }
      }
      if ("issue" in event && opts.mode === "strict") throw new UserError(formatIssue(event.issue), 1);
      yield event;
    }
  } catch (err) {
    if (err instanceof UnreadableFile) throw unreadable(file, err);
    throw err;
  }
}

/** A read record after the record-level checks: itself, or the issue with all its problems. */
function checked(record: InstructionRecord, ids: IdRegistry): RecordEvent {
  const problems = recordProblems(record);
  if (problems.length === 0) {
    const dup = ids.check(record);
    if (dup) problems.push(dup);
  }
  return problems.length > 0 ? { issue: issueFor(record, problems.join("; ")) } : { record };
}

async function openDocument(file: string, opts: LoadOptions): Promise<OpenedRecords> {
  const schema = SCHEMAS["natural-instructions"] as DocumentSchema;
  const size = (await stat(file)).size;
  if (size > opts.maxDocumentBytes) {
    throw new UserError(located(file, undefined, `JSON document is ${size} bytes, more than the limit of ${opts.maxDocumentBytes}`), 2);
  }
  const bytes = new Uint8Array(await readFile(file));
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new UserError(located(file, lineAt(bytes, firstInvalidUtf8(bytes)), badUtf8(bytes)), 2);
  const parsed = parseJson(text);
  if (!("value" in parsed)) throw new UserError(located(file, parsed.line, parsed.problem), 2);
  if (schema.sniff(parsed.value) < 2) {
    throw new UserError(located(file, 1, "a JSON object that is not a task file (no 'Instances' array); expected a JSON array or JSONL"), 2);
  }
  const source = opts.source ?? schema.defaultSource ?? defaultSource(file);
  let items: DocumentItem[];
  try {
    items = [...schema.read(parsed.value, { file, source })];
  } catch (err) {
    if (err instanceof RecordProblem) throw new UserError(located(file, undefined, err.message), 2);
    throw err;
  }
  async function* events(): AsyncGenerator<RecordEvent> {
    const ids = new IdRegistry();
    for (const item of items) {
      const event: RecordEvent = "problem" in item ? { issue: issueAt(file, item.loc, item.problem) } : checked(item.record, ids);
      if ("issue" in event && opts.mode === "strict") throw new UserError(formatIssue(event.issue), 1);
      yield event;
    }
  }
  return { file, format: schema.name, container: "json", events: events() };
}

/**
 * Reads every record of `file`. Lenient mode (the default) keeps going past bad records and lists them in
 * `invalid`; strict mode throws UserError (exit code 1) at the first. Unreadable files throw (exit code 2).
 */
export async function loadRecords(file: string, options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const opened = await openRecords(file, options);
  const records: InstructionRecord[] = [];
  const invalid: Issue[] = [];
  for await (const event of opened.events) {
    if ("record" in event) records.push(event.record);
    else invalid.push(event.issue);
  }
  return {
    file,
    format: opened.format,
    container: opened.container,
    records,
    invalid,
    counts: { read: records.length + invalid.length, valid: records.length, invalid: invalid.length },
  };
}
