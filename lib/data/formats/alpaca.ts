/**
 * Alpaca rows: {instruction, input, output}, where input may be "" (the "without input" prompt).
 * Stanford's files are one JSON array; the same rows in JSONL, CSV or Parquet read the same way.
 */
import { messagesFromFields, singleTurn, type InstructionRecord, type TaskFields } from "../record";
import { RecordProblem, type RowSchema, type WriteOptions } from "./format";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, optionalString, readCommon, requireObject, requireString } from "./fields";

const OWN = ["instruction", "input", "output"] as const;
const KNOWN = new Set<string>([...OWN, ...COMMON_KEYS]);

/**
 * The Alpaca fields of any record: its own fields when it has them, else instruction = the user turn and
 * input = "" for a plain [user, assistant] conversation. A system turn or several turns do not fit.
 */
export function taskFieldsOf(record: InstructionRecord, format: string): TaskFields {
  if (record.fields) return record.fields;
  const turn = singleTurn(record);
  if (!turn) throw new RecordProblem(`record '${record.id}' has ${record.messages.length} turns; ${format} holds one prompt and one response`);
  if (turn.system !== undefined) throw new RecordProblem(`record '${record.id}' has a system turn, which ${format} cannot hold`);
  return { instruction: turn.prompt, input: "", output: turn.response };
}

export const alpaca: RowSchema = {
  kind: "rows",
  name: "alpaca",
  columns: OWN,
  nested: ["references"],
  sniff(row) {
    if (!("instruction" in row) || !("output" in row)) return 0;
    return "input" in row ? 3 : 2;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const fields: TaskFields = {
      instruction: requireString(row, "instruction"),
      input: optionalString(row, "input") ?? "",
      output: requireString(row, "output"),
    };
    return buildRecord(readCommon(row, ctx), { messages: messagesFromFields(fields), fields, metadata: extraFields(row, KNOWN) }, ctx, "alpaca");
  },
  write(record: InstructionRecord, options: WriteOptions) {
    const f = taskFieldsOf(record, "alpaca");
    return finishRow({ instruction: f.instruction, input: f.input, output: f.output }, record, options);
  },
};
