/**
 * File writes that never leave a half-written file under the final name: everything is written to a
 * temporary file in the same directory, flushed to disk, then renamed over the target (rename is atomic
 * within one file system). A crash or Ctrl-C leaves at most a hidden `.name.<pid>.<rand>.tmp` file,
 * which `removeStaleTemps` clears once its writer is gone.
 */
import {
  closeSync, constants as fsConstants, fsyncSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync,
  statSync, writeSync, type Stats,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { firstLine, UserError } from "./errors";

const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** A fresh temporary path next to `path` (same directory, so the final rename stays on one file system). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** True when `name` is a temporary file made by `tempPathFor`. */
export function isTempName(name: string): boolean {
  return TEMP_RE.test(name);
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Deletes temporary files in `dir` left by processes that no longer run (a killed download or save). */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

/** Best effort: makes the rename itself durable. Not possible on every platform (Windows), hence the catch. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // ignore
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Calls `write(fd)` on a temporary file next to `path`, then fsyncs and renames it to `path`.
 * Creates the parent directory. On any error the temporary file is removed and the error rethrown.
 */
export function withAtomicFile(path: string, write: (fd: number) => void): void {
  const tmp = tempPathFor(path);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, "wx");
  } catch (err) {
    throw fileError(err, path);
  }
  let closed = false;
  try {
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(tmp, path);
  } catch (err) {
    if (!closed) closeSync(fd);
    rmSync(tmp, { force: true });
    // The OS's errors name the temporary file, or nothing (a write on a full disk): name the target instead.
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === "string" && e.path === tmp) delete e.path;
    throw fileError(err, path);
  }
  fsyncDir(dirname(path));
}

/** Writes all of `buf` at the current position of `fd` (writeSync may write less than asked). */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
}

/** Replaces `path` with `data` atomically (temp file, fsync, rename). Text is written as UTF-8. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  withAtomicFile(path, (fd) => writeAll(fd, bytes));
}

/** Writes `value` as pretty JSON (2-space indent, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * `dir/name`, refusing names that would land outside `dir` (absolute paths, `..`, NUL bytes) or name
 * `dir` itself. Use it for every file name that comes from a download, an archive or a config file.
 */
export function safeJoin(dir: string, name: string): string {
  if (name === "" || name.includes("\0") || isAbsolute(name) || /^[a-zA-Z]:/.test(name)) {
    throw new UserError(`refusing file name ${JSON.stringify(name)}: it must be a relative path inside ${dir}`, 1);
  }
  const full = resolve(dir, name);
  const rel = relative(resolve(dir), full);
  if (rel === "" || rel === ".." || rel.startsWith("../") || rel.startsWith("..\\") || isAbsolute(rel)) {
    throw new UserError(`refusing file name ${JSON.stringify(name)}: it leads outside ${dir}`, 1);
  }
  return join(dir, name);
}

/**
 * `safeJoin` for a name read from a manifest or config (`source`, named in the error), and the file there,
 * if it exists, must not be a symbolic link (or under one) that resolves outside `dir`. A missing file is
 * left for the reader to report.
 */
export function safeContainedPath(dir: string, name: string, source: string): string {
  let path: string;
  try {
    path = safeJoin(dir, name);
  } catch (err) {
    throw new UserError(`${source}: ${(err as Error).message}`, 1);
  }
  let real: string, realDir: string;
  try {
    real = realpathSync(path);
    realDir = realpathSync(dir);
  } catch {
    return path;
  }
  const rel = relative(realDir, real);
  if (rel === "" || rel === ".." || rel.startsWith("../") || rel.startsWith("..\\") || isAbsolute(rel)) {
    throw new UserError(`${source}: refusing file name ${JSON.stringify(name)}: it is a link to ${real}, outside ${dir}`, 1);
  }
  return path;
}

const ERRNO_ADVICE: Record<string, string> = {
  ENOSPC: "no space left on the device; free some space (the last checkpoint is still valid) and run again (with --resume to continue a training run)",
  EDQUOT: "disk quota exceeded; free some space and run again",
  EACCES: "permission denied; choose a path you can write to or fix its permissions",
  EPERM: "operation not permitted; choose a path you can write to or fix its permissions",
  EROFS: "the file system is read-only; choose a writable directory",
  ENOTDIR: "a file is where a directory should be; move that file or choose another path",
  EISDIR: "a directory is where a file should be; move that directory or choose another path",
  EEXIST: "something already exists there; move it or choose another path",
  ENAMETOOLONG: "the path is too long",
  EMFILE: "too many open files; raise the limit (ulimit -n)",
  EIO: "input/output error from the device",
};

/**
 * An operating-system error (`ENOSPC`, `EACCES`, `ENOTDIR`, ...) as a one-line UserError naming the path and
 * what to do; anything else (including UserErrors) is returned unchanged.
 */
export function fileError(err: unknown, path: string): Error {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return err as Error;
  const where = typeof e.path === "string" ? e.path : path;
  const advice = ERRNO_ADVICE[code] ?? firstLine(e.message ?? code).replace(/^[A-Z0-9]+: /, "");
  return new UserError(`${where}: ${advice} (${code})`, code === "ENOSPC" || code === "EDQUOT" || code === "EIO" ? 1 : 2);
}

/**
 * Checks that `path` is a regular file (after links) before it is opened: a FIFO would block the read
 * forever, and a device (/dev/zero, /dev/urandom) never ends. `what` names it in the error.
 */
export function assertRegularFile(path: string, what = "file"): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(`${path}: no such file`, 2);
    throw fileError(err, path);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO (named pipe)" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : st.isSocket() ? "a socket" : "not a regular file";
    throw new UserError(`${path}: the ${what} is ${kind}, not a regular file`, 2);
  }
  return st;
}

/**
 * Reads a small text file (a config, a model's config.json or tokenizer.json): a regular file of at most
 * `maxBytes`, opened without blocking; one-line errors naming the path.
 */
export function readTextFileCapped(path: string, maxBytes: number, what = "file"): string {
  const st = assertRegularFile(path, what);
  if (st.size > maxBytes) throw new UserError(`${path}: the ${what} is ${st.size} bytes, more than the ${maxBytes} a ${what} may have`, 2);
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw fileError(err, path);
  }
  try {
    // The file may have grown since the stat: read at most one byte more than the cap, and refuse if it is there.
    const buf = Buffer.alloc(Math.min(maxBytes, st.size) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) {
        if (n > maxBytes) throw new UserError(`${path}: the ${what} is more than the ${maxBytes} bytes a ${what} may have`, 2);
        break;
      }
    }
    return buf.subarray(0, n).toString("utf8");
  } catch (err) {
    throw fileError(err, path);
  } finally {
    closeSync(fd);
  }
}
