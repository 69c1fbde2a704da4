/** Learning-rate schedules with linear warmup: constant, linear decay, cosine decay (to a floor). */

export type ScheduleName = "constant" | "linear" | "cosine";

export interface ScheduleConfig {
  schedule: ScheduleName;
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  warmupSteps: number;
  /** Total optimizer steps of the run. */
  totalSteps: number;
  /** Floor of the decay as a fraction of the peak (0 decays to zero). */
  minLrRatio: number;
}

/** Learning rate for optimizer step `step` (1-based: the first update uses lrAt(1)). */
export function lrAt(step: number, c: ScheduleConfig): number {
  const { learningRate: peak, warmupSteps: warm, totalSteps: total } = c;
  if (warm > 0 && step <= warm) return (peak * step) / warm;
  if (c.schedule === "constant") return peak;
  const span = Math.max(1, total - warm);
  const progress = Math.min(1, Math.max(0, (step - warm) / span));
  const floor = peak * c.minLrRatio;
  if (c.schedule === "linear") return floor + (peak - floor) * (1 - progress);
  return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
