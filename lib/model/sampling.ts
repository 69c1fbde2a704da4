/**
 * Picking the next token from logits: greedy, or sampled with temperature, top-k and top-p (nucleus).
 * Runs on the host: one row of V floats per sequence per step is cheap, and a host PRNG makes sampling
 * reproducible from a seed on every backend.
 */

export interface SamplingConfig {
  /** 0 = greedy (argmax); otherwise logits are divided by it before sampling. */
  temperature: number;
  /** Keep only the k most likely tokens (0 = no limit). */
  topK: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = no limit). */
  topP: number;
}

export const DEFAULT_SAMPLING: SamplingConfig = { temperature: 0, topK: 0, topP: 1 };

export function validateSampling(s: SamplingConfig): string[] {
  const errors: string[] = [];
  if (!(s.temperature >= 0) || !Number.isFinite(s.temperature)) errors.push(`temperature must be >= 0, got ${s.temperature}`);
  if (!Number.isInteger(s.topK) || s.topK < 0) errors.push(`topK must be a non-negative integer, got ${s.topK}`);
  if (!(s.topP > 0 && s.topP <= 1)) errors.push(`topP must be in (0, 1], got ${s.topP}`);
  return errors;
}

export function argmax(row: Float32Array | number[], offset = 0, n = row.length - offset): number {
  let best = 0, bestV = -Infinity;
  for (let j = 0; j < n; j++) if (row[offset + j] > bestV) { bestV = row[offset + j]; best = j; }
  return best;
}

/** Chooses a token from logits[offset .. offset+V) with `random()` in [0, 1). */
export function sampleToken(logits: Float32Array, offset: number, V: number, s: SamplingConfig, random: () => number): number {
  if (s.temperature === 0) return argmax(logits, offset, V);
  // Candidates sorted by logit, descending; ties by id so results never depend on sort stability.
  let ids = Array.from({ length: V }, (_, j) => j);
  ids.sort((a, b) => logits[offset + b] - logits[offset + a] || a - b);
  if (s.topK > 0 && s.topK < V) ids = ids.slice(0, s.topK);
  const mx = logits[offset + ids[0]] / s.temperature;
  let probs = ids.map((j) => Math.exp(logits[offset + j] / s.temperature - mx));
  let total = probs.reduce((a, b) => a + b, 0);
  if (s.topP < 1) {
    let acc = 0, keep = 0;
    while (keep < probs.length) {
      acc += probs[keep] / total;
      keep++;
      if (acc >= s.topP) break;
    }
    ids = ids.slice(0, keep);
    probs = probs.slice(0, keep);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let r = random() * total;
  for (let i = 0; i < ids.length; i++) {
    r -= probs[i];
    if (r <= 0) return ids[i];
  }
  return ids[ids.length - 1];
}
