/**
 * Validation of /v1/chat/completions and /v1/completions bodies into one set of generation parameters.
 * Field names, ranges and defaults follow OpenAI's API (temperature defaults to 1); `top_k` is an extra
 * that many local servers accept. Anything wrong is a 400 naming the field.
 */
import type { ServeConfig } from "./config";
import { badParam, HttpError } from "./http-error";
import type { ServeMessage } from "./chat";

export interface GenerationParams {
  model: string;
  /** Requested new tokens (capped later); undefined = the server default. */
  maxTokens?: number;
  temperature: number;
  topP: number;
  topK: number;
  seed?: number;
  stop: string[];
  /** Alternatives per token to report; null = no logprobs at all. */
  topLogprobs: number | null;
  stream: boolean;
  /** stream_options.include_usage: a last chunk with token counts. */
  includeUsage: boolean;
}

export interface ChatRequest extends GenerationParams {
  messages: ServeMessage[];
}

export interface CompletionRequest extends GenerationParams {
  /** Text, or token ids. */
  prompt: string | number[];
}

type Body = Record<string, unknown>;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const present = (v: unknown) => v !== undefined && v !== null;
/** A value as the client sent it; JSON.stringify would show 1e999 (parsed as Infinity) as null. */
const shown = (v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v));

function optNumber(body: Body, key: string, min: number, max: number, fallback: number, minExclusive = false): number {
  const v = body[key];
  if (!present(v)) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || (minExclusive ? v <= min : v < min) || v > max) {
    throw badParam(key, `${key} must be a number in ${minExclusive ? "(" : "["}${min}, ${max}], got ${shown(v)}`);
  }
  return v;
}

function optInt(body: Body, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = body[key];
  if (!present(v)) return undefined;
  if (!isInt(v) || v < min || v > max) throw badParam(key, `${key} must be an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ""}, got ${shown(v)}`);
  return v;
}

function optBool(body: Body, key: string): boolean {
  const v = body[key];
  if (!present(v)) return false;
  if (typeof v !== "boolean") throw badParam(key, `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function parseStop(v: unknown): string[] {
  if (!present(v)) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || list.length > 4 || !list.every((s) => typeof s === "string" && s !== "")) {
    throw badParam("stop", "stop must be a non-empty string or a list of up to 4 non-empty strings");
  }
  return list as string[];
}

/** The fields both endpoints share. */
function common(body: Body): Omit<GenerationParams, "topLogprobs" | "maxTokens"> {
  if (typeof body.model !== "string" || body.model === "") throw badParam("model", "model is required (a string; see GET /v1/models)", "missing_required_parameter");
  const n = optInt(body, "n", 1);
  if (n !== undefined && n !== 1) throw badParam("n", "only n = 1 is supported");
  for (const k of ["presence_penalty", "frequency_penalty"]) {
    if (present(body[k]) && body[k] !== 0) throw badParam(k, `${k} is not supported (only 0)`);
  }
  if (present(body.logit_bias) && (typeof body.logit_bias !== "object" || Object.keys(body.logit_bias as object).length > 0)) {
    throw badParam("logit_bias", "logit_bias is not supported");
  }
  const stream = optBool(body, "stream");
  let includeUsage = false;
  if (present(body.stream_options)) {
    const so = body.stream_options;
    if (typeof so !== "object" || Array.isArray(so)) throw badParam("stream_options", "stream_options must be an object");
    if (!stream) throw badParam("stream_options", "stream_options is only allowed with stream: true");
    includeUsage = optBool(so as Body, "include_usage");
  }
  return {
    model: body.model,
    temperature: optNumber(body, "temperature", 0, 2, 1),
    topP: optNumber(body, "top_p", 0, 1, 1, true),
    topK: optInt(body, "top_k", 0) ?? 0,
    seed: optInt(body, "seed", Number.MIN_SAFE_INTEGER),
    stop: parseStop(body.stop),
    stream,
    includeUsage,
  };
}

function messageContent(v: unknown, i: number): string {
  if (typeof v === "string") return v;
  // The array form: [{type: "text", text}]; only text parts make sense for a text model.
  if (Array.isArray(v) && v.every((p) => p && typeof p === "object" && (p as Body).type === "text" && typeof (p as Body).text === "string")) {
    return v.map((p) => (p as Body).text as string).join("");
  }
  throw badParam(`messages[${i}].content`, `messages[${i}].content must be a string or a list of text parts`);
}

export function parseChatRequest(body: Body, cfg: ServeConfig): ChatRequest {
  const base = common(body);
  const msgs = body.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) throw badParam("messages", "messages must be a non-empty list", "missing_required_parameter");
  const messages: ServeMessage[] = msgs.map((m, i) => {
    if (!m || typeof m !== "object") throw badParam(`messages[${i}]`, `messages[${i}] must be an object`);
    const role = (m as Body).role === "developer" ? "system" : (m as Body).role; // "developer" is OpenAI's newer name for system
    if (role !== "system" && role !== "user" && role !== "assistant") {
      throw badParam(`messages[${i}].role`, `messages[${i}].role must be system, developer, user or assistant, got ${JSON.stringify((m as Body).role)}`);
    }
    return { role, content: messageContent((m as Body).content, i) };
  });
  const maxTokens = optInt(body, "max_completion_tokens", 1) ?? optInt(body, "max_tokens", 1);
  const logprobs = optBool(body, "logprobs");
  const top = optInt(body, "top_logprobs", 0, cfg.maxTopLogprobs);
  if (top !== undefined && !logprobs) throw badParam("top_logprobs", "top_logprobs needs logprobs: true");
  return { ...base, messages, maxTokens, topLogprobs: logprobs ? top ?? 0 : null };
}

export function parseCompletionRequest(body: Body, cfg: ServeConfig): CompletionRequest {
  const base = common(body);
  let prompt: unknown = body.prompt;
  if (!present(prompt)) throw badParam("prompt", "prompt is required", "missing_required_parameter");
  // A one-element batch is accepted; real batches are not (n = 1, one prompt per request).
  if (Array.isArray(prompt) && prompt.length === 1 && (typeof prompt[0] === "string" || Array.isArray(prompt[0]))) prompt = prompt[0];
  const isIds = Array.isArray(prompt) && prompt.every((t) => isInt(t) && t >= 0);
  if (typeof prompt !== "string" && !isIds) throw badParam("prompt", "prompt must be a string, a list of token ids, or a one-element list of either");
  if (optBool(body, "echo")) throw badParam("echo", "echo is not supported");
  if (present(body.suffix)) throw badParam("suffix", "suffix is not supported");
  if (present(body.best_of) && body.best_of !== 1) throw badParam("best_of", "only best_of = 1 is supported");
  const maxTokens = optInt(body, "max_tokens", 1);
  const top = optInt(body, "logprobs", 0, cfg.maxTopLogprobs);
  return { ...base, prompt: prompt as string | number[], maxTokens, topLogprobs: top ?? null };
}

/** 404 for a model this server does not serve. */
export function checkModel(model: string, served: string): void {
  if (model !== served) {
    throw new HttpError(404, `The model '${model}' does not exist; this server serves '${served}'`, "invalid_request_error", "model", "model_not_found");
  }
}
