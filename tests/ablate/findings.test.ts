import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveGrid, expandGrid, type GridCell } from "../../lib/ablate/grid";
import { numericX, studyFindings, publishedItems, itemsFromPublished, settingLabel } from "../../lib/ablate/findings";
import { resolveFindings } from "../../lib/ablate/finding-spec";
import { liveGrid, smokeGrid } from "../../lib/ablate/studies";
import { studyFigure } from "../../lib/ablate/figure";
import type { ItemOutcome } from "../../lib/ablate/cell";
import { Rng } from "../../lib/random";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const grid = resolveGrid({
  name: "toy", base: { model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 2 }, eval: { heldOutClusters: ["nli"], perTask: 1 } },
  axes: { "data.perTask": [{ label: "2", value: 2 }, { label: "8", value: 8 }, { label: "32", value: 32 }] },
  seeds: [0, 1, 2],
  plot: { x: "data.perTask", metric: "heldout_accuracy" },
  findings: [
    { claim: "rises", paper: "p", part: "heldout", test: "trend", x: "log2", expect: "up" },
    { claim: "32 beats 2", paper: "p", part: "heldout", test: "pair", a: "32", b: "2", expect: "up" },
    { claim: "tuning gains", paper: "p", part: "heldout", test: "gain", a: "32", expect: "up" },
    { claim: "seen equal", paper: "p", part: "seen", test: "pair", a: "32", b: "2", expect: "none" },
  ],
}, "toy.json");
const cells = expandGrid(grid);

/** Synthetic outcomes: held-out accuracy 0.2 / 0.4 / 0.6 by setting (the base 0.2 everywhere), seen 0.5. */
function synthetic(c: GridCell): ItemOutcome[] {
  const p = { "2": 0.2, "8": 0.4, "32": 0.6 }[c.labels["data.perTask"]]!;
  const rng = new Rng(`toy/${c.id}`);
  const out: ItemOutcome[] = [];
  for (let i = 0; i < 300; i++) {
    const base = rng.float() < 0.2 ? 1 : 0, model = rng.float() < p ? 1 : 0;
    out.push({ id: `h${i}`, part: "heldout", task: "t", cluster: "nli", model, base, preference: model === base ? 0.5 : model, chance: 1 / 3 });
    const s = rng.float() < 0.5 ? 1 : 0;
    out.push({ id: `s${i}`, part: "seen", task: "t", cluster: "sentiment", model: s, base: 0, preference: s ? 1 : 0.5, chance: 0 });
  }
  return out;
}

test("studyFindings measures each setting and decides each declared finding with its test", () => {
  const f = studyFindings(grid, cells, synthetic, grid.findings, { replicates: 400 });
  assert.deepEqual(f.settings.map((s) => [s.label, s.x, s.seeds.length]), [["2", 2, 3], ["8", 8, 3], ["32", 32, 3]]);
  const h = f.settings[2].parts.heldout!;
  assert.ok(Math.abs(h.accuracy.mean - 0.6) < 0.05 && h.accuracy.low < h.accuracy.mean && h.accuracy.high > h.accuracy.mean);
  assert.ok(Math.abs(h.chance - 1 / 3) < 1e-9);
  const [trend, pair, gain, none] = f.findings;
  assert.equal(trend.verdict, "reproduces (significant)");
  assert.ok(Math.abs(trend.effect!.value - 0.1) < 0.03, `slope per doubling ${trend.effect!.value}`);
  assert.match(trend.test_line, /log2 data.perTask, 3 settings; paired bootstrap over 3 seeds x 300 items/);
  assert.equal(pair.verdict, "reproduces (significant)");
  assert.ok(Math.abs(pair.effect!.value - 0.4) < 0.06);
  assert.equal(gain.verdict, "reproduces (significant)");
  assert.equal(none.verdict, "reproduces (no significant difference)");
  assert.deepEqual(f.missing, []);
});

test("a finding's verdict follows the data: a flat study does not reproduce a rising trend", () => {
  const flat = (c: GridCell) => synthetic({ ...c, labels: { "data.perTask": "8" } });
  const f = studyFindings(grid, cells, flat, grid.findings.slice(0, 1), { replicates: 400 });
  assert.notEqual(f.findings[0].verdict, "reproduces (significant)");
});

test("cells without items are listed as missing, and a finding with no results says so", () => {
  const f = studyFindings(grid, cells, () => null, grid.findings, { replicates: 200 });
  assert.equal(f.missing.length, cells.length);
  assert.ok(f.findings.every((x) => x.verdict === "not measured"));
});

test("published items round-trip (the statistics can be recomputed from docs/ablations alone)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ni-findings-"));
  try {
    const file = join(dir, "items.jsonl");
    writeFileSync(file, publishedItems(cells, synthetic).map((x) => JSON.stringify(x)).join("\n") + "\n");
    const a = studyFindings(grid, cells, synthetic, grid.findings, { replicates: 200 });
    const b = studyFindings(grid, cells, itemsFromPublished(file), grid.findings, { replicates: 200 });
    assert.deepEqual(b.findings.map((x) => x.effect), a.findings.map((x) => x.effect));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("findings in a grid file are checked where they are read, naming the file and the finding", () => {
  assert.throws(() => resolveFindings([{ claim: "x", paper: "p", test: "pair", a: "1" }], "g.json"), /g.json: findings\[0\]: a 'pair' test names the other setting in 'b'/);
  assert.throws(() => resolveFindings([{ claim: "x", expect: "sideways" }], "g.json"), /expect/);
  assert.throws(() => resolveFindings([{ claim: "x", colour: 1 }], "g.json"), /unknown key 'colour'/);
  assert.throws(() => studyFindings(grid, cells, synthetic, resolveFindings([{ claim: "x", paper: "p", test: "gain", a: "nope" }], "g"), { replicates: 200 }), /names setting 'nope'/);
});

test("numericX reads the numbers in axis labels", () => {
  assert.equal(numericX("1k"), 1000);
  assert.equal(numericX("all (12k)"), 12000);
  assert.equal(numericX(7), 7);
  assert.equal(numericX("lora r8"), 8);
  assert.equal(numericX("zero-shot"), null);
});

test("the live scale keeps every seed and the full recipe on the two settings a pair finding compares", () => {
  const live = liveGrid(grid);
  const lc = expandGrid(live);
  assert.deepEqual([...new Set(lc.map((c) => settingLabel(live, c)))], ["2", "32"]);
  assert.equal(lc.length, 6);
  // The same cells as the full study's (same hashes), so a live run and the full suite share them.
  const full = new Set(cells.map((c) => c.hash));
  assert.ok(lc.every((c) => full.has(c.hash)));
  assert.equal(smokeGrid(grid).findings.length, grid.findings.length);
});

test("the study chart fixes the y axis at 0-100, bands the 95% interval, and draws the chance floor", () => {
  const f = studyFindings(grid, cells, synthetic, [], { replicates: 200 });
  const fig = studyFigure(f, "heldout", { title: "toy", xTitle: "records per task", logX: true })!;
  const y = fig.layout.yaxis as { range: number[]; autorange: boolean };
  assert.deepEqual(y.range, [0, 100]);
  assert.equal(y.autorange, false);
  const names = fig.data.map((t) => t.name);
  assert.ok(names.includes("tuned model") && names.includes("base model"));
  assert.ok(names.some((n) => /^chance/.test(String(n))));
  assert.match(String((fig.layout.title as { text: string }).text), /3 seeds x 300 items/);
  assert.equal(studyFigure(f, "seen", { title: "t", xTitle: "x" })!.data.some((t) => /^chance/.test(String(t.name))), false, "no chance line for open answers");
});
