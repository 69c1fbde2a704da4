/**
 * Where nanoinstruct's files are, found without `import.meta`: lib/ runs both as ES modules (CLI, tests,
 * through tsx) and compiled to CommonJS inside the tslab notebook kernel, where `import.meta` is a
 * syntax error. CommonJS gives `__dirname`; under ESM the path comes from a stack frame of this file.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

function thisDir(): string {
  if (typeof __dirname !== "undefined") return __dirname;
  const frame = (new Error().stack ?? "").split("\n").find((l) => /paths\.[cm]?[jt]s/.test(l)) ?? "";
  const m = frame.match(/\(?((?:file:\/\/)?\/[^():]+paths\.[cm]?[jt]s)/);
  if (!m) throw new Error("nanoinstruct: cannot locate lib/ (unexpected stack format)");
  return dirname(m[1].startsWith("file://") ? fileURLToPath(m[1]) : m[1]);
}

/** The lib/ directory. */
export const LIB_DIR = thisDir();
/** The repository (package) root. */
export const REPO_ROOT = join(LIB_DIR, "..");
/** Bundled models: data/models/<name>/. */
export const BUNDLED_MODELS_DIR = join(REPO_ROOT, "data", "models");
/** A `require` that resolves packages from the repository (optional backends, plotly bundles). */
export const repoRequire = createRequire(join(REPO_ROOT, "package.json"));
