/**
 * Chat-messages JSONL: {messages: [{role, content}], system?}. A top-level `system` string (a common variant)
 * becomes a leading system turn; roles other than system/user/assistant (tool calls) are not supported.
 */
import { ROLES, type Message, type Role } from "../record";
import { RecordProblem, type RowSchema } from "./format";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, isObject, optionalString, readCommon, requireArray, requireObject, typeName } from "./fields";

const KNOWN = new Set<string>(["messages", "system", ...COMMON_KEYS]);

/**
 * Turns of a conversation list whose elements name a speaker under `roleKey` and the text under `textKey`;
 * `roles` maps speaker names to roles. Problems name the element, e.g. "conversations[2].from".
 */
export function readTurns(
  list: unknown[],
  field: string,
  roleKey: string,
  textKey: string,
  roles: Readonly<Record<string, Role>>,
): Message[] {
  return list.map((turn, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(turn)) throw new RecordProblem(`${at} must be an object, got ${typeName(turn)}`);
    const who = turn[roleKey];
    if (typeof who !== "string") throw new RecordProblem(`${at}.${roleKey} must be a string, got ${typeName(who)}`);
    const role = Object.hasOwn(roles, who) ? roles[who] : undefined;
    if (!role) throw new RecordProblem(`${at}.${roleKey} '${who}' is not one of ${Object.keys(roles).join(", ")}`);
    const text = turn[textKey];
    if (typeof text !== "string") throw new RecordProblem(`${at}.${textKey} must be a string, got ${typeName(text)}`);
    return { role, content: text };
  });
}

/** A top-level system prompt joined in front of the turns; both at once would be ambiguous. */
export function withSystem(system: string | undefined, turns: Message[], field: string): Message[] {
  if (system === undefined) return turns;
  if (turns[0]?.role === "system") throw new RecordProblem(`both a 'system' field and a system turn in '${field}'`);
  return [{ role: "system", content: system }, ...turns];
}

const CHAT_ROLES: Record<string, Role> = Object.fromEntries(ROLES.map((r) => [r, r]));

export const chat: RowSchema = {
  kind: "rows",
  name: "chat",
  columns: ["messages"],
  nested: ["messages", "references"],
  sniff(row) {
    if (!Array.isArray(row.messages)) return "messages" in row ? 1 : 0;
    return isObject(row.messages[0]) && "role" in row.messages[0] ? 3 : 2;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const turns = readTurns(requireArray(row, "messages"), "messages", "role", "content", CHAT_ROLES);
    const messages = withSystem(optionalString(row, "system"), turns, "messages");
    return buildRecord(readCommon(row, ctx), { messages, metadata: extraFields(row, KNOWN) }, ctx, "chat");
  },
  write(record, options) {
    return finishRow({ messages: record.messages.map((m) => ({ role: m.role, content: m.content })) }, record, options);
  },
};
