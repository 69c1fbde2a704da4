/**
 * Tokenized examples to training rows: truncation (with counts) and packing (none, best-fit-decreasing,
 * wrap). Rows come out unpadded, as long as what they hold; the trainer's `rowsToBatch` (lib/train/batch.ts)
 * is the one place where rows are padded into a batch and become tensors, and the trainer alone decides
 * their order.
 */
import { UserError } from "../errors";
import { IGNORE_INDEX } from "./templates/tokenize";
import { bestFitDecreasing, wrapDocuments } from "./pack";

export const TRUNCATION_POLICIES = ["drop", "truncate-left-prompt", "truncate-right"] as const;
export type TruncationPolicy = (typeof TRUNCATION_POLICIES)[number];
export const PACKING_MODES = ["none", "bfd", "wrap"] as const;
export type PackingMode = (typeof PACKING_MODES)[number];

export interface CollateConfig {
  /** Longest row, in tokens. */
  maxLength: number;
  /**
   * For examples longer than maxLength: drop them; cut prompt tokens from the left (the response stays
   * whole; dropped when the response alone does not fit); or cut the end off. Ignored by "wrap".
   */
  truncation: TruncationPolicy;
  packing: PackingMode;
  /** Separator between documents for "wrap". */
  eosId?: number;
}

export const DEFAULT_COLLATE_CONFIG: Readonly<CollateConfig> = {
  maxLength: 1024,
  truncation: "truncate-left-prompt",
  packing: "none",
};

/** Defaults filled in and every field checked; throws UserError naming the bad field. */
export function validateCollateConfig(config: Partial<CollateConfig> = {}): CollateConfig {
  const c: CollateConfig = { ...DEFAULT_COLLATE_CONFIG, ...config };
  const bad = (what: string): never => {
    throw new UserError(`collate: ${what}`, 1);
  };
  if (!Number.isInteger(c.maxLength) || c.maxLength < 2) bad(`maxLength must be an integer >= 2, got ${c.maxLength}`);
  if (!TRUNCATION_POLICIES.includes(c.truncation)) bad(`truncation must be one of ${TRUNCATION_POLICIES.join(", ")}, got '${c.truncation}'`);
  if (!PACKING_MODES.includes(c.packing)) bad(`packing must be one of ${PACKING_MODES.join(", ")}, got '${c.packing}'`);
  if (c.packing === "wrap" && (c.eosId === undefined || !Number.isInteger(c.eosId) || c.eosId < 0)) bad("packing 'wrap' needs eosId (the document separator)");
  return c;
}

/** What collate takes: a tokenized example (see tokenizeExample). */
export interface ExampleLike {
  id?: string;
  inputIds: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * One training row, unpadded: every array as long as the tokens it holds. The one row type of the project:
 * collate makes them, pretraining's windows are them, `rowsToBatch` pads them into tensors.
 */
export interface Row {
  inputIds: ArrayLike<number>;
  /** Next-token targets aligned with inputIds; IGNORE_INDEX (-100) where not trained. */
  labels: ArrayLike<number>;
  /** Packed rows only: each token's position within its own example, restarting at 0 (default 0..n-1). */
  positionIds?: ArrayLike<number>;
  /** Packed rows only: 1, 2, 3... per example; attention stays within a segment (see `attends` in pack.ts). */
  segmentIds?: ArrayLike<number>;
  /** Ids of the examples in the row ("" for examples without one). */
  ids?: string[];
}

export interface CollateStats {
  /** Examples given. */
  examples: number;
  rows: number;
  /** Examples shortened to fit. */
  truncated: number;
  /** Examples too long to keep under the policy. */
  dropped: number;
  /** Examples with no target token (as given, or after truncation); dropped too, counted here. */
  noTrainedTokens: number;
  /** Labels that are not IGNORE_INDEX, over all rows. */
  trainedTokens: number;
  /**
   * Padding positions, over all rows, were every row padded to one width: maxLength when packed (bins of
   * that size), else the longest row (the trainer pads per batch, so it pads no more than this).
   */
  paddingTokens: number;
  /** Token positions / all positions at that width. */
  packingEfficiency: number;
}

export interface Collated {
  rows: Row[];
  stats: CollateStats;
  /** Ids of dropped examples and why. */
  droppedIds: { id: string; reason: "too-long" | "no-trained-tokens" }[];
}

function countTargets(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) n++;
  return n;
}

type Fitted = { inputIds: number[]; labels: number[]; truncated: boolean } | { drop: "too-long" | "no-trained-tokens" };

/** One example made to fit maxLength under the policy. */
export function fitExample(ex: ExampleLike, maxLength: number, policy: TruncationPolicy): Fitted {
  const n = ex.inputIds.length;
  const ids = Array.from(ex.inputIds);
  const labels = Array.from(ex.labels);
  if (labels.length !== n) throw new UserError(`example '${ex.id ?? "?"}': ${n} input ids but ${labels.length} labels`, 1);
  let out: Fitted;
  if (n <= maxLength) out = { inputIds: ids, labels, truncated: false };
  else if (policy === "drop") return { drop: "too-long" };
  else if (policy === "truncate-right") {
    // The last kept position's next token is gone, so it predicts nothing.
    const l = labels.slice(0, maxLength);
    l[maxLength - 1] = IGNORE_INDEX;
    out = { inputIds: ids.slice(0, maxLength), labels: l, truncated: true };
  } else {
    // Prompt tokens are those before the first target; one must stay to predict the first target from.
    const firstLabel = labels.findIndex((l) => l !== IGNORE_INDEX);
    const cut = n - maxLength;
    if (firstLabel < 0 || cut > firstLabel) return { drop: "too-long" };
    out = { inputIds: ids.slice(cut), labels: labels.slice(cut), truncated: true };
  }
  return countTargets(out.labels) === 0 ? { drop: "no-trained-tokens" } : out;
}

const int32 = (a: readonly number[]) => Int32Array.from(a);

/** Examples packed into one row: example s is segment s + 1, its positions restart at 0. */
function packedRow(parts: readonly { inputIds: number[]; labels: number[]; id: string }[]): Row {
  const n = parts.reduce((t, p) => t + p.inputIds.length, 0);
  const row = { inputIds: new Int32Array(n), labels: new Int32Array(n), positionIds: new Int32Array(n), segmentIds: new Int32Array(n), ids: [] as string[] };
  let at = 0;
  parts.forEach((p, s) => {
    row.inputIds.set(p.inputIds, at);
    row.labels.set(p.labels, at);
    for (let i = 0; i < p.inputIds.length; i++) {
      row.positionIds[at + i] = i;
      row.segmentIds[at + i] = s + 1;
    }
    at += p.inputIds.length;
    row.ids.push(p.id);
  });
  return row;
}

/** Examples to rows under `config`; every drop and truncation counted. */
export function collate(examples: Iterable<ExampleLike>, config: Partial<CollateConfig> = {}): Collated {
  const c = validateCollateConfig(config);
  const kept: { inputIds: number[]; labels: number[]; id: string }[] = [];
  const droppedIds: Collated["droppedIds"] = [];
  let given = 0;
  let truncated = 0;
  let dropped = 0;
  let noTrainedTokens = 0;
  for (const ex of examples) {
    given++;
    const id = ex.id ?? "";
    // Wrap never truncates: documents are cut into rows anyway.
    const fit = c.packing === "wrap" ? fitExample(ex, Infinity, "drop") : fitExample(ex, c.maxLength, c.truncation);
    if ("drop" in fit) {
      droppedIds.push({ id, reason: fit.drop });
      if (fit.drop === "too-long") dropped++;
      else noTrainedTokens++;
      continue;
    }
    if (fit.truncated) truncated++;
    kept.push({ inputIds: fit.inputIds, labels: fit.labels, id });
  }

  let rows: Row[];
  let width: number;
  if (c.packing === "wrap") {
    // One stream cut into rows: a single segment, positions 0..n-1 (the defaults).
    rows = wrapDocuments(kept, c.maxLength, c.eosId!).map((w) => ({ inputIds: int32(w.inputIds), labels: int32(w.labels), ids: [] }));
    width = c.maxLength;
  } else if (c.packing === "bfd") {
    rows = bestFitDecreasing(kept.map((k) => k.inputIds.length), c.maxLength).map((bin) => packedRow(bin.map((i) => kept[i])));
    width = c.maxLength;
  } else {
    rows = kept.map((k) => ({ inputIds: int32(k.inputIds), labels: int32(k.labels), ids: [k.id] }));
    // A loop, not Math.max(...): a spread of a few hundred thousand lengths overflows the call stack.
    width = kept.reduce((w, k) => Math.max(w, k.inputIds.length), 0);
  }

  let real = 0;
  let trained = 0;
  for (const r of rows) {
    real += r.inputIds.length;
    trained += countTargets(r.labels);
  }
  const slots = rows.length * width;
  return {
    rows,
    droppedIds,
    stats: {
      examples: given,
      rows: rows.length,
      truncated,
      dropped,
      noTrainedTokens,
      trainedTokens: trained,
      paddingTokens: slots - real,
      packingEfficiency: slots === 0 ? 0 : real / slots,
    },
  };
}
