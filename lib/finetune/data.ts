/**
 * Fine-tuning data: records from a file or a mixture directory, an evaluation split, and the rows the
 * trainer consumes (template rendered, loss-masked, tokenized by parts, collated).
 */
import { existsSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { REPO_ROOT } from "../paths";
import { UserError } from "../errors";
import { readJsonFile } from "../config";
import { safeContainedPath } from "../fsutil";
import { loadRecords } from "../data/load";
import type { InstructionRecord } from "../data/record";
import { getTemplate, type TemplateSpec } from "../data/templates/registry";
import { tokenizeRecords, type MaskMode } from "../data/templates/tokenize";
import { collate, type CollateStats, type Row } from "../data/collate";
import type { Tokenizer } from "../tokenizer";
import { permutation, splitmix32 } from "../random";

/**
 * What makes a missing data file, for the error: the `mix` command for a mixture the repo has a recipe of
 * (experiments/mixtures/NAME.json for .../NAME), where to get Stanford Alpaca's data, else what may go there.
 */
export function howToMake(path: string): string {
  const name = basename(path.replace(/[\\/]+$/, ""));
  const recipe = join(REPO_ROOT, "experiments", "mixtures", `${name}.json`);
  if (existsSync(recipe)) {
    const rel = relative(process.cwd(), recipe);
    const shown = rel === "" || rel.startsWith("..") ? recipe : rel;
    return `; it is a mixture: make it first with 'npx nanoinstruct mix --recipe ${shown} --out ${path}'`;
  }
  if (name === "alpaca_data.json") {
    return "; it is Stanford Alpaca's data (alpaca_data.json from the tatsu-lab/stanford_alpaca repository): download it there, " +
      "or train on the bundled Alpaca-format set data/alpaca-nano/alpaca_nano.json";
  }
  return "; expected a data file in any supported format, or a mixture directory made by 'npx nanoinstruct mix --recipe FILE --out DIR'";
}

/** A data file, or a mixture directory (manifest.json names its JSONL). */
export function dataFile(path: string): string {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or directory${howToMake(path)}`, 2);
  if (!statSync(path).isDirectory()) return path;
  const manifest = join(path, "manifest.json");
  if (!existsSync(manifest)) throw new UserError(`${path}: a directory without manifest.json (expected a mixture from 'nanoinstruct mix')`, 2);
  // Capped and regular-file-only: a manifest linked to /dev/zero or a FIFO is refused, not read for ever.
  const parsed = readJsonFile(manifest, 1024 * 1024, "mixture manifest");
  const file = (parsed as { file?: unknown } | null)?.file ?? "data.jsonl";
  if (typeof file !== "string") throw new UserError(`${manifest}: 'file' must be a file name, got ${JSON.stringify(file)}`, 2);
  // The name comes from a file on disk: it may not lead out of the mixture directory.
  return safeContainedPath(path, file, `${manifest}: 'file'`);
}

/** Loads records leniently (bad ones are reported through `warn`, never silently dropped). */
export async function loadInstructionData(path: string, warn: (s: string) => void = () => {}): Promise<InstructionRecord[]> {
  const res = await loadRecords(dataFile(path), { mode: "lenient" });
  if (res.counts.invalid > 0) {
    warn(`${res.file}: ${res.counts.invalid} of ${res.counts.read} records invalid and skipped (run 'nanoinstruct data inspect ${res.file}')`);
  }
  if (res.records.length === 0) throw new UserError(`${res.file}: no valid records`, 1);
  return res.records;
}

/** A seeded split: `fraction` of the records (at least 1 when fraction > 0) go to evaluation. */
export function splitRecords(records: InstructionRecord[], fraction: number, seed: number): { train: InstructionRecord[]; eval: InstructionRecord[] } {
  if (fraction <= 0) return { train: records, eval: [] };
  const idx = permutation(records.length, splitmix32((seed * 2654435761 + 99) >>> 0));
  const n = Math.max(1, Math.round(records.length * fraction));
  const evalSet = new Set(idx.slice(0, n));
  return { train: records.filter((_, i) => !evalSet.has(i)), eval: records.filter((_, i) => evalSet.has(i)) };
}

export interface PreparedRows {
  rows: Row[];
  stats: CollateStats & { records: number; noTrainedTokensRecords: number };
  /** Records left out of every row, and why (too long under the truncation policy, or nothing to train on). */
  dropped: { id: string; reason: "too-long" | "no-trained-tokens" }[];
}

/** Records -> trainer rows. */
export function prepareRows(records: InstructionRecord[], tokenizer: Tokenizer, o: {
  template: TemplateSpec; mask: MaskMode; maxLength: number; packing: "none" | "bfd"; truncation: "drop" | "truncate-left-prompt" | "truncate-right";
}): PreparedRows {
  const template = getTemplate(o.template);
  const { examples, noTrainedTokens } = tokenizeRecords(template, records, tokenizer, { mask: o.mask });
  const { rows, stats, droppedIds } = collate(examples, { maxLength: o.maxLength, packing: o.packing, truncation: o.truncation });
  return {
    rows,
    stats: { ...stats, records: records.length, noTrainedTokensRecords: noTrainedTokens.length },
    dropped: droppedIds,
  };
}
