/**
 * `npm run book`: executes every notebook (at full scale unless told otherwise) and renders a static site a
 * reader can open without running anything: an index, one page per notebook with all its outputs (charts
 * interactive, offline: plotly.js is in assets/), and the quickstart report when there is one. Then it loads
 * every page in headless Chromium and fails unless each loads, each chart draws and no page logs an error.
 *
 *   npm run book                                   execute at full scale, write docs/book/, check it
 *   npm run book -- --scale smoke --out runs/book  quick trial
 *   npm run book -- --executed DIR                 render notebooks already executed into DIR (no run)
 *   npm run book -- --no-check                     skip the browser check
 *   npm run book -- 02 03                          only notebooks whose names contain 02 or 03; the book's
 *                                                  other pages stay as they are (book.json lists every page)
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { bookPage, notebookPage, notebookSummary, notebookTitle, repoRelative, type NotebookJson } from "../lib/viz/book";
import { checkPage, chromiumBinary, type PageCheck } from "../lib/viz/browser-check";
import { plotlyBundlePath } from "../lib/viz/bundle";
import { plotlyScriptTag } from "../lib/viz/bundle";
import { escapeHtml } from "../lib/viz/text";

const ROOT = join(import.meta.dirname, "..");

interface Built {
  name: string;
  title: string;
  summary: string;
  seconds?: number;
  ok: boolean;
}

function findPython(): string {
  const r = spawnSync("bash", [join(ROOT, "scripts", "find-python.sh"), "nbclient", "nbformat", "jupyter_client"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error("book: no Python with nbclient, nbformat and jupyter_client: run scripts/setup-jupyter.sh (or npm run setup)");
    process.exit(3);
  }
  return r.stdout.trim();
}

/** Executes one notebook into `dir`; returns whether every cell ran and how long it took. */
function execute(python: string, file: string, dir: string, scale: string): { ok: boolean; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(python, [join(ROOT, "scripts", "run_notebooks.py"), file, "--out-dir", dir], {
    cwd: ROOT, stdio: "inherit", env: { ...process.env, NANOINSTRUCT_SCALE: scale },
  });
  return { ok: r.status === 0, seconds: (performance.now() - t0) / 1000 };
}

function reportPage(src: string, out: string): void {
  // The report inlines plotly.js; the book shares one copy, and records errors like every other page.
  let html = repoRelative(readFileSync(src, "utf8"), ROOT);
  html = html.replace(plotlyScriptTag(), '<script src="assets/plotly.min.js"></script>');
  const book = bookPage("x", "");
  const recorder = book.slice(book.indexOf("<script>\nwindow.__bookErrors"), book.indexOf("</script>", book.indexOf("window.__bookErrors")) + 9);
  writeFileSync(out, html.replace("<head>", `<head>\n${recorder}`));
}

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2), allowPositionals: true,
    options: { scale: { type: "string", default: "full" }, out: { type: "string", default: join(ROOT, "docs", "book") }, executed: { type: "string" }, "no-check": { type: "boolean", default: false } },
  });
  const scale = values.scale as string;
  const out = values.out as string;
  const executedDir = (values.executed as string | undefined) ?? join(ROOT, "runs", "book", `executed-${scale}`);
  // The repository's notebooks, or (with --executed) the executed notebooks in that folder.
  const source = values.executed === undefined ? join(ROOT, "notebooks") : executedDir;
  const all = readdirSync(source).filter((f) => f.endsWith(".ipynb")).sort();
  const chosen = all.filter((f) => positionals.length === 0 || positionals.some((p) => f.includes(p)));
  const timings = new Map<string, { ok: boolean; seconds: number }>();
  // Timings of earlier runs, when they left them; the notebooks executed now replace theirs.
  const saved = join(executedDir, "timings.json");
  if (existsSync(saved)) for (const [k, v] of Object.entries(JSON.parse(readFileSync(saved, "utf8")))) timings.set(k, v as { ok: boolean; seconds: number });
  if (values.executed === undefined) {
    const python = findPython();
    for (const f of chosen) {
      console.log(`book: executing ${f} at scale ${scale}`);
      timings.set(f, execute(python, join(ROOT, "notebooks", f), executedDir, scale));
    }
  }
  if (values.executed === undefined) {
    mkdirSync(executedDir, { recursive: true });
    writeFileSync(join(executedDir, "timings.json"), JSON.stringify(Object.fromEntries(timings), null, 2) + "\n");
  }

  // A whole build starts from an empty folder; a build of some notebooks keeps the other pages, and the
  // manifest of the earlier build gives their index rows and the order of the pages.
  const manifestFile = join(out, "book.json");
  const partial = positionals.length > 0 && existsSync(manifestFile);
  const earlier: Built[] = partial ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { pages: Built[] }).pages : [];
  if (!partial) rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "assets"), { recursive: true });
  copyFileSync(plotlyBundlePath(), join(out, "assets", "plotly.min.js"));
  const machine = `${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? "unknown CPU"})`;
  const built: Built[] = [];
  const pages = chosen.filter((f) => existsSync(join(executedDir, f)));
  const order = [...new Set([...earlier.map((b) => `${b.name}.ipynb`), ...pages])].sort();
  for (const f of pages) {
    const i = order.indexOf(f);
    const nb = JSON.parse(repoRelative(readFileSync(join(executedDir, f), "utf8"), ROOT)) as NotebookJson;
    const name = basename(f, ".ipynb");
    const title = notebookTitle(nb) ?? name;
    const t = timings.get(f);
    const neighbour = (g: string | undefined) => g && { href: `${basename(g, ".ipynb")}.html`, title: basename(g, ".ipynb") };
    const subtitle = `${f}, executed at scale ${scale}${t ? ` in ${Math.round(t.seconds)} s` : ""} on ${machine}` + (t && !t.ok ? " — a cell failed; its error is shown below" : "");
    writeFileSync(join(out, `${name}.html`), notebookPage(nb, { title, subtitle, nav: { index: "index.html", prev: neighbour(order[i - 1]) || undefined, next: neighbour(order[i + 1]) || undefined } }));
    built.push({ name, title, summary: notebookSummary(nb), seconds: t?.seconds, ok: t?.ok ?? true });
  }
  // The quickstart's report comes with a whole build; a build of some notebooks keeps the book's.
  const report = join(ROOT, "runs", "quickstart", "report.html");
  if (!partial && existsSync(report)) reportPage(report, join(out, "quickstart-report.html"));
  const hasReport = existsSync(join(out, "quickstart-report.html"));

  const everyPage = [...earlier.filter((e) => !built.some((b) => b.name === e.name)), ...built].sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(manifestFile, JSON.stringify({ scale, pages: everyPage }, null, 2) + "\n");
  const rows = everyPage.map((b) => `<tr><td><a href="${b.name}.html">${escapeHtml(b.name)}</a></td><td>${escapeHtml(b.title)}</td><td>${escapeHtml(b.summary)}</td>` +
    `<td>${b.seconds === undefined ? "" : `${Math.round(b.seconds)} s`}${b.ok ? "" : " (failed)"}</td></tr>`).join("\n");
  const body = `<h1>nanoinstruct: the notebooks, executed</h1>
<p>Every notebook of <code>notebooks/</code>, run at scale <b>${escapeHtml(scale)}</b> on ${escapeHtml(machine)} by <code>npm run book</code>
and rendered with its outputs: charts are interactive and need no network. To run them yourself: <code>npm run lab</code>.</p>
<table><thead><tr><th>notebook</th><th>title</th><th>what it shows</th><th>time</th></tr></thead><tbody>
${rows}
</tbody></table>
${hasReport ? '<p>The quickstart\'s report (<code>npm start</code>): <a href="quickstart-report.html">quickstart-report.html</a>.</p>' : ""}`;
  writeFileSync(join(out, "index.html"), bookPage("nanoinstruct notebooks", body, {}));
  console.log(`book: wrote ${built.length} pages (${everyPage.length} in the book)${hasReport ? " and the quickstart report" : ""} to ${relative(process.cwd(), out) || out}/`);

  if (values["no-check"]) return built.every((b) => b.ok) ? 0 : 1;
  if (!chromiumBinary()) {
    console.error("book: no Chromium to check the pages with (apt-get install chromium, or set CHROMIUM); use --no-check to skip");
    return 3;
  }
  const htmls = readdirSync(out).filter((f) => f.endsWith(".html")).sort();
  const checks: PageCheck[] = htmls.map((f) => ({ ...checkPage(join(out, f)), page: f }));
  writeFileSync(join(out, "check.json"), JSON.stringify({ scale, checked: new Date().toISOString(), chromium: chromiumBinary(), pages: checks }, null, 2) + "\n");
  for (const c of checks) {
    console.log(`book: ${c.ok ? "ok    " : "FAILED"} ${c.page}: ${c.drawn}/${c.charts} charts drawn${c.errors.length ? `; errors: ${c.errors.slice(0, 3).join(" | ")}` : ""}`);
  }
  const failedRuns = built.filter((b) => !b.ok).map((b) => b.name);
  if (failedRuns.length) console.error(`book: notebooks with a failing cell: ${failedRuns.join(", ")}`);
  return checks.every((c) => c.ok) && failedRuns.length === 0 ? 0 : 1;
}

process.exitCode = main();
