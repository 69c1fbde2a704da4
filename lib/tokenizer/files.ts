/** File helpers for tokenizer directories: fixed names only, readable errors, atomic writes. */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { located, UserError } from "../errors";
import { readTextFileCapped } from "../fsutil";
import { findJsonError } from "../json-text";

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

/** The most a tokenizer file may hold (GPT-2's tokenizer.json is 1.4 MB; the largest published ones are tens of MB). */
export const MAX_TOKENIZER_FILE_BYTES = 128 * 1024 * 1024;

/** A tokenizer file's text: a regular file (not a FIFO or a link to /dev/zero) of at most MAX_TOKENIZER_FILE_BYTES. */
export function readText(path: string): string {
  if (!existsSync(path)) throw new UserError(located(path, undefined, "file not found"));
  return readTextFileCapped(path, MAX_TOKENIZER_FILE_BYTES, "tokenizer file");
}

/** Parses JSON, reporting syntax errors as `file:line: ...`. */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    // The engine's message quotes the text; say where instead, with a short escaped excerpt at most (the file
    // may be anything, e.g. a link to /etc/passwd).
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const at = pos ? Number(pos[1]) : findJsonError(text)?.at;
    const line = at !== undefined ? text.slice(0, at).split("\n").length : undefined;
    const where = at !== undefined ? `at position ${at}, near ${JSON.stringify(text.slice(at, at + 12))}` : text.trim() === "" ? "the file is empty" : "unexpected end";
    throw new UserError(located(path, line, `invalid JSON (${where})`));
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
