/**
 * A study's chart as the research-fidelity rules want it: the tuned model's accuracy against the swept
 * setting with its 95% interval (over seeds and items) as a band, the base model the same way, the chance
 * floor as a dashed line, and a y axis fixed at 0-100% so a one-point spread looks like one point.
 */
import type { Part, StudyFindings } from "./findings";
import type { Figure } from "../viz/types";
import { ablationCurve, type AblationRow } from "../viz/figures/ablation";

export interface StudyFigureOptions {
  title: string;
  xTitle: string;
  /** Log x axis (numeric settings only). */
  logX?: boolean;
  height?: number;
}

const PART_NAME: Record<Part, string> = { seen: "held-out instances of the trained tasks", heldout: "held-out tasks (never trained on)" };

/** Accuracy of the tuned and the base model on one part of the evaluation, per setting; null without results. */
export function studyFigure(f: StudyFindings, part: Part, opts: StudyFigureOptions): Figure | null {
  const settings = f.settings.filter((s) => s.parts[part] && Number.isFinite(s.parts[part]!.accuracy.mean));
  if (settings.length === 0) return null;
  const numeric = settings.every((s) => s.x !== null);
  const x = (s: (typeof settings)[number]) => (numeric ? s.x! : s.label);
  const pct = (v: number) => Math.round(v * 1000) / 10;
  const rows: AblationRow[] = [];
  for (const s of settings) {
    const p = s.parts[part]!;
    rows.push({ x: x(s), series: "tuned model", mean: pct(p.accuracy.mean), lo: pct(p.accuracy.low), hi: pct(p.accuracy.high) });
    rows.push({ x: x(s), series: "base model", mean: pct(p.base.mean), lo: pct(p.base.low), hi: pct(p.base.high) });
  }
  const chance = settings.reduce((t, s) => t + s.parts[part]!.chance, 0) / settings.length;
  const seeds = Math.max(...settings.map((s) => s.seeds.length));
  const items = Math.min(...settings.map((s) => s.parts[part]!.items));
  return ablationCurve(rows, {
    title: `${opts.title}<br><sub>${PART_NAME[part]}; ${seeds} seeds x ${Math.round(items)} items per setting; bands: 95% CI over seeds and items</sub>`,
    xTitle: opts.xTitle, yTitle: "accuracy (%)", logX: opts.logX === true && numeric, height: opts.height ?? 420,
    yRange: [0, 100],
    floors: chance > 0 ? [{ label: `chance (random listed option): ${pct(chance)}%`, y: pct(chance) }] : [],
  });
}
