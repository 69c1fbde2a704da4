/**
 * metrics.jsonl: one JSON object per line, per optimizer step ("train") and per evaluation ("eval").
 * Lines are appended as they happen; a resumed run first drops lines past its checkpoint so the file ends
 * up identical to an uninterrupted run's (apart from timing fields).
 */
import { appendFileSync } from "node:fs";
import { writeFileAtomic } from "../fsutil";
import { readJsonl } from "../json";

export interface StepMetrics {
  type: "train";
  step: number;
  /** Steps the run will take in total. */
  max_steps: number;
  epoch: number;
  loss: number;
  lr: number;
  grad_norm: number;
  /** Trained tokens in this step (labels that count in the loss, across micro-batches). */
  tokens: number;
  /** Tokens processed in this step (every non-padding input position). */
  input_tokens: number;
  /** Throughput: input_tokens per second of this step. */
  tokens_per_s: number;
  elapsed_s: number;
  num_tensors: number;
  rss_mb: number;
  /** Set when the NaN/Inf guard skipped this update. */
  skipped?: boolean;
}

export interface EvalMetrics {
  type: "eval";
  step: number;
  eval_loss: number;
  eval_perplexity: number;
  /** Argmax accuracy over trained (unmasked) label tokens only. */
  eval_token_accuracy: number;
  eval_tokens: number;
}

export type MetricsLine = StepMetrics | EvalMetrics;

export class MetricsLog {
  constructor(readonly path: string) {}

  append(line: MetricsLine): void {
    appendFileSync(this.path, JSON.stringify(line) + "\n");
  }

  read(): MetricsLine[] {
    // A line cut by a crash mid-write is left out.
    return readJsonl(this.path, { onBadLine: () => {} }).map((l) => l.value as MetricsLine);
  }

  /** Keeps only lines up to and including `step` (used when resuming from that checkpoint). */
  truncateAfter(step: number): void {
    const kept = this.read().filter((l) => l.step <= step);
    writeFileAtomic(this.path, kept.map((l) => JSON.stringify(l) + "\n").join(""));
  }
}

/** Timing and memory fields differ between runs even when training is identical. */
export const NONDETERMINISTIC_FIELDS = ["tokens_per_s", "elapsed_s", "rss_mb", "num_tensors"] as const;
