/**
 * `nanoinstruct data inspect FILE`: what format a data file is in, how many records are good, where the bad
 * ones are, and how long prompts and responses run. Exit code 0 = all valid, 1 = some invalid, 2 = unreadable.
 */
import type { Command } from "../command";
import { UserError } from "../../errors";
import { num, parse } from "../args";
import { loadRecords, type LoadOptions } from "../../data/load";
import { parseFormatSpec } from "../../data/formats/index";
import { countRows, datasetStats, statsRows, type DatasetStats } from "../../data/stats";
import { formatIssue } from "../../data/validate";

const USAGE = `usage: nanoinstruct data inspect FILE [--format F] [--json] [--strict] [--limit N] [--map FROM=TO ...]

Reads an instruction-data file, reports its format, record counts, every invalid record's location
(the first N), and prompt/response length statistics.

  --format F       schema (alpaca, dolly, prompt-completion, chat, sharegpt, flan, natural-instructions,
                   seed-tasks: self-instruct's seed_tasks.jsonl),
                   container (jsonl, json, csv, parquet), or both as container:schema (csv:dolly);
                   detected from the extension and content when omitted
  --json           print one JSON object instead of text
  --strict         stop at the first invalid record
  --limit N        invalid records listed (default 20)
  --map FROM=TO    rename a field/column before reading (repeatable), e.g. --map question=instruction

Exit code: 0 all records valid, 1 some invalid, 2 file unreadable or format unknown.`;

/** Parses repeated FROM=TO options into a rename table. */
function parseMap(specs: string[]): Record<string, string> | undefined {
  if (specs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) throw new UserError(`--map expects FROM=TO, got '${spec}'`);
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function statsText(stats: DatasetStats): string[] {
  const lines: string[] = ["lengths:"];
  const head = ["length", "count", "min", "p50", "p90", "max", "mean"];
  const rows = statsRows(stats).map((r) => [`${r.part} ${r.unit}`, r.count, r.min, r.p50, r.p90, r.max, r.mean].map((v) => (typeof v === "number" ? fmt(v) : v)));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "  " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  lines.push(line(head), ...rows.map(line));
  for (const [label, counts] of [["sources", stats.bySource], ["tasks", stats.byTask], ["clusters", stats.byCluster]] as const) {
    const top = countRows(counts);
    if (top.length === 0) continue;
    const shown = top.slice(0, 10).map((c) => `${c.name} ${c.count}`).join(", ");
    lines.push(`${label} (${top.length}): ${shown}${top.length > 10 ? ", ..." : ""}`);
  }
  return lines;
}

const command: Command = {
  name: "data inspect",
  summary: "check an instruction-data file: format, bad records, length statistics",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        format: { type: "string" },
        json: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        limit: { type: "string", default: "20" },
        map: { type: "string", multiple: true, default: [] },
      },
      true,
    );
    if (positionals.length !== 1) throw new UserError(`data inspect takes one FILE, got ${positionals.length} (see --help)`);
    const file = positionals[0];
    const limit = num(values.limit, "limit", true, { min: 0 }) ?? 20;
    if (limit < 0) throw new UserError(`--limit must not be negative, got ${limit}`);
    const json = values.json === true;
    const format = values.format as string | undefined;
    const options: Partial<LoadOptions> = { mode: values.strict === true ? "strict" : "lenient", columns: parseMap(values.map as string[]) };
    if (format) Object.assign(options, parseFormatSpec(format));

    let result;
    try {
      result = await loadRecords(file, options);
    } catch (err) {
      // With --json the failure is still one JSON object on stdout (and the usual line on stderr).
      if (json && err instanceof UserError) console.log(JSON.stringify({ file, error: err.message, exitCode: err.exitCode }));
      throw err;
    }
    const stats = datasetStats(result.records);
    const shown = result.invalid.slice(0, limit);
    if (json) {
      console.log(
        JSON.stringify({
          file,
          format: result.format,
          container: result.container,
          counts: result.counts,
          invalid: shown,
          stats,
        }),
      );
    } else {
      const { read, valid, invalid } = result.counts;
      const out = [
        `file: ${file}`,
        `format: ${result.format} (${result.container})`,
        `records: ${read} read, ${valid} valid, ${invalid} invalid`,
      ];
      if (invalid > 0) {
        out.push(`invalid records${invalid > shown.length ? ` (first ${shown.length} of ${invalid})` : ""}:`);
        for (const issue of shown) out.push("  " + formatIssue(issue));
      }
      out.push(...statsText(stats));
      console.log(out.join("\n"));
    }
    return result.counts.invalid > 0 ? 1 : 0;
  },
};

export default command;
