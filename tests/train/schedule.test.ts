// Every learning-rate schedule against its formula, written out here on its own, at every step of a run
// (1-based: the first update uses lrAt(1)) and past its end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lrAt, type ScheduleConfig, type ScheduleName } from "../../lib/train/schedule";

/** The schedules as formulas: linear warmup to `peak` over `warm` steps, then decay from peak to peak * ratio. */
function formula(name: ScheduleName, step: number, peak: number, warm: number, total: number, ratio: number): number {
  if (warm > 0 && step <= warm) return peak * step / warm;
  const floor = peak * ratio;
  const t = Math.min(1, Math.max(0, (step - warm) / Math.max(1, total - warm))); // fraction of the decay done
  switch (name) {
    case "constant": return peak;
    case "linear": return peak - (peak - floor) * t;
    case "cosine": return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * t));
  }
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const schedule of ["constant", "linear", "cosine"] as const) {
  test(`${schedule} schedule equals its formula at every step, with and without warmup and floor`, () => {
    for (const [warm, total, ratio] of [[10, 110, 0.1], [0, 50, 0], [5, 5, 0.2], [3, 4, 1], [1, 1000, 0.05]]) {
      const c: ScheduleConfig = { schedule, learningRate: 3e-4, warmupSteps: warm, totalSteps: total, minLrRatio: ratio };
      for (let step = 1; step <= total + 5; step++) close(lrAt(step, c), formula(schedule, step, 3e-4, warm, total, ratio), `step ${step} of ${JSON.stringify(c)}`);
    }
  });
}

test("landmarks: warmup reaches the peak, decay ends at the floor and stays there, the cosine midpoint is halfway", () => {
  const base = { learningRate: 2, warmupSteps: 4, totalSteps: 24, minLrRatio: 0.25 };
  for (const schedule of ["constant", "linear", "cosine"] as const) {
    const c = { ...base, schedule };
    assert.equal(lrAt(1, c), 0.5, `${schedule}: first warmup step`);
    assert.equal(lrAt(4, c), 2, `${schedule}: end of warmup is the peak`);
    const end = schedule === "constant" ? 2 : 0.5;
    close(lrAt(24, c), end, `${schedule}: last step`);
    close(lrAt(1000, c), end, `${schedule}: past the end`);
  }
  close(lrAt(14, { ...base, schedule: "cosine" }), (2 + 0.5) / 2, "cosine midpoint");
  close(lrAt(14, { ...base, schedule: "linear" }), (2 + 0.5) / 2, "linear midpoint");
  // Decays never increase after warmup.
  for (const schedule of ["linear", "cosine"] as const) {
    for (let s = 5; s < 30; s++) assert.ok(lrAt(s + 1, { ...base, schedule }) <= lrAt(s, { ...base, schedule }), `${schedule} step ${s}`);
  }
});
