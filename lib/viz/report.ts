/**
 * A standalone HTML report: one file, plotly.js inlined once in <head>, figures, tables and text in
 * order. It opens offline, from a file:// URL, with nothing else next to it.
 */
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../fsutil";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors";
import { plotlyScriptTag } from "./bundle";
import { figureHtml } from "./html";
import { markdownToHtml } from "./markdown";
import { tableHtml, type HtmlTable } from "./notebook";
import { escapeHtml } from "./text";
import { isFigure, type Figure } from "./types";

/** A figure, an arquero table, ready HTML ({ html }), or markdown-ish text. */
export type ReportSection = Figure | HtmlTable | { html: string } | string;

export interface ReportOptions {
  title: string;
  sections: readonly ReportSection[];
  /** Shown under the title; default: the generation time. */
  subtitle?: string;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #222; max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
.ni-subtitle { color: #666; margin-top: 0; }
section { margin: 1.5rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e3e3e3; text-align: left; }
th { border-bottom: 2px solid #bbb; }
tbody tr:nth-child(even) { background: #fafafa; }
code { background: #f3f3f3; padding: 0 0.2em; border-radius: 3px; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; }
.ni-caption { color: #666; font-size: 0.85rem; margin-top: 0.3rem; }
`;

function isHtmlTable(x: unknown): x is HtmlTable {
  return typeof x === "object" && x !== null && typeof (x as HtmlTable).toHTML === "function" && typeof (x as HtmlTable).numRows === "function";
}

function sectionHtml(s: ReportSection, i: number): string {
  if (typeof s === "string") return markdownToHtml(s);
  if (isFigure(s)) return figureHtml(s, `figure-${i + 1}`);
  if (isHtmlTable(s)) return tableHtml(s, { limit: 50 });
  if (typeof (s as { html?: unknown }).html === "string") return (s as { html: string }).html;
  throw new UserError(`report section ${i + 1}: expected a figure, a table, { html } or text`, 1);
}

/** The report as one HTML string. */
export function reportHtml(options: ReportOptions): string {
  const subtitle = options.subtitle ?? `generated ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC`;
  const body = options.sections.map((s, i) => `<section>\n${sectionHtml(s, i)}\n</section>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
${plotlyScriptTag()}
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p class="ni-subtitle">${escapeHtml(subtitle)}</p>
${body}
</body>
</html>
`;
}

/** Writes the report (creating folders); returns its absolute path. */
export function writeReport(path: string, options: ReportOptions): string {
  const abs = resolve(path);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileAtomic(abs, reportHtml(options));
  } catch (e) {
    throw new UserError(`${path}: cannot write report: ${(e as Error).message}`);
  }
  return abs;
}
