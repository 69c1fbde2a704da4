/**
 * One self-instruct request to an OpenAI-compatible endpoint, through the evaluation's chat client (timeouts,
 * exponential backoff on 429/5xx, one-line errors): the prompt as text to continue (/completions) or as a
 * single user message (/chat/completions). Returns the generated text and whether the token limit cut it.
 */
import { UserError } from "../errors";
import { postChatCompletion, type RetryConfig } from "../eval/judges/chat-client";
import type { SelfInstructApi } from "./config";

export interface ListRequest {
  baseURL: string;
  model: string;
  apiKey?: string;
  api: SelfInstructApi;
  prompt: string;
  stop: string;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  retry: RetryConfig;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface ListResponse {
  text: string;
  /** The server's finish_reason ("stop", "length", ...; "" when it sent none). */
  finishReason: string;
}

export async function requestList(r: ListRequest): Promise<ListResponse> {
  const common = { model: r.model, max_tokens: r.maxTokens, temperature: r.temperature, top_p: r.topP, stop: [r.stop], seed: r.seed, n: 1 };
  const body = r.api === "completions" ? { ...common, prompt: r.prompt } : { ...common, messages: [{ role: "user", content: r.prompt }] };
  const json = await postChatCompletion(body, {
    baseURL: r.baseURL, apiKey: r.apiKey, retry: r.retry, onRetry: r.onRetry,
    path: r.api === "completions" ? "completions" : "chat/completions",
    keyEnv: "NANOINSTRUCT_SELF_INSTRUCT_API_KEY or OPENAI_API_KEY",
  });
  const choice = Array.isArray(json.choices) ? (json.choices[0] as Record<string, unknown> | undefined) : undefined;
  const text = r.api === "completions" ? choice?.text : (choice?.message as { content?: unknown } | undefined)?.content;
  if (typeof text !== "string") {
    const where = r.api === "completions" ? "choices[0].text" : "choices[0].message.content";
    throw new UserError(`${r.baseURL}: the ${r.api} response for model '${r.model}' has no ${where} string`, 2);
  }
  return { text, finishReason: typeof choice?.finish_reason === "string" ? choice.finish_reason : "" };
}
