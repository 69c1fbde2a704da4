/**
 * Checks static pages in headless Chromium: each page loads, every chart (a plotly div, `ni-plot-...`) drew,
 * and the page recorded no script error (pages made by book.ts note theirs in `data-book-errors`). Uses
 * Debian's `chromium` (or $CHROMIUM) with --dump-dom: the DOM after the page's scripts ran.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CANDIDATES = () => [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumBinary(): string | undefined {
  return CANDIDATES().find((p): p is string => !!p && existsSync(p));
}

export interface PageCheck {
  page: string;
  loaded: boolean;
  /** Charts on the page, and how many of them drew an SVG. */
  charts: number;
  drawn: number;
  errors: string[];
  ok: boolean;
}

function decodeAttr(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** What a page's DOM says about its charts and recorded errors. */
export function inspectDom(page: string, dom: string): PageCheck {
  const starts = [...dom.matchAll(/<div id="(ni-plot-[^"]*|figure-[^"]*)"/g)].map((m) => m.index ?? 0);
  let drawn = 0;
  starts.forEach((at, i) => {
    const part = dom.slice(at, starts[i + 1]);
    if (/class="main-svg"/.test(part)) drawn++;
  });
  const rec = /data-book-errors="([^"]*)"/.exec(dom);
  const errors: string[] = rec ? (JSON.parse(decodeAttr(rec[1])) as string[]) : ["the page never finished loading (no data-book-errors on <html>)"];
  const loaded = /<\/body>/.test(dom);
  return { page, loaded, charts: starts.length, drawn, errors, ok: loaded && drawn === starts.length && errors.length === 0 };
}

/** Loads `file` in headless Chromium and inspects it; `budgetMs` of virtual time lets timers finish. */
export function checkPage(file: string, budgetMs = 8000): PageCheck {
  const bin = chromiumBinary();
  if (!bin) throw new Error("no Chromium found (apt-get install chromium, or set CHROMIUM)");
  const profile = mkdtempSync(join(tmpdir(), "ni-book-chromium-"));
  try {
    const r = spawnSync(bin, [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, `--virtual-time-budget=${budgetMs}`,
      "--dump-dom", pathToFileURL(file).href,
    ], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 180_000 });
    if (r.error || r.status !== 0) {
      return { page: file, loaded: false, charts: 0, drawn: 0, errors: [`chromium: ${r.error?.message ?? `exit ${r.status}`}`], ok: false };
    }
    return inspectDom(file, r.stdout);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
