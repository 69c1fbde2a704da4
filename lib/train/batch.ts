/**
 * The one place where training data becomes tensors: unpadded rows of token ids (lib/data/collate.ts's
 * `Row`, plain typed arrays) -> a TensorBatch for the model, padded here and nowhere else. Packed rows
 * (several samples per row) get per-sample positions and a block-diagonal attention bias so samples never
 * see each other; which position may attend to which is `attends` (lib/data/pack.ts), the one definition.
 */
import * as tf from "@tensorflow/tfjs";
import { IGNORE_INDEX } from "../engine/ops";
import type { Row } from "../data/collate";
import { attends } from "../data/pack";
import type { TensorBatch } from "./step";

const NEG = -1e9;

/** Stacks rows (padded to the longest with `padId`, labels IGNORE_INDEX) into tensors. */
export function rowsToBatch(rows: Row[], padId = 0): TensorBatch {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.inputIds.length));
  const inputs = new Int32Array(B * T).fill(padId);
  const labels = new Int32Array(B * T).fill(IGNORE_INDEX);
  const packed = rows.some((r) => r.segmentIds !== undefined);
  const positions = packed || rows.some((r) => r.positionIds) ? new Int32Array(B * T) : null;
  let trained = 0;
  for (let b = 0; b < B; b++) {
    const r = rows[b], n = r.inputIds.length;
    for (let t = 0; t < n; t++) {
      inputs[b * T + t] = r.inputIds[t];
      const y = r.labels[t];
      labels[b * T + t] = y;
      if (y !== IGNORE_INDEX) trained++;
      if (positions) positions[b * T + t] = r.positionIds ? r.positionIds[t] : t;
    }
  }
  let attentionBias: tf.Tensor | undefined;
  if (packed) {
    // Causality (j > i) is the attention's own; the bias adds the segments. Padding is segment 0.
    const bias = new Float32Array(B * T * T);
    const seg = new Int32Array(T);
    for (let b = 0; b < B; b++) {
      const r = rows[b];
      seg.fill(0);
      for (let t = 0; t < r.inputIds.length; t++) seg[t] = r.segmentIds ? r.segmentIds[t] : 1;
      for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) if (!attends(seg, i, j)) bias[(b * T + i) * T + j] = NEG;
    }
    attentionBias = tf.tensor4d(bias, [B, 1, T, T]);
  }
  return {
    inputs: tf.tensor2d(inputs, [B, T], "int32"),
    labels: tf.tensor2d(labels, [B, T], "int32"),
    positions: positions ? tf.tensor2d(positions, [B, T], "int32") : undefined,
    attentionBias,
    trainedTokens: trained,
  };
}

/** Splits `rows` into micro-batches of at most `size` rows. */
export function microBatches<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
