/**
 * Writing a mixture directory (mixture.jsonl + manifest.json) all at once: the files go into a temporary
 * directory next to the target, which is renamed into place only when complete, so a reader never sees a
 * half-written mixture and a crash leaves the old one (if any) intact.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../../errors";
import { checkOutputDir } from "../../rundir";
import { MANIFEST_FILE, type MixtureResult } from "./build";

export interface WriteMixtureOptions {
  /** Replace an existing directory. */
  force: boolean;
}

/** Entries of `dir` that are not a mixture's: anything but manifest.json and the file its "file" field names. */
function foreignFiles(dir: string): string[] {
  let file: unknown;
  try {
    file = (JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as { file?: unknown }).file;
  } catch {
    file = undefined;
  }
  return readdirSync(dir).filter((n) => n !== MANIFEST_FILE && n !== file);
}

/** Writes `result` as `dir/<manifest.file>` and `dir/manifest.json`; returns the two paths. */
export function writeMixture(result: MixtureResult, dir: string, options: Partial<WriteMixtureOptions> = {}): { jsonl: string; manifest: string } {
  checkOutputDir(dir, "--out");
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UserError(`${dir}: exists and is not a directory`, 2);
    if (!options.force) throw new UserError(`${dir}: already exists (use --force to replace it)`, 2);
    // --force replaces a mixture, never someone else's directory: only manifest.json and the data file it names.
    const foreign = foreignFiles(target);
    if (foreign.length) throw new UserError(`${dir}: refusing to replace it: it holds files a mixture does not (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); choose another --out`, 2);
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const tmp = join(parent, `.${basename(target)}.${tag}.tmp`);
  mkdirSync(tmp);
  try {
    writeFileSync(join(tmp, result.manifest.file), result.jsonl);
    writeFileSync(join(tmp, MANIFEST_FILE), JSON.stringify(result.manifest, null, 2) + "\n");
    if (existsSync(target)) {
      // Two renames: the old directory steps aside, the new one takes its name, then the old one goes.
      const old = join(parent, `.${basename(target)}.${tag}.old`);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { jsonl: join(dir, result.manifest.file), manifest: join(dir, MANIFEST_FILE) };
}
