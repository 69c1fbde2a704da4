/**
 * Typed field access for schema readers and writers. Each helper throws a RecordProblem whose message names
 * the field, so a reader stays a short list of `requireString(row, "instruction")` calls.
 */
import type { ContainerName, FormatName, InstructionRecord, Message, Provenance, TaskFields } from "../record";
import { RecordProblem, type ItemLocation, type ReadContext, type WriteOptions } from "./format";
import { isObject } from "../../json";

/** "string", "number", "array", "null", ... as a person would name a JSON value's type. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A JSON object (defined once, in lib/json.ts; the readers import it from here). */
export { isObject };

/** The row as an object, or a problem saying what it was instead. */
export function requireObject(value: unknown, what = "record"): Record<string, unknown> {
  if (!isObject(value)) throw new RecordProblem(`${what} must be a JSON object, got ${typeName(value)}`);
  return value;
}

/** The first of `keys` present in `row` (aliases such as completion/response), or undefined. */
export function firstKey(row: Record<string, unknown>, keys: readonly string[]): string | undefined {
  return keys.find((k) => row[k] !== undefined);
}

export function requireString(row: Record<string, unknown>, key: string, where = ""): string {
  const v = row[key];
  if (v === undefined) throw new RecordProblem(`${where}missing field '${key}'`);
  if (typeof v !== "string") throw new RecordProblem(`${where}field '${key}' must be a string, got ${typeName(v)}`);
  return v;
}

/** A string field that may be absent (or null, as CSV and Parquet nulls arrive). */
export function optionalString(row: Record<string, unknown>, key: string, where = ""): string | undefined {
  const v = row[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new RecordProblem(`${where}field '${key}' must be a string, got ${typeName(v)}`);
  return v;
}

export function requireArray(row: Record<string, unknown>, key: string): unknown[] {
  const v = row[key];
  if (v === undefined) throw new RecordProblem(`missing field '${key}'`);
  if (!Array.isArray(v)) throw new RecordProblem(`field '${key}' must be an array, got ${typeName(v)}`);
  return v;
}

/** The row's own id (string, or a number turned into one), else `<source>-<ordinal>`. */
export function recordId(row: Record<string, unknown>, ctx: ReadContext, key = "id"): string {
  const v = row[key];
  if (v === undefined || v === null) return `${ctx.source}-${ctx.ordinal}`;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v !== "string" || v === "") throw new RecordProblem(`field '${key}' must be a non-empty string or a number`);
  return v;
}

/** Every field of `row` not in `known`: what the record keeps as metadata. */
export function extraFields(row: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!known.has(k)) out[k] = v;
  return out;
}

/** Fields any row schema may carry besides its own: bookkeeping that survives a write and a re-read. */
export const COMMON_KEYS = ["id", "source", "task", "cluster", "references"] as const;

/** A string field that counts as absent when empty (CSV cannot tell "" from missing). */
function nonEmpty(row: Record<string, unknown>, key: string): string | undefined {
  const v = optionalString(row, key);
  return v === "" ? undefined : v;
}

export interface CommonFields {
  id: string;
  source: string;
  task?: string;
  cluster?: string;
  references?: string[];
}

/** id, source, task, cluster and references of a row (the last three only when present). */
export function readCommon(row: Record<string, unknown>, ctx: ReadContext): CommonFields {
  const out: CommonFields = {
    id: recordId(row, ctx),
    source: ctx.forceSource ? ctx.source : nonEmpty(row, "source") ?? ctx.source,
  };
  const task = nonEmpty(row, "task");
  if (task !== undefined) out.task = task;
  const cluster = nonEmpty(row, "cluster");
  if (cluster !== undefined) out.cluster = cluster;
  if (row.references !== undefined && row.references !== null) out.references = stringArray(row.references, "references");
  return out;
}

/** An array of strings, or a problem naming the field and the first bad element. */
export function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new RecordProblem(`field '${field}' must be an array of strings, got ${typeName(value)}`);
  value.forEach((v, i) => {
    if (typeof v !== "string") throw new RecordProblem(`${field}[${i}] must be a string, got ${typeName(v)}`);
  });
  return value as string[];
}

/** The record with provenance attached; optional parts left out rather than set to undefined. */
export function buildRecord(
  common: CommonFields,
  parts: { messages: Message[]; fields?: TaskFields; metadata: Record<string, unknown>; task?: string; cluster?: string },
  ctx: ReadContext,
  format: FormatName,
): InstructionRecord {
  const record: InstructionRecord = { id: common.id, source: common.source, messages: parts.messages, metadata: parts.metadata, provenance: provenance(ctx, format) };
  const task = parts.task ?? common.task;
  if (task !== undefined) record.task = task;
  const cluster = parts.cluster ?? common.cluster;
  if (cluster !== undefined) record.cluster = cluster;
  if (parts.fields !== undefined) record.fields = parts.fields;
  if (common.references !== undefined) record.references = common.references;
  return record;
}

export function provenance(ctx: { file: string; container: ContainerName; loc: ItemLocation }, format: FormatName): Provenance {
  const p: Provenance = { file: ctx.file, format, container: ctx.container };
  if (ctx.loc.line !== undefined) p.line = ctx.loc.line;
  if (ctx.loc.index !== undefined) p.index = ctx.loc.index;
  return p;
}

/**
 * Completes a written row: id and source first (when `options.ids`), then the schema's own fields, then
 * task, cluster and references unless the schema named them in `handled`, then metadata, never overwriting.
 */
export function finishRow(
  row: Record<string, unknown>,
  record: InstructionRecord,
  options: WriteOptions,
  handled: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = options.ids ? { id: record.id, source: record.source, ...row } : { ...row };
  if (!handled.includes("task") && record.task !== undefined) out.task = record.task;
  if (!handled.includes("cluster") && record.cluster !== undefined) out.cluster = record.cluster;
  if (!handled.includes("references") && record.references !== undefined) out.references = record.references;
  if (options.metadata) for (const [k, v] of Object.entries(record.metadata)) if (!(k in out)) out[k] = v;
  return out;
}
