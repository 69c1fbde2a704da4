/** File helpers for tokenizer directories: fixed names only, readable errors, atomic writes. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { located, UserError } from "../errors";

/**
 * The path of `name` inside `dir`. Only bare file names are accepted, so nothing read from a config
 * (or passed by a caller) can reach outside the model directory via "..", "/" or a drive letter.
 */
export function fileIn(dir: string, name: string): string {
  if (name.length === 0 || name !== basename(name) || name === "." || name === ".." || /[\\/:\0]/.test(name)) {
    throw new UserError(`${dir}: refusing tokenizer file name ${JSON.stringify(name)} (must be a plain name inside the directory)`);
  }
  return join(dir, name);
}

export function exists(path: string): boolean {
  return existsSync(path);
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(located(path, undefined, code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(e)})`));
  }
}

/** Parses JSON, reporting syntax errors as `file:line: ...`. */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : undefined;
    throw new UserError(located(path, line, `invalid JSON (${msg.replace(/\s*\(line \d+ column \d+\)/, "")})`));
  }
}

/** Writes next to the target and renames over it, so readers never see a half-written file. */
export function writeAtomic(dir: string, name: string, content: string): void {
  const target = fileIn(dir, name);
  const tmp = fileIn(dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // best effort: the directory itself may be what is broken
    }
    throw new UserError(located(target, undefined, `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`));
  }
}
