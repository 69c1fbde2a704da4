// `npm run lab` reaches a running kernel: Jupyter starts (as root with --allow-root, which lab.sh adds and
// explains; as a normal user without it), the repository's "tslab" kernelspec is found, and a TypeScript cell
// that imports the library runs. Skipped where no Jupyter Notebook/JupyterLab is installed (npm run setup).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const hasJupyter = spawnSync("bash", ["scripts/find-python.sh", "notebook"]).status === 0 || spawnSync("bash", ["scripts/find-python.sh", "jupyterlab"]).status === 0;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts lab.sh (through `wrap` for another user), runs a cell in a new tslab kernel, stops Jupyter. */
async function labRunsACell(wrap: string[], home: string): Promise<{ result: string; log: string }> {
  const port = await freePort();
  const token = `t${Date.now()}`;
  const args = [...wrap, "bash", "scripts/lab.sh", `--port=${port}`, "--no-browser", `--NotebookApp.token=${token}`, "--ServerApp.token=" + token];
  const env = { ...process.env, HOME: home, JUPYTER_RUNTIME_DIR: join(home, "runtime"), JUPYTER_CONFIG_DIR: join(home, "config"), JUPYTER_DATA_DIR: join(home, "data"), NANOINSTRUCT_SCALE: "smoke" };
  delete (env as Record<string, unknown>).DISPLAY;
  const lab = spawn(args[0], args.slice(1), { env, detached: true });
  let log = "";
  lab.stdout.on("data", (d) => (log += d));
  lab.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 60_000;
    while (!log.includes(`:${port}/`)) {
      if (Date.now() > deadline || lab.exitCode !== null) throw new Error(`Jupyter did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const client = spawnSync(process.execPath, ["--experimental-websocket", "--no-warnings", "tests/notebooks/lab-client.mjs", `http://127.0.0.1:${port}`, token], { encoding: "utf8", timeout: 150_000 });
    return { result: (client.stdout + client.stderr).trim(), log };
  } finally {
    try {
      process.kill(-lab.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    await new Promise((r) => lab.exitCode !== null ? r(null) : lab.once("close", r));
  }
}

test("npm run lab reaches a running kernel (as this user)", { skip: !hasJupyter && "no Jupyter Notebook/JupyterLab (npm run setup installs it)", timeout: 240_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), "nano-lab-"));
  try {
    const { result, log } = await labRunsACell([], home);
    assert.match(result, /^result: 16$/m, `${result}\n${log}`);
    if (isRoot) assert.match(log, /running as root, so Jupyter is started with --allow-root/);
    else assert.doesNotMatch(log, /--allow-root/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("npm run lab reaches a running kernel as a normal user", { skip: (!hasJupyter && "no Jupyter") || (!isRoot && "runs only as root (it switches to user nobody)") || (!hasSetpriv && "no setpriv"), timeout: 240_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), "nano-lab-user-"));
  chmodSync(home, 0o777);
  try {
    const { result, log } = await labRunsACell(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], home);
    assert.match(result, /^result: 16$/m, `${result}\n${log}`);
    assert.doesNotMatch(log, /allow-root/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
