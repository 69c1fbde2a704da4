/**
 * The format registry: every schema by name, `--format` parsing, and writing records out in any
 * schema and text container.
 */
import { UserError } from "../../errors";
import { CONTAINER_NAMES, FORMAT_NAMES, type ContainerName, type FormatName, type InstructionRecord } from "../record";
import { DEFAULT_WRITE_OPTIONS, RecordProblem, type Schema, type WriteOptions } from "./format";
import { alpaca } from "./alpaca";
import { dolly } from "./dolly";
import { promptCompletion } from "./prompt-completion";
import { chat } from "./chat";
import { sharegpt } from "./sharegpt";
import { flan } from "./flan";
import { naturalInstructions } from "./natural-instructions";
import { seedTasks } from "./seed-tasks";
import { writeJsonl } from "./jsonl";
import { writeJsonArray } from "./json-array";
import { writeCsv } from "./csv";

export const SCHEMAS: Readonly<Record<FormatName, Schema>> = {
  alpaca,
  dolly,
  "prompt-completion": promptCompletion,
  chat,
  sharegpt,
  flan,
  "natural-instructions": naturalInstructions,
  "seed-tasks": seedTasks,
};

/** Where each schema's files usually live when nothing else says. */
export const NATIVE_CONTAINER: Readonly<Record<FormatName, ContainerName>> = {
  alpaca: "json",
  dolly: "jsonl",
  "prompt-completion": "jsonl",
  chat: "jsonl",
  sharegpt: "json",
  flan: "jsonl",
  "natural-instructions": "json",
  "seed-tasks": "jsonl",
};

export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

export function isContainerName(s: string): s is ContainerName {
  return (CONTAINER_NAMES as readonly string[]).includes(s);
}

/**
 * Reads a `--format` value: a schema ("alpaca"), a container ("csv"), or both ("csv:dolly").
 * Throws UserError listing the accepted names.
 */
export function parseFormatSpec(spec: string): { format?: FormatName; container?: ContainerName } {
  const parts = spec.split(":");
  const out: { format?: FormatName; container?: ContainerName } = {};
  for (const part of parts) {
    if (isFormatName(part) && !out.format) out.format = part;
    else if (isContainerName(part) && !out.container) out.container = part;
    else {
      throw new UserError(
        `unknown format '${spec}': use one of ${FORMAT_NAMES.join(", ")}, a container (${CONTAINER_NAMES.join(", ")}), or container:format`,
      );
    }
  }
  if (parts.length > 2) throw new UserError(`unknown format '${spec}': at most one container and one format`);
  return out;
}

export interface WriteRecordsOptions extends WriteOptions {
  format: FormatName;
  /** Defaults to the format's usual one; Parquet is written by writeParquet, not here. */
  container?: Exclude<ContainerName, "parquet">;
  /** CSV separator. */
  delimiter: string;
}

export const DEFAULT_WRITE_RECORDS_OPTIONS: Omit<WriteRecordsOptions, "format"> = { ...DEFAULT_WRITE_OPTIONS, delimiter: "," };

/**
 * The text of a file holding `records` in `format`. Throws UserError naming the first record the
 * format cannot hold (a multi-turn chat as Alpaca, a system prompt as FLAN).
 */
export function writeRecords(records: readonly InstructionRecord[], options: Partial<WriteRecordsOptions> & { format: FormatName }): string {
  const opts = { ...DEFAULT_WRITE_RECORDS_OPTIONS, ...options };
  const schema = SCHEMAS[opts.format];
  const container = opts.container ?? NATIVE_CONTAINER[opts.format];
  if ((container as string) === "parquet") throw new UserError("writeRecords writes text; use writeParquet for Parquet");
  try {
    if (schema.kind === "document") {
      if (container !== "json") throw new UserError(`${schema.name} files are JSON documents; cannot write them as ${container}`);
      return JSON.stringify(schema.write(records, opts), null, 2) + "\n";
    }
    const rows = records.map((r) => schema.write(r, opts));
    if (container === "jsonl") return writeJsonl(rows);
    if (container === "json") return writeJsonArray(rows);
    return writeCsv(rows, opts.delimiter);
  } catch (err) {
    if (err instanceof RecordProblem) throw new UserError(`cannot write ${opts.format}: ${err.message}`, 1);
    throw err;
  }
}
