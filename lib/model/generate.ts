/**
 * Text generation with a KV cache: batched prompts of different lengths (left-padded, padding masked out
 * of attention, positions counted per sequence), greedy or sampled decoding, stopping at EOS, at stop
 * strings, or after a maximum number of new tokens. Seeded and reproducible.
 */
import * as tf from "@tensorflow/tfjs";
import { GPT, disposeCache } from "./gpt";
import { DEFAULT_SAMPLING, sampleToken, validateSampling, type SamplingConfig } from "./sampling";
import { splitmix32 } from "../random";

export interface GenerateConfig extends SamplingConfig {
  /** Most tokens to add to each prompt. */
  maxNewTokens: number;
  /** Token ids that end a sequence (not included in the output). */
  stopTokenIds: number[];
  /** Strings that end a sequence; the output is cut before the first one. Needs `decode`. */
  stopStrings: string[];
  /** Seed for sampling (ignored when greedy). */
  seed: number;
  /** Use the KV cache (false recomputes the whole prefix each step: slower, for comparison). */
  useCache: boolean;
}

export const DEFAULT_GENERATE: GenerateConfig = {
  ...DEFAULT_SAMPLING,
  maxNewTokens: 64,
  stopTokenIds: [],
  stopStrings: [],
  seed: 0,
  useCache: true,
};

export function validateGenerate(c: GenerateConfig): string[] {
  const errors = validateSampling(c);
  if (!Number.isInteger(c.maxNewTokens) || c.maxNewTokens < 0) errors.push(`maxNewTokens must be a non-negative integer, got ${c.maxNewTokens}`);
  if (!Number.isInteger(c.seed)) errors.push(`seed must be an integer, got ${c.seed}`);
  return errors;
}

export type FinishReason = "stop" | "length";

export interface Generation {
  /** New token ids (without the prompt and without the stop token). */
  ids: number[];
  /** Decoded new text, cut before a stop string (when `decode` was given). */
  text: string;
  finishReason: FinishReason;
}

/** Called after each decoding step with the sequences' new tokens so far (for streaming). */
export type OnToken = (seq: number, tokenId: number) => void;

const NEG = -1e9;

/**
 * Continues each prompt. `decode` (ids -> text) enables stop strings and `text` in the result.
 * Prompts longer than blockSize - 1 keep their last tokens. Reads logits synchronously (dataSync): for the
 * cpu, wasm and tensorflow backends; on webgpu, and in code that may run there, use generateAsync.
 */
export function generate(
  model: GPT,
  prompts: number[][],
  overrides: Partial<GenerateConfig> = {},
  decode?: (ids: number[]) => string,
  onToken?: OnToken,
): Generation[] {
  return drive(generation(model, prompts, overrides, decode, onToken), (t) => t.dataSync() as Float32Array) as Generation[];
}

/**
 * generate() reading logits asynchronously: required on the webgpu backend (Node has no synchronous read
 * from a GPU), and the same tokens as generate() on every backend (one decoding loop serves both).
 */
export async function generateAsync(
  model: GPT,
  prompts: number[][],
  overrides: Partial<GenerateConfig> = {},
  decode?: (ids: number[]) => string,
  onToken?: OnToken,
): Promise<Generation[]> {
  return drive(generation(model, prompts, overrides, decode, onToken), (t) => t.data() as Promise<Float32Array>);
}

type Decoding = Generator<tf.Tensor, Generation[], Float32Array>;

/**
 * Runs the decoding loop, handing it each step's logits as `read` returns them: synchronously while `read`
 * returns arrays, as a promise once it returns one. Each step's tensor is disposed after its read; a read
 * that fails ends the loop through its cleanup (the KV cache).
 */
function drive(it: Decoding, read: (t: tf.Tensor) => Float32Array | Promise<Float32Array>, r = it.next()): Generation[] | Promise<Generation[]> {
  let handedOn = false;
  try {
    while (!r.done) {
      const t = r.value as tf.Tensor; // tslab's TypeScript 5.0 does not narrow r in the loop
      let rows: Float32Array | Promise<Float32Array>;
      try {
        rows = read(t);
      } catch (e) {
        t.dispose();
        throw e;
      }
      if (rows instanceof Promise) {
        handedOn = true;
        return rows.then(
          (values) => {
            t.dispose();
            return drive(it, read, it.next(values));
          },
          (e: unknown) => {
            t.dispose();
            it.return([]);
            throw e;
          },
        );
      }
      t.dispose();
      r = it.next(rows);
    }
    handedOn = true;
    return r.value;
  } finally {
    if (!handedOn) it.return([]); // a read failed: run the loop's cleanup
  }
}

/** The decoding loop: yields each step's last-position logits (B, 1, V) and is handed back their values. */
function* generation(
  model: GPT,
  prompts: number[][],
  overrides: Partial<GenerateConfig>,
  decode?: (ids: number[]) => string,
  onToken?: OnToken,
): Decoding {
  const cfg: GenerateConfig = { ...DEFAULT_GENERATE, ...overrides };
  const errors = validateGenerate(cfg);
  if (errors.length) throw new Error(`generate: ${errors.join("; ")}`);
  const blockSize = model.config.blockSize;
  const B = prompts.length;
  if (B === 0) return [];
  const trimmed = prompts.map((p) => {
    if (p.length === 0) throw new Error("generate: empty prompt (start it with a token, e.g. EOS)");
    return p.slice(Math.max(0, p.length - (blockSize - 1)));
  });
  const L = Math.max(...trimmed.map((p) => p.length));
  const maxNew = Math.min(cfg.maxNewTokens, blockSize - L);
  const V = model.config.vocabSize;
  const randoms = trimmed.map((_, b) => splitmix32((cfg.seed * 7919 + b) >>> 0));
  const out: number[][] = trimmed.map(() => []);
  const done: (FinishReason | null)[] = trimmed.map(() => null);
  const cutText: (string | null)[] = trimmed.map(() => null); // text before a stop string, once one appears
  const stop = new Set(cfg.stopTokenIds);

  // Left padding: sequence b's real tokens occupy the last len_b slots; keyValid[b][s] says whether slot s holds a token.
  const pad = trimmed.map((p) => L - p.length);
  const keyValid: Uint8Array[] = trimmed.map((_p, b) => {
    const v = new Uint8Array(L + maxNew);
    for (let s = pad[b]; s < L + maxNew; s++) v[s] = 1;
    return v;
  });
  const anyPadding = pad.some((p) => p > 0);

  /** (B, 1, T, S) bias hiding padding keys; null when there is no padding. */
  const paddingBias = (T: number, S: number): tf.Tensor4D | null => {
    if (!anyPadding) return null;
    const data = new Float32Array(B * T * S);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < T; i++)
        for (let s = 0; s < S; s++) if (!keyValid[b][s]) data[(b * T + i) * S + s] = NEG;
    return tf.tensor4d(data, [B, 1, T, S]);
  };
  /** (B, T) positions counted from each sequence's first real token. */
  const positions = (start: number, T: number): tf.Tensor2D => {
    const data = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let i = 0; i < T; i++) data[b * T + i] = Math.max(0, start + i - pad[b]);
    return tf.tensor2d(data, [B, T], "int32");
  };

  const finish = (b: number, reason: FinishReason) => {
    done[b] = reason;
  };
  const accept = (b: number, id: number): void => {
    if (stop.has(id)) return finish(b, "stop");
    out[b].push(id);
    onToken?.(b, id);
    if (decode && cfg.stopStrings.length > 0) {
      const text = decode(out[b]);
      for (const s of cfg.stopStrings) {
        const at = text.indexOf(s);
        if (at >= 0) {
          cutText[b] = text.slice(0, at);
          return finish(b, "stop");
        }
      }
    }
  };

  const cache = cfg.useCache ? model.newCache(L + maxNew) : undefined;
  try {
    // Prefill: the whole (padded) prompt batch at once; then one token per step.
    let tokens = trimmed.map((p, b) => [...new Array(pad[b]).fill(trimmed[b][0]), ...p]);
    let seqLen = L;
    for (let step = 0; step < maxNew && done.some((d) => d === null); step++) {
      const feed = cache && step > 0 ? tokens.map((t) => [t[t.length - 1]]) : tokens;
      const T = feed[0].length, start = cache && step > 0 ? seqLen - 1 : 0, S = start + T;
      const last = tf.tidy(() => {
        const idx = tf.tensor2d(feed.flat(), [B, T], "int32");
        const pos = positions(start, T);
        const bias = paddingBias(T, S) ?? undefined;
        const logits = model.forward(idx, { cache, positions: pos, attentionBias: bias }); // (B, T, V)
        return tf.slice(logits, [0, T - 1, 0], [B, 1, V]);
      });
      const rows = yield last;
      for (let b = 0; b < B; b++) {
        if (done[b] !== null) continue;
        accept(b, sampleToken(rows, b * V, V, cfg, randoms[b]));
      }
      // Finished sequences are fed a filler (their last token); their outputs are ignored.
      tokens = tokens.map((t, b) => [...t, done[b] === null ? out[b][out[b].length - 1] : t[t.length - 1]]);
      seqLen += 1;
    }
  } finally {
    if (cache) disposeCache(cache);
  }
  return out.map((ids, b) => ({
    ids,
    text: cutText[b] ?? (decode ? decode(ids) : ""),
    finishReason: done[b] ?? "length",
  }));
}
