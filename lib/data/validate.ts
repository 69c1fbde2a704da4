/**
 * Checks that hold for every record whatever format it came from, and the `Issue` every reader reports.
 * Format readers catch what is wrong with a row's fields (missing, wrong type); this module catches what is
 * wrong with the record itself (no assistant turn, empty response, duplicate id).
 */
import { located } from "../errors";
import { ROLES, type InstructionRecord } from "./record";

/** One bad record: where it is and what is wrong with it. */
export interface Issue {
  file: string;
  /** 1-based line where the record starts (JSONL, CSV, JSON arrays). */
  line?: number;
  /** 0-based position in a JSON array, Parquet file or task file's Instances. */
  index?: number;
  /** The record's id, when it got far enough to have one. */
  id?: string;
  what: string;
}

/** `strict` stops at the first bad record (UserError, exit code 1); `lenient` skips it and reports it. */
export type ValidationMode = "strict" | "lenient";

/** "data.jsonl:12: what" or "data.json:40: [index 3] what". */
export function formatIssue(issue: Issue): string {
  const where = issue.index !== undefined ? `[index ${issue.index}] ` : "";
  return located(issue.file, issue.line, where + issue.what);
}

// String.prototype.isWellFormed (Node 20) is newer than the ES2022 lib the project compiles against.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Everything wrong with one record; [] when it is fit to train on. */
export function recordProblems(record: InstructionRecord): string[] {
  const problems: string[] = [];
  if (typeof record.id !== "string" || record.id === "") problems.push("id must be a non-empty string");
  const messages = Array.isArray(record.messages) ? record.messages : [];
  if (messages.length === 0) return [...problems, "no messages"];
  let users = 0;
  let assistants = 0;
  messages.forEach((m, i) => {
    const turn = messages.length > 2 ? ` (turn ${i + 1})` : "";
    if (!ROLES.includes(m.role)) problems.push(`turn ${i + 1} has role '${String(m.role)}'; expected system, user or assistant`);
    if (typeof m.content !== "string") {
      problems.push(`turn ${i + 1} content must be a string`);
      return;
    }
    if (!isWellFormed(m.content)) problems.push(`turn ${i + 1} has an unpaired UTF-16 surrogate (a lone \\ud800-style escape)`);
    if (m.role === "system" && i > 0) problems.push(`system turn at position ${i + 1}; only the first turn may be a system prompt`);
    if (m.role === "user") {
      users++;
      if (m.content.trim() === "") problems.push(`empty prompt${turn}`);
    }
    if (m.role === "assistant") {
      assistants++;
      if (m.content.trim() === "") problems.push(`empty response${turn}`);
    }
  });
  if (users === 0) problems.push("no user turn");
  if (assistants === 0) problems.push("no assistant turn (no response to learn from)");
  if (record.references !== undefined && !record.references.every((r) => typeof r === "string")) {
    problems.push("references must all be strings");
  }
  return problems;
}

/** Remembers ids seen so far and where, to report the second use of one. */
export class IdRegistry {
  private readonly seen = new Map<string, string>();
  /** A problem when `record.id` was seen before; otherwise remembers it. */
  check(record: InstructionRecord): string | undefined {
    const first = this.seen.get(record.id);
    if (first !== undefined) return `duplicate id '${record.id}' (first used at ${first})`;
    const p = record.provenance;
    this.seen.set(record.id, p.line !== undefined ? `line ${p.line}` : p.index !== undefined ? `index ${p.index}` : "an earlier record");
    return undefined;
  }
}

/** The issue for a record, located by its provenance. */
export function issueFor(record: InstructionRecord, what: string): Issue {
  const issue: Issue = { file: record.provenance.file, id: record.id, what };
  if (record.provenance.line !== undefined) issue.line = record.provenance.line;
  if (record.provenance.index !== undefined) issue.index = record.provenance.index;
  return issue;
}

/** Splits records built or transformed in code into valid ones and issues, with the same checks as loading. */
export function validateRecords(records: readonly InstructionRecord[]): { valid: InstructionRecord[]; invalid: Issue[] } {
  const ids = new IdRegistry();
  const valid: InstructionRecord[] = [];
  const invalid: Issue[] = [];
  for (const record of records) {
    const problems = recordProblems(record);
    const duplicate = problems.length === 0 ? ids.check(record) : undefined;
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0) invalid.push(issueFor(record, problems.join("; ")));
    else valid.push(record);
  }
  return { valid, invalid };
}
