// Shared by the reliability suite: running the CLI in-process (cheap) or as a real child process (what a
// user runs), and checking that a failure is the one clean line the issue asks for.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { main } from "../../lib/cli/main";

export interface CliResult {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `nanoinstruct <argv>` through the CLI's own `main` in this process, capturing what it prints.
 * Only strings are captured: the test runner's own reports (Buffers) still pass through.
 */
export async function runInProcess(argv: string[]): Promise<CliResult> {
  let stdout = "", stderr = "";
  const ow = process.stdout.write, ew = process.stderr.write;
  const capture = (stream: NodeJS.WriteStream, orig: typeof ow, into: (s: string) => void) =>
    function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === "string") {
        into(chunk);
        const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
        cb?.();
        return true;
      }
      return (orig as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof ow;
  process.stdout.write = capture(process.stdout, ow, (s) => (stdout += s));
  process.stderr.write = capture(process.stderr, ew, (s) => (stderr += s));
  const debug = process.env.NANOINSTRUCT_DEBUG;
  delete process.env.NANOINSTRUCT_DEBUG;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    if (debug !== undefined) process.env.NANOINSTRUCT_DEBUG = debug;
  }
}

export interface Spawned {
  p: ChildProcess;
  done: Promise<CliResult>;
}

/** Children still running; killed if this test process exits first (a timed-out test, a failed assertion). */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

/** Starts the real `bin/nanoinstruct.js` as a child process (one worker thread: the machine is shared). */
export function spawnCli(argv: string[], env: Record<string, string | undefined> = {}): Spawned {
  const childEnv: Record<string, string | undefined> = { ...process.env, NANOINSTRUCT_WORKERS: "1", ...env };
  delete childEnv.NANOINSTRUCT_DEBUG;
  const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...argv], { env: childEnv as NodeJS.ProcessEnv });
  let stdout = "", stderr = "";
  p.stdout!.on("data", (d) => (stdout += d));
  p.stderr!.on("data", (d) => (stderr += d));
  children.add(p);
  const done = new Promise<CliResult>((resolve) => p.on("close", (code, signal) => {
    children.delete(p);
    resolve({ code, signal, stdout, stderr });
  }));
  return { p, done };
}

export function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return spawnCli(argv, env).done;
}

/**
 * What is wrong with a failed run's output, or [] when it is the clean failure the issue asks for: a non-zero
 * exit, exactly one stderr line starting "nanoinstruct:" that mentions `file` and matches `place`, and no
 * stack trace or "internal error".
 */
export function failureProblems(r: CliResult, file: string, place: RegExp): string[] {
  const problems: string[] = [];
  if (r.code === 0) problems.push("exit code 0");
  if (r.signal) problems.push(`killed by ${r.signal}`);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines`);
  const line = lines[0] ?? "";
  if (!line.startsWith("nanoinstruct: ")) problems.push("stderr does not start with 'nanoinstruct: '");
  if (/^\s+at\s/m.test(r.stderr) || /internal error/.test(r.stderr)) problems.push("stack trace or internal error");
  if (!line.includes(file)) problems.push(`does not name ${file}`);
  if (!place.test(line)) problems.push(`does not match ${place}`);
  return problems;
}

/** Every file and directory under `dir` (relative paths), to tell what a failed run left behind. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** A small seeded generator for reproducible "random" choices in tests: the data pipeline's mulberry32. */
export { mulberry32 as seededRandom } from "../../lib/random";

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
