/**
 * Arquero tables of instruction data for the notebooks: one row per record or tokenized example, counts
 * per source / cluster / task / template type, length histograms, and the fraction of tokens trained on.
 * Every function returns an arquero table, so a notebook can filter, join, print (`.print()`) or plot it.
 */
import * as aq from "arquero";
import { promptText, responseText, type InstructionRecord } from "./record";
import { charLength } from "./stats";
import { recordTemplateType } from "./mixture/sources";
import { NO_TEMPLATE_TYPE } from "./mixture/build";
import { IGNORE_INDEX } from "./templates/tokenize";

export type Table = aq.ColumnTable;

/** Where a mixture record came from (its metadata.provenance, written by buildMixture), if anywhere. */
function mixProvenance(r: InstructionRecord): { source?: string; template_type?: string } {
  const p = r.metadata?.provenance;
  return typeof p === "object" && p !== null ? (p as { source?: string; template_type?: string }) : {};
}

/** One row per record: id, source, task, cluster, templateType, turns, promptChars, responseChars. */
export function recordsTable(records: readonly InstructionRecord[]): Table {
  return aq.from(
    records.map((r) => ({
      id: r.id,
      source: mixProvenance(r).source ?? r.source,
      task: r.task ?? null,
      cluster: r.cluster ?? null,
      templateType: recordTemplateType(r) ?? mixProvenance(r).template_type ?? NO_TEMPLATE_TYPE,
      turns: r.messages.length,
      promptChars: charLength(promptText(r)),
      responseChars: charLength(responseText(r)),
    })),
  );
}

export const COUNT_KEYS = ["source", "cluster", "task", "templateType"] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/**
 * Records per value of `by` (one key or several, e.g. ["cluster", "task"]), with each group's share of
 * all records; largest groups first, ties by name.
 */
export function countsTable(records: readonly InstructionRecord[] | Table, by: CountKey | readonly CountKey[]): Table {
  const keys = typeof by === "string" ? [by] : [...by];
  const t = Array.isArray(records) ? recordsTable(records) : (records as Table);
  return t
    .groupby(...keys)
    .count({ as: "count" })
    .derive({ share: "d => d.count / op.sum(d.count)" })
    .orderby(aq.desc("count"), ...keys);
}

/** Histogram of a numeric column: bin start and end, and the rows per bin. */
export function lengthHistogramTable(table: Table, column: string, options: { maxbins?: number; step?: number } = {}): Table {
  const binned = table.derive({ start: aq.bin(column, { maxbins: options.maxbins ?? 20, step: options.step }), end: aq.bin(column, { maxbins: options.maxbins ?? 20, step: options.step, offset: 1 }) });
  return binned.groupby("start", "end").count({ as: "count" }).orderby("start");
}

/** What examplesTable needs of a tokenized example (tokenizeExample's output, or a collated row). */
export interface TokenizedLike {
  id?: string;
  inputIds: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * One row per tokenized example: id, tokens, promptTokens (before the first trained token), trainedTokens,
 * trainedFraction; plus source/task/cluster/templateType when `records` (by id) are given.
 */
export function examplesTable(examples: readonly TokenizedLike[], records?: readonly InstructionRecord[]): Table {
  const byId = new Map(records?.map((r) => [r.id, r]) ?? []);
  return aq.from(
    examples.map((e) => {
      let trained = 0;
      let first = -1;
      for (let t = 0; t < e.labels.length; t++) {
        if (e.labels[t] !== IGNORE_INDEX) {
          trained++;
          if (first < 0) first = t + 1;
        }
      }
      const tokens = e.inputIds.length;
      const row: Record<string, unknown> = {
        id: e.id ?? null,
        tokens,
        promptTokens: first < 0 ? tokens : first,
        trainedTokens: trained,
        trainedFraction: tokens === 0 ? 0 : trained / tokens,
      };
      const r = e.id !== undefined ? byId.get(e.id) : undefined;
      if (records) {
        row.source = r ? mixProvenance(r).source ?? r.source : null;
        row.task = r?.task ?? null;
        row.cluster = r?.cluster ?? null;
        row.templateType = r ? recordTemplateType(r) ?? mixProvenance(r).template_type ?? NO_TEMPLATE_TYPE : null;
      }
      return row;
    }),
  );
}

/**
 * The fraction of tokens trained on, overall or per group of an examples table: examples, tokens,
 * trainedTokens, trainedFraction (tokens-weighted) and meanExampleFraction (each example counted once).
 */
export function trainedFractionTable(examples: Table, by: readonly string[] = []): Table {
  const grouped = by.length > 0 ? examples.groupby(...by) : examples;
  return grouped
    .rollup({
      examples: "d => op.count()",
      tokens: "d => op.sum(d.tokens)",
      trainedTokens: "d => op.sum(d.trainedTokens)",
      meanExampleFraction: "d => op.mean(d.trainedFraction)",
    })
    .derive({ trainedFraction: "d => d.tokens > 0 ? d.trainedTokens / d.tokens : 0" })
    .orderby(...by);
}

/** A mixture manifest's counts as one long table: key (bySource, byTask, ...), name, count. */
export function manifestCountsTable(manifest: { counts: Record<string, Record<string, number>> }): Table {
  const rows: { key: string; name: string; count: number }[] = [];
  for (const [key, counts] of Object.entries(manifest.counts)) for (const [name, count] of Object.entries(counts)) rows.push({ key, name, count });
  return aq.from(rows);
}
