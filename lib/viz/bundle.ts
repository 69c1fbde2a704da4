/**
 * The plotly.js bundle that notebooks and reports inline, read from node_modules so that charts draw with
 * no internet. The cartesian build (1.5 MB) has every trace type the figure builders use.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRequire } from "../paths";
import { UserError } from "../errors";

export const PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min";
/** Path of another plotly.js build (e.g. the full one) to inline instead. */
export const PLOTLY_ENV = "NANOINSTRUCT_PLOTLY_JS";

let cached: { path: string; source: string } | undefined;

export function plotlyBundlePath(): string {
  const fromEnv = process.env[PLOTLY_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new UserError(`${PLOTLY_ENV}=${fromEnv}: no such file`);
    return resolve(fromEnv);
  }
  try {
    return repoRequire.resolve(PLOTLY_PACKAGE);
  } catch {
    throw new UserError(`cannot find the plotly.js bundle: run \`npm install\` (package ${PLOTLY_PACKAGE}) or set ${PLOTLY_ENV}`);
  }
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
