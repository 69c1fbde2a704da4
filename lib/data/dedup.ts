/**
 * Duplicate removal for instruction data: exact duplicates after normalization (case, Unicode form,
 * punctuation and spacing ignored), then near-duplicates by ROUGE-L above a threshold (self-instruct
 * used 0.7 on instructions). The first occurrence is kept; every removal names what it duplicated.
 */
import { UserError } from "../errors";
import { promptText, responseText, type InstructionRecord } from "./record";
import { findNearDuplicates } from "./rouge";

export const DEDUP_FIELDS = ["prompt", "response", "both"] as const;
export type DedupField = (typeof DEDUP_FIELDS)[number];

export interface DedupConfig {
  /** Drop records whose normalized text equals an earlier record's. */
  exact: boolean;
  /** Drop records whose ROUGE-L F with an earlier kept record exceeds this; null = no near-duplicate check. */
  near: number | null;
  /** Which text is compared: the prompt (every turn before the last answer), the answer, or both. */
  on: DedupField;
}

export const DEFAULT_DEDUP_CONFIG: Readonly<DedupConfig> = { exact: true, near: 0.7, on: "prompt" };

export function validateDedupConfig(config: Partial<DedupConfig> = {}, where = "dedup"): DedupConfig {
  const c: DedupConfig = { ...DEFAULT_DEDUP_CONFIG, ...config };
  if (typeof c.exact !== "boolean") throw new UserError(`${where}.exact must be true or false`, 1);
  if (c.near !== null && !(typeof c.near === "number" && c.near > 0 && c.near <= 1)) throw new UserError(`${where}.near must be a number in (0, 1] or null, got ${JSON.stringify(c.near)}`, 1);
  if (!DEDUP_FIELDS.includes(c.on)) throw new UserError(`${where}.on must be one of ${DEDUP_FIELDS.join(", ")}, got ${JSON.stringify(c.on)}`, 1);
  return c;
}

/** NFKC, lowercase, punctuation and symbols removed, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[\p{P}\p{S}]+/gu, " ").replace(/\s+/gu, " ").trim();
}

export function dedupText(record: InstructionRecord, on: DedupField): string {
  if (on === "prompt") return promptText(record);
  if (on === "response") return responseText(record);
  return `${promptText(record)}\n\n${responseText(record)}`;
}

export interface DuplicateRemoval {
  id: string;
  reason: "exact" | "near";
  /** Id of the kept record it duplicates. */
  duplicateOf: string;
  /** ROUGE-L F for near duplicates. */
  score?: number;
}

export interface DedupResult<T> {
  kept: T[];
  removed: DuplicateRemoval[];
}

/** Removes duplicates from `records` (in order, first kept); `key` picks the record out of each item. */
export function dedupRecords<T>(items: readonly T[], config: Partial<DedupConfig> = {}, key: (item: T) => InstructionRecord = (x) => x as unknown as InstructionRecord): DedupResult<T> {
  const c = validateDedupConfig(config);
  const removed: DuplicateRemoval[] = [];
  let kept = items.slice();
  if (c.exact) {
    const first = new Map<string, string>();
    kept = kept.filter((item) => {
      const r = key(item);
      const norm = normalizeText(dedupText(r, c.on));
      const prev = first.get(norm);
      if (prev !== undefined) {
        removed.push({ id: r.id, reason: "exact", duplicateOf: prev });
        return false;
      }
      first.set(norm, r.id);
      return true;
    });
  }
  if (c.near !== null) {
    const dups = findNearDuplicates(kept.map((item) => dedupText(key(item), c.on)), c.near);
    const drop = new Set<number>();
    for (const d of dups) {
      drop.add(d.index);
      removed.push({ id: key(kept[d.index]).id, reason: "near", duplicateOf: key(kept[d.of]).id, score: d.score });
    }
    kept = kept.filter((_, i) => !drop.has(i));
  }
  return { kept, removed };
}
