/**
 * One attempt at one cell, as its own process: `nanoinstruct ablate cell --config F --out DIR`, with its
 * stdout and stderr appended to a log file. The child preloads orphan-guard.cjs, so it dies with whoever
 * started it (a SIGKILLed worker or coordinator leaves no cell running), and reports success only by
 * exiting 0 with DIR/result.json in place.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, fstatSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LIB_DIR, REPO_ROOT } from "../paths";
import type { CellResult } from "./cell";

export interface CellAttempt {
  /** True when the process exited 0 and left a result.json. */
  ok: boolean;
  code: number | null;
  signal: string | null;
  seconds: number;
  result: CellResult | null;
  /** Why it failed, one line (the cell's last error line, or how it exited). */
  error: string | null;
  pid: number | undefined;
  /** Where this attempt's part of the log file begins (bytes). */
  logStart: number;
}

export interface CellProcessOptions {
  /** The cell config file the child reads. */
  configFile: string;
  /** The cell's directory (result.json, run/, eval/). */
  outDir: string;
  /** Appended to: a header per attempt, then the child's stdout and stderr. */
  logFile: string;
  /** Extra environment for the child (e.g. NANOINSTRUCT_WORKERS=1). */
  env?: Record<string, string>;
  /** Header text for this attempt in the log. */
  header?: string;
  /** Called once the child runs. */
  onSpawn?: (pid: number | undefined) => void;
  /** Aborting stops the cell (SIGTERM); the attempt then counts as failed. */
  signal?: AbortSignal;
}

const BIN = join(REPO_ROOT, "bin", "nanoinstruct.js");
const GUARD = join(LIB_DIR, "ablate", "orphan-guard.cjs");

/** The command line a cell runs with (also written into the log, so an attempt can be replayed by hand). */
export function cellCommand(configFile: string, outDir: string): string[] {
  return [process.execPath, "--require", GUARD, BIN, "ablate", "cell", "--config", resolve(configFile), "--out", resolve(outDir)];
}

/** Runs one attempt; never rejects (a failure to start is a failed attempt). */
export function runCellProcess(opts: CellProcessOptions): Promise<CellAttempt> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  mkdirSync(opts.outDir, { recursive: true });
  const fd = openSync(opts.logFile, "a+");
  const start = fstatSync(fd).size;
  const argv = cellCommand(opts.configFile, opts.outDir);
  const envText = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
  writeSync(fd, `--- ${new Date().toISOString()} ${opts.header ?? ""}\n$ ${envText}node ${argv.slice(1).join(" ")}\n`);
  const t0 = performance.now();
  return new Promise((done) => {
    let settled = false;
    const finish = (code: number | null, signal: string | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      const seconds = (performance.now() - t0) / 1000;
      const resultFile = join(opts.outDir, "result.json");
      let result: CellResult | null = null;
      let error: string | null = null;
      if (spawnError) error = `could not start: ${spawnError.message}`;
      else if (code === 0 && existsSync(resultFile)) {
        try {
          result = JSON.parse(readFileSync(resultFile, "utf8")) as CellResult;
        } catch (e) {
          error = `result.json unreadable: ${(e as Error).message}`;
        }
      } else {
        const why = signal ? `killed by ${signal}` : code === 0 ? "exited 0 without a result.json" : `exit code ${code}`;
        const last = lastErrorLine(fd, start);
        error = last ? `${why}: ${last}` : why;
      }
      opts.signal?.removeEventListener("abort", stop);
      writeSync(fd, `--- ${error ? `failed (${error})` : "ok"} after ${seconds.toFixed(1)} s\n`);
      closeSync(fd);
      done({ ok: result !== null, code, signal, seconds, result, error, pid: child.pid, logStart: start });
    };
    const child = spawn(argv[0], argv.slice(1), {
      cwd: process.cwd(),
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", fd, fd],
    });
    child.on("spawn", () => opts.onSpawn?.(child.pid));
    const stop = () => child.kill("SIGTERM");
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener("abort", stop, { once: true });
    child.on("error", (e) => finish(null, null, e));
    child.on("exit", (code, signal) => finish(code, signal));
  });
}

/** The most telling line the attempt logged: its last `nanoinstruct: ...` error, else its last line. */
function lastErrorLine(fd: number, from: number): string {
  const size = fstatSync(fd).size;
  const n = Math.min(8192, size - from);
  if (n <= 0) return "";
  const buf = Buffer.alloc(n);
  readSync(fd, buf, 0, n, size - n);
  const lines = buf.toString("utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("---") && !l.startsWith("$ "));
  const err = [...lines].reverse().find((l) => l.startsWith("nanoinstruct:"));
  return (err ?? lines[lines.length - 1] ?? "").slice(0, 300);
}

/** The last `bytes` of a file after offset `from` (a log's tail, sent back with a worker's result or failure). */
export function fileTail(file: string, bytes = 16384, from = 0): string {
  if (!existsSync(file)) return "";
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const n = Math.max(0, Math.min(bytes, size - from));
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    return buf.toString("utf8");
  } finally {
    closeSync(fd);
  }
}
