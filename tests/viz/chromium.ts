/**
 * Headless Chromium for tests that check charts really draw: `--dump-dom` returns the page's DOM after
 * its scripts ran, where a drawn plotly chart has `main-svg` elements and one `trace` group per trace.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CANDIDATES = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/** The DOM of a local HTML file after its scripts ran (virtual time lets timers and polling finish). */
export function dumpDom(htmlFile: string, budgetMs = 5000): string {
  const bin = chromiumPath();
  if (!bin) throw new Error("no chromium");
  const profile = mkdtempSync(join(tmpdir(), "ni-chromium-"));
  try {
    const r = spawnSync(
      bin,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        `--virtual-time-budget=${budgetMs}`,
        "--dump-dom",
        pathToFileURL(htmlFile).href,
      ],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
    );
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface DrawnPlot {
  id: string;
  mainSvgs: number;
  /** Scatter/bar trace groups plus heatmap images. */
  traces: number;
}

/** Each plotly div in the DOM (by id prefix) with what was drawn inside it. */
export function drawnPlots(dom: string, idPrefix: string): DrawnPlot[] {
  const re = new RegExp(`<div id="(${idPrefix}[^"]*)"`, "g");
  const starts = [...dom.matchAll(re)].map((m) => ({ id: m[1], at: m.index ?? 0 }));
  return starts.map((s, i) => {
    const part = dom.slice(s.at, i + 1 < starts.length ? starts[i + 1].at : undefined);
    const count = (pattern: RegExp) => (part.match(pattern) ?? []).length;
    return { id: s.id, mainSvgs: count(/class="main-svg"/g), traces: count(/<g class="trace[ "]/g) + count(/<g class="hm"/g) };
  });
}
