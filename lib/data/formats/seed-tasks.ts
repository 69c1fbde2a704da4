/**
 * Self-instruct seed tasks (`seed_tasks.jsonl`, as self-instruct and Stanford Alpaca ship them, and as
 * data/selfinstruct/ holds ours): {id, name, instruction, instances: [{input, output}], is_classification}.
 * A task becomes one record: its first instance is the example (what Alpaca shows of each seed in its
 * prompts), the name is the record's task, and further instances and is_classification are kept so a write
 * gives the row back.
 */
import { messagesFromFields, type TaskFields } from "../record";
import { RecordProblem, type RowSchema } from "./format";
import { taskFieldsOf } from "./alpaca";
import { buildRecord, COMMON_KEYS, extraFields, finishRow, isObject, optionalString, readCommon, requireObject, requireString, typeName } from "./fields";

const OWN = ["name", "instruction", "instances", "is_classification"] as const;
const KNOWN = new Set<string>([...OWN, ...COMMON_KEYS]);

interface Instance {
  input: string;
  output: string;
}

function instancesOf(row: Record<string, unknown>): Instance[] {
  const v = row.instances;
  if (v === undefined) throw new RecordProblem("missing field 'instances'");
  if (!Array.isArray(v) || v.length === 0) throw new RecordProblem(`field 'instances' must be a non-empty array of {input, output}, got ${typeName(v)}`);
  return v.map((inst, i) => {
    if (!isObject(inst)) throw new RecordProblem(`instances[${i}] must be an object with 'input' and 'output', got ${typeName(inst)}`);
    return { input: optionalString(inst, "input", `instances[${i}]: `) ?? "", output: requireString(inst, "output", `instances[${i}]: `) };
  });
}

export const seedTasks: RowSchema = {
  kind: "rows",
  name: "seed-tasks",
  columns: OWN,
  nested: ["instances", "references"],
  sniff(row) {
    return "instruction" in row && "instances" in row ? 4 : 0;
  },
  read(value, ctx) {
    const row = requireObject(value);
    const instances = instancesOf(row);
    const fields: TaskFields = { instruction: requireString(row, "instruction"), input: instances[0].input, output: instances[0].output };
    const cls = row.is_classification;
    if (cls !== undefined && cls !== null && typeof cls !== "boolean") throw new RecordProblem(`field 'is_classification' must be true or false, got ${typeName(cls)}`);
    const metadata: Record<string, unknown> = { ...extraFields(row, KNOWN), is_classification: cls === true };
    if (instances.length > 1) metadata.instances = instances;
    const name = optionalString(row, "name");
    return buildRecord(readCommon(row, ctx), { messages: messagesFromFields(fields), fields, metadata, task: name || undefined }, ctx, "seed-tasks");
  },
  write(record, options) {
    const f = taskFieldsOf(record, "seed-tasks");
    const kept = record.metadata.instances;
    const first = { input: f.input, output: f.output };
    const instances = Array.isArray(kept) && kept.length > 1 && isObject(kept[0]) && kept[0].input === f.input && kept[0].output === f.output ? kept : [first];
    return finishRow(
      { name: record.task ?? "", instruction: f.instruction, instances, is_classification: record.metadata.is_classification === true },
      record,
      options,
      ["task"],
    );
  },
};
