/**
 * FLAN rows: {inputs, targets} with the already-templated prompt in `inputs`. Task and cluster come from
 * task/task_name/_task_name and cluster/task_source/_task_source (the FLAN collection's spellings); template
 * fields (template, template_type, _template_idx, ...) are kept in metadata under their own names.
 */
import { singleTurn } from "../record";
import { RecordProblem, type RowSchema } from "./format";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, firstKey, optionalString, readCommon, requireObject, requireString } from "./fields";

const TASK_KEYS = ["task", "task_name", "_task_name"] as const;
const CLUSTER_KEYS = ["cluster", "task_source", "_task_source"] as const;
const KNOWN = new Set<string>(["inputs", "targets", ...TASK_KEYS, ...CLUSTER_KEYS, ...COMMON_KEYS]);

function aliased(row: Record<string, unknown>, keys: readonly string[]): string | undefined {
  const key = firstKey(row, keys);
  return key === undefined ? undefined : optionalString(row, key) || undefined;
}

export const flan: RowSchema = {
  kind: "rows",
  name: "flan",
  columns: ["inputs", "targets"],
  nested: ["references"],
  sniff(row) {
    if (!("inputs" in row) || !("targets" in row)) return 0;
    return firstKey(row, [...TASK_KEYS, ...CLUSTER_KEYS]) ? 3 : 2;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const inputs = requireString(row, "inputs");
    const targets = requireString(row, "targets");
    return buildRecord(
      readCommon(row, ctx),
      {
        messages: [
          { role: "user", content: inputs },
          { role: "assistant", content: targets },
        ],
        metadata: extraFields(row, KNOWN),
        task: aliased(row, TASK_KEYS),
        cluster: aliased(row, CLUSTER_KEYS),
      },
      ctx,
      "flan",
    );
  },
  write(record, options) {
    const turn = singleTurn(record);
    if (!turn) throw new RecordProblem(`record '${record.id}' has ${record.messages.length} turns; flan holds one prompt and one response`);
    if (turn.system !== undefined) throw new RecordProblem(`record '${record.id}' has a system turn, which flan cannot hold`);
    return finishRow({ inputs: turn.prompt, targets: turn.response }, record, options);
  },
};
