/**
 * The LLM judge: asks a chat model behind any OpenAI-compatible endpoint which of two responses is better,
 * AlpacaEval-style. Which output is shown first is a seeded coin flip per item (judges favour a position),
 * and the verdict is mapped back to "model vs baseline"; optionally both orders are asked and averaged,
 * which cancels position bias and measures it. Verdicts are cached on disk per (model, prompt).
 */
import { UserError } from "../../errors";
import { seededCoin } from "../rng";
import { JudgmentCache, promptHash } from "./cache";
import { DEFAULT_RETRY, postChatCompletion, validateRetry, type RetryConfig } from "./chat-client";
import { labelProbabilities, pairwiseMessages, parseLabel, readLogprobs, type LabelProbabilities } from "./pairwise-prompt";
import type { Judge, JudgeItem, Judgment } from "./types";

export interface LlmJudgeConfig {
  /** The API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1. */
  baseURL: string;
  /** The judge model's name at that endpoint. */
  model: string;
  /** Bearer token; default NANOINSTRUCT_JUDGE_API_KEY, then OPENAI_API_KEY (none for local servers). */
  apiKey?: string;
  /** Seed of the per-item order flips. */
  seed: number;
  /** Ask with both orders and average (twice the calls; cancels and measures position bias). */
  bothOrders: boolean;
  /** Request log-probabilities for a soft preference (turn off for endpoints that reject the field). */
  logprobs: boolean;
  /** Alternatives per position to request (OpenAI allows up to 20). */
  topLogprobs: number;
  maxTokens: number;
  temperature: number;
  /** Show the first reference answer to the judge when the item has one. */
  includeReference: boolean;
  /** JSONL cache of verdicts; none when undefined. */
  cacheFile?: string;
  retry: RetryConfig;
}

export const DEFAULT_LLM_JUDGE: Omit<LlmJudgeConfig, "baseURL" | "model"> = {
  seed: 0,
  bothOrders: false,
  logprobs: true,
  topLogprobs: 20,
  maxTokens: 4,
  temperature: 0,
  includeReference: false,
  retry: DEFAULT_RETRY,
};

export function validateLlmJudge(c: LlmJudgeConfig): string[] {
  const errors: string[] = [];
  if (typeof c.baseURL !== "string" || !/^https?:\/\/[^/]/.test(c.baseURL)) errors.push(`baseURL must be an http(s) URL, got ${JSON.stringify(c.baseURL)}`);
  if (typeof c.model !== "string" || c.model === "") errors.push("model is required");
  if (!Number.isInteger(c.seed)) errors.push(`seed must be an integer, got ${c.seed}`);
  if (!Number.isInteger(c.topLogprobs) || c.topLogprobs < 1) errors.push(`topLogprobs must be a positive integer, got ${c.topLogprobs}`);
  if (!Number.isInteger(c.maxTokens) || c.maxTokens < 1) errors.push(`maxTokens must be a positive integer, got ${c.maxTokens}`);
  if (!(c.temperature >= 0)) errors.push(`temperature must be >= 0, got ${c.temperature}`);
  errors.push(...validateRetry(c.retry));
  return errors;
}

/** What one question to the judge (one ordering) produced; this is what the cache stores. */
export interface OrderVerdict {
  /** Probability-like preference for the output shown first, as (a). */
  preferenceFirst: number;
  /** logprobs: from the label tokens' probabilities; text: parsed from the answer; unparsed: counted as a tie. */
  source: "logprobs" | "text" | "unparsed";
  answer: string;
  probs?: LabelProbabilities;
}

/** One ordering as reported in a judgment's details. */
export interface OrderDetail extends OrderVerdict {
  /** Which output was shown as (a): "A" = the model, "B" = the baseline. */
  first: "A" | "B";
  /** This ordering's preference for A. */
  preference: number;
  cached: boolean;
}

export function envApiKey(): string | undefined {
  return process.env.NANOINSTRUCT_JUDGE_API_KEY || process.env.OPENAI_API_KEY || undefined;
}

export class LlmJudge implements Judge {
  readonly name: string;
  readonly config: LlmJudgeConfig;
  private readonly cache?: JudgmentCache<OrderVerdict>;
  /** Questions actually sent (cache misses), for progress reports and tests. */
  requests = 0;

  constructor(config: Partial<LlmJudgeConfig> & Pick<LlmJudgeConfig, "baseURL" | "model">) {
    this.config = { ...DEFAULT_LLM_JUDGE, ...config, retry: { ...DEFAULT_RETRY, ...config.retry } };
    if (this.config.apiKey === undefined) this.config.apiKey = envApiKey();
    const errors = validateLlmJudge(this.config);
    if (errors.length) throw new UserError(`LLM judge: ${errors.join("; ")}`, 1);
    this.name = `llm:${this.config.model}`;
    if (this.config.cacheFile) this.cache = new JudgmentCache<OrderVerdict>(this.config.cacheFile);
  }

  async judge(item: JudgeItem): Promise<Judgment> {
    const bFirst = seededCoin(this.config.seed, item.id);
    const orders = this.config.bothOrders ? [bFirst, !bFirst] : [bFirst];
    const details: OrderDetail[] = [];
    for (const flipped of orders) {
      const [first, second] = flipped ? [item.outputB, item.outputA] : [item.outputA, item.outputB];
      const refs = this.config.includeReference ? item.reference : undefined;
      const { verdict, cached } = await this.ask(pairwiseMessages(item.instruction, first, second, refs));
      // Shown as (a) is B when flipped: a preference for (a) is then a preference against A.
      const preference = flipped ? 1 - verdict.preferenceFirst : verdict.preferenceFirst;
      details.push({ ...verdict, first: flipped ? "B" : "A", preference, cached });
    }
    const preference = details.reduce((s, d) => s + d.preference, 0) / details.length;
    const verdict = preference === 0.5 ? "tie" : preference > 0.5 ? "model preferred" : "baseline preferred";
    const how = details.map((d) => d.source).join("+");
    return {
      id: item.id, preference, judge: this.name,
      reason: `${verdict} (p=${preference.toFixed(3)}, ${how})`,
      details: { model: this.config.model, orders: details },
    };
  }

  /** One question, from the cache when it was asked before. */
  private async ask(messages: ReturnType<typeof pairwiseMessages>): Promise<{ verdict: OrderVerdict; cached: boolean }> {
    const c = this.config;
    const body: { model: string } & Record<string, unknown> = { model: c.model, messages, max_tokens: c.maxTokens, temperature: c.temperature };
    if (c.logprobs) {
      body.logprobs = true;
      body.top_logprobs = c.topLogprobs;
    }
    // The key covers the exact question and how it is asked, not the transport (URL, key, retries).
    const hash = promptHash({ messages, max_tokens: c.maxTokens, temperature: c.temperature, logprobs: c.logprobs ? c.topLogprobs : 0 });
    const hit = this.cache?.get(c.model, hash);
    if (hit) return { verdict: hit, cached: true };
    this.requests++;
    const res = await postChatCompletion(body, { baseURL: c.baseURL, apiKey: c.apiKey, retry: c.retry });
    const verdict = readVerdict(res, `${c.baseURL} (${c.model})`);
    this.cache?.put(c.model, hash, verdict);
    return { verdict, cached: false };
  }
}

/** The verdict in a chat-completion response: label probabilities when present, else the parsed answer. */
export function readVerdict(response: Record<string, unknown>, where = "judge"): OrderVerdict {
  const choice = Array.isArray(response.choices) ? (response.choices[0] as Record<string, unknown> | undefined) : undefined;
  const message = choice?.message as { content?: unknown } | undefined;
  if (!choice || !message) throw new UserError(`${where}: the response has no choices[0].message`, 2);
  const answer = typeof message.content === "string" ? message.content : "";
  const probs = labelProbabilities(readLogprobs(choice.logprobs));
  if (probs) return { preferenceFirst: probs.a / (probs.a + probs.b), source: "logprobs", answer, probs };
  const label = parseLabel(answer);
  if (label) return { preferenceFirst: label === "a" ? 1 : 0, source: "text", answer };
  return { preferenceFirst: 0.5, source: "unparsed", answer };
}
