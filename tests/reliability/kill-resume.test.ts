// Crashes (issue #10): a tiny `nanoinstruct train` run is killed with SIGKILL at 10 seeded random points
// (some during training steps, some at a random moment after start, one inside a checkpoint write) and
// resumed with --resume each time. After every kill, every checkpoint on disk verifies against its manifest
// and nothing half-written looks complete; the resumed run ends exactly like an uninterrupted one (metrics,
// final loss, and the saved weights byte for byte). A damaged checkpoint is refused at load with one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listCheckpoints, readCheckpoint } from "../../lib/train/checkpoint";
import { NONDETERMINISTIC_FIELDS } from "../../lib/train/metrics";
import { failureProblems, runCli, runInProcess, seededRandom, spawnCli } from "./helpers";

const MAX_STEPS = 80;
const CONFIG = {
  model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", mode: "full", maxSteps: MAX_STEPS, batchSize: 2,
  learningRate: 0.003, seed: 3, checkpointEvery: 4, evalEvery: 6, evalFraction: 0.25, maxLength: 64,
};
const KILLS = 10;
const SEED = 10;
/** How long the test hook holds a checkpoint write open (the kill lands well inside it). */
const PAUSE_MS = "20000";

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const metricsPath = (dir: string) => join(dir, "metrics.jsonl");
const lines = (dir: string): Record<string, unknown>[] => existsSync(metricsPath(dir))
  ? readFileSync(metricsPath(dir), "utf8").split("\n").filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return []; // a line torn by the kill
    }
  })
  : [];
const stable = (ls: Record<string, unknown>[]) =>
  ls.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !(NONDETERMINISTIC_FIELDS as readonly string[]).includes(k))));
const inode = (p: string) => (existsSync(p) ? statSync(p).ino : -1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything on disk that claims to be a checkpoint must verify; returns the steps found. */
function checkCheckpoints(run: string): number[] {
  const root = join(run, "checkpoints");
  if (!existsSync(root)) return [];
  for (const name of readdirSync(root)) {
    if (name.startsWith(".")) continue; // a write in progress or killed midway: never listed, never loaded
    assert.match(name, /^step-\d+$/, `unexpected ${name} in checkpoints/`);
    assert.ok(existsSync(join(root, name, "manifest.json")), `${name} has no manifest (half-written but named like a checkpoint)`);
    readCheckpoint(join(root, name)); // throws on any hash mismatch
  }
  return listCheckpoints(run);
}

/** The hidden directory of a checkpoint write in progress, once its weights are on disk. */
function midWrite(run: string): string | undefined {
  const root = join(run, "checkpoints");
  if (!existsSync(root)) return undefined;
  const tmp = readdirSync(root).find((n) => /^\.step-\d+\.tmp-\d+$/.test(n) && existsSync(join(root, n, "model.safetensors")));
  return tmp && !existsSync(join(root, tmp, "manifest.json")) ? join(root, tmp) : undefined;
}

type Plan = { kind: "step"; at: number } | { kind: "time"; ms: number } | { kind: "checkpoint-write" };

test("SIGKILL at 10 random points, resumed each time: checkpoints always verify, the result equals an uninterrupted run", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-kill-"));
  const config = join(root, "cfg.json");
  writeFileSync(config, JSON.stringify({ ...CONFIG, outDir: join(root, "whole") }));
  const t0 = performance.now();
  try {
    // The uninterrupted reference runs alongside the first killed runs.
    const wholeRun = runCli(["train", "--config", config, "--quiet"]);
    const run = join(root, "killed");
    const rand = seededRandom(SEED);
    // Seeded plan: mostly kills at a random training step, two at a random moment after start (which may
    // be during start-up), and the fifth inside a checkpoint write.
    const plans: Plan[] = Array.from({ length: KILLS }, (_, i): Plan =>
      i === 4 ? { kind: "checkpoint-write" } : i === 2 || i === 7 ? { kind: "time", ms: 200 + Math.floor(rand() * 2500) } : { kind: "step", at: 0 });
    const log: string[] = [];
    let kills = 0, attempts = 0;
    while (kills < KILLS && attempts < 3 * KILLS) {
      attempts++;
      const plan = plans[kills];
      const done = checkCheckpoints(run);
      const from = done.length ? done[done.length - 1] : 0;
      // A step at most 10 past the last checkpoint, so that ten kills fit in one run of MAX_STEPS.
      if (plan.kind === "step") plan.at = from + 1 + Math.floor(rand() * Math.max(1, Math.min(10, MAX_STEPS - from - 2)));
      const oldLog = inode(metricsPath(run));
      const args = ["train", "--config", config, "--set", `outDir=${run}`, "--quiet", ...(attempts > 1 ? ["--resume"] : [])];
      const started = performance.now();
      const child = spawnCli(args, plan.kind === "checkpoint-write" ? { NANOINSTRUCT_TEST_CHECKPOINT_PAUSE_MS: PAUSE_MS } : {});
      let exited = false;
      void child.done.then(() => (exited = true));
      let landed = "";
      if (plan.kind === "time") {
        await sleep(plan.ms);
        landed = `${plan.ms} ms after start, ${inode(metricsPath(run)) === oldLog ? "still starting up" : `at step ${lines(run).filter((l) => l.type === "train").length}`}`;
      } else {
        for (;;) {
          if (exited) break;
          if (plan.kind === "checkpoint-write") {
            const tmp = midWrite(run);
            if (tmp) {
              landed = `inside the write of ${tmp.split("/").pop()}`;
              break;
            }
          } else if (inode(metricsPath(run)) !== oldLog) {
            // The resumed process has rewritten metrics.jsonl (a new file): what it holds now is its progress.
            const steps = lines(run).filter((l) => l.type === "train").length;
            if (steps >= plan.at) {
              landed = `at step ${steps} (target ${plan.at})`;
              break;
            }
          }
          await sleep(10);
        }
      }
      if (!exited) child.p.kill("SIGKILL");
      const r = await child.done;
      if (r.signal !== "SIGKILL") {
        // The run got to the end before the kill: it must have succeeded; the remaining kills start over
        // (a --resume with no checkpoint, which must start afresh).
        assert.equal(r.code, 0, r.stderr);
        log.push(`attempt ${attempts}: finished before the ${plan.kind} kill; starting over`);
        // On a fast machine a whole run can be shorter than the drawn moment: draw again within this run's length.
        if (plan.kind === "time") plan.ms = 200 + Math.floor(rand() * Math.max(1, 0.8 * (performance.now() - started) - 200));
        rmSync(run, { recursive: true, force: true });
        continue;
      }
      kills++;
      log.push(`kill ${kills} (${plan.kind}) ${landed}`);
      const after = checkCheckpoints(run);
      if (plan.kind === "checkpoint-write") {
        assert.ok(landed, "the checkpoint-write kill did not land inside a write");
        const hidden = readdirSync(join(run, "checkpoints")).filter((n) => n.startsWith(".step-"));
        assert.ok(hidden.length > 0, "the half-written checkpoint should be left hidden");
        assert.deepEqual(after, done, "the half-written checkpoint is not listed");
      }
      // A killed run has no final model that could pass for a finished one (unless it had finished training).
      if (existsSync(join(run, "model"))) {
        assert.equal(lines(run).filter((l) => l.type === "train").length, MAX_STEPS, "model/ exists after a kill mid-run");
      }
    }
    assert.equal(kills, KILLS, log.join("\n"));
    const final = await runCli(["train", "--config", config, "--set", `outDir=${run}`, "--quiet", "--resume"]);
    assert.equal(final.code, 0, final.stderr);
    const whole = await wholeRun;
    assert.equal(whole.code, 0, whole.stderr);
    checkCheckpoints(run);
    // Killed-midway checkpoint directories were cleaned up by the later writes.
    assert.deepEqual(readdirSync(join(run, "checkpoints")).filter((n) => n.startsWith(".")), []);

    const a = JSON.parse(whole.stdout), b = JSON.parse(final.stdout);
    // (config_hash differs: outDir is part of the config.)
    for (const k of ["steps", "final_train_loss", "eval_loss_start", "eval_loss", "eval_token_accuracy"]) assert.equal(b[k], a[k], k);
    assert.deepEqual(stable(lines(run)), stable(lines(join(root, "whole"))));
    assert.equal(sha(join(run, "model", "model.safetensors")), sha(join(root, "whole", "model", "model.safetensors")), "final weights differ");
    console.log(`kill-resume: ${kills} SIGKILLs (seed ${SEED}) in ${attempts} runs + 1 final resume; ` +
      `final loss ${b.final_train_loss} = uninterrupted; ${((performance.now() - t0) / 1000).toFixed(1)} s\n  ${log.join("\n  ")}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a damaged checkpoint (one flipped byte, a missing file, a lying manifest) is refused at load with one line", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-damaged-"));
  try {
    const config = join(root, "cfg.json");
    const run = join(root, "run");
    writeFileSync(config, JSON.stringify({ ...CONFIG, maxSteps: 8, evalEvery: 0, outDir: run }));
    const first = await runInProcess(["train", "--config", config, "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const ck = join(run, "checkpoints", "step-8");
    const pristine = new Map(["model.safetensors", "optimizer.safetensors", "state.json", "manifest.json"].map((f) => [f, readFileSync(join(ck, f))]));
    const restore = () => pristine.forEach((bytes, f) => writeFileSync(join(ck, f), bytes));
    const cases: [string, () => void, string, RegExp][] = [
      ["a flipped byte in the weights", () => {
        const b = Buffer.from(pristine.get("model.safetensors")!);
        b[b.length - 5] ^= 0x01;
        writeFileSync(join(ck, "model.safetensors"), b);
      }, "model.safetensors", /model\.safetensors: content hash does not match manifest\.json \(damaged checkpoint/],
      ["a flipped byte in the optimizer state", () => {
        const b = Buffer.from(pristine.get("optimizer.safetensors")!);
        b[200] ^= 0x80;
        writeFileSync(join(ck, "optimizer.safetensors"), b);
      }, "optimizer.safetensors", /optimizer\.safetensors: content hash does not match/],
      ["state.json edited", () => writeFileSync(join(ck, "state.json"), pristine.get("state.json")!.toString().replace(/"step": 8/, '"step": 9')), "state.json", /state\.json: content hash does not match/],
      ["a file deleted", () => rmSync(join(ck, "optimizer.safetensors")), "optimizer.safetensors", /optimizer\.safetensors: missing \(damaged checkpoint/],
      ["manifest cut off", () => writeFileSync(join(ck, "manifest.json"), pristine.get("manifest.json")!.subarray(0, 30)), "manifest.json", /manifest\.json: missing or not JSON/],
      ["manifest leaves a file out", () => {
        const m = JSON.parse(pristine.get("manifest.json")!.toString());
        delete m.files["state.json"];
        writeFileSync(join(ck, "manifest.json"), JSON.stringify(m));
      }, "manifest.json", /manifest\.json: files: no entry for state\.json/],
    ];
    let passed = 0;
    for (const [what, damage, file, place] of cases) {
      restore();
      damage();
      const r = await runInProcess(["train", "--config", config, "--resume", "--quiet"]);
      assert.deepEqual(failureProblems(r, file, place), [], `${what}: ${r.stderr}`);
      passed++;
    }
    restore();
    const ok = await runInProcess(["train", "--config", config, "--resume", "--quiet"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).resumed_from, 8);
    console.log(`damaged checkpoints: ${cases.length} kinds of damage tried, ${passed} refused with one line`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
