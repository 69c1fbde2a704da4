/**
 * The self-instruct filters applied to an existing data set, for the Alpaca "quality filtering on/off"
 * ablation on any data file: records go through the same rules and the same ROUGE-L deduplication as
 * generated tasks, in order, each against the records kept before it. Pure: nothing is read or written.
 * The instruction is the record's `fields.instruction` (Alpaca-style records), else its whole prompt.
 */
import { promptText, responseText, type InstructionRecord } from "../data/record";
import { RULE_NAMES, type FilterConfig, type RuleName } from "./filters";
import { InstructionScreen, type NeighbourInfo, type PoolEntry } from "./screen";

export interface DroppedRecord {
  record: InstructionRecord;
  rule: RuleName;
  detail: string;
  /** Nearest instructions kept before it: up to `filters.neighbours` (default 0), else the duplicated one for "rouge". */
  nearest: NeighbourInfo[];
}

export interface FilterRecordsResult {
  kept: InstructionRecord[];
  dropped: DroppedRecord[];
  /** Records dropped per rule (every rule listed, zero included). */
  byRule: Record<RuleName, number>;
}

export interface FilterRecordsOptions {
  filters?: Partial<FilterConfig>;
  /** Instructions that count as already kept for deduplication but are not part of the result (seed tasks). */
  pool?: readonly PoolEntry[];
}

/** The instruction the filters look at. */
export function recordInstruction(record: InstructionRecord): string {
  return record.fields?.instruction ?? promptText(record);
}

export function filterRecords(records: readonly InstructionRecord[], options: FilterRecordsOptions = {}): FilterRecordsResult {
  // No neighbour list unless asked for: on a large data set the deduplication alone is much cheaper.
  const screen = new InstructionScreen({ neighbours: 0, ...options.filters });
  for (const entry of options.pool ?? []) screen.addToPool(entry);
  const kept: InstructionRecord[] = [];
  const dropped: DroppedRecord[] = [];
  const byRule = Object.fromEntries(RULE_NAMES.map((r) => [r, 0])) as Record<RuleName, number>;
  for (const record of records) {
    const s = screen.screen({ id: record.id, instruction: recordInstruction(record), output: responseText(record) });
    if (s.kept) kept.push(record);
    else {
      dropped.push({ record, rule: s.rule!, detail: s.detail!, nearest: s.nearest });
      byRule[s.rule!]++;
    }
  }
  return { kept, dropped, byRule };
}
