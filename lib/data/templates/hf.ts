/**
 * A model's own chat template, as Hugging Face ships it: `chat_template` in tokenizer_config.json (a string,
 * or a list of named templates, "default" first), or a `chat_template.jinja` file beside it (what newer
 * transformers versions save), with `bos_token` / `eos_token` given as strings or as AddedToken objects
 * ({"content": "<s>", ...}).
 *
 * A template can be named wherever one is asked for (a train/eval config's "template", `--template`) as:
 *   - a built-in name: alpaca, alpaca-lora, flan, chatml, ...;
 *   - the path of a tokenizer_config.json (or of a .jinja file), optionally with "#NAME" for one of its
 *     named templates ("tokenizer_config.json#tool_use");
 *   - a model directory whose tokenizer_config.json (or chat_template.jinja) has one;
 *   - inline, as {"jinja": "...", "bosToken": "<s>", "eosToken": "</s>"}.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { errorLine, located, UserError } from "../../errors";
import { isObject } from "../../json";
import type { JinjaTemplateOptions } from "./jinja";

/** A template spec as registry.ts defines it (kept structural here so the registry can import this file). */
type TemplateSpecLike = string | Record<string, unknown>;

/** Built-in template names, which are never paths (registry.ts's TEMPLATE_NAMES, checked there by a test). */
const BUILTIN = new Set(["alpaca", "alpaca-lora", "flan", "flan-zero-shot", "flan-few-shot", "chatml", "tulu", "plain"]);

/** A chat template read from files: the options jinjaTemplate takes, and where they came from. */
export type LoadedChatTemplate = Partial<JinjaTemplateOptions> & { jinja: string; source: string };

/** A special token as tokenizer_config.json writes it: "<s>", {"content": "<s>", ...} (AddedToken), or null. */
export function specialTokenText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.content === "string") return v.content;
  return undefined;
}

function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(located(file, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`), 2);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(located(file, undefined, `not valid JSON (${errorLine(err)})`), 2);
  }
  if (!isObject(value)) throw new UserError(located(file, undefined, "expected a JSON object"), 2);
  return value;
}

/** The template text out of a `chat_template` value: a string, or [{name, template}] picked by `name` (default "default"). */
function pickTemplate(value: unknown, file: string, name: string | undefined): string {
  if (typeof value === "string") {
    if (name !== undefined && name !== "default") throw new UserError(located(file, undefined, `'chat_template' is a single template; it has no template named '${name}'`), 1);
    return value;
  }
  if (Array.isArray(value)) {
    const named = new Map<string, string>();
    for (const [i, t] of value.entries()) {
      if (!isObject(t) || typeof t.name !== "string" || typeof t.template !== "string") {
        throw new UserError(located(file, undefined, `'chat_template[${i}]' must be {"name": ..., "template": ...}`), 1);
      }
      named.set(t.name, t.template);
    }
    const want = name ?? "default";
    const found = named.get(want);
    if (found === undefined) {
      const names = [...named.keys()].join(", ") || "none";
      throw new UserError(located(file, undefined, `no chat template named '${want}' (it has: ${names}; pick one with '${basename(file)}#NAME')`), 1);
    }
    return found;
  }
  throw new UserError(located(file, undefined, `'chat_template' must be a string or a list of {name, template}, got ${value === null ? "null" : typeof value}`), 1);
}

function withTokens(jinja: string, config: Record<string, unknown> | undefined, source: string): LoadedChatTemplate {
  const out: LoadedChatTemplate = { jinja, source };
  const bos = specialTokenText(config?.bos_token);
  const eos = specialTokenText(config?.eos_token);
  if (bos !== undefined) out.bosToken = bos;
  if (eos !== undefined) {
    out.eosToken = eos;
    // A chat model ends its answer with its EOS text (ChatML's <|im_end|>, Llama 3's <|eot_id|>): stop there.
    if (eos !== "") out.stopStrings = [eos];
  }
  return out;
}

/** The chat template of a tokenizer_config.json file; `name` picks one of a list of named templates. */
export function chatTemplateFromTokenizerConfig(file: string, name?: string): LoadedChatTemplate {
  const config = readJsonObject(file);
  if (config.chat_template === undefined || config.chat_template === null) {
    const jinjaFile = join(dirname(file), "chat_template.jinja");
    if (existsSync(jinjaFile) && name === undefined) return withTokens(readFileSync(jinjaFile, "utf8"), config, jinjaFile);
    throw new UserError(located(file, undefined, "has no 'chat_template' (a base model's tokenizer has none: use a template name such as alpaca or chatml)"), 1);
  }
  return withTokens(pickTemplate(config.chat_template, file, name), config, name ? `${file}#${name}` : file);
}

/**
 * The chat template a model directory carries (tokenizer_config.json's chat_template, else chat_template.jinja),
 * or undefined when it has none.
 */
export function modelChatTemplate(dir: string, name?: string): LoadedChatTemplate | undefined {
  const configFile = join(dir, "tokenizer_config.json");
  const jinjaFile = join(dir, "chat_template.jinja");
  const config = existsSync(configFile) ? readJsonObject(configFile) : undefined;
  if (config && config.chat_template !== undefined && config.chat_template !== null) return chatTemplateFromTokenizerConfig(configFile, name);
  if (existsSync(jinjaFile) && name === undefined) return withTokens(readFileSync(jinjaFile, "utf8"), config, jinjaFile);
  return undefined;
}

/** True when `spec` is meant as a file or directory rather than a template name. */
export function looksLikeTemplatePath(spec: string): boolean {
  const path = spec.includes("#") ? spec.slice(0, spec.lastIndexOf("#")) : spec;
  return path.includes("/") || path.includes("\\") || path.endsWith(".json") || path.endsWith(".jinja") || existsSync(path);
}

/**
 * The chat template at a path: a tokenizer_config.json (or any .json with chat_template), a .jinja file
 * (bos/eos from a tokenizer_config.json beside it), or a model directory. "#NAME" picks a named template.
 */
export function chatTemplateFromPath(spec: string): LoadedChatTemplate {
  const hash = spec.lastIndexOf("#");
  const path = hash > 0 && !existsSync(spec) ? spec.slice(0, hash) : spec;
  const name = path === spec ? undefined : spec.slice(hash + 1);
  if (!existsSync(path)) throw new UserError(`template ${path}: no such file or directory (expected a template name, a tokenizer_config.json or a model directory)`, 2);
  if (statSync(path).isDirectory()) {
    const found = modelChatTemplate(path, name);
    if (!found) throw new UserError(`template ${path}: the directory has no chat template (no 'chat_template' in tokenizer_config.json, no chat_template.jinja)`, 1);
    return found;
  }
  if (path.endsWith(".jinja")) {
    const beside = join(dirname(path), "tokenizer_config.json");
    return withTokens(readFileSync(path, "utf8"), existsSync(beside) ? readJsonObject(beside) : undefined, path);
  }
  return chatTemplateFromTokenizerConfig(path, name);
}

/**
 * The template a model should be prompted with: the one it was tuned with (config.json's
 * "nanoinstruct".template, passed as `extra`), else its own chat template, else undefined.
 */
export function templateOfModel(dir: string, extra: Record<string, unknown> = {}): TemplateSpecLike | undefined {
  const t = extra.template;
  if (typeof t === "string" && t !== "") return t;
  if (isObject(t) && (typeof t.jinja === "string" || typeof t.name === "string")) return t as TemplateSpecLike;
  return modelChatTemplate(dir);
}

/** What a template spec is called in messages and summaries: its name, its file, or "inline chat template". */
export function templateLabel(spec: unknown): string {
  if (typeof spec === "string") return spec;
  if (isObject(spec)) {
    if (typeof spec.source === "string") return spec.source;
    if (typeof spec.name === "string") return spec.name;
    if (typeof spec.jinja === "string") return "inline chat template";
  }
  return String(spec);
}

/**
 * A template spec made self-contained for saving with a tuned model: a path becomes the chat template it
 * names ({jinja, bosToken, eosToken, stopStrings, source}), so the model does not depend on the file staying.
 */
export function portableTemplateSpec(spec: TemplateSpecLike): TemplateSpecLike {
  if (typeof spec === "string" && looksLikeTemplatePath(spec) && !BUILTIN.has(spec)) return chatTemplateFromPath(spec);
  return spec;
}

/**
 * Puts a chat template into a saved model's tokenizer_config.json (as transformers' save_pretrained does),
 * so other tools (and `serve`) find it there. Only {jinja} specs are written; names stay in config.json.
 */
export function writeChatTemplate(modelDir: string, spec: TemplateSpecLike): void {
  if (!isObject(spec) || typeof spec.jinja !== "string") return;
  const file = join(modelDir, "tokenizer_config.json");
  const config = existsSync(file) ? readJsonObject(file) : {};
  config.chat_template = spec.jinja;
  writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
}
