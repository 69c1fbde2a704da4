/**
 * ShareGPT rows: {conversations: [{from: human|gpt|system, value}]}, as Vicuna-style data sets ship them.
 * "user"/"assistant"/"chatgpt" are accepted as speaker names too; writing uses human/gpt/system.
 */
import type { Role } from "../record";
import type { RowSchema } from "./format";
import { readTurns, withSystem } from "./chat";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, isObject, optionalString, readCommon, requireArray, requireObject } from "./fields";

const KNOWN = new Set<string>(["conversations", "system", ...COMMON_KEYS]);

const SPEAKERS: Record<string, Role> = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  chatgpt: "assistant",
};
const SPEAKER_OF: Record<Role, string> = { system: "system", user: "human", assistant: "gpt" };

export const sharegpt: RowSchema = {
  kind: "rows",
  name: "sharegpt",
  columns: ["conversations"],
  nested: ["conversations", "references"],
  sniff(row) {
    if (!Array.isArray(row.conversations)) return "conversations" in row ? 1 : 0;
    return isObject(row.conversations[0]) && "from" in row.conversations[0] ? 3 : 2;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const turns = readTurns(requireArray(row, "conversations"), "conversations", "from", "value", SPEAKERS);
    const messages = withSystem(optionalString(row, "system"), turns, "conversations");
    return buildRecord(readCommon(row, ctx), { messages, metadata: extraFields(row, KNOWN) }, ctx, "sharegpt");
  },
  write(record, options) {
    const conversations = record.messages.map((m) => ({ from: SPEAKER_OF[m.role], value: m.content }));
    return finishRow({ conversations }, record, options);
  },
};
