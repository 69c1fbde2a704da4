// The notebook runner, setup-jupyter.sh and `npm run lab` find the same Python: a conda env's (or a
// virtualenv's) before the system's, and a python3 on PATH that lacks Jupyter (a pyenv shim) is passed over.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const system = spawnSync("bash", ["scripts/find-python.sh", "json"], { encoding: "utf8", env: { ...process.env, CONDA_PREFIX: "", VIRTUAL_ENV: "" } }).stdout.trim();

function find(env: Record<string, string>, ...mods: string[]) {
  const r = spawnSync("bash", ["scripts/find-python.sh", ...mods], { encoding: "utf8", env: { ...process.env, CONDA_PREFIX: "", VIRTUAL_ENV: "", NANOINSTRUCT_PYTHON: "", ...env } });
  return { code: r.status, out: r.stdout.trim() };
}

test("find-python: NANOINSTRUCT_PYTHON, then an active conda env, then PATH, then /usr/bin/python3", { skip: !system && "no Python at all" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-findpy-"));
  try {
    // A conda env whose python has the modules (it is the system Python behind a wrapper).
    const conda = join(dir, "conda");
    mkdirSync(join(conda, "bin"), { recursive: true });
    writeFileSync(join(conda, "bin", "python"), `#!/bin/sh\nexec ${system} "$@"\n`);
    chmodSync(join(conda, "bin", "python"), 0o755);
    assert.deepEqual(find({ CONDA_PREFIX: conda }, "json"), { code: 0, out: join(conda, "bin", "python") });
    // A python3 first on PATH that lacks a module is skipped.
    const shims = join(dir, "shims");
    mkdirSync(shims);
    writeFileSync(join(shims, "python3"), `#!/bin/sh\nexec ${system} -c "import sys; sys.exit(1)"\n`);
    chmodSync(join(shims, "python3"), 0o755);
    const viaPath = find({ PATH: `${shims}:${process.env.PATH}` }, "json");
    assert.equal(viaPath.code, 0);
    assert.notEqual(viaPath.out, join(shims, "python3"));
    // NANOINSTRUCT_PYTHON is the only candidate when set.
    assert.deepEqual(find({ NANOINSTRUCT_PYTHON: join(conda, "bin", "python"), CONDA_PREFIX: "/nonexistent" }, "json"), { code: 0, out: join(conda, "bin", "python") });
    assert.equal(find({ NANOINSTRUCT_PYTHON: join(dir, "nope") }, "json").code, 1);
    // A module nobody has: exit 1, nothing printed.
    assert.deepEqual(find({}, "no_such_module_nanoinstruct"), { code: 1, out: "" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("setup scripts describe one environment: setup-system installs what lab needs; setup-jupyter points at environment.yml", async () => {
  const { readFileSync } = await import("node:fs");
  assert.match(readFileSync("scripts/setup-system.sh", "utf8"), /want=\([^)]*jupyter-notebook/);
  const yml = readFileSync("environment.yml", "utf8");
  for (const dep of ["nbclient", "nbformat", "jupyter_client", "nbconvert", "ipython", "notebook", "nodejs=20"]) assert.match(yml, new RegExp(`- ${dep}`), dep);
  assert.match(readFileSync("scripts/setup-jupyter.sh", "utf8"), /conda env create -f environment\.yml/);
});
