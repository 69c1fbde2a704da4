/**
 * Tokenized examples to fixed-shape rows for training: truncation (with counts), packing (none, best-fit-
 * decreasing, wrap), padding (to maxLength, or to the longest row of each batch), and a seeded batch
 * iterator whose order is a pure function of (seed, epoch), so training can resume at (epoch, position).
 */
import { UserError } from "../errors";
import { IGNORE_INDEX } from "./templates/tokenize";
import { bestFitDecreasing, wrapDocuments } from "./pack";
import { deriveSeed, mulberry32, permutation } from "../random";

export const TRUNCATION_POLICIES = ["drop", "truncate-left-prompt", "truncate-right"] as const;
export type TruncationPolicy = (typeof TRUNCATION_POLICIES)[number];
export const PADDING_MODES = ["longest", "max-length"] as const;
export type PaddingMode = (typeof PADDING_MODES)[number];
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
  /** "longest": rows as long as their longest member (per batch in BatchIterator); "max-length": always maxLength. */
  padding: PaddingMode;
  packing: PackingMode;
  /** Id written at padding positions (masked: label IGNORE_INDEX, segment 0). Use tokenizer.padId ?? 0, never EOS. */
  padId: number;
  /** Separator between documents for "wrap". */
  eosId?: number;
}

export const DEFAULT_COLLATE_CONFIG: Readonly<CollateConfig> = {
  maxLength: 1024,
  truncation: "truncate-left-prompt",
  padding: "longest",
  packing: "none",
  padId: 0,
};

/** Defaults filled in and every field checked; throws UserError naming the bad field. */
export function validateCollateConfig(config: Partial<CollateConfig> = {}): CollateConfig {
  const c: CollateConfig = { ...DEFAULT_COLLATE_CONFIG, ...config };
  const bad = (what: string): never => {
    throw new UserError(`collate: ${what}`, 1);
  };
  if (!Number.isInteger(c.maxLength) || c.maxLength < 2) bad(`maxLength must be an integer >= 2, got ${c.maxLength}`);
  if (!TRUNCATION_POLICIES.includes(c.truncation)) bad(`truncation must be one of ${TRUNCATION_POLICIES.join(", ")}, got '${c.truncation}'`);
  if (!PADDING_MODES.includes(c.padding)) bad(`padding must be one of ${PADDING_MODES.join(", ")}, got '${c.padding}'`);
  if (!PACKING_MODES.includes(c.packing)) bad(`packing must be one of ${PACKING_MODES.join(", ")}, got '${c.packing}'`);
  if (!Number.isInteger(c.padId) || c.padId < 0) bad(`padId must be a non-negative integer, got ${c.padId}`);
  if (c.packing === "wrap" && (c.eosId === undefined || !Number.isInteger(c.eosId) || c.eosId < 0)) bad("packing 'wrap' needs eosId (the document separator)");
  return c;
}

/** What collate takes: a tokenized example (see tokenizeExample). */
export interface ExampleLike {
  id?: string;
  inputIds: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface Row {
  inputIds: Int32Array;
  labels: Int32Array;
  /** Position of each token within its own example (restarting at 0 for each packed example; 0 on padding). */
  positionIds: Int32Array;
  /** 1, 2, 3... per packed example; 0 on padding. Attention stays within a segment (see blockCausalMask). */
  segmentIds: Int32Array;
  /** Tokens before the padding. */
  length: number;
  /** Ids of the examples in the row ("" for examples without one). */
  ids: string[];
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
  /** Padding positions, over all rows. */
  paddingTokens: number;
  /** Non-padding positions / all positions. */
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

function emptyRow(length: number, padId: number): Row {
  const inputIds = new Int32Array(length).fill(padId);
  return { inputIds, labels: new Int32Array(length).fill(IGNORE_INDEX), positionIds: new Int32Array(length), segmentIds: new Int32Array(length), length: 0, ids: [] };
}

/** Appends one example (or stream chunk) to a row as segment `segment`, positions from 0. */
function place(row: Row, inputIds: readonly number[], labels: readonly number[], segment: number, id: string | undefined): void {
  const at = row.length;
  for (let i = 0; i < inputIds.length; i++) {
    row.inputIds[at + i] = inputIds[i];
    row.labels[at + i] = labels[i];
    row.positionIds[at + i] = i;
    row.segmentIds[at + i] = segment;
  }
  row.length += inputIds.length;
  if (id !== undefined) row.ids.push(id);
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
  if (c.packing === "wrap") {
    rows = wrapDocuments(kept, c.maxLength, c.eosId!).map((s) => {
      const row = emptyRow(c.maxLength, c.padId);
      place(row, s.inputIds, s.labels, 1, undefined);
      return row;
    });
  } else if (c.packing === "bfd") {
    rows = bestFitDecreasing(kept.map((k) => k.inputIds.length), c.maxLength).map((bin) => {
      const row = emptyRow(c.maxLength, c.padId);
      bin.forEach((i, s) => place(row, kept[i].inputIds, kept[i].labels, s + 1, kept[i].id));
      return row;
    });
  } else {
    const width = c.padding === "max-length" ? c.maxLength : Math.max(0, ...kept.map((k) => k.inputIds.length));
    rows = kept.map((k) => {
      const row = emptyRow(width, c.padId);
      place(row, k.inputIds, k.labels, 1, k.id);
      return row;
    });
  }

  let real = 0;
  let slots = 0;
  let trained = 0;
  for (const r of rows) {
    real += r.length;
    slots += r.inputIds.length;
    trained += countTargets(r.labels);
  }
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

/** A batch as flat row-major [size, length] arrays, ready for a tensor. */
export interface Batch {
  size: number;
  length: number;
  inputIds: Int32Array;
  labels: Int32Array;
  positionIds: Int32Array;
  segmentIds: Int32Array;
  /** Example ids per row. */
  ids: string[][];
  paddingTokens: number;
  /** Where this batch starts: epoch and position in that epoch's order. */
  epoch: number;
  position: number;
}

/** Rows stacked into one batch, cut or padded to `length` (default: the longest row's real length). */
export function stackRows(rows: readonly Row[], options: { length?: number; padId?: number } = {}): Omit<Batch, "epoch" | "position"> {
  const length = options.length ?? Math.max(1, ...rows.map((r) => r.length));
  const padId = options.padId ?? 0;
  const size = rows.length;
  const inputIds = new Int32Array(size * length).fill(padId);
  const labels = new Int32Array(size * length).fill(IGNORE_INDEX);
  const positionIds = new Int32Array(size * length);
  const segmentIds = new Int32Array(size * length);
  let padding = 0;
  rows.forEach((r, b) => {
    if (r.length > length) throw new RangeError(`row of ${r.length} tokens does not fit a batch of length ${length}`);
    const n = Math.min(length, r.inputIds.length);
    inputIds.set(r.inputIds.subarray(0, n), b * length);
    labels.set(r.labels.subarray(0, n), b * length);
    positionIds.set(r.positionIds.subarray(0, n), b * length);
    segmentIds.set(r.segmentIds.subarray(0, n), b * length);
    padding += length - r.length;
  });
  return { size, length, inputIds, labels, positionIds, segmentIds, ids: rows.map((r) => r.ids), paddingTokens: padding };
}

export interface BatchOptions {
  batchSize: number;
  seed: number;
  /** Shuffle rows each epoch (order from seed and epoch); false = rows in their given order. */
  shuffle: boolean;
  /** Skip an epoch's last, smaller batch. */
  dropLast: boolean;
  /** "longest": each batch as long as its longest row; "max-length": every batch `maxLength` long. */
  padding: PaddingMode;
  maxLength?: number;
  padId: number;
  /** Stop after this many epochs (default: never). */
  epochs: number;
}

export const DEFAULT_BATCH_OPTIONS: Readonly<BatchOptions> = {
  batchSize: 8,
  seed: 0,
  shuffle: true,
  dropLast: false,
  padding: "longest",
  padId: 0,
  epochs: Infinity,
};

export interface BatchState {
  epoch: number;
  /** Index, in the epoch's order, of the next row to serve. */
  position: number;
}

/** The order rows are served in during `epoch`. */
export function epochOrder(n: number, seed: number, epoch: number, shuffle = true): number[] {
  return shuffle ? permutation(n, mulberry32(deriveSeed(seed, "epoch", epoch))) : Array.from({ length: n }, (_, i) => i);
}

/**
 * Batches of rows forever (or for `epochs`), deterministic from the seed. `state` after any batch,
 * passed back to a new iterator, continues exactly where the old one was.
 */
export class BatchIterator implements IterableIterator<Batch> {
  private readonly o: BatchOptions;
  private order: number[] = [];
  private orderEpoch = -1;
  private epoch: number;
  private position: number;

  constructor(private readonly rows: readonly Row[], options: Partial<BatchOptions> = {}, state: BatchState = { epoch: 0, position: 0 }) {
    this.o = { ...DEFAULT_BATCH_OPTIONS, ...options };
    const o = this.o;
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new UserError(`batches: batchSize must be a positive integer, got ${o.batchSize}`, 1);
    if (o.padding === "max-length" && (o.maxLength === undefined || o.maxLength < 1)) throw new UserError("batches: padding 'max-length' needs maxLength", 1);
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.position) || state.position < 0 || state.position > rows.length) {
      throw new UserError(`batches: bad resume state epoch ${state.epoch}, position ${state.position} (${rows.length} rows)`, 1);
    }
    this.epoch = state.epoch;
    this.position = state.position;
  }

  /** Where the next batch starts. */
  get state(): BatchState {
    return { epoch: this.epoch, position: this.position };
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    const n = this.rows.length / this.o.batchSize;
    return this.o.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  [Symbol.iterator](): IterableIterator<Batch> {
    return this;
  }

  next(): IteratorResult<Batch> {
    const { batchSize, dropLast } = this.o;
    const n = this.rows.length;
    for (;;) {
      if (this.epoch >= this.o.epochs || n === 0 || (dropLast && n < batchSize)) return { done: true, value: undefined };
      const left = n - this.position;
      if (left <= 0 || (dropLast && left < batchSize)) {
        this.epoch++;
        this.position = 0;
        continue;
      }
      if (this.orderEpoch !== this.epoch) {
        this.order = epochOrder(n, this.o.seed, this.epoch, this.o.shuffle);
        this.orderEpoch = this.epoch;
      }
      const start = this.position;
      const picked = this.order.slice(start, start + batchSize).map((i) => this.rows[i]);
      this.position += picked.length;
      const length = this.o.padding === "max-length" ? this.o.maxLength : undefined;
      return { done: false, value: { ...stackRows(picked, { length, padId: this.o.padId }), epoch: this.epoch, position: start } };
    }
  }
}
