/**
 * The CSV container (RFC 4180): a header row naming the columns, then one record per row; fields may be
 * quoted, with "" for a quote inside, and quoted fields may span lines. Parsed from bytes by a small state
 * machine rather than a library because the rules are short and we need what libraries rarely give: the
 * line each record starts on, per-record UTF-8 checks, and a cap on a runaway quoted field.
 * Columns holding arrays (chat `messages`, `references`) carry them as JSON text.
 */
import { RecordProblem, UnreadableFile, type RawItem } from "./format";
import { typeName } from "./fields";
import { decodeUtf8, hasBom } from "./utf8";
import { repoRequire } from "../../paths";

export interface CsvOptions {
  /** Field separator: "," for .csv, "\t" for .tsv. */
  delimiter: string;
  /** Longest row kept, in bytes; longer rows are reported, not held. */
  maxRecordBytes: number;
}

/** One physical record: its fields, or why it cannot be used; `line` is where it starts. */
export type CsvRow = { line: number; cells: string[] } | { line: number; problem: string };

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Grows as bytes are pushed; `take` hands out a copy of the bytes and empties it. */
class Bytes {
  private buf = new Uint8Array(256);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** Rows of a CSV byte stream (header included). Blank lines are skipped. */
export async function* parseCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions): AsyncGenerator<CsvRow> {
  const delim = options.delimiter.charCodeAt(0);
  let state = State.FieldStart;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  let cells: Uint8Array[] = [];
  const field = new Bytes();
  let rowBytes = 0;
  let problem: string | undefined;
  let pendingCR = false;
  let firstChunk = true;

  const endField = (): void => {
    cells.push(field.take());
  };
  const endRow = (): CsvRow | undefined => {
    const at = rowLine;
    const raw = cells;
    const bad = problem;
    cells = [];
    problem = undefined;
    rowBytes = 0;
    if (raw.length === 1 && raw[0].length === 0 && !bad) return undefined; // blank line
    if (bad) return { line: at, problem: bad };
    const out: string[] = [];
    for (let i = 0; i < raw.length; i++) {
      const text = decodeUtf8(raw[i]);
      if (text === undefined) return { line: at, problem: `field ${i + 1} is not valid UTF-8` };
      out.push(text);
    }
    return { line: at, cells: out };
  };
  const addByte = (b: number): void => {
    if (++rowBytes > options.maxRecordBytes) {
      problem ??= `row is longer than the limit of ${options.maxRecordBytes} bytes`;
      return;
    }
    field.push(b);
  };

  for await (const chunk of chunks) {
    let i = firstChunk && hasBom(chunk) ? 3 : 0;
    firstChunk = false;
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      // A CR is held back until we know whether an LF follows (CRLF ends the row; a lone CR is text).
      if (pendingCR) {
        pendingCR = false;
        if (b !== LF) addByte(CR);
      }
      if (state === State.Quoted) {
        if (b === QUOTE) state = State.QuoteInQuoted;
        else addByte(b);
      } else if (state === State.QuoteInQuoted && b === QUOTE) {
        addByte(QUOTE); // "" inside quotes
        state = State.Quoted;
      } else if (state === State.QuoteInQuoted && b !== delim && b !== LF && b !== CR) {
        problem ??= `text after the closing quote of field ${cells.length + 1}`;
        addByte(b);
        state = State.Unquoted;
      } else if (b === delim) {
        endField();
        state = State.FieldStart;
      } else if (b === LF) {
        endField();
        const row = endRow();
        if (row) yield row;
        state = State.FieldStart;
        rowLine = line + 1;
      } else if (b === CR) pendingCR = true;
      else if (b === QUOTE && state === State.FieldStart) {
        state = State.Quoted;
        quoteLine = line;
      } else {
        // A quote inside an unquoted field is not RFC 4180, but it is common and unambiguous: keep it.
        addByte(b);
        state = State.Unquoted;
      }
      if (b === LF) line++;
    }
  }
  if (pendingCR && state === State.Quoted) addByte(CR);
  if (state === State.Quoted) {
    yield { line: rowLine, problem: `quoted field opened on line ${quoteLine} is never closed` };
    return;
  }
  if (cells.length > 0 || field.length > 0 || problem) {
    endField();
    const row = endRow();
    if (row) yield row;
  }
}

/**
 * Records of a CSV stream as objects keyed by the header's column names. A header that cannot be read
 * makes the whole file unreadable; a row with the wrong number of fields is one bad record.
 */
export async function* readCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions): AsyncGenerator<RawItem> {
  let header: string[] | undefined;
  for await (const row of parseCsv(chunks, options)) {
    if (!header) {
      if ("problem" in row) throw new UnreadableFile(`CSV header: ${row.problem}`, row.line);
      header = row.cells.map((c) => c.trim());
      const seen = new Set<string>();
      for (const name of header) {
        if (name === "") throw new UnreadableFile("CSV header has an empty column name", row.line);
        if (seen.has(name)) throw new UnreadableFile(`CSV header names column '${name}' twice`, row.line);
        seen.add(name);
      }
      continue;
    }
    const loc = { line: row.line };
    if ("problem" in row) {
      yield { loc, problem: row.problem };
      continue;
    }
    if (row.cells.length !== header.length) {
      yield { loc, problem: `row has ${row.cells.length} fields, the header has ${header.length}` };
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((name, i) => (value[name] = row.cells[i]));
    yield { loc, value };
  }
  if (!header) throw new UnreadableFile("empty file: no CSV header");
}

/**
 * A CSV row as the schema should see it: array-valued columns (messages, conversations, references) parsed
 * from their JSON text, and empty cells outside the schema's own columns dropped, since CSV cannot tell an
 * empty value from a missing one and a column exists for every row once any row has it.
 */
export function csvRowValues(row: Record<string, unknown>, own: readonly string[], nested: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(row)) {
    if (v === "" && !own.includes(key)) continue;
    if (typeof v === "string" && nested.includes(key)) {
      try {
        out[key] = JSON.parse(v);
      } catch {
        throw new RecordProblem(`column '${key}' must hold a JSON array`);
      }
    } else out[key] = v;
  }
  return out;
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "object") return JSON.stringify(v);
  throw new RecordProblem(`cannot write a ${typeName(v)} into a CSV cell`);
}


/** arquero, loaded on the first write (it is large, and reading CSV does not need it). */
let arquero: typeof import("arquero") | undefined;
function aq(): typeof import("arquero") {
  // repoRequire, not import.meta: lib/ is also compiled to CommonJS inside the notebook kernel.
  return (arquero ??= repoRequire("arquero") as typeof import("arquero"));
}

/**
 * CSV text through arquero's toCSV ("\n" line ends; cells with the delimiter, a quote or a line break are
 * quoted, quotes doubled); the header is every key of every row, in first-seen order, and nested values
 * (references, chat turns) are JSON text in their cells, as the reader expects them.
 */
export function writeCsv(rows: readonly Record<string, unknown>[], delimiter = ","): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) if (!seen.has(k)) seen.add(k), columns.push(k);
  const cells = rows.map((row) => Object.fromEntries(columns.map((c) => [c, cellText(row[c])])));
  const table = cells.length > 0 ? aq().from(cells, columns) : aq().table(Object.fromEntries(columns.map((c) => [c, []])));
  return table.toCSV({ delimiter });
}
