/**
 * What a format module provides. A *schema* (alpaca, chat, ...) maps one source row to an
 * `InstructionRecord` and back; a *container* (JSONL, JSON array, CSV, Parquet) splits a file into rows.
 * Keeping the two apart is what lets a CSV or Parquet file hold Alpaca rows without a reader per pair.
 */
import type { ContainerName, FormatName, InstructionRecord } from "../record";

/** Where a row sits in its file: `line` is 1-based, `index` 0-based. */
export interface ItemLocation {
  line?: number;
  index?: number;
}

/** One row out of a container: a parsed value, or what made it unreadable. */
export type RawItem = { loc: ItemLocation; value: unknown } | { loc: ItemLocation; problem: string };

/** Thrown by schema readers and writers for one bad row; the loader turns it into an Issue and moves on. */
export class RecordProblem extends Error {
  constructor(what: string) {
    super(what);
    this.name = "RecordProblem";
  }
}

/** Thrown by containers when the file as a whole cannot be read (not a JSON array, empty, cut off); exit code 2. */
export class UnreadableFile extends Error {
  readonly line?: number;
  constructor(what: string, line?: number) {
    super(what);
    this.name = "UnreadableFile";
    this.line = line;
  }
}

export interface ReadContext {
  file: string;
  /** Source name for records: the default, unless `forceSource` says the caller chose it explicitly. */
  source: string;
  /** True when the caller named the source, which then wins over a row's own `source` field. */
  forceSource: boolean;
  container: ContainerName;
  /** 0-based position of the row among all rows of the file, valid or not, so generated ids stay stable. */
  ordinal: number;
  loc: ItemLocation;
}

/** Writer switches shared by every schema. */
export interface WriteOptions {
  /** Write each record's id as an `id` field (even for formats that have none, so a round trip keeps ids). */
  ids: boolean;
  /** Write `metadata` entries back as top-level fields (never over a field the schema owns). */
  metadata: boolean;
}

export const DEFAULT_WRITE_OPTIONS: WriteOptions = { ids: true, metadata: true };

/** A schema whose rows are independent: JSONL lines, JSON array elements, CSV rows, Parquet rows. */
export interface RowSchema {
  kind: "rows";
  name: FormatName;
  /** Field names in the order writers put them; the CSV header of a flat schema. */
  columns: readonly string[];
  /** Fields holding arrays, which CSV cells carry as JSON text. */
  nested: readonly string[];
  /** How much `row` looks like this schema: 0 = not at all; higher wins. */
  sniff(row: Record<string, unknown>): number;
  /** Builds a record; throws RecordProblem naming the field that is missing or of the wrong type. */
  read(row: unknown, ctx: ReadContext): InstructionRecord;
  /** The row for one record; throws RecordProblem when the record cannot be expressed in this schema. */
  write(record: InstructionRecord, options: WriteOptions): Record<string, unknown>;
}

/** One read outcome of a document schema: a record, or a problem at a location. */
export type DocumentItem = { loc: ItemLocation; record: InstructionRecord } | { loc: ItemLocation; problem: string };

/** A schema whose file is one JSON document holding many records (Super-NaturalInstructions task files). */
export interface DocumentSchema {
  kind: "document";
  name: FormatName;
  /** Source name for records when the caller gives none (instead of the file name). */
  defaultSource?: string;
  sniff(doc: unknown): number;
  /** Throws RecordProblem when the document as a whole is unusable (then no record can be read). */
  read(doc: unknown, ctx: { file: string; source: string }): Iterable<DocumentItem>;
  write(records: readonly InstructionRecord[], options: WriteOptions): unknown;
}

export type Schema = RowSchema | DocumentSchema;
