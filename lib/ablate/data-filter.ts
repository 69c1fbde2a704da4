/**
 * Self-instruct's quality filters for the Alpaca-style "filtering on/off" cells. The filters look at the
 * instruction; here it is read together with the Input section, because many clean rows share a task
 * description as their instruction and differ only in the input: deduplicating on the instruction alone
 * would throw away all but one row per task instead of the near-duplicates it is meant to catch.
 */
import type { InstructionRecord } from "../data/record";
import { filterRecords } from "../selfinstruct/filter-records";

/** `dedup` false keeps the rule filters and skips ROUGE-L deduplication. */
export function filterRecordsSelfInstruct(records: InstructionRecord[], dedup = true): { kept: InstructionRecord[]; dropped: number; byRule: Record<string, number> } {
  const views = records.map((r) => (r.fields && r.fields.input
    ? { ...r, fields: { ...r.fields, instruction: `${r.fields.instruction}\n${r.fields.input}` } }
    : r));
  const res = filterRecords(views, dedup ? {} : { filters: { rougeThreshold: null } });
  const keptIds = new Set(res.kept.map((r) => r.id));
  return { kept: records.filter((r) => keptIds.has(r.id)), dropped: res.dropped.length, byRule: res.byRule };
}
