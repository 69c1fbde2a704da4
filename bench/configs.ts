/** Model configs the benchmarks run, shared by bench.ts and the profiling scripts. */
import type { GPTConfig } from "../lib/model/config";

export interface BenchConfig {
  model: GPTConfig;
  /** Training batch (rows of blockSize tokens). */
  batch: number;
  description: string;
}

export const BENCH_CONFIGS: Record<string, BenchConfig> = {
  small: {
    model: { vocabSize: 512, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, layerNormEpsilon: 1e-5 },
    batch: 16,
    description: "standard small config (4 layers, 4 heads, 128 dim, block 128, vocab 512, batch 16)",
  },
  // data/models/nano-base/config.json, trained with batch 16 (experiments/pretrain-nano-base.json).
  base: {
    model: { vocabSize: 1024, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, layerNormEpsilon: 1e-5 },
    batch: 16,
    description: "the bundled base model's config (data/models/nano-base: 4 layers, 4 heads, 128 dim, block 256, vocab 1024, batch 16)",
  },
  // data/models/nano-2m-qa2/config.json, the largest bundled base (pretrained on a GPU; fine-tuned here with batch 16).
  "2m": {
    model: { vocabSize: 1024, blockSize: 256, nLayer: 6, nHead: 5, nEmbd: 160, dropout: 0, layerNormEpsilon: 1e-5 },
    batch: 16,
    description: "the 2M-parameter base's config (data/models/nano-2m-qa2: 6 layers, 5 heads, 160 dim, block 256, vocab 1024, batch 16)",
  },
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
