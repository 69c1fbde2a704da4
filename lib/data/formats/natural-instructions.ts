/**
 * Super-NaturalInstructions task files: one JSON object per task with a Definition, Positive/Negative
 * Examples and Instances [{id, input, output[]}]. Each instance becomes a record: the definition is its
 * instruction, `output[0]` its response and all outputs its references. Everything about the task other
 * than its instances is kept, shared, in `metadata.taskFile`, which the writer needs to rebuild the file
 * and templates need for few-shot prompts.
 */
import { basename, extname } from "node:path";
import { messagesFromFields, type InstructionRecord, type TaskFields } from "../record";
import { RecordProblem, type DocumentItem, type DocumentSchema, type WriteOptions } from "./format";
import { taskFieldsOf } from "./alpaca";
import { extraFields, isObject, provenance, recordId, requireArray, requireObject, requireString, stringArray, typeName } from "./fields";

export const TASK_FILE_KEY = "taskFile";
const INSTANCE_KEYS = new Set(["id", "input", "output"]);

/** The task's definition as one string (task files store it as a list of strings, usually of one). */
function definitionOf(doc: Record<string, unknown>): string {
  const d = doc.Definition;
  if (typeof d === "string") return d;
  if (d === undefined) throw new RecordProblem("task file has no 'Definition'");
  return stringArray(d, "Definition").join("\n");
}

function outputsOf(inst: Record<string, unknown>, at: string): string[] {
  const out = inst.output;
  if (typeof out === "string") return [out];
  if (out === undefined) throw new RecordProblem(`${at}: missing field 'output'`);
  if (!Array.isArray(out)) throw new RecordProblem(`${at}: field 'output' must be an array of strings, got ${typeName(out)}`);
  return stringArray(out, `${at}.output`);
}

export const naturalInstructions: DocumentSchema = {
  kind: "document",
  name: "natural-instructions",
  defaultSource: "natural-instructions",
  sniff(doc) {
    if (!isObject(doc)) return 0;
    return ("Definition" in doc ? 1 : 0) + ("Instances" in doc ? 2 : 0);
  },
  *read(value, ctx): Iterable<DocumentItem> {
    const doc = requireObject(value, "task file");
    const instruction = definitionOf(doc);
    const instances = requireArray(doc, "Instances");
    const taskFile = extraFields(doc, new Set(["Instances"]));
    const task = basename(ctx.file, extname(ctx.file));
    const categories = Array.isArray(doc.Categories) ? doc.Categories : [];
    const cluster = typeof categories[0] === "string" ? categories[0] : undefined;
    for (let index = 0; index < instances.length; index++) {
      const loc = { index };
      try {
        const inst = requireObject(instances[index], `Instances[${index}]`);
        const outputs = outputsOf(inst, `Instances[${index}]`);
        const fields: TaskFields = { instruction, input: requireString(inst, "input", `Instances[${index}]: `), output: outputs[0] ?? "" };
        const record: InstructionRecord = {
          id: recordId(inst, { ...ctx, container: "json", forceSource: false, ordinal: index, loc }),
          source: ctx.source,
          task,
          messages: messagesFromFields(fields),
          fields,
          references: outputs,
          metadata: { [TASK_FILE_KEY]: taskFile, ...extraFields(inst, INSTANCE_KEYS) },
          provenance: provenance({ file: ctx.file, container: "json", loc }, "natural-instructions"),
        };
        if (cluster !== undefined) record.cluster = cluster;
        yield { loc, record };
      } catch (err) {
        if (!(err instanceof RecordProblem)) throw err;
        yield { loc, problem: err.message };
      }
    }
  },
  write(records: readonly InstructionRecord[], options: WriteOptions) {
    if (records.length === 0) throw new RecordProblem("no records to write as a task file");
    const first = records[0];
    const shared = first.metadata[TASK_FILE_KEY];
    const instruction = taskFieldsOf(first, "natural-instructions").instruction;
    const taskFile = isObject(shared) ? shared : { Definition: [instruction], "Positive Examples": [], "Negative Examples": [] };
    const sharedText = JSON.stringify(taskFile);
    const Instances = records.map((r) => {
      const own = r.metadata[TASK_FILE_KEY];
      const fields = taskFieldsOf(r, "natural-instructions");
      const same = isObject(shared) ? own === shared || JSON.stringify(own) === sharedText : !isObject(own) && fields.instruction === instruction;
      if (!same) throw new RecordProblem(`record '${r.id}' belongs to another task than '${first.id}'; a task file holds one task`);
      const inst: Record<string, unknown> = { id: r.id, input: fields.input, output: r.references ?? [fields.output] };
      if (options.metadata) for (const [k, v] of Object.entries(r.metadata)) if (k !== TASK_FILE_KEY && !(k in inst)) inst[k] = v;
      return inst;
    });
    return { ...taskFile, Instances };
  },
};
