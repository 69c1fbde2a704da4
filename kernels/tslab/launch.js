#!/usr/bin/env node
// Starts the tslab kernel with the repository root as its working folder, whatever folder Jupyter
// started it in. tslab pins TypeScript's rootDir to the working folder, so only then can a notebook in
// notebooks/ write `import { show } from "./lib/viz"` (a "../lib" import fails with "not under rootDir").
// Jupyter finds this through JUPYTER_PATH=<repo> (kernels/tslab/kernel.json), so no `tslab install`,
// no IPython and no global `tslab` on PATH are needed.
import { existsSync, statSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function configPathFromArgs(argv) {
  const i = argv.indexOf("--config-path");
  if (i < 0 || i + 1 >= argv.length) {
    console.error("usage: launch.js --config-path <connection file>");
    process.exit(2);
  }
  return argv[i + 1];
}

const configPath = configPathFromArgs(process.argv.slice(2));
process.chdir(ROOT);
let tslab;
try {
  tslab = createRequire(join(ROOT, "package.json"))("tslab/dist/main.js");
} catch (e) {
  console.error(`nanoinstruct kernel: cannot load tslab from ${ROOT}/node_modules (run \`npm install\` there): ${e.message}`);
  process.exit(1);
}
// startKernel is the entry tslab keeps stable for launchers; enableFindLocal=false because we already
// loaded the repository's own copy.
tslab.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: "" });
allowFolderImports();

/**
 * tslab type-checks `import ... from "./lib"` (TypeScript finds lib/index.ts) but then runs
 * require("./lib"), looks for its compiled "lib.js" among the modules it compiled in memory, misses, and
 * fails with "Cannot find module". We turn a relative import of a folder that has an index.ts into
 * ".../index", in two places:
 * - notebook cells call `require` from the `__tslab__` global (set by startKernel): wrapped there;
 * - files under lib/ compiled by tslab get their own `module.require` wrapper from tslab, which falls
 *   back to Module.prototype.require: patched there, and only for such modules (they have an own
 *   `require`); everything else goes straight to Node's require.
 */
function allowFolderImports() {
  const holder = globalThis.__tslab__;
  if (holder && typeof holder.require === "function") {
    holder.require = new Proxy(holder.require, {
      apply(target, thisArg, args) {
        const alt = args.length === 1 ? indexOf(ROOT, args[0]) : null;
        return Reflect.apply(target, thisArg, alt ? [alt] : args);
      },
    });
  }
  const nodeRequire = Module.prototype.require;
  Module.prototype.require = function require(id) {
    if (Object.prototype.hasOwnProperty.call(this, "require") && typeof this.filename === "string") {
      const alt = indexOf(dirname(this.filename), id);
      if (alt) return this.require(alt);
    }
    return nodeRequire.call(this, id);
  };
}

/** "./lib" -> "./lib/index" when base/lib is a folder with index.ts and there is no lib.ts; else null. */
function indexOf(base, id) {
  if (typeof id !== "string" || !/^\.\.?(\/|$)/.test(id) || /\/index$/.test(id)) return null;
  const dir = resolve(base, id);
  if (existsSync(dir + ".ts") || !existsSync(join(dir, "index.ts"))) return null;
  try {
    if (!statSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  return id.replace(/\/+$/, "") + "/index";
}
