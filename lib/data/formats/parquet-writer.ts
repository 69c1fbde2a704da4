/**
 * Records to Parquet through hyparquet-writer (the companion of the hyparquet reader used for reading).
 * Column types are inferred from the values: strings -> UTF8, integers -> INT64, other numbers -> DOUBLE,
 * booleans -> BOOLEAN, arrays of strings -> LIST<UTF8>, arrays of flat string objects (chat turns) ->
 * LIST<STRUCT<UTF8...>>, anything else -> JSON (which readers parse back). Every column is optional, so
 * rows may leave fields out. Pages are Snappy-compressed, as most Parquet writers do by default.
 */
import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from "hyparquet-writer";
import { UserError } from "../../errors";
import type { FormatName, InstructionRecord } from "../record";
import { DEFAULT_WRITE_OPTIONS, RecordProblem, type WriteOptions } from "./format";
import { SCHEMAS } from "./index";
import { isObject } from "./fields";

type Kind =
  | { kind: "string" | "json" | "int64" | "double" | "boolean" }
  | { kind: "string-list" }
  | { kind: "struct-list"; fields: string[] };

/** The narrowest column kind that holds every value of a column (nulls fit any). */
function inferKind(values: unknown[]): Kind {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.every((v) => typeof v === "string")) return { kind: "string" };
  if (present.every((v) => typeof v === "boolean")) return { kind: "boolean" };
  if (present.every((v) => typeof v === "number")) {
    return present.every((v) => Number.isSafeInteger(v)) ? { kind: "int64" } : { kind: "double" };
  }
  if (present.every((v) => Array.isArray(v))) {
    const items = (present as unknown[][]).flat();
    if (items.every((x) => typeof x === "string")) return { kind: "string-list" };
    if (items.every((x) => isObject(x) && Object.values(x).every((f) => typeof f === "string" || f === null))) {
      const fields = [...new Set(items.flatMap((x) => Object.keys(x as object)))];
      if (fields.length > 0) return { kind: "struct-list", fields };
    }
  }
  return { kind: "json" };
}

const OPTIONAL = "OPTIONAL" as const;
const utf8 = (name: string): SchemaElement => ({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: OPTIONAL });

/** The schema elements of one top-level column, depth first (a LIST is optional group > repeated list > element). */
function schemaElements(name: string, kind: Kind): SchemaElement[] {
  switch (kind.kind) {
    case "string":
      return [utf8(name)];
    case "json":
      return [{ name, type: "BYTE_ARRAY", converted_type: "JSON", repetition_type: OPTIONAL }];
    case "int64":
      return [{ name, type: "INT64", repetition_type: OPTIONAL }];
    case "double":
      return [{ name, type: "DOUBLE", repetition_type: OPTIONAL }];
    case "boolean":
      return [{ name, type: "BOOLEAN", repetition_type: OPTIONAL }];
    case "string-list":
      return [
        { name, converted_type: "LIST", repetition_type: OPTIONAL, num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        utf8("element"),
      ];
    case "struct-list":
      return [
        { name, converted_type: "LIST", repetition_type: OPTIONAL, num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: OPTIONAL, num_children: kind.fields.length },
        ...kind.fields.map(utf8),
      ];
  }
}

/** A column's values as the writer takes them: INT64 as BigInt, struct fields absent as null. */
function columnValues(kind: Kind, column: unknown[]): unknown[] {
  return column.map((v) => {
    if (v === undefined || v === null) return null;
    if (kind.kind === "int64") return BigInt(v as number);
    if (kind.kind === "struct-list") {
      return (v as unknown[]).map((item) => item === null ? null : Object.fromEntries(kind.fields.map((f) => [f, (item as Record<string, unknown>)[f] ?? null])));
    }
    return v;
  });
}

/** A Parquet file holding `rows`; columns are the union of the rows' keys in first-seen order. */
export function encodeParquet(rows: readonly Record<string, unknown>[]): Uint8Array {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const kinds = names.map((n) => inferKind(rows.map((r) => r[n])));
  const schema: SchemaElement[] = [{ name: "root", num_children: names.length }, ...names.flatMap((n, i) => schemaElements(n, kinds[i]))];
  const columnData = names.map((name, i) => ({ name, data: columnValues(kinds[i], rows.map((r) => r[name])) }) as ColumnSource);
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, createdBy: "nanoinstruct (hyparquet-writer)" }));
}

/** Records as a Parquet file in `format`'s row layout (task files, being documents, are not offered). */
export function writeParquet(records: readonly InstructionRecord[], options: Partial<WriteOptions> & { format: FormatName }): Uint8Array {
  const schema = SCHEMAS[options.format];
  if (schema.kind !== "rows") throw new UserError(`${options.format} files are JSON documents; cannot write them as Parquet`);
  const opts = { ...DEFAULT_WRITE_OPTIONS, ...options };
  try {
    return encodeParquet(records.map((r) => schema.write(r, opts)));
  } catch (err) {
    if (err instanceof RecordProblem) throw new UserError(`cannot write ${options.format}: ${err.message}`, 1);
    throw err;
  }
}
