/** Settings of `nanoinstruct serve`: where it listens and the limits that keep one client from hurting others. */

export interface ServeConfig {
  /** Interface to bind; 127.0.0.1 keeps the server private to this machine. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The model name clients send (and GET /v1/models lists). */
  modelId: string;
  /** Most new tokens one request may ask for; larger `max_tokens` are capped. */
  maxTokens: number;
  /** New tokens when a request gives no `max_tokens`. */
  defaultMaxTokens: number;
  /** Largest accepted request body; larger ones get 413. */
  maxBodyBytes: number;
  /** Requests waiting behind the one generating; more get 503. */
  maxQueue: number;
  /** Most alternatives per token a request may ask for. */
  maxTopLogprobs: number;
  /** Prompts too long for the context keep their end (true) or are rejected with 400 (false). */
  truncatePrompt: boolean;
  /** Time a client has to send its whole request. */
  requestTimeoutMs: number;
  /** Time a streaming client may leave written data unread before it is dropped (and its generation stopped). */
  writeTimeoutMs: number;
  /** On shutdown, time the running generation gets to finish before it is cut off. */
  shutdownGraceMs: number;
}

export const DEFAULT_SERVE: ServeConfig = {
  host: "127.0.0.1",
  port: 8000,
  modelId: "model",
  maxTokens: 512,
  defaultMaxTokens: 256,
  maxBodyBytes: 1_000_000,
  maxQueue: 16,
  maxTopLogprobs: 20,
  truncatePrompt: false,
  requestTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  shutdownGraceMs: 10_000,
};

export function validateServe(c: ServeConfig): string[] {
  const errors: string[] = [];
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) errors.push(`${name} must be an integer >= ${min}, got ${v}`);
  };
  if (typeof c.host !== "string" || c.host === "") errors.push("host must be a non-empty string");
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) errors.push(`port must be an integer in 0..65535, got ${c.port}`);
  if (c.apiKey !== undefined && (typeof c.apiKey !== "string" || c.apiKey === "")) errors.push("apiKey must be a non-empty string when set");
  if (typeof c.modelId !== "string" || c.modelId === "") errors.push("modelId must be a non-empty string");
  int(c.maxTokens, "maxTokens", 1);
  int(c.defaultMaxTokens, "defaultMaxTokens", 1);
  int(c.maxBodyBytes, "maxBodyBytes", 1);
  int(c.maxQueue, "maxQueue", 0);
  int(c.maxTopLogprobs, "maxTopLogprobs", 0);
  int(c.requestTimeoutMs, "requestTimeoutMs", 1);
  int(c.writeTimeoutMs, "writeTimeoutMs", 1);
  int(c.shutdownGraceMs, "shutdownGraceMs", 0);
  return errors;
}
