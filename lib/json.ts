/**
 * JSON values and JSONL files, read one way everywhere: `metrics.jsonl`, an ablation grid's
 * `results.jsonl`, the evaluation and judgment caches, self-instruct's outputs and seed tasks.
 * A line that is not JSON is either an error naming `file:line` or, for files that a crash may leave
 * with a torn line (caches, metrics), skipped through `onBadLine`.
 */
import { existsSync, readFileSync } from "node:fs";
import { errorLine, located, UserError } from "./errors";
import { assertRegularFile } from "./fsutil";

/** A JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One line of a JSONL text: its 1-based line number in the file and its value. */
export interface JsonlLine {
  line: number;
  value: unknown;
}

export interface JsonlOptions {
  /**
   * A line that is not JSON: by default a UserError (exit 2) `file:line: not JSON (why)`; given a function,
   * it is called with that message and the line number, and the line is left out.
   */
  onBadLine?: (message: string, line: number) => void;
  /** Added to the error of a line that is not JSON (e.g. "fix or remove the line to resume"). */
  hint?: string;
}

/**
 * The non-blank lines of JSONL text parsed, lazily and in order, so a caller that checks each value stops at
 * the first bad line whichever kind it is. Line numbers count every line, blank ones included.
 */
export function* jsonlLines(text: string, file: string, opts: JsonlOptions = {}): Generator<JsonlLine> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      const message = located(file, i + 1, `not JSON (${errorLine(err)})${opts.hint ? `; ${opts.hint}` : ""}`);
      if (!opts.onBadLine) throw new UserError(message, 2);
      opts.onBadLine(message, i + 1);
      continue;
    }
    yield { line: i + 1, value };
  }
}

/** Every line of JSONL text parsed (see jsonlLines). */
export function parseJsonl(text: string, file: string, opts: JsonlOptions = {}): JsonlLine[] {
  return [...jsonlLines(text, file, opts)];
}

/** A JSONL file's lines parsed; [] when it does not exist. A FIFO or a device is refused, not read for ever. */
export function readJsonl(file: string, opts: JsonlOptions = {}): JsonlLine[] {
  if (!existsSync(file)) return [];
  assertRegularFile(file, "JSONL file");
  return parseJsonl(readFileSync(file, "utf8"), file, opts);
}
