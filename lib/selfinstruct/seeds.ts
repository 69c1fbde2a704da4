/**
 * Seed tasks in self-instruct's seed format, one JSON object per line:
 * {"id", "name", "instruction", "instances": [{"input", "output"}], "is_classification"}.
 * The bundled file holds tasks on our synthetic world (world seed 0, the bundled models' world) and
 * generic ones. Alpaca shows only each seed's first instance in prompts and ignores is_classification
 * (self-instruct used it to generate outputs before inputs); we keep the field so seed files stay interchangeable.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { located, UserError } from "../errors";
import { assertRegularFile } from "../fsutil";
import { isObject, jsonlLines } from "../json";
import { REPO_ROOT } from "../paths";
import type { TaskTriple } from "./types";

export interface SeedInstance {
  input: string;
  output: string;
}

export interface SeedTask {
  id: string;
  name?: string;
  instruction: string;
  instances: SeedInstance[];
  is_classification: boolean;
}

/** data/selfinstruct/seed_tasks.jsonl. */
export const DEFAULT_SEED_TASKS_FILE = join(REPO_ROOT, "data", "selfinstruct", "seed_tasks.jsonl");

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** One line's seed task, or a message naming the field that is wrong. */
function seedFromValue(v: unknown, line: number): SeedTask | string {
  if (!isObject(v)) return `a seed task must be a JSON object, got ${typeOf(v)}`;
  const row = v;
  const id = row.id ?? `seed_task_line_${line}`;
  if (typeof id !== "string" || id === "") return `field 'id' must be a non-empty string, got ${typeOf(row.id)}`;
  if (row.name !== undefined && typeof row.name !== "string") return `field 'name' must be a string, got ${typeOf(row.name)}`;
  if (typeof row.instruction !== "string" || row.instruction.trim() === "") return `field 'instruction' must be a non-empty string, got ${typeOf(row.instruction)}`;
  if (!Array.isArray(row.instances) || row.instances.length === 0) return `field 'instances' must be a non-empty array of {input, output}, got ${typeOf(row.instances)}`;
  const instances: SeedInstance[] = [];
  for (const [i, inst] of row.instances.entries()) {
    if (!isObject(inst)) return `instances[${i}] must be an object with 'input' and 'output'`;
    const { input = "", output } = inst;
    if (typeof input !== "string") return `instances[${i}].input must be a string, got ${typeOf(input)}`;
    if (typeof output !== "string" || output.trim() === "") return `instances[${i}].output must be a non-empty string, got ${typeOf(output)}`;
    instances.push({ input, output });
  }
  const cls = row.is_classification ?? false;
  if (typeof cls !== "boolean") return `field 'is_classification' must be true or false, got ${typeOf(cls)}`;
  const seed: SeedTask = { id, instruction: row.instruction, instances, is_classification: cls };
  if (typeof row.name === "string") seed.name = row.name;
  return seed;
}

/** Parses seed-task JSONL text; throws UserError naming `file`, the line and the field on the first bad line. */
export function parseSeedTasks(text: string, file: string): SeedTask[] {
  const seeds: SeedTask[] = [];
  const ids = new Map<string, number>();
  for (const { line, value } of jsonlLines(text, file)) {
    const seed = seedFromValue(value, line);
    if (typeof seed === "string") throw new UserError(located(file, line, seed), 1);
    const first = ids.get(seed.id);
    if (first !== undefined) throw new UserError(located(file, line, `duplicate id '${seed.id}' (first on line ${first})`), 1);
    ids.set(seed.id, line);
    seeds.push(seed);
  }
  if (seeds.length === 0) throw new UserError(located(file, undefined, "no seed tasks (empty file)"), 1);
  return seeds;
}

/** Reads a seed-task file (default: the bundled one). */
export function readSeedTasks(file: string = DEFAULT_SEED_TASKS_FILE): SeedTask[] {
  let text: string;
  try {
    if (existsSync(file)) assertRegularFile(file, "seed-task file"); // a FIFO or a device would be read for ever
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(located(file, undefined, `cannot read seed tasks: ${code === "ENOENT" ? "no such file" : (err as Error).message}`), 2);
  }
  return parseSeedTasks(text, file);
}

/** The triple a prompt shows for a seed: its first instance, as Alpaca does. */
export function seedTriple(seed: SeedTask): TaskTriple {
  const first = seed.instances[0];
  return { instruction: seed.instruction.trim(), input: first.input.trim(), output: first.output.trim() };
}
