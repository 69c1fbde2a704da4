/**
 * Model directories in and out: `loadModel(name)` accepts a directory, a bundled model name (`nano-base`)
 * or a Hugging Face repo id (`gpt2`), and returns the GPT with its tokenizer; `saveModel` writes a
 * directory that loads here and in Hugging Face transformers (config.json, model.safetensors, tokenizer).
 */
import { join, basename } from "node:path";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { UserError } from "../errors";
import { whyNotReplaceableModelDir } from "../rundir";
import { initEngine, type EngineInfo } from "../engine/backend";
import { GPT } from "./gpt";
import { readHFConfig, writeHFConfig, type GPTConfig, type HFConfigInfo } from "./config";
import { readSafetensors, writeSafetensors, type TensorData } from "./safetensors";
import { normalizeGpt2StateDict } from "./state-dict";
import { resolveModelDir, type ResolveOptions } from "./resolve";
import { loadTokenizer, type Tokenizer } from "../tokenizer";

export interface LoadedModel {
  model: GPT;
  tokenizer: Tokenizer;
  config: GPTConfig;
  /** The directory it was loaded from. */
  dir: string;
  /** What the caller asked for (name, path or repo id). */
  name: string;
  /** The parsed config.json, including our "nanoinstruct" extras (e.g. the chat template it was tuned with). */
  info: HFConfigInfo;
  engine: EngineInfo;
}

/** Reads a model directory's weights as host arrays by canonical name (no TF.js). */
export function readModelWeights(dir: string, config: GPTConfig): Map<string, Float32Array> {
  const file = join(dir, "model.safetensors");
  if (!existsSync(file)) {
    const hasBin = existsSync(join(dir, "pytorch_model.bin"));
    throw new UserError(hasBin
      ? `${dir}: only pytorch_model.bin found; nanoinstruct loads model.safetensors only (it never unpickles)`
      : `${file}: missing`, 2);
  }
  const st = readSafetensors(file);
  const tensors = normalizeGpt2StateDict(st.tensors, config, file);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of tensors) out.set(name, t.data);
  return out;
}

/** Loads a model and its tokenizer; initializes the engine if needed. */
export async function loadModel(name: string, options: ResolveOptions = {}): Promise<LoadedModel> {
  const dir = await resolveModelDir(name, options);
  const info = readHFConfig(dir);
  const config = info.config;
  if (config.bias === false) throw new UserError(`${join(dir, "config.json")}: models without biases are not supported`, 2);
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new UserError(`${join(dir, "config.json")}: vocab_size is ${config.vocabSize} but the tokenizer files in ${dir} have ${tokenizer.vocabSize} tokens (ids up to ${tokenizer.vocabSize - 1})`, 2);
  }
  const weights = readModelWeights(dir, config);
  const engine = await initEngine();
  const model = new GPT(config, weights);
  return { model, tokenizer, config, dir, name, info, engine };
}

export interface SaveModelOptions {
  /** Extra fields stored under config.json's "nanoinstruct" key (template, run, base model...). */
  extra?: Record<string, unknown>;
  /** Also saved as safetensors metadata. */
  metadata?: Record<string, string>;
  /** How the weights are stored: float32 (default) or float16 (half the size on disk; loading converts to float32). */
  weightsDtype?: "float32" | "float16";
}

/** Leftovers of saves killed midway (`.name.tmp-PID`, `.name.tmp-PID.old`) whose process is gone. */
function removeStaleSaves(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  const prefix = `.${name}.tmp-`;
  for (const e of entries) {
    if (!e.startsWith(prefix)) continue;
    const pid = Number(e.slice(prefix.length).replace(/\.old$/, ""));
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) rmSync(join(parent, e), { recursive: true, force: true });
  }
}

/**
 * Writes a model directory. The files go to a temporary sibling first and the directory is renamed into
 * place, so a reader never sees a half-written model.
 */
export async function saveModel(dir: string, model: GPT, tokenizer: Tokenizer, options: SaveModelOptions = {}): Promise<void> {
  // Replacing a directory deletes it: only an earlier save of a model may go.
  const why = whyNotReplaceableModelDir(dir);
  if (why) throw new UserError(`${dir}: refusing to replace it with the model: ${why}; move it or choose another directory`, 1);
  const weights = await model.weights();
  const tensors = new Map<string, TensorData>();
  for (const [name, v] of model.params) tensors.set(name, { shape: v.shape, data: weights.get(name)! });
  const tmp = join(dir, "..", `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  removeStaleSaves(join(dir, ".."), basename(dir));
  mkdirSync(tmp, { recursive: true });
  writeSafetensors(join(tmp, "model.safetensors"), tensors, { format: "pt", ...options.metadata }, options.weightsDtype === "float16" ? "F16" : "F32");
  writeHFConfig(tmp, model.config, { extra: options.extra, eosTokenId: tokenizer.eosId, bosTokenId: tokenizer.bosId ?? tokenizer.eosId });
  tokenizer.save(tmp);
  const old = `${tmp}.old`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}
