/**
 * Databricks Dolly rows: {instruction, context, response, category}. The category (open_qa, summarization,
 * ...) is the record's task; context plays the part of Alpaca's input.
 */
import { messagesFromFields, type TaskFields } from "../record";
import type { RowSchema } from "./format";
import { taskFieldsOf } from "./alpaca";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, optionalString, readCommon, requireObject, requireString } from "./fields";

const OWN = ["instruction", "context", "response", "category"] as const;
const KNOWN = new Set<string>([...OWN, ...COMMON_KEYS]);

export const dolly: RowSchema = {
  kind: "rows",
  name: "dolly",
  columns: OWN,
  nested: ["references"],
  sniff(row) {
    if (!("instruction" in row) || !("response" in row)) return 0;
    return "context" in row || "category" in row ? 3 : 2;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const fields: TaskFields = {
      instruction: requireString(row, "instruction"),
      input: optionalString(row, "context") ?? "",
      output: requireString(row, "response"),
    };
    const category = optionalString(row, "category");
    return buildRecord(
      readCommon(row, ctx),
      { messages: messagesFromFields(fields), fields, metadata: extraFields(row, KNOWN), task: category || undefined },
      ctx,
      "dolly",
    );
  },
  write(record, options) {
    const f = taskFieldsOf(record, "dolly");
    return finishRow(
      { instruction: f.instruction, context: f.input, response: f.output, category: record.task ?? "" },
      record,
      options,
      ["task"],
    );
  },
};
