/**
 * Reading a model's continuation of the numbered task list back into instruction/input/output triples.
 * A task is a run of "N. Instruction:", "N. Input:" and "N. Output:" sections; "###" lines separate tasks.
 * Every task found is returned, the broken ones with the reason, so the log can show what was lost:
 * "malformed" (no output section, numbers that disagree, a section twice) and "truncated" (the last task of a
 * response cut off by the token limit, which Alpaca drops). A missing Input section counts as no input.
 */
import { NO_INPUT } from "./prompt";

export type ParseProblem = "malformed" | "truncated";

export interface ParsedTask {
  /** 0-based position among the tasks of this response. */
  position: number;
  /** The number the model gave the task. */
  number: number;
  instruction: string;
  input: string;
  output: string;
  problem?: { rule: ParseProblem; detail: string };
}

const HEADER = /^[ \t]*(?:#{3,}[ \t]*)?(\d+)[ \t]*\.[ \t]*(instruction|input|output)[ \t]*:[ \t]*/gim;
const SEPARATOR = /^[ \t]*#{3,}[ \t]*$/m;
const STARTS_WITH_TASK = /^\s*(?:#{3,}\s*)?\d+\s*\.\s*instruction\s*:/i;

type Kind = "instruction" | "input" | "output";

interface Block {
  number: number;
  sections: Partial<Record<Kind, string>>;
  problems: string[];
}

/** Text of a section: up to the next header (already cut) and the first separator line, trimmed. */
function sectionText(raw: string): string {
  const sep = SEPARATOR.exec(raw);
  return (sep ? raw.slice(0, sep.index) : raw).trim();
}

/**
 * The tasks in `text`, the model's continuation after "`first`. Instruction:" (chat models that restate
 * that header are understood too). `truncated`: the response hit its token limit, so its last task is cut.
 */
export function parseTasks(text: string, first: number, truncated = false): ParsedTask[] {
  const full = STARTS_WITH_TASK.test(text) ? text : `${first}. Instruction:${text}`;
  const headers: { at: number; end: number; number: number; kind: Kind }[] = [];
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(full); m; m = HEADER.exec(full)) {
    headers.push({ at: m.index, end: m.index + m[0].length, number: Number(m[1]), kind: m[2].toLowerCase() as Kind });
  }
  const blocks: Block[] = [];
  headers.forEach((h, i) => {
    const body = sectionText(full.slice(h.end, i + 1 < headers.length ? headers[i + 1].at : full.length));
    if (h.kind === "instruction") {
      blocks.push({ number: h.number, sections: { instruction: body }, problems: [] });
      return;
    }
    const block = blocks[blocks.length - 1];
    if (!block) return; // an Input/Output before any instruction: nothing to attach it to
    if (h.number !== block.number) block.problems.push(`${h.kind} numbered ${h.number} under instruction ${block.number}`);
    if (block.sections[h.kind] !== undefined) block.problems.push(`two ${h.kind} sections`);
    else block.sections[h.kind] = body;
  });
  return blocks.map((b, position) => {
    const input = b.sections.input ?? "";
    const task: ParsedTask = {
      position,
      number: b.number,
      instruction: b.sections.instruction ?? "",
      input: input.toLowerCase() === NO_INPUT ? "" : input,
      output: b.sections.output ?? "",
    };
    if (b.sections.output === undefined) b.problems.push("no output section");
    if (truncated && position === blocks.length - 1) task.problem = { rule: "truncated", detail: "cut off by the token limit" };
    else if (b.problems.length > 0) task.problem = { rule: "malformed", detail: b.problems.join("; ") };
    return task;
  });
}
