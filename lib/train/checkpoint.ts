/**
 * Training checkpoints: `checkpoints/step-N/` holds the weights (and adapters), the optimizer's moments,
 * the data position and counters, and a manifest of content hashes. A checkpoint is written to a temporary
 * directory and renamed into place, so a crash mid-write never leaves one that looks complete; a damaged
 * one is detected at load by its hashes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors";
import { writeJsonAtomic } from "../fsutil";
import { readSafetensors, writeSafetensors, type TensorData } from "../model/safetensors";

export interface CheckpointState {
  /** Optimizer steps completed. */
  step: number;
  /** Training rows consumed so far (the data position). */
  rowsSeen: number;
  /** Best evaluation metric so far and evaluations without improvement (early stopping). */
  best: number | null;
  badEvals: number;
  /** Hash of the resolved run config: a resume with a different config is refused. */
  configHash: string;
  /** Optimizer step counter (for bias correction). */
  optimizerStep: number;
}

export interface CheckpointContents {
  state: CheckpointState;
  /** Trainable tensors (model or adapters) by name. */
  weights: Map<string, TensorData>;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Writes checkpoints/step-N atomically; returns its path. */
export function writeCheckpoint(runDir: string, c: CheckpointContents): string {
  const root = join(runDir, "checkpoints");
  mkdirSync(root, { recursive: true });
  const final = join(root, `step-${c.state.step}`);
  const tmp = join(root, `.step-${c.state.step}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeSafetensors(join(tmp, "model.safetensors"), c.weights, { format: "pt" });
  const opt = new Map<string, TensorData>();
  for (const [name, w] of c.weights) {
    opt.set(`m.${name}`, { shape: w.shape, data: c.m.get(name)! });
    opt.set(`v.${name}`, { shape: w.shape, data: c.v.get(name)! });
  }
  writeSafetensors(join(tmp, "optimizer.safetensors"), opt);
  writeJsonAtomic(join(tmp, "state.json"), c.state);
  const files: Record<string, string> = {};
  for (const f of ["model.safetensors", "optimizer.safetensors", "state.json"]) files[f] = sha256(join(tmp, f));
  writeJsonAtomic(join(tmp, "manifest.json"), { format: "nanoinstruct-checkpoint/1", files });
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return final;
}

/** Steps of the complete checkpoints in a run (a manifest present), ascending. */
export function listCheckpoints(runDir: string): number[] {
  const root = join(runDir, "checkpoints");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => /^step-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(root, m[0], "manifest.json")))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Reads and verifies a checkpoint directory; a missing file or wrong hash is a one-line UserError. */
export function readCheckpoint(dir: string): CheckpointContents {
  const manifestPath = join(dir, "manifest.json");
  let manifest: { files: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    throw new UserError(`${manifestPath}: missing or not JSON (damaged checkpoint)`, 2);
  }
  for (const [f, hash] of Object.entries(manifest.files ?? {})) {
    const p = join(dir, f);
    if (!existsSync(p)) throw new UserError(`${p}: missing (damaged checkpoint)`, 2);
    if (sha256(p) !== hash) throw new UserError(`${p}: content hash does not match manifest.json (damaged checkpoint)`, 2);
  }
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as CheckpointState;
  const weights = new Map<string, TensorData>();
  for (const [name, t] of readSafetensors(join(dir, "model.safetensors")).tensors) {
    weights.set(name, { shape: t.shape, data: t.data as Float32Array });
  }
  const m = new Map<string, Float32Array>(), v = new Map<string, Float32Array>();
  for (const [name, t] of readSafetensors(join(dir, "optimizer.safetensors")).tensors) {
    (name.startsWith("m.") ? m : v).set(name.slice(2), t.data as Float32Array);
  }
  return { state, weights, m, v };
}

/** Removes all but the newest `keep` checkpoints (0 keeps all). */
export function pruneCheckpoints(runDir: string, keep: number): void {
  if (keep <= 0) return;
  const steps = listCheckpoints(runDir);
  for (const s of steps.slice(0, Math.max(0, steps.length - keep))) {
    rmSync(join(runDir, "checkpoints", `step-${s}`), { recursive: true, force: true });
  }
}
