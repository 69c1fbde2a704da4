/**
 * The plotly.js bundle that notebooks and reports inline, read from node_modules so that charts draw with
 * no internet. The cartesian build (1.5 MB) has every trace type the figure builders use.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { UserError } from "../errors";

export const PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min";
/** Path of another plotly.js build (e.g. the full one) to inline instead. */
export const PLOTLY_ENV = "NANOINSTRUCT_PLOTLY_JS";

let cached: { path: string; source: string } | undefined;

/**
 * Where module resolution may start. This file cannot use `import.meta.url`: tslab compiles lib/ to
 * CommonJS, where that syntax is an error. So: `__filename` when tslab provides it, else the running
 * script (bin/nanoinstruct.js, a test file) and the working folder.
 */
function searchBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === "string") bases.push(__filename);
  if (process.argv[1]) bases.push(resolve(process.argv[1]));
  bases.push(join(process.cwd(), "package.json"));
  return bases;
}

export function plotlyBundlePath(): string {
  const fromEnv = process.env[PLOTLY_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new UserError(`${PLOTLY_ENV}=${fromEnv}: no such file`);
    return resolve(fromEnv);
  }
  for (const base of searchBases()) {
    try {
      return createRequire(base).resolve(PLOTLY_PACKAGE);
    } catch {
      // try the next base
    }
  }
  throw new UserError(`cannot find the plotly.js bundle: run \`npm install\` (package ${PLOTLY_PACKAGE}) or set ${PLOTLY_ENV}`);
}

/** The bundle's source, read once per process. */
export function plotlyBundle(): string {
  const path = plotlyBundlePath();
  if (!cached || cached.path !== path) cached = { path, source: readFileSync(path, "utf8") };
  return cached.source;
}

/** A `<script>` element holding the bundle; `</script` cannot occur inside it, which we make sure of. */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">\n${plotlyBundle().replace(/<\/script/gi, "<\\/script")}\n</script>`;
}
