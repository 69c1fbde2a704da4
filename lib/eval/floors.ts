/**
 * What a score means: accuracies next to the floors a model reaches without knowing the task. For each cluster,
 * the tuned and the base model's accuracy (by the tasks' verifiers), the majority-class floor (always giving the
 * task's most frequent training answer: the "format-only" model), the floor of picking a listed option at
 * random, and which answers the tuned model actually gave (a confusion table for label tasks). A model that
 * learned only the answer format reaches the floors; a model that learned the task is well above them.
 */
import type { InstructionRecord } from "../data/record";
import { firstLine } from "../errors";
import { bootstrapMeanCI } from "./winrate";

/** A record's target text (its last assistant message). */
const targetOf = (r: InstructionRecord): string => r.messages[r.messages.length - 1]?.content ?? "";

/** The answer as a label: first line, trimmed, lower case, without trailing punctuation. */
export function normalizeAnswer(text: string): string {
  return firstLine(text).trim().replace(/[.!?,;:]+$/, "").trim().toLowerCase();
}

/** A label task's closed answer set, or undefined when its targets are open text (inverted, generation). */
function labelSet(records: readonly InstructionRecord[]): string[] | undefined {
  const labels = new Set<string>();
  for (const r of records) {
    const v = r.metadata?.verifier as { kind?: string } | undefined;
    if (r.metadata?.inverted === true || v?.kind !== "one-of") continue;
    labels.add(normalizeAnswer(targetOf(r)));
  }
  return labels.size >= 2 && labels.size <= 8 ? [...labels].sort() : undefined;
}

/**
 * The format-only baseline: for each task, the most frequent target among its training records (ties broken
 * alphabetically). A model that learned the answer format of every task but none of the tasks answers this.
 */
export function formatOnlyAnswers(train: readonly InstructionRecord[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const r of train) {
    if (!r.task || r.metadata?.inverted === true) continue;
    const m = counts.get(r.task) ?? new Map<string, number>();
    const t = targetOf(r);
    m.set(t, (m.get(t) ?? 0) + 1);
    counts.set(r.task, m);
  }
  const out = new Map<string, string>();
  for (const [task, m] of counts) {
    const best = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    out.set(task, best[0]);
  }
  return out;
}

export interface ClusterFloors {
  cluster: string;
  n: number;
  /** Accuracies in [0, 1], with 95% percentile-bootstrap intervals over the cluster's items. */
  tuned: number;
  tunedCi: [number, number];
  base: number;
  baseCi: [number, number];
  /** Majority-class floor: the format-only model's accuracy. */
  formatOnly: number;
  /** Expected accuracy of picking one of a label task's answers at random (open-text items count 0). */
  randomOption: number;
  /** Label items only: how often each answer was given by the tuned model, and the largest share. */
  predicted: Record<string, number>;
  maxShare: number | null;
  /** Label items only: reference label -> predicted label -> count ("(other)" for anything else). */
  confusion: Record<string, Record<string, number>>;
  /** Whether the cluster's label items have balanced references (no label above 60%). */
  balanced: boolean;
}

export interface FloorInputs {
  records: readonly InstructionRecord[];
  tuned: readonly string[];
  base: readonly string[];
  formatOnly: readonly string[];
  /** Verifier: is `output` right for `record`. */
  verify: (record: InstructionRecord, output: string) => boolean;
  /** Training records, for each task's label set. */
  train: readonly InstructionRecord[];
  /** Bootstrap seed (default 0). */
  seed?: number;
}

export function clusterFloors(x: FloorInputs): ClusterFloors[] {
  const byTask = new Map<string, InstructionRecord[]>();
  for (const r of x.train) if (r.task) byTask.set(r.task, [...(byTask.get(r.task) ?? []), r]);
  const labels = new Map<string, string[] | undefined>([...byTask].map(([t, rs]) => [t, labelSet(rs)]));
  const clusters = [...new Set(x.records.map((r) => r.cluster ?? "(none)"))];
  return clusters.map((cluster) => {
    const idx = x.records.map((r, i) => [r, i] as const).filter(([r]) => (r.cluster ?? "(none)") === cluster);
    const hits = (outs: readonly string[]) => idx.map(([r, i]) => (x.verify(r, outs[i]) ? 1 : 0));
    const acc = (h: number[]) => h.reduce((a: number, b) => a + b, 0) / Math.max(1, h.length);
    const tunedHits = hits(x.tuned), baseHits = hits(x.base);
    let randomSum = 0;
    const predicted: Record<string, number> = {};
    const confusion: Record<string, Record<string, number>> = {};
    const refCounts: Record<string, number> = {};
    let labelItems = 0;
    for (const [r, i] of idx) {
      const set = r.task ? labels.get(r.task) : undefined;
      const isLabel = set !== undefined && r.metadata?.inverted !== true;
      if (!isLabel) continue;
      randomSum += 1 / set.length;
      labelItems++;
      const ref = normalizeAnswer(targetOf(r));
      const got = normalizeAnswer(x.tuned[i]);
      const pred = set.includes(got) ? got : "(other)";
      predicted[pred] = (predicted[pred] ?? 0) + 1;
      refCounts[ref] = (refCounts[ref] ?? 0) + 1;
      confusion[ref] = confusion[ref] ?? {};
      confusion[ref][pred] = (confusion[ref][pred] ?? 0) + 1;
    }
    const maxShare = labelItems ? Math.max(...Object.values(predicted)) / labelItems : null;
    const balanced = labelItems > 0 && Math.max(...Object.values(refCounts)) / labelItems <= 0.6;
    return {
      cluster, n: idx.length, tuned: acc(tunedHits), tunedCi: bootstrapMeanCI(tunedHits, { seed: x.seed ?? 0 }),
      base: acc(baseHits), baseCi: bootstrapMeanCI(baseHits, { seed: x.seed ?? 0 }), formatOnly: acc(hits(x.formatOnly)),
      randomOption: randomSum / Math.max(1, idx.length), predicted, maxShare, confusion, balanced,
    };
  });
}
