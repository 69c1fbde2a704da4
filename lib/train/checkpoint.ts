/**
 * Training checkpoints: `checkpoints/step-N/` holds the weights (and adapters), the optimizer's moments,
 * the data position and counters, and a manifest of content hashes. A checkpoint is written to a temporary
 * directory and renamed into place, so a crash mid-write never leaves one that looks complete; a damaged
 * one is detected at load by its hashes.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorLine, UserError } from "../errors";
import { readJsonFile } from "../config";
import { fileError, safeContainedPath, writeJsonAtomic } from "../fsutil";
import { readSafetensors, writeSafetensors, type TensorData } from "../model/safetensors";

/** The files of a checkpoint, all listed with their hashes in manifest.json. */
const CHECKPOINT_FILES = ["model.safetensors", "optimizer.safetensors", "state.json"] as const;
const MANIFEST_FORMAT = "nanoinstruct-checkpoint/1";
/** A write in progress (`tmp`) or a checkpoint being removed (`old`), by the pid doing it: hidden, never listed. */
const TMP_RE = /^\.step-\d+\.(?:tmp|old)-(\d+)$/;

/**
 * Test hook, read only by the reliability suite: NANOINSTRUCT_TEST_CHECKPOINT_PAUSE_MS=N makes every
 * checkpoint write stop for N ms halfway (weights written, manifest not), so that a test can SIGKILL the
 * process exactly there. Unset, it costs one environment lookup per checkpoint.
 */
function testPauseMidWrite(): void {
  const ms = Number(process.env.NANOINSTRUCT_TEST_CHECKPOINT_PAUSE_MS);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a checkpoint directory without ever leaving a half-deleted one under its listed name: a recursive
 * delete killed midway could leave step-N without its manifest. It is first renamed to a hidden name (one
 * atomic step); what a kill leaves of it there is cleaned up by a later write.
 */
function removeCheckpointDir(root: string, name: string): void {
  const dir = join(root, name);
  if (!existsSync(dir)) return;
  const trash = join(root, `.${name}.old-${process.pid}`);
  rmSync(trash, { recursive: true, force: true });
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
}

/** Half-written or half-removed checkpoint directories of processes that were killed: never listed, but they hold disk space. */
function removeStaleTemps(root: string): void {
  for (const name of readdirSync(root)) {
    const m = TMP_RE.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

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
  const tmp = join(root, `.step-${c.state.step}.tmp-${process.pid}`);
  try {
    return writeCheckpointIn(root, tmp, c);
  } catch (err) {
    // A full disk or a permission problem: the previous checkpoints are untouched; say where, in one line.
    try {
      rmSync(tmp, { recursive: true, force: true });
    } catch {
      // best effort
    }
    throw fileError(err, join(root, `step-${c.state.step}`));
  }
}

function writeCheckpointIn(root: string, tmp: string, c: CheckpointContents): string {
  mkdirSync(root, { recursive: true });
  removeStaleTemps(root);
  const final = join(root, `step-${c.state.step}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeSafetensors(join(tmp, "model.safetensors"), c.weights, { format: "pt" });
  testPauseMidWrite();
  const opt = new Map<string, TensorData>();
  for (const [name, w] of c.weights) {
    opt.set(`m.${name}`, { shape: w.shape, data: c.m.get(name)! });
    opt.set(`v.${name}`, { shape: w.shape, data: c.v.get(name)! });
  }
  writeSafetensors(join(tmp, "optimizer.safetensors"), opt);
  writeJsonAtomic(join(tmp, "state.json"), c.state);
  const files: Record<string, string> = {};
  for (const f of CHECKPOINT_FILES) files[f] = sha256(join(tmp, f));
  writeJsonAtomic(join(tmp, "manifest.json"), { format: MANIFEST_FORMAT, files });
  removeCheckpointDir(root, `step-${c.state.step}`);
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

/**
 * Reads and verifies a checkpoint directory: the manifest must list exactly the checkpoint's files, by plain
 * names that stay inside `dir` (no "..", absolute paths or links out), and every hash must match. Anything
 * else is a one-line UserError naming the file.
 */
export function readCheckpoint(dir: string): CheckpointContents {
  const manifestPath = join(dir, "manifest.json");
  const damaged = `damaged checkpoint; delete ${dir} to resume from the one before it`;
  let manifest: unknown;
  try {
    manifest = readJsonFile(manifestPath, 1024 * 1024, "checkpoint manifest");
  } catch {
    throw new UserError(`${manifestPath}: missing or not JSON (${damaged})`, 2);
  }
  const files = (manifest as { files?: unknown } | null)?.files;
  if ((manifest as { format?: unknown }).format !== MANIFEST_FORMAT || typeof files !== "object" || files === null || Array.isArray(files)) {
    throw new UserError(`${manifestPath}: not a ${MANIFEST_FORMAT} manifest with a 'files' object (${damaged})`, 2);
  }
  const listed = files as Record<string, unknown>;
  for (const [f, hash] of Object.entries(listed)) {
    // Checked before any use of the name: a manifest is data, and names in it may point anywhere.
    const p = safeContainedPath(dir, f, `${manifestPath}: files`);
    if (!(CHECKPOINT_FILES as readonly string[]).includes(f)) throw new UserError(`${manifestPath}: files: unexpected entry ${JSON.stringify(f)} (${damaged})`, 2);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) throw new UserError(`${manifestPath}: files.${f}: not a sha256 hash (${damaged})`, 2);
    if (!existsSync(p)) throw new UserError(`${p}: missing (${damaged})`, 2);
    if (lstatSync(p).isSymbolicLink()) throw new UserError(`${p}: is a symbolic link; checkpoint files must be regular files (${damaged})`, 2);
    if (sha256(p) !== hash) throw new UserError(`${p}: content hash does not match manifest.json (${damaged})`, 2);
  }
  for (const f of CHECKPOINT_FILES) {
    if (!Object.prototype.hasOwnProperty.call(listed, f)) throw new UserError(`${manifestPath}: files: no entry for ${f} (${damaged})`, 2);
  }
  const statePath = join(dir, "state.json");
  let state: CheckpointState;
  try {
    state = readJsonFile(statePath, 1024 * 1024, "checkpoint state") as CheckpointState;
  } catch (err) {
    throw new UserError(`${statePath}: not valid JSON (${errorLine(err)}; ${damaged})`, 2);
  }
  for (const k of ["step", "rowsSeen", "badEvals", "optimizerStep"] as const) {
    if (!Number.isSafeInteger(state[k]) || state[k] < 0) throw new UserError(`${statePath}: '${k}' must be a non-negative integer, got ${JSON.stringify(state[k])} (${damaged})`, 2);
  }
  if (typeof state.configHash !== "string") throw new UserError(`${statePath}: 'configHash' must be a string (${damaged})`, 2);
  const weights = new Map<string, TensorData>();
  for (const [name, t] of readSafetensors(join(dir, "model.safetensors")).tensors) {
    if (!(t.data instanceof Float32Array)) throw new UserError(`${join(dir, "model.safetensors")}: tensor '${name}' is ${t.dtype}, expected a float tensor`, 2);
    weights.set(name, { shape: t.shape, data: t.data });
  }
  const optPath = join(dir, "optimizer.safetensors");
  const m = new Map<string, Float32Array>(), v = new Map<string, Float32Array>();
  for (const [name, t] of readSafetensors(optPath).tensors) {
    const w = weights.get(name.slice(2));
    if (!/^[mv]\./.test(name) || !w) throw new UserError(`${optPath}: unexpected tensor '${name}' (expected m.<weight> and v.<weight>)`, 2);
    if (!(t.data instanceof Float32Array) || t.data.length !== w.data.length) {
      throw new UserError(`${optPath}: tensor '${name}' has shape [${t.shape}] but its weight has [${w.shape}]`, 2);
    }
    (name.startsWith("m.") ? m : v).set(name.slice(2), t.data);
  }
  for (const name of weights.keys()) {
    if (!m.has(name) || !v.has(name)) throw new UserError(`${optPath}: no optimizer moments for '${name}'`, 2);
  }
  return { state, weights, m, v };
}

/** Removes all but the newest `keep` checkpoints (0 keeps all). */
export function pruneCheckpoints(runDir: string, keep: number): void {
  if (keep <= 0) return;
  const steps = listCheckpoints(runDir);
  for (const s of steps.slice(0, Math.max(0, steps.length - keep))) {
    removeCheckpointDir(join(runDir, "checkpoints"), `step-${s}`);
  }
}
