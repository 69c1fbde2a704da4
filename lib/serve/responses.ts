/** OpenAI response shapes: whole responses, streaming chunks, and the two logprobs layouts. */
import { randomBytes } from "node:crypto";
import type { CompletionOutput, GeneratedToken } from "./engine";

export const newId = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function usage(out: Pick<CompletionOutput, "promptTokens" | "completionTokens">) {
  return { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens, total_tokens: out.promptTokens + out.completionTokens };
}

/** Chat layout: {content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}. */
export function chatLogprobs(tokens: readonly GeneratedToken[]) {
  return {
    content: tokens.map((t) => ({
      token: t.token, logprob: t.logprob, bytes: t.bytes,
      top_logprobs: t.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes })),
    })),
  };
}

/** Legacy completions layout: parallel lists, alternatives as {token: logprob} maps. */
export function completionLogprobs(tokens: readonly GeneratedToken[], offsetBase = 0) {
  return {
    tokens: tokens.map((t) => t.token),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => {
      const m: Record<string, number> = {};
      // Two ids can print the same (split UTF-8 bytes): keep the likelier.
      for (const a of t.top) if (!(a.token in m) || m[a.token] < a.logprob) m[a.token] = a.logprob;
      return m;
    }),
    text_offset: tokens.map((t) => offsetBase + t.offset),
  };
}
