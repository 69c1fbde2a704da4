/**
 * The book: executed notebooks as a static site that reads offline. One page per notebook (markdown, code
 * and every output: text, tables, charts, images, errors), an index, and one shared copy of plotly.js in
 * assets/ instead of the copy each notebook inlines. Each page records its own script errors (failed
 * loads included) in `data-book-errors` on <html>, which the headless-browser check reads back.
 */
import { markdownToHtml } from "./markdown";
import { escapeHtml } from "./text";

/** The parts of an .ipynb file the book reads. */
export interface NotebookJson {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
}

export interface NotebookCell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  outputs?: NotebookOutput[];
}

export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface BookPageOptions {
  /** Page title (the notebook's first heading by default). */
  title?: string;
  /** A line under the title: how and when the notebook was executed. */
  subtitle?: string;
  /** Links shown above and below the page. */
  nav?: { index?: string; prev?: { href: string; title: string }; next?: { href: string; title: string } };
  /** Path of plotly.js relative to the page. */
  plotlySrc?: string;
}

const text = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join("") : s ?? "");
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");

/** The notebook's first markdown heading, or undefined. */
export function notebookTitle(nb: NotebookJson): string | undefined {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^#{1,2}\s+(.+)$/m.exec(text(c.source));
    if (m) return m[1].trim();
  }
  return undefined;
}

/** The first paragraph after the title: the index's one-line summary. */
export function notebookSummary(nb: NotebookJson): string {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const paras = text(c.source).split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p && !p.startsWith("#"));
    if (paras.length) return paras[0].replace(/\s+/g, " ");
  }
  return "";
}

/**
 * Text with the checkout's absolute path made relative (`/home/me/nanoinstruct/runs/x` -> `runs/x`, the
 * checkout itself -> `.`): a published page shows where things are in the repository, not on the machine
 * that built it. A longer name that merely starts with the root's (`/home/me/nanoinstruct2`) is left alone.
 */
export function repoRelative(text: string, root: string): string {
  const r = root.replace(/\/+$/, "");
  if (r === "") return text;
  const escaped = r.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`${escaped}(/|(?![\\w.-]))`, "g"), (_m, slash: string) => (slash ? "" : "."));
}

/** True for an output that only loads plotly.js (loadPlotly's inlined bundle); the page loads it once instead. */
export function isPlotlyBundle(html: string): boolean {
  return html.length > 200_000 && /^\s*<script[^>]*>/.test(html) && html.includes("plotly");
}

/** Pipe tables (| a | b |) to HTML; markdownToHtml handles the rest. */
function markdownWithTables(source: string): string {
  // Links between notebooks point at their pages.
  const linked = source.replace(/\]\((?:\.\/)?([\w-]+)\.ipynb\)/g, "](./$1.html)");
  const lines = linked.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length) out.push(markdownToHtml(chunk.join("\n")));
    chunk = [];
  };
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*\|.*\|\s*$/.test(lines[i]) && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? "")) {
      flush();
      const head = cells(lines[i]);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i]); i++) rows.push(cells(lines[i]));
      i--;
      const inline = (c: string) => markdownToHtml(c).replace(/^<p>|<\/p>\s*$/g, "");
      out.push(`<table class="md"><thead><tr>${head.map((h) => `<th>${inline(h)}</th>`).join("")}</tr></thead><tbody>` +
        rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("") + "</tbody></table>");
    } else chunk.push(lines[i]);
  }
  flush();
  return out.join("\n");
}

function outputHtml(o: NotebookOutput): string {
  if (o.output_type === "stream") {
    const cls = o.name === "stderr" ? "out stderr" : "out";
    return `<pre class="${cls}">${escapeHtml(stripAnsi(text(o.text)))}</pre>`;
  }
  if (o.output_type === "error") {
    const tb = (o.traceback ?? []).map(stripAnsi).join("\n") || `${o.ename}: ${o.evalue}`;
    return `<pre class="out error">${escapeHtml(tb)}</pre>`;
  }
  const data = o.data ?? {};
  if (data["text/html"] !== undefined) {
    const html = text(data["text/html"]);
    return isPlotlyBundle(html) ? "" : `<div class="out html">${html}</div>`;
  }
  if (data["image/png"] !== undefined) return `<div class="out"><img alt="figure" src="data:image/png;base64,${text(data["image/png"]).trim()}"></div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="out">${text(data["image/svg+xml"])}</div>`;
  if (data["text/markdown"] !== undefined) return `<div class="out">${markdownWithTables(text(data["text/markdown"]))}</div>`;
  if (data["text/plain"] !== undefined) return `<pre class="out">${escapeHtml(stripAnsi(text(data["text/plain"])))}</pre>`;
  return "";
}

/** Records script errors and failed loads on <html data-book-errors> once the page settled. */
const ERROR_RECORDER = `<script>
window.__bookErrors = [];
addEventListener("error", function (e) {
  var t = e.target, what = e.message || (t && (t.src || t.href) ? "failed to load " + (t.src || t.href) : "error");
  window.__bookErrors.push(String(what));
}, true);
addEventListener("unhandledrejection", function (e) { window.__bookErrors.push("unhandled rejection: " + e.reason); });
(function () { var ce = console.error; console.error = function () { window.__bookErrors.push([].slice.call(arguments).join(" ")); return ce.apply(console, arguments); }; })();
addEventListener("load", function () { setTimeout(function () { document.documentElement.setAttribute("data-book-errors", JSON.stringify(window.__bookErrors)); }, 1500); });
</script>`;

export const BOOK_STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222;
  max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
nav { display: flex; gap: 1.5rem; font-size: 0.95rem; margin: 0.5rem 0 1.5rem; }
nav a { color: #0072B2; }
.subtitle { color: #666; margin-top: 0; }
pre { background: #f6f8fa; padding: 0.6rem 0.8rem; overflow-x: auto; border-radius: 4px; font-size: 0.85rem; }
pre.code { border-left: 3px solid #0072B2; }
pre.out { background: #fff; border-left: 3px solid #ddd; }
pre.stderr { border-left-color: #E69F00; }
pre.error { border-left-color: #D55E00; color: #a00; }
.cell { margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
img { max-width: 100%; }
.out.html { overflow-x: auto; }
`;

function navHtml(nav: BookPageOptions["nav"]): string {
  if (!nav) return "";
  const parts: string[] = [];
  if (nav.index) parts.push(`<a href="${escapeHtml(nav.index)}">Contents</a>`);
  if (nav.prev) parts.push(`<a href="${escapeHtml(nav.prev.href)}">← ${escapeHtml(nav.prev.title)}</a>`);
  if (nav.next) parts.push(`<a href="${escapeHtml(nav.next.href)}">${escapeHtml(nav.next.title)} →</a>`);
  return `<nav>${parts.join("")}</nav>`;
}

/** A page around some body HTML: the error recorder, the shared plotly.js, the style and the navigation. */
export function bookPage(title: string, body: string, options: BookPageOptions = {}): string {
  const plotly = options.plotlySrc ?? "assets/plotly.min.js";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${ERROR_RECORDER}
<script src="${escapeHtml(plotly)}"></script>
<style>${BOOK_STYLE}</style>
</head>
<body>
${navHtml(options.nav)}
${options.subtitle ? `<p class="subtitle">${escapeHtml(options.subtitle)}</p>` : ""}
${body}
${navHtml(options.nav)}
</body>
</html>
`;
}

/** One executed notebook as a page. */
export function notebookPage(nb: NotebookJson, options: BookPageOptions = {}): string {
  const cells = nb.cells.map((c) => {
    const src = text(c.source);
    if (c.cell_type === "markdown") return `<div class="cell md">${markdownWithTables(src)}</div>`;
    if (c.cell_type === "raw") return `<pre class="cell">${escapeHtml(src)}</pre>`;
    const outs = (c.outputs ?? []).map(outputHtml).filter(Boolean).join("\n");
    return `<div class="cell code">${src.trim() ? `<pre class="code"><code>${escapeHtml(src)}</code></pre>` : ""}\n${outs}</div>`;
  });
  return bookPage(options.title ?? notebookTitle(nb) ?? "notebook", cells.join("\n"), options);
}
