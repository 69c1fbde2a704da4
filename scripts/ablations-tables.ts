/**
 * Prints the markdown tables of docs/ABLATIONS.md from the published results (docs/ablations/<name>/):
 * per setting, mean ± standard error over seeds of the win-rates and accuracies, and the cells' wall time.
 *   node --import tsx scripts/ablations-tables.ts [name ...]
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { studyGrid, studyNames, PUBLISHED_RESULTS_DIR } from "../lib/ablate/studies";
import { groupColumns } from "../lib/ablate/results";

type Row = Record<string, unknown>;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function stat(xs: number[], scale = 1, digits = 1): string {
  if (xs.length === 0) return "-";
  const m = mean(xs) * scale;
  if (xs.length < 2) return m.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b * scale - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(digits)} ± ${(sd / Math.sqrt(xs.length)).toFixed(digits)}`;
}

const COLUMNS: [string, string, number][] = [
  ["win_rate", "win-rate, trained tasks", 1],
  ["seen_accuracy", "accuracy, trained tasks (%)", 100],
  ["heldout_win_rate", "win-rate, held-out clusters", 1],
  ["heldout_accuracy", "accuracy, held-out clusters (%)", 100],
];

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : studyNames()) {
  const file = join(PUBLISHED_RESULTS_DIR, name, "results.jsonl");
  if (!existsSync(file)) {
    console.log(`### ${name}\n\n(no results yet)\n`);
    continue;
  }
  const grid = studyGrid(name, "full");
  const rows = readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
  const keys = groupColumns(grid);
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = keys.map((c) => String(r[c])).join(" · ");
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const cols = COLUMNS.filter(([c]) => rows.some((r) => typeof r[c] === "number"));
  const header = [keys.join(" · ") || "cell", "seeds", ...cols.map(([, label]) => label), "minutes per cell"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const [k, rs] of groups) {
    const ok = rs.filter((r) => r.status === "ok");
    const nums = (c: string) => ok.map((r) => r[c]).filter((v): v is number => typeof v === "number");
    const minutes = ok.map((r) => (typeof r.seconds === "number" ? r.seconds / 60 : NaN)).filter(Number.isFinite);
    lines.push(`| ${k} | ${ok.length} | ${cols.map(([c, , s]) => stat(nums(c), s)).join(" | ")} | ${minutes.length ? mean(minutes).toFixed(1) : "-"} |`);
  }
  const timing = join(PUBLISHED_RESULTS_DIR, name, "timing.json");
  const t = existsSync(timing) ? JSON.parse(readFileSync(timing, "utf8")) as { seconds_this_run: number } : null;
  console.log(`### ${name}\n\n${lines.join("\n")}\n${t ? `\nWall time of the grid: ${(t.seconds_this_run / 60).toFixed(1)} min.\n` : ""}`);
}
