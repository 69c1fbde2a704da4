#!/usr/bin/env node
// `npm run notebooks [-- filters...]`: executes notebooks/*.ipynb headless with the repository's tslab
// kernel (kernels/tslab) and saves executed copies to notebooks/.executed/, also when a cell fails.
// Prints the failing cell and its stderr; exits 1 when any notebook failed, 3 when Jupyter is missing.
//   --scale S     NANOINSTRUCT_SCALE for the kernel (default: $NANOINSTRUCT_SCALE, else "smoke")
//   --html        also write notebooks/.executed/<name>.html
//   --timeout N   seconds per cell
//   --check       only check that everything needed is installed (exit 0 or 3)
// The Python side is scripts/run_notebooks.py (nbclient), run by the Python scripts/find-python.sh finds
// ($NANOINSTRUCT_PYTHON, an active conda env or virtualenv, python3 on PATH, /usr/bin/python3).
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NOTEBOOK_DIR = join(ROOT, "notebooks");
const DEFAULT_SCALE = "smoke";
const PYTHON = findPython();

/**
 * The first Python with nbclient, nbformat and jupyter_client, in find-python.sh's order (a conda env's
 * before the system's); when none has them, the one named or the system's, so the error names it.
 */
function findPython() {
  const r = spawnSync("bash", [join(ROOT, "scripts", "find-python.sh"), "nbclient", "nbformat", "jupyter_client"], { encoding: "utf8" });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  return process.env.NANOINSTRUCT_PYTHON || (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}
// tslab require()s ESM-only packages (arquero), which Node does without a flag from 20.19 on.
const MIN_NODE = [20, 19];

function usage(msg) {
  if (msg) console.error(`notebooks: ${msg}`);
  console.error("usage: node scripts/notebooks.js [--scale S] [--html] [--timeout N] [--check] [filter...]");
  process.exit(2);
}

function parseArgs(argv) {
  const o = { scale: process.env.NANOINSTRUCT_SCALE || DEFAULT_SCALE, html: false, timeout: null, check: false, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--html") o.html = true;
    else if (a === "--check") o.check = true;
    else if (a === "--scale" || a === "--timeout") {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      if (a === "--scale") o.scale = v;
      else if (!/^\d+$/.test(v)) usage(`--timeout must be a whole number of seconds, got ${v}`);
      else o.timeout = v;
    } else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else o.filters.push(a);
  }
  return o;
}

/** What is missing to run notebooks, as lines to print; empty when all is there. */
function missing() {
  const out = [];
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    out.push(`Node ${process.versions.node}: notebooks need Node >= ${MIN_NODE.join(".")} (tslab require()s ESM-only packages)`);
  }
  if (!existsSync(join(ROOT, "node_modules", "tslab", "dist", "main.js"))) out.push("tslab is not installed: run `npm install`");
  const py = spawnSync(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"], { encoding: "utf8" });
  if (py.error || py.status !== 0) {
    out.push(`${PYTHON} lacks Jupyter's nbclient/nbformat/jupyter_client: run scripts/setup-jupyter.sh (it installs them or says how)`);
  }
  return out;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const problems = missing();
  if (problems.length) {
    for (const p of problems) console.error(`notebooks: ${p}`);
    process.exit(3);
  }
  if (o.check) {
    console.log(`notebooks: ready (${PYTHON}, kernelspec ${relative(process.cwd(), join(ROOT, "kernels", "tslab"))})`);
    return;
  }
  const all = readdirSync(NOTEBOOK_DIR).filter((f) => f.endsWith(".ipynb")).sort();
  const chosen = all.filter((f) => o.filters.length === 0 || o.filters.some((s) => f.includes(s)));
  if (chosen.length === 0) {
    console.error(`notebooks: no notebook in notebooks/ matches ${o.filters.join(", ") || "(none there)"}`);
    process.exit(2);
  }
  const args = [join(ROOT, "scripts", "run_notebooks.py"), ...chosen.map((f) => join(NOTEBOOK_DIR, f))];
  if (o.html) args.push("--html");
  if (o.timeout) args.push("--timeout", o.timeout);
  console.log(`notebooks: running ${chosen.length} with NANOINSTRUCT_SCALE=${o.scale}`);
  const r = spawnSync(PYTHON, args, { stdio: "inherit", env: { ...process.env, NANOINSTRUCT_SCALE: o.scale } });
  if (r.error) {
    console.error(`notebooks: cannot run ${PYTHON}: ${r.error.message}`);
    process.exit(3);
  }
  process.exit(r.status ?? 1);
}

main();
