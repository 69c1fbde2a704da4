/**
 * The files of a run, which are also its resume state: accepted tasks and the log are JSONL appended one
 * line at a time; each accepted task is flushed to disk (fsync) at once, the log once per batch, so a crash
 * loses at most the task being written and the log lines of the current batch.
 * A restart reads both back; a torn last line (no newline, not JSON) is cut off, anything else that does
 * not parse stops the run with the file and line.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync } from "node:fs";
import { dirname } from "node:path";
import { located, UserError } from "../errors";
import { assertRegularFile, writeAll } from "../fsutil";
import { isObject, parseJsonl, type JsonlLine } from "../json";
import type { RuleName } from "./filters";
import type { NeighbourInfo } from "./screen";
import type { TaskTriple } from "./types";

/** A line of the output file: an Alpaca row with an id. */
export interface GeneratedTask extends TaskTriple {
  id: string;
}

/** Log line for a request: which examples the prompt showed and what came back. */
export interface RequestLogLine {
  type: "request";
  request: number;
  examples: string[];
  finish_reason: string;
  /** Tasks found in the response. */
  tasks: number;
  chars: number;
}

/** Log line for a candidate task. */
export interface CandidateLogLine extends TaskTriple {
  type: "candidate";
  request: number;
  position: number;
  /** Its id in the output file when kept. */
  id?: string;
  kept: boolean;
  rule?: RuleName;
  detail?: string;
  nearest: NeighbourInfo[];
}

export type LogLine = RequestLogLine | CandidateLogLine;

/** The complete lines of a JSONL file, parsed; a torn last line is removed from the file. [] when it does not exist. */
export function readJsonlLines(file: string, onRepair?: (what: string) => void): JsonlLine[] {
  if (!existsSync(file)) return [];
  assertRegularFile(file, "JSONL file"); // a FIFO or a device would be read for ever
  let text = readFileSync(file, "utf8");
  if (text !== "" && !text.endsWith("\n")) {
    const cut = text.lastIndexOf("\n") + 1;
    const tail = text.slice(cut);
    let whole = true;
    try {
      JSON.parse(tail);
    } catch {
      whole = false;
    }
    if (whole) {
      appendText(file, "\n");
      text += "\n";
    } else {
      truncateSync(file, Buffer.byteLength(text.slice(0, cut)));
      onRepair?.(`${file}: removed a torn last line (${Buffer.byteLength(tail)} bytes) left by an interrupted run`);
      text = text.slice(0, cut);
    }
  }
  return parseJsonl(text, file, { hint: "fix or remove the line to resume" });
}

/** Tasks already accepted by an earlier run. */
export function readGenerated(file: string, onRepair?: (what: string) => void): GeneratedTask[] {
  return readJsonlLines(file, onRepair).map(({ line, value }) => {
    const bad = (what: string) => new UserError(located(file, line, `${what}; this file is the output of self-instruct, which resumes from it`), 1);
    if (!isObject(value)) throw bad("not a JSON object");
    const row = value;
    for (const key of ["instruction", "output"] as const) if (typeof row[key] !== "string") throw bad(`field '${key}' must be a string`);
    if (row.input !== undefined && typeof row.input !== "string") throw bad("field 'input' must be a string");
    const id = typeof row.id === "string" && row.id !== "" ? row.id : `line-${line}`;
    return { id, instruction: row.instruction as string, input: (row.input as string | undefined) ?? "", output: row.output as string };
  });
}

export interface LogSummary {
  /** Highest request number logged, -1 when none. */
  lastRequest: number;
  requests: number;
  candidates: number;
  byRule: Partial<Record<RuleName, number>>;
}

/** What an earlier run's log says it did. */
export function readLogSummary(file: string, onRepair?: (what: string) => void): LogSummary {
  const s: LogSummary = { lastRequest: -1, requests: 0, candidates: 0, byRule: {} };
  for (const { line, value } of readJsonlLines(file, onRepair)) {
    const row = value as Partial<LogLine>;
    if (row?.type === "request" && Number.isInteger(row.request)) {
      s.requests++;
      s.lastRequest = Math.max(s.lastRequest, row.request!);
    } else if (row?.type === "candidate") {
      s.candidates++;
      if (row.rule) s.byRule[row.rule] = (s.byRule[row.rule] ?? 0) + 1;
    } else {
      throw new UserError(located(file, line, "not a self-instruct log line (type 'request' or 'candidate')"), 1);
    }
  }
  return s;
}

function appendText(file: string, text: string): void {
  const fd = openSync(file, "a");
  try {
    writeAll(fd, Buffer.from(text, "utf8"));
  } finally {
    closeSync(fd);
  }
}

/** Appends JSON lines to a file, each written whole (with one write call, then fsync unless told not to). */
export class JsonlAppender {
  private fd: number;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "a");
  }

  /** Writes one line; `sync` false leaves flushing to a later `sync()` (the log syncs once per batch). */
  append(value: unknown, sync = true): void {
    writeAll(this.fd, Buffer.from(JSON.stringify(value) + "\n", "utf8"));
    if (sync) fsyncSync(this.fd);
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
