import { availableParallelism } from "node:os";
import type { Command } from "../command";
import { num, parse, required } from "../args";
import { loadGrid } from "../../ablate/grid";
import { DEFAULT_RUN_GRID, runGrid } from "../../ablate/runner";
import { DEFAULT_QUEUE_SETTINGS } from "../../ablate/queue-config";

const command: Command = {
  name: "ablate",
  summary: "run an ablation grid, one process per cell: results table and report (resumable; --queue: many machines)",
  usage: `usage: nanoinstruct ablate --grid FILE [--out DIR] [--concurrency N] [--retries K] [--queue redis://HOST:PORT] [--queue-name NAME] [--quiet] [--json]

  Expands the grid (base config x axes x seeds; format in lib/ablate/grid.ts), checks every cell, then
  runs each one as its own process (nanoinstruct ablate cell). Cells whose result is already in DIR for
  the same config are skipped, so re-running the command resumes. A failed cell is retried K times
  (default ${DEFAULT_RUN_GRID.retries}), then reported; the others still run and the command exits 1 at the end.
  Writes DIR/grid.json, DIR/cells/<id>/ (config, log.txt, result.json), DIR/results.jsonl, DIR/results.csv
  and DIR/report.html. DIR defaults to runs/ablate/<grid name>; N to the core count (${availableParallelism()} here),
  and with N > 1 each cell trains on one thread.

  --queue enqueues the cells on Redis (BullMQ) instead, for 'nanoinstruct worker --queue URL' processes on
  any number of machines; results come back through Redis and are written to DIR the same way.
  The queue name defaults to ${DEFAULT_QUEUE_SETTINGS.queueName} (workers must use the same).`,
  async run(argv) {
    const { values } = parse(argv, {
      grid: { type: "string" }, out: { type: "string" }, concurrency: { type: "string" }, retries: { type: "string" },
      queue: { type: "string" }, "queue-name": { type: "string" }, quiet: { type: "boolean" }, json: { type: "boolean" },
    });
    const grid = loadGrid(required(values.grid, "grid"));
    const run = await runGrid(grid, {
      out: values.out as string | undefined,
      concurrency: num(values.concurrency, "concurrency", true, { min: 1 }),
      retries: num(values.retries, "retries", true, { min: 0 }),
      queue: values.queue as string | undefined,
      queueSettings: values["queue-name"] ? { queueName: values["queue-name"] as string } : undefined,
      onProgress: values.quiet ? undefined : (s) => process.stderr.write(`${s}\n`),
    });
    const ok = run.cells.length - run.failed.length;
    if (values.json) {
      console.log(JSON.stringify({ dir: run.dir, cells: run.cells.length, ok, skipped: run.skipped, failed: run.failed, seconds: Math.round(run.seconds * 10) / 10 }));
    } else {
      console.log(`${ok}/${run.cells.length} cells finished (${run.skipped} from earlier runs) in ${Math.round(run.seconds)} s: ${run.dir}/results.csv, ${run.dir}/report.html`);
    }
    if (run.failed.length) {
      process.stderr.write(`nanoinstruct: ${run.failed.length} cell${run.failed.length === 1 ? "" : "s"} failed:\n`);
      for (const f of run.failed) process.stderr.write(`  ${f.id}: ${f.error} (log: ${f.log})\n`);
      return 1;
    }
    return 0;
  },
};
export default command;
