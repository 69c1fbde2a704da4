/**
 * Turns what the user typed for a model into a local directory holding config.json (+ model.safetensors):
 *   1. an existing directory path -> that directory;
 *   2. the name of a model bundled under <repo>/data/models/ -> its directory;
 *   3. otherwise a Hugging Face repo id -> downloaded into the cache (see hub.ts).
 * Anything that looks like a path (./x, ../x, /x, ~/x) and does not exist is an error, never a download.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { UserError } from "../errors";
import { downloadHubModel, looksLikeRepoId, type HubOptions } from "./hub";
import { closest } from "../suggest";

/** <repo>/data/models, from this file's location (lib/model/resolve.ts). */
export { BUNDLED_MODELS_DIR } from "../paths";
import { BUNDLED_MODELS_DIR } from "../paths";

export interface ResolveOptions {
  /** Where bundled models live; default BUNDLED_MODELS_DIR (tests point it elsewhere). */
  bundledDir?: string;
  /** Passed to the hub download. */
  hub?: HubOptions;
}

/** Names of the bundled models (subdirectories of data/models with a config.json), sorted. */
export function listBundledModels(bundledDir: string = BUNDLED_MODELS_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(bundledDir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith(".") && existsSync(join(bundledDir, n, "config.json"))).sort();
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p;
}

function looksLikePath(p: string): boolean {
  return isAbsolute(p) || p === "." || p === ".." || p.startsWith("./") || p.startsWith("../") || p.startsWith("~") ||
    p.includes("\\") || p.endsWith("/");
}

function checkModelDir(dir: string, what: string): string {
  if (!existsSync(join(dir, "config.json"))) {
    throw new UserError(`${what} ${dir} has no config.json (is it a model directory?)`, 2);
  }
  return dir;
}

/** Resolves a model name, path or hub id to a local model directory (see the module comment for the order). */
export async function resolveModelDir(name: string, options: ResolveOptions = {}): Promise<string> {
  if (name.trim() === "") throw new UserError("no model given (a directory, a bundled model name or a hub id)", 2);
  const path = expandHome(name);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new UserError(`${name} is a file; pass the model directory that contains it`, 2);
    return checkModelDir(path, "directory");
  }
  if (looksLikePath(name)) throw new UserError(`${name}: no such directory`, 2);

  const bundledDir = options.bundledDir ?? BUNDLED_MODELS_DIR;
  if (!name.includes("/") && !name.includes("@")) {
    const dir = join(bundledDir, name);
    if (existsSync(dir)) return checkModelDir(resolve(dir), "bundled model");
  }
  // A typo of a bundled name ("nano-bse") is not sent to the hub as a repo id.
  const near = name.includes("/") ? undefined : closest(name, listBundledModels(bundledDir));
  if (near) throw new UserError(`'${name}' is not a bundled model (did you mean '${near}'?)`, 2);
  if (!looksLikeRepoId(name)) {
    const bundled = listBundledModels(bundledDir);
    const list = bundled.length > 0 ? bundled.join(", ") : "none";
    throw new UserError(`'${name}' is not a directory, a bundled model (${list}) or a Hugging Face repo id`, 2);
  }
  return downloadHubModel(name, options.hub);
}
