/**
 * Output directories that never destroy data. A run directory (a fine-tuning or pretraining `outDir`) is
 * claimed before anything is written to it:
 *
 * - the path must be a real directory path: not "", not inside a pseudo file system (/proc, /sys, /dev),
 *   not a file;
 * - a directory that is not empty must be a run of the same config (its `.nanoinstruct-run.json` marker,
 *   or, for runs made before the marker, `config.json`'s `configHash`); a different run or someone else's
 *   files are refused unless the caller passes `overwrite` (then files with the run's names are replaced,
 *   and nothing else is deleted);
 * - a lock file (`.nanoinstruct.lock`, holding the writer's pid and host) is held while a process writes
 *   the directory; a second process refuses with a message naming the first; a lock whose process is gone
 *   (killed with SIGKILL) is recognized as stale and taken over.
 *
 * Model exports (`exportDir`) are written beside the target and renamed into place, and replace only a
 * directory that holds nothing but a nanoinstruct model's files.
 */
import {
  closeSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync,
  renameSync, rmSync, statSync, unlinkSync, writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { UserError } from "./errors";
import { fileError } from "./fsutil";
import { readJsonFile } from "./config";

export const RUN_MARKER = ".nanoinstruct-run.json";
export const LOCK_FILE = ".nanoinstruct.lock";

/** File systems whose "files" are the kernel's: writing there hangs, fails oddly or changes the system. */
const PSEUDO_ROOTS = ["/proc", "/sys", "/dev"];

function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for paths not made yet). */
function realish(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      tail.push(basename(head));
      head = up;
    }
  }
}

/**
 * Checks that `dir` can be an output directory: a non-empty path, outside pseudo file systems, not an
 * existing non-directory. `what` names the setting in errors ("outDir", "exportDir").
 */
export function checkOutputDir(dir: string, what: string): void {
  if (typeof dir !== "string" || dir.trim() === "") {
    throw new UserError(`'${what}' is empty: name a directory for the output (an empty path would write into the current directory)`, 1);
  }
  if (dir.includes("\0")) throw new UserError(`'${what}' contains a NUL byte`, 1);
  const real = realish(dir);
  for (const root of PSEUDO_ROOTS) {
    if (within(root, real)) throw new UserError(`${dir}: '${what}' is inside ${root}, a pseudo file system; choose a directory on a disk`, 1);
  }
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    throw fileError(err, dir);
  }
  if (!st.isDirectory()) throw new UserError(`${dir}: '${what}' exists and is not a directory`, 1);
}

interface RunMarker {
  kind: string;
  configHash: string;
}

/** The config hash of the run in `dir` (its marker, or a legacy config.json), or null when it is not a run. */
export function runHashOf(dir: string): string | null {
  for (const name of [RUN_MARKER, "config.json"]) {
    try {
      const v = readJsonFile(join(dir, name), 1024 * 1024) as Partial<RunMarker>;
      if (v && typeof v === "object" && typeof v.configHash === "string") return v.configHash;
    } catch {
      // not there, or not ours
    }
  }
  return null;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw fileError(err, dir);
  }
}

export interface ClaimOptions {
  /** "finetune", "pretrain": recorded in the marker. */
  kind: string;
  configHash: string;
  /** Continuing this run: the directory must hold a run of the same config. */
  resume?: boolean;
  /** Write into a non-empty directory that is not this run (files with the run's names are replaced). */
  overwrite?: boolean;
  /** A run of a different config there may be started over (never someone else's files): the quickstart's own directory. */
  replaceRun?: boolean;
  /** Told when a stale lock is taken over. */
  onMessage?: (s: string) => void;
}

/** A claimed run directory; `release()` drops the lock (also done at process exit). */
export interface RunDirClaim {
  dir: string;
  release(): void;
}

/**
 * Checks that `dir` may hold this run (see the module comment), takes its lock and writes its marker.
 * Throws a one-line UserError otherwise.
 */
export function claimRunDir(dir: string, opts: ClaimOptions): RunDirClaim {
  checkOutputDir(dir, "outDir");
  const names = entries(dir).filter((n) => n !== LOCK_FILE);
  if (names.length > 0) {
    const before = runHashOf(dir);
    if (before === null) {
      if (!opts.overwrite) {
        throw new UserError(`${dir}: exists, is not empty and is not a nanoinstruct run (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""}); choose a new outDir, or pass --overwrite (overwrite: true in code) to write the run's files into it (nothing else there is deleted)`, 1);
      }
    } else if (before !== opts.configHash) {
      if (opts.resume) {
        throw new UserError(`${dir}: the run was started with a different config (hash ${before}, now ${opts.configHash}); use a new outDir or the same config`, 1);
      }
      if (!opts.overwrite && !opts.replaceRun) {
        throw new UserError(`${dir}: holds a run of a different config (hash ${before}, now ${opts.configHash}); choose a new outDir, resume it with its own config, or pass --overwrite (overwrite: true in code) to start this run over it`, 1);
      }
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fileError(err, dir);
  }
  const lock = takeLock(dir, opts.onMessage);
  try {
    writeMarker(dir, { kind: opts.kind, configHash: opts.configHash });
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

function writeMarker(dir: string, m: RunMarker): void {
  const path = join(dir, RUN_MARKER);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, JSON.stringify(m) + "\n");
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fileError(err, path);
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

const heldLocks = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const path of heldLocks) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Takes `dir`'s lock file: created complete under a temporary name and hard-linked into place (link fails
 * when the lock exists, so two processes never both succeed). A lock left by a process that no longer
 * runs on this host is removed and taken over.
 */
export function takeLock(dir: string, onMessage?: (s: string) => void): RunDirClaim {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, JSON.stringify(info) + "\n");
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw fileError(err, tmp);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      }
      let other: Partial<LockInfo> = {};
      try {
        other = readJsonFile(path, 64 * 1024) as Partial<LockInfo>;
      } catch {
        // unreadable: treated as stale below only if it names no live process
      }
      const sameHost = other.host === undefined || other.host === info.host;
      if (!sameHost) {
        throw new UserError(`${dir}: in use by process ${other.pid} on host ${other.host} (lock ${path}); wait for it to finish, or delete the lock if that process is gone`, 1);
      }
      if (typeof other.pid === "number" && (other.pid === process.pid || pidAlive(other.pid))) {
        throw new UserError(`${dir}: in use by process ${other.pid} (running since ${other.started ?? "?"}; lock ${path}); wait for it to finish or stop it, or use another outDir (if no nanoinstruct process has that pid, delete the lock)`, 1);
      }
      onMessage?.(`${dir}: removed a stale lock left by process ${other.pid ?? "?"}, which is no longer running`);
      rmSync(path, { force: true });
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw fileError(err, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  installExitHook();
  heldLocks.add(path);
  return {
    dir,
    release() {
      if (!heldLocks.delete(path)) return;
      try {
        const cur = readJsonFile(path, 64 * 1024) as Partial<LockInfo>;
        if (cur.pid === process.pid) unlinkSync(path);
      } catch {
        // gone already
      }
    },
  };
}

/** Files a nanoinstruct model directory may hold (saveModel, the model card, LoRA adapters, pretraining's report). */
const MODEL_FILES = new Set([
  "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json",
  "merges.txt", "README.md", "generation_config.json", "pretrain-report.json", "adapter_config.json", "adapter_model.safetensors",
]);

/**
 * Null when `dir` may be replaced by a model directory: it does not exist, is empty, or holds only the files
 * of a nanoinstruct model (config.json with a "nanoinstruct" section). Otherwise why not.
 */
export function whyNotReplaceableModelDir(dir: string): string | null {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return "it exists and is not a directory";
  const names = entries(dir);
  if (names.length === 0) return null;
  const foreign = names.filter((n) => !MODEL_FILES.has(n) || !lstatSync(join(dir, n)).isFile());
  if (foreign.length) return `it holds files nanoinstruct did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""})`;
  try {
    const cfg = readJsonFile(join(dir, "config.json"), 1024 * 1024) as Record<string, unknown>;
    if (cfg && typeof cfg.nanoinstruct === "object" && cfg.nanoinstruct !== null) return null;
  } catch {
    // fall through
  }
  return "it is not a model directory written by nanoinstruct (config.json has no \"nanoinstruct\" section)";
}

/** Throws when `dest` may not receive an export of the run in `runDir` (see exportModelDir); checked before training. */
export function checkExportTarget(dest: string, runDir: string): void {
  checkOutputDir(dest, "exportDir");
  const d = realish(dest), r = realish(runDir);
  if (within(r, d)) throw new UserError(`${dest}: 'exportDir' is inside the run directory ${runDir} (it would replace the run's own files); choose a directory outside it`, 1);
  if (within(d, r)) throw new UserError(`${dest}: 'exportDir' contains the run directory ${runDir} (replacing it would delete the run); choose another directory`, 1);
  const why = whyNotReplaceableModelDir(dest);
  if (why) throw new UserError(`${dest}: refusing to replace 'exportDir': ${why}; choose another exportDir or empty it`, 1);
}

/**
 * Copies the model directory `src` to `dest` atomically: into a temporary sibling of `dest`, then renamed
 * into place. `dest` may not be inside the run directory `runDir` nor contain it, and an existing `dest`
 * is replaced only when it holds nothing but a nanoinstruct model's files.
 */
export function exportModelDir(src: string, dest: string, runDir: string): void {
  checkExportTarget(dest, runDir);
  const parent = dirname(resolve(dest));
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const tmp = join(parent, `.${basename(dest)}.export-${tag}.tmp`);
  const old = join(parent, `.${basename(dest)}.export-${tag}.old`);
  try {
    mkdirSync(parent, { recursive: true });
    cpSync(src, tmp, { recursive: true });
    const had = existsSync(dest);
    if (had) renameSync(dest, old);
    try {
      renameSync(tmp, dest);
    } catch (err) {
      if (had) renameSync(old, dest);
      throw err;
    }
    if (had) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw fileError(err, dest);
  }
}

/**
 * Checks an output directory that a command fills with files of known names (an evaluation's judgments,
 * summary and caches): refused when it holds anything else, unless `overwrite` (then only those names are
 * written). Hidden temporary files of atomic writes are not counted.
 */
export function checkOwnedOutputDir(dir: string, what: string, names: readonly string[], overwrite = false): void {
  checkOutputDir(dir, what);
  const foreign = entries(dir).filter((n) => !names.includes(n) && !n.startsWith("."));
  if (foreign.length && !overwrite) {
    throw new UserError(`${dir}: holds files this command did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); choose another ${what}, or pass --overwrite to write ${names.join(", ")} into it (nothing else there is touched)`, 1);
  }
}
