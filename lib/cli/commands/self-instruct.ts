/**
 * `nanoinstruct self-instruct`: generate instruction data from seed tasks with any OpenAI-compatible endpoint
 * (Alpaca's recipe and filters), or, with --filter-only, apply the same filters to an existing data file.
 */
import { basename, extname } from "node:path";
import type { Command } from "../command";
import { num, parse, required } from "../args";
import { UserError } from "../../errors";
import { writeFileAtomic } from "../../fsutil";
import { loadRecords } from "../../data/load";
import { parseFormatSpec, writeRecords } from "../../data/formats/index";
import { writeJsonl } from "../../data/formats/jsonl";
import type { ContainerName } from "../../data/record";
import { DEFAULT_FILTERS, RULE_NAMES, type FilterConfig, type RuleName } from "../../selfinstruct/filters";
import { DEFAULT_SELF_INSTRUCT, type SelfInstructApi } from "../../selfinstruct/config";
import { filterRecords, recordInstruction } from "../../selfinstruct/filter-records";
import { selfInstruct, type SelfInstructProgress } from "../../selfinstruct/run";

const D = DEFAULT_SELF_INSTRUCT;

const USAGE = `usage: nanoinstruct self-instruct --url URL --model NAME --n N --out FILE [options]
       nanoinstruct self-instruct --filter-only --input FILE --out FILE [--dropped FILE] [--format F]

Generates instruction data with Alpaca's self-instruct recipe: each request shows ${D.seedExamples} seed tasks as
the start of a numbered list of ${D.tasksPerRequest} and the model continues it; every task it writes is parsed
and filtered (3 words or fewer or over 150, a keyword blacklist, "Write a program" openings, leading
punctuation or non-ASCII, empty output, ROUGE-L > 0.7 with any instruction kept so far, seeds included).
Accepted tasks are appended to FILE (Alpaca rows, JSONL) as they come; rerunning the same command
continues from what FILE holds. FILE.log.jsonl (--log) records every request, and every candidate with its
nearest instructions, their ROUGE-L, and the rule that dropped it.

  --url URL                API root, e.g. http://127.0.0.1:8000/v1 from 'nanoinstruct serve' (default: env OPENAI_BASE_URL);
                           the API key comes from env NANOINSTRUCT_SELF_INSTRUCT_API_KEY or OPENAI_API_KEY
  --model NAME             model name at that endpoint
  --api completions|chat   continue the prompt as text (default, as Alpaca did) or send it as a chat message
  --seed-tasks FILE        seed tasks, JSONL of {id, instruction, instances: [{input, output}], is_classification}
                           (default: the bundled data/selfinstruct/seed_tasks.jsonl)
  --n N                    accepted tasks wanted in FILE (those already there count)
  --out FILE               accepted tasks
  --log FILE               the log (default: FILE with .log.jsonl)
  --requests-per-batch N   requests sent together (default ${D.requestsPerBatch})
  --seed-examples N        seed tasks shown per request (default ${D.seedExamples})
  --generated-examples N   generated tasks shown after them (default ${D.generatedExamples}; self-instruct used 6 + 2)
  --tasks-per-request N    length of the list asked for, examples included (default ${D.tasksPerRequest})
  --max-tokens N           new tokens per request (default ${D.maxTokens})
  --temperature T          (default ${D.temperature})
  --top-p P                (default ${D.topP})
  --seed S                 example sampling and request seeds (default ${D.seed})
  --max-requests N         stop after N requests in this run
  --patience N             stop after N batches in a row without a new task (default ${D.patience})
  --rouge-threshold X      drop instructions with ROUGE-L above X against the pool (default ${DEFAULT_FILTERS.rougeThreshold}; 'off' to disable)
  --neighbours K           nearest instructions logged per candidate (default ${DEFAULT_FILTERS.neighbours}; --filter-only: 0)
  --json                   print the summary as one JSON object

  --filter-only            no generation: filter the records of --input (any supported format) in order,
                           writing the kept ones to --out (format of the input; container from the extension)
                           and the dropped ones to --dropped (default: OUT with .dropped.jsonl) with their rule
  --format F               format of --input when it cannot be detected (see 'data inspect --help')

Progress goes to stderr. Exit code 0 when done (also when stopped early by --max-requests or --patience;
the summary says why), 1 for invalid settings or input, 2 for unreadable files or an unreachable endpoint.`;

function filterFlags(values: Record<string, unknown>): Partial<FilterConfig> {
  const f: Partial<FilterConfig> = {};
  const t = values["rouge-threshold"];
  if (t !== undefined) f.rougeThreshold = t === "off" ? null : num(t, "rouge-threshold")!;
  const k = num(values.neighbours, "neighbours", true);
  if (k !== undefined) f.neighbours = k;
  return f;
}

function dropSummary(byRule: Record<RuleName, number>): string {
  const parts = RULE_NAMES.filter((r) => byRule[r] > 0).map((r) => `${r} ${byRule[r]}`);
  return parts.length ? parts.join(", ") : "none";
}

function progressLine(p: SelfInstructProgress): string {
  const rate = p.elapsedS > 0 && p.sent > 0 ? ` | ${(p.sent / p.elapsedS).toFixed(2)} req/s` : "";
  return `self-instruct: ${p.kept}/${p.target} kept | ${p.requests} requests, ${p.candidates} candidates | dropped: ${dropSummary(p.byRule)} | ${Math.round(p.elapsedS)}s${rate}`;
}

function containerOf(file: string): Exclude<ContainerName, "parquet"> | undefined {
  const ext = extname(file).toLowerCase();
  return ext === ".jsonl" ? "jsonl" : ext === ".json" ? "json" : ext === ".csv" || ext === ".tsv" ? "csv" : undefined;
}

async function filterOnly(values: Record<string, unknown>, json: boolean): Promise<number> {
  const input = required(values.input, "input");
  const out = required(values.out, "out");
  const dropped = (values.dropped as string | undefined) ?? out.replace(/\.(jsonl?|csv|tsv)$/i, "") + ".dropped.jsonl";
  if (dropped === out || out === input) throw new UserError("--out, --dropped and --input must be three different files", 2);
  const loaded = await loadRecords(input, values.format ? parseFormatSpec(values.format as string) : {});
  const r = filterRecords(loaded.records, { filters: filterFlags(values) });
  writeFileAtomic(out, writeRecords(r.kept, { format: loaded.format, container: containerOf(out) }));
  writeFileAtomic(dropped, writeJsonl(r.dropped.map((d) => ({
    id: d.record.id, line: d.record.provenance.line, rule: d.rule, detail: d.detail, instruction: recordInstruction(d.record), nearest: d.nearest,
  }))));
  const summary = {
    input, format: loaded.format, read: loaded.counts.read, invalid: loaded.counts.invalid, kept: r.kept.length, dropped: r.dropped.length,
    byRule: r.byRule, out, droppedFile: dropped,
  };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.log([
      `${basename(input)}: ${loaded.counts.valid} records (${loaded.format})${loaded.counts.invalid ? `, ${loaded.counts.invalid} invalid skipped` : ""}`,
      `kept ${r.kept.length} -> ${out}`,
      `dropped ${r.dropped.length} -> ${dropped}: ${dropSummary(r.byRule)}`,
    ].join("\n"));
  }
  return 0;
}

const command: Command = {
  name: "self-instruct",
  summary: "generate instruction data from seed tasks (Alpaca's self-instruct), or filter a data file with its filters",
  usage: USAGE,
  async run(argv) {
    const { values } = parse(argv, {
      url: { type: "string" }, model: { type: "string" }, api: { type: "string" }, "seed-tasks": { type: "string" },
      n: { type: "string" }, out: { type: "string" }, log: { type: "string" }, "requests-per-batch": { type: "string" },
      "seed-examples": { type: "string" }, "generated-examples": { type: "string" }, "tasks-per-request": { type: "string" },
      "max-tokens": { type: "string" }, temperature: { type: "string" }, "top-p": { type: "string" }, seed: { type: "string" },
      "max-requests": { type: "string" }, patience: { type: "string" }, "rouge-threshold": { type: "string" },
      neighbours: { type: "string" }, json: { type: "boolean" }, "filter-only": { type: "boolean" }, input: { type: "string" },
      dropped: { type: "string" }, format: { type: "string" },
    });
    const json = values.json === true;
    if (values["filter-only"]) return filterOnly(values, json);
    if (values.input !== undefined) throw new UserError("--input goes with --filter-only", 2);
    const url = (values.url as string | undefined) ?? process.env.OPENAI_BASE_URL;
    if (!url) throw new UserError("--url is required (or set OPENAI_BASE_URL)", 2);
    const api = (values.api as string | undefined) ?? D.api;
    if (api !== "completions" && api !== "chat") throw new UserError(`--api must be completions or chat, got '${api}'`, 2);
    const n = num(required(values.n, "n"), "n", true, { min: 1 })!;
    const tty = process.stderr.isTTY;
    const result = await selfInstruct({
      baseURL: url, model: required(values.model, "model"), api: api as SelfInstructApi, n, out: required(values.out, "out"),
      ...(values.log !== undefined ? { log: values.log as string } : {}),
      ...(values["seed-tasks"] !== undefined ? { seedTasks: values["seed-tasks"] as string } : {}),
      requestsPerBatch: num(values["requests-per-batch"], "requests-per-batch", true) ?? D.requestsPerBatch,
      seedExamples: num(values["seed-examples"], "seed-examples", true) ?? D.seedExamples,
      generatedExamples: num(values["generated-examples"], "generated-examples", true) ?? D.generatedExamples,
      tasksPerRequest: num(values["tasks-per-request"], "tasks-per-request", true) ?? D.tasksPerRequest,
      maxTokens: num(values["max-tokens"], "max-tokens", true, { min: 1 }) ?? D.maxTokens,
      temperature: num(values.temperature, "temperature", false, { min: 0 }) ?? D.temperature,
      topP: num(values["top-p"], "top-p", false, { above: 0, max: 1 }) ?? D.topP,
      seed: num(values.seed, "seed", true) ?? D.seed,
      maxRequests: num(values["max-requests"], "max-requests", true) ?? null,
      patience: num(values.patience, "patience", true) ?? D.patience,
      filters: filterFlags(values),
    }, {
      onProgress: (p) => process.stderr.write(tty ? `\r\x1b[K${progressLine(p)}` : `${progressLine(p)}\n`),
      onMessage: (text) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}nanoinstruct: ${text}\n`),
    });
    if (tty) process.stderr.write("\n");
    if (json) console.log(JSON.stringify(result));
    else {
      const why = result.stopped === "done" ? "done" : result.stopped === "patience" ? "stopped: no new task in --patience batches in a row" : "stopped: --max-requests reached";
      console.log([
        `${why}: ${result.kept}/${result.target} tasks in ${result.out}${result.resumed ? ` (${result.resumed} from an earlier run)` : ""}`,
        `${result.requests} requests, ${result.candidates} candidates; dropped: ${dropSummary(result.byRule)}`,
        `log: ${result.log}`,
      ].join("\n"));
    }
    return 0;
  },
};
export default command;
