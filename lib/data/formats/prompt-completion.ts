/**
 * Prompt/completion JSONL: {prompt, completion} (also {prompt, response}). The prompt is already a whole
 * user message, so the record has no separate fields; one user turn and one assistant turn.
 */
import { singleTurn } from "../record";
import { RecordProblem, type RowSchema } from "./format";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, firstKey, readCommon, requireObject, requireString } from "./fields";

const RESPONSE_KEYS = ["completion", "response"] as const;
const KNOWN = new Set<string>(["prompt", ...RESPONSE_KEYS, ...COMMON_KEYS]);

export const promptCompletion: RowSchema = {
  kind: "rows",
  name: "prompt-completion",
  columns: ["prompt", "completion"],
  nested: ["references"],
  sniff(row) {
    if (!("prompt" in row)) return 0;
    if ("completion" in row) return 3;
    // Dolly also has `response`, but never `prompt`.
    return "response" in row ? 2 : 0;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const prompt = requireString(row, "prompt");
    const completion = requireString(row, firstKey(row, RESPONSE_KEYS) ?? "completion");
    return buildRecord(
      readCommon(row, ctx),
      {
        messages: [
          { role: "user", content: prompt },
          { role: "assistant", content: completion },
        ],
        metadata: extraFields(row, KNOWN),
      },
      ctx,
      "prompt-completion",
    );
  },
  write(record, options) {
    const turn = singleTurn(record);
    if (!turn) throw new RecordProblem(`record '${record.id}' has ${record.messages.length} turns; prompt-completion holds one prompt and one response`);
    // Folding a system turn into the prompt could not be undone on reading, so it is refused instead.
    if (turn.system !== undefined) throw new RecordProblem(`record '${record.id}' has a system turn, which prompt-completion cannot hold`);
    return finishRow({ prompt: turn.prompt, completion: turn.response }, record, options);
  },
};
