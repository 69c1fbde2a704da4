/**
 * The one place configs are read: JSON files (with `//` comment keys at any depth), `--set key=value`
 * overrides, own-property key checks with typo hints, type checks, and canonical hashing. The recipes
 * (fine-tuning, pretraining, ablation cells and grids, the quickstart) resolve their configs through these
 * functions once, at the boundary, and pass the resolved object on; library code never reads a config
 * any other way, and never imports from lib/cli/.
 *
 * Keys are always checked as own properties (`Object.hasOwn`), never with `in`, and `__proto__`,
 * `constructor` and `prototype` are refused wherever a key is read, so no config can reach
 * `Object.prototype`.
 */
import { createHash } from "node:crypto";
import { availableParallelism, totalmem } from "node:os";
import { UserError } from "./errors";
import { readTextFileCapped } from "./fsutil";
import { isObject } from "./json";
import { findJsonError } from "./json-text";
import { didYouMean } from "./suggest";

/** The most a config or grid file may hold: configs are small; a larger file is a mistake (or /dev/zero). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Keys that would reach an object's prototype when assigned: refused in every config and `--set`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** lib/json's isObject under the name lib/pretrain/config.ts imports. */
export const isPlainObject = isObject;

/** Own-property membership (never the prototype chain, which `in` walks). */
export const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** A comment key: "//" or any key starting with it ("// note"). */
export const isCommentKey = (k: string): boolean => k.startsWith("//");

/**
 * A copy of `v` without comment keys at any depth, as plain objects with null-free prototypes of their own
 * data; a forbidden key anywhere is refused (named by its dotted path in `file`).
 */
export function stripComments(v: unknown, file = "<config>", path = ""): unknown {
  if (Array.isArray(v)) return v.map((x, i) => stripComments(x, file, `${path}[${i}]`));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (isCommentKey(k)) continue;
    const here = path ? `${path}.${k}` : k;
    if (FORBIDDEN_KEYS.has(k)) throw new UserError(`${file}: key '${here}' is not allowed (it would change every object's prototype)`, 2);
    Object.defineProperty(out, k, { value: stripComments(v[k], file, here), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parses JSON text; the error quotes at most a short, escaped excerpt of the text, never whole lines of it. */
export function parseJsonText(text: string, file: string, exitCode = 2): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // Node 20's messages quote the text and some carry no position: find it with our own scanner instead.
    const m = /position (\d+)/.exec((e as Error).message);
    const pos = m ? Number(m[1]) : findJsonError(text)?.at;
    let where = "";
    if (pos !== undefined) {
      const before = text.slice(0, pos);
      const line = before.split("\n").length, col = pos - before.lastIndexOf("\n");
      where = ` (at position ${pos}, line ${line} column ${col}, near ${JSON.stringify(text.slice(pos, pos + 12))})`;
    } else if (text.trim() === "") where = " (the file is empty)";
    else where = ` (unexpected end, after ${JSON.stringify(text.slice(-12))})`;
    throw new UserError(`${file}: not valid JSON${where}`, exitCode);
  }
}

/** A JSON config file, comments stripped, with `--set key=value` overrides applied; one-line errors. */
export function readConfigFile(file: string, sets: readonly string[] = []): unknown {
  const text = readTextFileCapped(file, MAX_CONFIG_BYTES, "config file");
  return applySets(stripComments(parseJsonText(text, file), file), sets);
}

/** Checks one dotted `--set` key; returns its segments. */
function setPath(s: string, key: string): string[] {
  const path = key.split(".");
  for (const k of path) {
    if (k === "") throw new UserError(`--set '${s}': empty key segment`, 2);
    if (FORBIDDEN_KEYS.has(k)) throw new UserError(`--set '${s}': key '${k}' is not allowed (it would change every object's prototype)`, 2);
    if (isCommentKey(k)) throw new UserError(`--set '${s}': '${k}' is a comment key`, 2);
  }
  return path;
}

/** `--set key=value` overrides (dotted keys; values parsed as JSON when they parse, else strings). */
export function applySets(raw: unknown, sets: readonly string[]): unknown {
  if (sets.length === 0) return raw;
  // Not an object: left for the recipe's resolver, which names the file ("expected a JSON object").
  if (raw !== undefined && raw !== null && !isObject(raw)) return raw;
  // structuredClone, not a JSON round trip: that would turn a config's 1e999 (Infinity) into null and hide it.
  const out = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UserError(`--set '${s}': expected key=value`, 2);
    const path = setPath(s, s.slice(0, eq)), text = s.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let obj = out;
    for (const k of path.slice(0, -1)) {
      if (!hasOwn(obj, k) || !isObject(obj[k])) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[path[path.length - 1]] = value;
  }
  return out;
}

/** " (did you mean 'learningRate'?)" for typos of config keys: the same suggestions as everywhere (lib/suggest.ts). */
export { didYouMean };

/**
 * Refuses any own key of `obj` that is not an own key of `allowed` (comment keys aside): "unknown key
 * 'train.batchsize' (did you mean 'batchSize'?)". `prefix` is the dotted path of `obj` ("train.").
 */
export function checkKnownKeys(obj: Record<string, unknown>, allowed: readonly string[], file: string, prefix = "", hints: readonly string[] = allowed, listKnown = false): void {
  for (const k of Object.keys(obj)) {
    if (isCommentKey(k)) continue;
    if (FORBIDDEN_KEYS.has(k)) throw new UserError(`${file}: key '${prefix}${k}' is not allowed (it would change every object's prototype)`, 2);
    if (!allowed.includes(k)) {
      const hint = didYouMean(k, hints) || (listKnown ? ` (known: ${allowed.join(", ")})` : "");
      throw new UserError(`${file}: unknown key '${prefix}${k}'${hint}`, 2);
    }
  }
}

/** `typeof`-level check of one field against its default; JSON's 1e999 parses to Infinity, which no field accepts. */
export function typeProblem(key: string, value: unknown, expected: unknown): string | undefined {
  const want = typeof expected;
  if (typeof value !== want) return `'${key}' must be a ${want}, got ${JSON.stringify(value)}`;
  if (want === "number" && !Number.isFinite(value as number)) return `'${key}' must be a finite number, got ${String(value)}`;
  return undefined;
}

/** Type-checks every field of `cfg` against `defaults` (same keys); throws the first problem. */
export function checkTypes(cfg: object, defaults: object, file: string, prefix = ""): void {
  for (const [k, v] of Object.entries(cfg)) {
    if (!hasOwn(defaults, k)) continue;
    const problem = typeProblem(`${prefix}${k}`, v, (defaults as Record<string, unknown>)[k]);
    if (problem) throw new UserError(`${file}: ${problem}`, 2);
  }
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** The first `length` hex digits of the SHA-256 of a config's canonical JSON. */
export function canonicalHash(config: unknown, length = 16): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, length);
}

/**
 * The hash a training run is known by (run.json, checkpoints, --resume): SHA-256 of the resolved config's
 * JSON in its own key order (resolvers build it in a fixed order). Unlike canonicalHash it is not key-order
 * free; it stays so that runs already on disk keep resuming.
 */
export function configHash(resolved: unknown): string {
  return createHash("sha256").update(JSON.stringify(resolved)).digest("hex").slice(0, 16);
}

/** Worker threads a config may ask for: at most the cores this machine has. */
export function maxWorkers(): number {
  return availableParallelism();
}

/** Largest batch a config may ask for (rows per optimizer step): beyond it a step is all memory and no progress. */
export const MAX_BATCH_SIZE = 65536;

/** Bounds on a training loop's sizes that no machine meets: workers beyond the cores, batches beyond MAX_BATCH_SIZE. */
export function loopLimitProblems(c: { batchSize: number; microBatchSize: number; workers: number }, prefix = "train."): string[] {
  const out: string[] = [];
  const cores = maxWorkers();
  if (c.workers > cores) out.push(`${prefix}workers is ${c.workers}, more than this machine's ${cores} cores (0 = one per core)`);
  if (c.batchSize > MAX_BATCH_SIZE) out.push(`${prefix}batchSize is ${c.batchSize}, more than ${MAX_BATCH_SIZE} rows per step`);
  if (c.microBatchSize > MAX_BATCH_SIZE) out.push(`${prefix}microBatchSize is ${c.microBatchSize}, more than ${MAX_BATCH_SIZE} rows`);
  return out;
}

/**
 * Rough bytes of activations a forward and backward pass of `rows` rows of `tokens` tokens keeps alive in
 * float32 (per layer: attention and MLP activations and their gradients, the T x T attention per head;
 * the logits twice), an upper estimate good to a factor of two.
 */
export function activationBytes(shape: { nLayer: number; nHead: number; nEmbd: number; vocabSize: number }, rows: number, tokens: number): number {
  const perRowLayer = tokens * (24 * shape.nEmbd + 3 * shape.nHead * tokens);
  return 4 * rows * (shape.nLayer * perRowLayer + 3 * tokens * shape.vocabSize);
}

/** Why a micro-batch would not fit in memory (more than half of this machine's RAM), or null. */
export function memoryProblem(shape: { nLayer: number; nHead: number; nEmbd: number; vocabSize: number }, rows: number, tokens: number, what: string): string | null {
  const need = activationBytes(shape, rows, tokens), have = totalmem();
  if (need <= have / 2) return null;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  return `${what}: ${rows} rows of ${tokens} tokens need about ${gib(need)} GiB for one forward and backward pass, more than half of this machine's ${gib(have)} GiB; lower train.microBatchSize (batchSize is reached by accumulating micro-batches)`;
}

/** A small JSON metadata file (a manifest, an adapter config): regular file, at most `maxBytes`, parsed with one-line errors. */
export function readJsonFile(path: string, maxBytes = 1024 * 1024, what = "metadata file"): unknown {
  return parseJsonText(readTextFileCapped(path, maxBytes, what), path);
}
