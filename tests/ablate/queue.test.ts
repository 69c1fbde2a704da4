// The grid past one machine, against a real redis-server started here: a coordinator and two
// `nanoinstruct worker` processes; one worker is SIGKILLed mid-cell. Its cell process must die with it,
// its job must be finished by the other worker, no cell may run to completion twice, and the table must
// equal the local runner's on the same grid. A second coordinator then takes every result from Redis,
// and a failing cell is retried on the workers, then reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { loadGrid } from "../../lib/ablate/grid";
import { runGrid } from "../../lib/ablate/runner";
import { doneKey, runsKey } from "../../lib/ablate/queue";
import { TINY_BASE } from "./helpers";

const REDIS_SERVER = "/usr/bin/redis-server";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

interface Proc { p: ChildProcess; out: () => string }
function start(args: string[]): Proc {
  const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  p.stdout!.on("data", (d) => (text += d));
  p.stderr!.on("data", (d) => (text += d));
  return { p, out: () => text };
}

/** Columns that do not depend on timing or on where a cell ran. */
const stable = (rows: Record<string, unknown>[]) => rows.map(({ seconds, attempts, train_seconds, eval_seconds, ...rest }) => rest);
const readRows = (dir: string) => readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

test("queue: two workers, one SIGKILLed mid-cell: nothing lost, nothing run twice, same table as a local run", { timeout: 1_800_000 }, async (t) => {
  if (!existsSync(REDIS_SERVER)) {
    t.skip(`${REDIS_SERVER} not found (apt-get install redis-server, or npm run setup): the distributed ablation test needs a real Redis`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), "nano-ablate-queue-"));
  const port = await freePort();
  const server = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", root], { stdio: ["ignore", "pipe", "pipe"] });
  let serverOut = "";
  server.stdout!.on("data", (d) => (serverOut += d));
  const procs: Proc[] = [];
  const url = `redis://127.0.0.1:${port}`;
  let redis: Redis | undefined;
  try {
    await until("redis-server to start", () => serverOut.includes("Ready to accept connections"), 60_000);
    redis = new Redis(url);
    const queueName = "test-queue";
    const gridFile = join(root, "grid.json");
    writeFileSync(gridFile, JSON.stringify({ name: "queue-test", base: TINY_BASE, axes: { "finetune.maxSteps": [1, 2] }, seeds: [0, 1], plot: { metric: "eval_loss" } }));

    // Two workers, started now so that they load while the reference runs.
    const worker = (name: string, concurrency: number) => start([
      "worker", "--queue", url, "--queue-name", queueName, "--work-dir", join(root, name), "--concurrency", String(concurrency),
      "--lock-duration", "5000", "--stalled-interval", "1000",
    ]);
    const w1 = worker("w1", 1), w2 = worker("w2", 2);
    procs.push(w1, w2);

    // The reference: the same grid run here.
    const local = await runGrid(loadGrid(gridFile), { out: join(root, "local"), concurrency: 2, retries: 0 });
    assert.deepEqual(local.failed, []);
    const ids = local.cells.map((c) => c.id);

    // w1 listens before any job exists and w2 takes at most two of the four, so w1 surely gets one to be killed in.
    await until("worker 1 to listen", () => w1.out().includes("waiting for cells"), 600_000);
    const coordinator = start(["ablate", "--grid", gridFile, "--out", join(root, "queue"), "--queue", url, "--queue-name", queueName]);
    procs.push(coordinator);
    const coordinatorDone = new Promise<number | null>((r) => coordinator.p.on("close", (code) => r(code)));

    // Kill w1 once its cell process is inside the cell (it has written its config.json) and not done.
    await until("worker 1 to start a cell", () => /started \(pid \d+\)/.test(w1.out()), 600_000);
    const [, killedCell, childPid] = w1.out().match(/(\S+): started \(pid (\d+)\)/)!;
    const killedDir = join(root, "w1", "queue-test", killedCell);
    await until("the cell to be under way", () => existsSync(join(killedDir, "config.json")), 600_000);
    assert.ok(!existsSync(join(killedDir, "result.json")), "still mid-cell");
    w1.p.kill("SIGKILL");
    await until("the killed worker's cell process to exit", () => !alive(Number(childPid)), 30_000);

    const code = await coordinatorDone;
    assert.equal(code, 0, coordinator.out());
    assert.match(coordinator.out(), /4\/4 cells finished/);

    // Same table as the local run, in the same order.
    const rows = readRows(join(root, "queue"));
    assert.deepEqual(stable(rows), stable(readRows(join(root, "local"))));
    assert.deepEqual(rows.map((r) => r.id), ids);
    // Every cell's item outcomes came back over the queue (the paired statistics need them), the same as here.
    for (const id of ids) {
      const here = readFileSync(join(root, "local", "cells", id, "items.jsonl"), "utf8");
      assert.ok(here.trim().length > 0, `${id}: no items locally`);
      assert.equal(readFileSync(join(root, "queue", "cells", id, "items.jsonl"), "utf8"), here, `${id}: items differ`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(root, "queue", "findings.json"), "utf8")).settings, JSON.parse(readFileSync(join(root, "local", "findings.json"), "utf8")).settings);

    // Each cell ran to completion exactly once: counted by the workers, and by the result.json files on their disks.
    assert.deepEqual(await redis.hgetall(runsKey(queueName, "queue-test")), Object.fromEntries(ids.map((id) => [id, "1"])));
    assert.equal(await redis.hlen(doneKey(queueName, "queue-test")), 4);
    for (const id of ids) {
      const finishedOn = ["w1", "w2"].filter((w) => existsSync(join(root, w, "queue-test", id, "result.json")));
      assert.equal(finishedOn.length, 1, `${id} finished on ${finishedOn.join(", ")}`);
    }
    assert.ok(!existsSync(join(killedDir, "result.json")), "the killed cell did not finish on the dead worker");
    assert.ok(existsSync(join(root, "w2", "queue-test", killedCell, "result.json")), "the other worker finished it");
    const status = JSON.parse(readFileSync(join(root, "queue", "cells", killedCell, "status.json"), "utf8"));
    assert.equal(status.worker.split(":").pop(), String(w2.p.pid));
    assert.match(readFileSync(join(root, "queue", "cells", killedCell, "log.txt"), "utf8"), /ran on worker .*the tail of its log/s);

    // A new coordinator (fresh output folder) enqueues nothing: every result comes from the markers.
    const lines: string[] = [];
    const again = await runGrid(loadGrid(gridFile), { out: join(root, "again"), queue: url, queueSettings: { queueName }, onProgress: (l) => lines.push(l) });
    assert.deepEqual(again.failed, []);
    assert.ok(!lines.some((l) => l.includes("enqueued")), lines.join("\n"));
    assert.deepEqual(stable(readRows(join(root, "again"))), stable(rows));
    assert.deepEqual(await redis.hgetall(runsKey(queueName, "queue-test")), Object.fromEntries(ids.map((id) => [id, "1"])));

    // A cell that fails on the workers is retried there, then reported with the workers' log.
    const badFile = join(root, "bad.json");
    writeFileSync(badFile, JSON.stringify({ name: "queue-bad", base: { ...TINY_BASE, model: "/nonexistent/nano-model" } }));
    const badLines: string[] = [];
    const bad = await runGrid(loadGrid(badFile), { out: join(root, "bad"), queue: url, queueSettings: { queueName }, retries: 1, onProgress: (l) => badLines.push(l) });
    assert.equal(bad.failed.length, 1);
    assert.match(bad.failed[0].error!, /^exit code 2: nanoinstruct: \/nonexistent\/nano-model: no such directory/);
    assert.match(badLines.join("\n"), /retrying base_[0-9a-f]{8} \(attempt 2 of 2\): exit code 2: .*no such directory/);
    const [badRow] = readRows(join(root, "bad"));
    assert.equal(badRow.status, "failed");
    assert.equal(badRow.attempts, 2);
    const badLog = readFileSync(join(root, "bad", "cells", badRow.id as string, "log.txt"), "utf8");
    assert.equal(badLog.match(/^--- .* attempt \d on /gm)?.length, 2, badLog);
    assert.equal(await redis.hlen(runsKey(queueName, "queue-bad")), 0);
  } finally {
    for (const { p } of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    redis?.disconnect();
    server.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  }
});
