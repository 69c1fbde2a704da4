/**
 * Runs a grid: every cell as its own process, a few at a time on this machine or as jobs on a Redis
 * queue (./queue.ts), then one results table and report. Resumable: a cell whose result.json is there for
 * the same config is not run again. A cell that fails is retried, then reported; the others still run.
 */
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../errors";
import { writeJsonAtomic } from "../fsutil";
import { expandGrid, gridRecord, loadGrid, type Grid, type GridCell } from "./grid";
import { runCellProcess } from "./process";
import { cellDir, finishedCell, writeCellInput, writeCellRecord, writeResults, type CellRecord, type Table } from "./results";
import { checkRedisUrl, redactUrl, type QueueSettings } from "./queue-config";

export interface RunGridOptions {
  /** Output directory; default runs/ablate/<grid name>. */
  out?: string;
  /** Cells at once on this machine; default the core count. */
  concurrency?: number;
  /** Extra attempts for a failed cell; default 1. */
  retries?: number;
  /** A redis:// URL: enqueue the cells for `nanoinstruct worker` processes instead of running them here. */
  queue?: string;
  /** Queue tuning (queue name, lock and stall timings); only with `queue`. */
  queueSettings?: Partial<QueueSettings>;
  /** One line per event: finished cell, retry, ETA. */
  onProgress?: (line: string) => void;
  /** Extra environment for local cell processes. */
  env?: Record<string, string>;
}

export const DEFAULT_RUN_GRID = { retries: 1, outRoot: join("runs", "ablate") };

export interface GridRun {
  dir: string;
  cells: GridCell[];
  records: Map<string, CellRecord>;
  table: Table;
  /** Cells that failed every attempt, with their log files. */
  failed: { id: string; error: string | null; log: string }[];
  /** Cells already finished before this run. */
  skipped: number;
  seconds: number;
}

/** Tracks k/n and prints one line per finished cell with its metric, its time and the ETA. */
export function progressReporter(total: number, alreadyDone: number, metric: string, say: (s: string) => void) {
  const t0 = performance.now();
  let done = alreadyDone, thisRun = 0;
  const width = String(total).length;
  return (cell: GridCell, rec: CellRecord): void => {
    done++;
    thisRun++;
    const elapsed = (performance.now() - t0) / 1000;
    const left = total - done;
    // Throughput so far in this run (wall clock, so concurrency is accounted for).
    const eta = left > 0 ? ` · ETA ${duration((elapsed / thisRun) * left)}` : "";
    const value = rec.result?.[metric];
    const what = rec.status === "ok"
      ? `${metric} ${typeof value === "number" ? String(Math.round(value * 1000) / 1000) : "n/a"}`
      : `FAILED after ${rec.attempts} attempt${rec.attempts === 1 ? "" : "s"}: ${rec.error ?? "?"}`;
    const secs = rec.seconds === null ? "" : `  ${duration(rec.seconds)}`;
    say(`[${String(done).padStart(width)}/${total}] ${cell.id}  ${what}${secs}${rec.worker ? `  (${rec.worker})` : ""}  · ${done}/${total} cells${eta}`);
  };
}

export function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** Runs one cell here, retrying up to `retries` times; saves and returns how it ended. */
async function runLocalCell(dir: string, cell: GridCell, retries: number, env: Record<string, string>, say: (s: string) => void): Promise<CellRecord> {
  const configFile = writeCellInput(dir, cell);
  const outDir = cellDir(dir, cell.id);
  const attempts = retries + 1;
  let rec: CellRecord | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const a = await runCellProcess({ configFile, outDir, logFile: join(outDir, "log.txt"), env, header: `attempt ${attempt} of ${attempts}` });
    rec = { id: cell.id, hash: cell.hash, status: a.ok ? "ok" : "failed", seconds: a.seconds, attempts: attempt, error: a.error, worker: null, result: a.result };
    if (a.ok) break;
    if (attempt < attempts) say(`  retrying ${cell.id} (attempt ${attempt + 1} of ${attempts}): ${a.error}`);
  }
  writeCellRecord(dir, rec!);
  return rec!;
}

/** Runs `cells` at most `concurrency` at a time, calling `finished` as each one ends. */
async function runLocal(dir: string, cells: GridCell[], opts: RunGridOptions, finished: (c: GridCell, r: CellRecord) => void, say: (s: string) => void): Promise<void> {
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), cells.length));
  // Several cells at once: one training thread each (a lone cell may use every core).
  const env: Record<string, string> = concurrency > 1 && !process.env.NANOINSTRUCT_WORKERS ? { NANOINSTRUCT_WORKERS: "1" } : {};
  Object.assign(env, opts.env);
  let next = 0;
  const lane = async () => {
    while (next < cells.length) {
      const cell = cells[next++];
      finished(cell, await runLocalCell(dir, cell, opts.retries ?? DEFAULT_RUN_GRID.retries, env, say));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** Runs a grid (a Grid or a grid file) to the end; never throws for a failed cell (see GridRun.failed). */
export async function runGrid(gridOrFile: Grid | string, opts: RunGridOptions = {}): Promise<GridRun> {
  const grid = typeof gridOrFile === "string" ? loadGrid(gridOrFile) : gridOrFile;
  const cells = expandGrid(grid);
  const retries = opts.retries ?? DEFAULT_RUN_GRID.retries;
  if (!Number.isInteger(retries) || retries < 0) throw new UserError(`retries must be a non-negative integer, got ${retries}`, 2);
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)) throw new UserError(`concurrency must be a positive integer, got ${opts.concurrency}`, 2);
  if (opts.queue) checkRedisUrl(opts.queue);
  const dir = resolve(opts.out ?? join(DEFAULT_RUN_GRID.outRoot, grid.name));
  const say = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, "grid.json"), gridRecord(grid, cells));

  const records = new Map<string, CellRecord>();
  for (const c of cells) {
    const done = finishedCell(dir, c);
    if (done) records.set(c.id, done);
  }
  const skipped = records.size;
  const pending = cells.filter((c) => !records.has(c.id));
  const where = pending.length === 0 ? "" : opts.queue ? ` on the queue at ${redactUrl(opts.queue)}` : ` here, ${Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), pending.length))} at a time`;
  say(`grid ${grid.name}: ${cells.length} cell${cells.length === 1 ? "" : "s"}${skipped ? `, ${skipped} already finished` : ""}, ${pending.length} to run${where} -> ${dir}`);
  const report = progressReporter(cells.length, skipped, grid.plot.metric, say);
  const finished = (c: GridCell, r: CellRecord) => {
    records.set(c.id, r);
    report(c, r);
  };
  if (pending.length) {
    // BullMQ loads only for queue runs.
    if (opts.queue) await (await import("./queue")).runOnQueue(grid, dir, pending, { ...opts.queueSettings, url: opts.queue, retries }, finished, say);
    else await runLocal(dir, pending, { ...opts, retries }, finished, say);
  }
  const table = writeResults(dir, grid, cells, records);
  const failed = cells.filter((c) => records.get(c.id)?.status !== "ok")
    .map((c) => ({ id: c.id, error: records.get(c.id)?.error ?? "not run", log: join(cellDir(dir, c.id), "log.txt") }));
  return { dir, cells, records, table, failed, skipped, seconds: (performance.now() - t0) / 1000 };
}
