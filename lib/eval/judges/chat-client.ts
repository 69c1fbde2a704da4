/**
 * A minimal client for OpenAI-compatible `POST {baseURL}/chat/completions` endpoints (OpenAI, vLLM,
 * llama.cpp, Ollama, `nanoinstruct serve`...), with what a long evaluation needs: a timeout per attempt,
 * exponential backoff on rate limits, server errors and timeouts, and one-line errors for mistakes that
 * retrying cannot fix (wrong key, wrong URL or model name).
 */
import { firstLine, UserError } from "../../errors";

export interface RetryConfig {
  /** Attempts after the first one. */
  maxRetries: number;
  /** Wait before the first retry; doubles after each failed attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Time limit of one attempt (connect + response). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryConfig = { maxRetries: 6, initialDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 120_000 };

export function validateRetry(c: RetryConfig): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(c.maxRetries) || c.maxRetries < 0) errors.push(`maxRetries must be a non-negative integer, got ${c.maxRetries}`);
  if (!(c.initialDelayMs >= 0)) errors.push(`initialDelayMs must be >= 0, got ${c.initialDelayMs}`);
  if (!(c.maxDelayMs >= c.initialDelayMs)) errors.push(`maxDelayMs must be >= initialDelayMs, got ${c.maxDelayMs}`);
  if (!(c.timeoutMs > 0)) errors.push(`timeoutMs must be > 0, got ${c.timeoutMs}`);
  return errors;
}

export interface ChatRequestOptions {
  baseURL: string;
  apiKey?: string;
  retry?: Partial<RetryConfig>;
  /** Called before each retry (for progress output). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Endpoint under baseURL: "chat/completions" (default) or "completions" (the plain-text API). */
  path?: "chat/completions" | "completions";
  /** Environment variables a 401/403 message tells the user to set (default: the judge's). */
  keyEnv?: string;
}

/** `{baseURL}/chat/completions` with exactly one slash in between. */
export function chatCompletionsURL(baseURL: string): string {
  return baseURL.replace(/\/+$/, "") + "/chat/completions";
}

/** Status codes worth another attempt: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Backoff before retry number `attempt` (0-based), or the server's Retry-After when it asks for longer. */
export function backoffDelay(attempt: number, retry: RetryConfig, retryAfter?: string | null): number {
  let delay = retry.initialDelayMs * 2 ** attempt;
  const asked = retryAfter ? Number(retryAfter) * 1000 : NaN;
  if (Number.isFinite(asked) && asked > delay) delay = asked;
  return Math.min(delay, retry.maxDelayMs);
}

/** The `error.message` of an OpenAI-style error body, or a trimmed excerpt of whatever came back. */
function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof j.error === "string" ? j.error : j.error?.message ?? j.message;
    if (typeof m === "string" && m) return firstLine(m).slice(0, 300);
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * POSTs `body` (which names the model) and resolves to the parsed JSON response. Retries what can
 * succeed later; throws a UserError naming the URL and model for what cannot.
 */
export async function postChatCompletion(body: { model: string } & Record<string, unknown>, options: ChatRequestOptions): Promise<Record<string, unknown>> {
  const retry: RetryConfig = { ...DEFAULT_RETRY, ...options.retry };
  const errors = validateRetry(retry);
  if (errors.length) throw new UserError(`judge retry settings: ${errors.join("; ")}`, 1);
  const url = options.path === "completions" ? options.baseURL.replace(/\/+$/, "") + "/completions" : chatCompletionsURL(options.baseURL);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const payload = JSON.stringify(body);
  let lastReason = "";
  for (let attempt = 0; ; attempt++) {
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(retry.timeoutMs) });
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new UserError(`${url}: the response is not JSON (${serverMessage(text)})`, 2);
        }
      }
      const msg = serverMessage(text);
      if (res.status === 401 || res.status === 403) {
        throw new UserError(`${url}: ${res.status} unauthorized for model '${body.model}' (${msg}); set ${options.keyEnv ?? "NANOINSTRUCT_JUDGE_API_KEY or OPENAI_API_KEY"}`, 2);
      }
      if (res.status === 404) {
        throw new UserError(`${url}: 404 for model '${body.model}': ${msg || "not found"} (check the base URL, usually ending in /v1, and the model name)`, 2);
      }
      if (!isRetryableStatus(res.status)) throw new UserError(`${url}: ${res.status} for model '${body.model}': ${msg}`, 2);
      lastReason = `HTTP ${res.status}${msg ? ` (${msg})` : ""}`;
      retryAfter = res.headers.get("retry-after");
    } catch (err) {
      if (err instanceof UserError) throw err;
      const e = err as Error;
      lastReason = e.name === "TimeoutError" || e.name === "AbortError" ? `no response within ${retry.timeoutMs} ms` : `${e.message}${(e.cause as Error | undefined)?.message ? `: ${(e.cause as Error).message}` : ""}`;
    }
    if (attempt >= retry.maxRetries) {
      throw new UserError(`${url}: gave up on model '${body.model}' after ${attempt + 1} attempt(s): ${lastReason}`, 2);
    }
    const delayMs = backoffDelay(attempt, retry, retryAfter);
    options.onRetry?.({ attempt: attempt + 1, delayMs, reason: lastReason });
    await sleep(delayMs);
  }
}
