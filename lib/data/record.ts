/**
 * The one shape every instruction-data format is read into and written from. Readers never hand the rest of
 * the library a format-specific object: Alpaca rows, ShareGPT conversations and Super-NaturalInstructions
 * instances all become an `InstructionRecord`.
 */

/** Schemas the readers understand (how the fields of one record are named and nested). */
export const FORMAT_NAMES = [
  "alpaca",
  "dolly",
  "prompt-completion",
  "chat",
  "sharegpt",
  "flan",
  "natural-instructions",
  "seed-tasks",
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** How records are laid out in a file, independently of their schema (CSV can hold Alpaca or Dolly rows). */
export const CONTAINER_NAMES = ["jsonl", "json", "csv", "parquet"] as const;
export type ContainerName = (typeof CONTAINER_NAMES)[number];

export type Role = "system" | "user" | "assistant";
export const ROLES: readonly Role[] = ["system", "user", "assistant"];

export interface Message {
  role: Role;
  content: string;
}

/**
 * The structured parts of a single-turn task, kept apart because templates lay them out differently:
 * Alpaca has one prompt for "instruction + input" and another for "instruction alone", which cannot be
 * recovered once both are joined into one user message.
 */
export interface TaskFields {
  /** What to do (Alpaca/Dolly instruction, Super-NaturalInstructions task definition). */
  instruction: string;
  /** Extra context for the instruction; "" when the task has none (Alpaca's "without input" prompt). */
  input: string;
  /** The reference response. */
  output: string;
}

/** Where a record came from, so every later message can point back into the file. */
export interface Provenance {
  file: string;
  /** 1-based line where the record starts (JSONL, CSV, JSON arrays). */
  line?: number;
  /** 0-based position in a JSON array, a Parquet file, or a task file's Instances. */
  index?: number;
  format: FormatName;
  container: ContainerName;
}

export interface InstructionRecord {
  /** Unique within a file: the record's own id when it has one, else `<source>-<position>`. */
  id: string;
  /** Data set the record belongs to (defaults to the file name without extension). */
  source: string;
  task?: string;
  /** FLAN's task cluster / task source, or the first Super-NaturalInstructions category. */
  cluster?: string;
  /** The conversation; a prompt/response pair is one user turn and one assistant turn. */
  messages: Message[];
  /** Present for single-turn structured formats (Alpaca, Dolly, Super-NaturalInstructions). */
  fields?: TaskFields;
  /** All acceptable answers, when a format has several (Super-NaturalInstructions `output[]`). */
  references?: string[];
  /** Fields of the source row that no part of the record above holds; writers of the same format put them back. */
  metadata: Record<string, unknown>;
  provenance: Provenance;
}

/** The user message of a single-turn task: instruction, then the input after a blank line when there is one. */
export function userContent(fields: TaskFields): string {
  return fields.input === "" ? fields.instruction : `${fields.instruction}\n\n${fields.input}`;
}

/** One user turn and one assistant turn from structured fields. */
export function messagesFromFields(fields: TaskFields): Message[] {
  return [
    { role: "user", content: userContent(fields) },
    { role: "assistant", content: fields.output },
  ];
}

/** Index of the last assistant turn, or -1 when there is none. */
export function lastAssistantIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "assistant") return i;
  return -1;
}

/** Everything before the last assistant turn, turns joined by a blank line ("" when there is no prompt). */
export function promptText(record: InstructionRecord): string {
  const end = lastAssistantIndex(record.messages);
  return record.messages
    .slice(0, end < 0 ? record.messages.length : end)
    .map((m) => m.content)
    .join("\n\n");
}

/** The last assistant turn ("" when there is none). */
export function responseText(record: InstructionRecord): string {
  const end = lastAssistantIndex(record.messages);
  return end < 0 ? "" : record.messages[end].content;
}

/**
 * A single-turn prompt/response view: the record's fields when it has them, otherwise built from a
 * [system?, user, assistant] conversation; undefined when the conversation has more turns than that.
 */
export function singleTurn(record: InstructionRecord): { system?: string; prompt: string; response: string } | undefined {
  const m = record.messages;
  const offset = m[0]?.role === "system" ? 1 : 0;
  if (m.length !== offset + 2 || m[offset].role !== "user" || m[offset + 1].role !== "assistant") return undefined;
  const out: { system?: string; prompt: string; response: string } = {
    prompt: m[offset].content,
    response: m[offset + 1].content,
  };
  if (offset === 1) out.system = m[0].content;
  return out;
}
