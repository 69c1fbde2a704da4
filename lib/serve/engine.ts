/**
 * The server's text engine: one completion at a time, token by token with the KV cache, yielding to the
 * event loop between tokens so the server keeps answering (queue status, 503s, disconnects, shutdown)
 * while a long generation runs. Log-probabilities come from the same logits the token was sampled from
 * (before temperature and top-k/top-p), like OpenAI's.
 */
import * as tf from "@tensorflow/tfjs";
import { randomInt } from "node:crypto";
import { disposeCache, type GPT } from "../model/gpt";
import type { FinishReason } from "../model/generate";
import { sampleToken } from "../model/sampling";
import { splitmix32 } from "../random";
import type { Tokenizer } from "../tokenizer";
import { symbolsToBytes, utf8 } from "../tokenizer/bytes";
import { findStop, heldBack } from "./stop";
import { HttpError } from "./http-error";

export interface CompletionParams {
  /** New tokens wanted (already capped by the server). */
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  /** Undefined = a random seed. */
  seed?: number;
  stop: readonly string[];
  /** Alternatives per token; null = no logprobs. */
  topLogprobs: number | null;
  /** Too-long prompts keep their last tokens instead of failing. */
  truncatePrompt: boolean;
}

export interface TokenChoice {
  id: number;
  token: string;
  bytes: number[];
  logprob: number;
}

export interface GeneratedToken extends TokenChoice {
  /** This token's share of the output text (may be "" while a UTF-8 character is split across tokens). */
  text: string;
  /** Where that text starts in the output. */
  offset: number;
  /** The most likely alternatives, best first (empty unless asked for). */
  top: TokenChoice[];
}

export interface CompletionDelta {
  /** Newly released text. */
  text: string;
  /** Tokens whose text is now fully released (with logprobs when asked for). */
  tokens: GeneratedToken[];
}


export interface CompletionOutput {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** The tokens behind `text` (a token cut by a stop string counts when it starts before the cut). */
  tokens: GeneratedToken[];
}

export interface TextEngine {
  /** Tokens the model sees at once (prompt + output). */
  readonly contextSize: number;
  /** Encodes plain text (special-token strings stay text). */
  encode(text: string): number[];
  /**
   * Generates a continuation of `prompt`. `onDelta` receives text as it becomes final (held back while
   * it might be the start of a stop string); a returned promise pauses generation (backpressure).
   * Rejects when `signal` aborts.
   */
  complete(prompt: number[], params: CompletionParams, onDelta?: (d: CompletionDelta) => void | Promise<void>, signal?: AbortSignal): Promise<CompletionOutput>;
}

/** Lets timers, sockets and signals run between two tokens. */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class ModelEngine implements TextEngine {
  readonly contextSize: number;

  constructor(readonly model: GPT, readonly tokenizer: Tokenizer) {
    this.contextSize = model.config.blockSize;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  private alternative(id: number, logprob: number): TokenChoice {
    const token = this.tokenizer.decode([id]);
    const sym = this.tokenizer.idToToken(id);
    const raw = sym === undefined || this.tokenizer.specialTokens.has(sym) ? undefined : symbolsToBytes(sym);
    return { id, token, bytes: Array.from(raw ?? utf8(token)), logprob };
  }

  /** Prompt tokens to feed: the prompt itself, or its end when it is too long and truncation is on. */
  fitPrompt(prompt: number[], maxTokens: number, truncate: boolean): number[] {
    const ids = prompt.length > 0 ? prompt : [this.tokenizer.eosId]; // the model needs one token to continue
    // Ids sent by a client index the embedding table: one past its end would read garbage (or fail deep in a kernel).
    const V = this.model.config.vocabSize;
    const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad >= 0) {
      throw new HttpError(400, `prompt[${bad}] is token id ${ids[bad]}; this model's vocabulary has ids 0..${V - 1}`, "invalid_request_error", "prompt", "invalid_value");
    }
    if (ids.length < this.contextSize) return ids;
    if (!truncate) {
      throw new HttpError(400, `the prompt has ${ids.length} tokens; this model's context is ${this.contextSize} tokens`, "invalid_request_error", null, "context_length_exceeded");
    }
    // Keep room for the answer, but never less than half the context for the prompt.
    const keep = Math.max(this.contextSize - maxTokens, Math.floor(this.contextSize / 2));
    return ids.slice(ids.length - keep);
  }

  async complete(prompt: number[], p: CompletionParams, onDelta?: (d: CompletionDelta) => void | Promise<void>, signal?: AbortSignal): Promise<CompletionOutput> {
    const ids = this.fitPrompt(prompt, p.maxTokens, p.truncatePrompt);
    const maxNew = Math.min(p.maxTokens, this.contextSize - ids.length);
    const V = this.model.config.vocabSize;
    const sampleV = Math.min(V, this.tokenizer.vocabSize); // never sample ids the tokenizer cannot decode
    const random = splitmix32(p.seed ?? randomInt(0, 2 ** 31));
    const decoder = this.tokenizer.streamDecoder();
    const eos = this.tokenizer.eosId;
    const tokens: GeneratedToken[] = [];
    let text = "", released = 0, sentTokens = 0, cut = -1;
    let finishReason: FinishReason = "length";

    const release = async (upTo: number, final: boolean) => {
      let k = sentTokens;
      while (k < tokens.length && (final ? tokens[k].offset < upTo || (cut < 0) : tokens[k].offset + tokens[k].text.length <= upTo)) k++;
      const delta = { text: text.slice(released, upTo), tokens: tokens.slice(sentTokens, k) };
      released = Math.max(released, upTo);
      sentTokens = k;
      if (onDelta && (delta.text !== "" || delta.tokens.length > 0)) await onDelta(delta);
    };

    const cache = this.model.newCache();
    try {
      let feed = ids;
      for (let step = 0; step < maxNew; step++) {
        if (signal?.aborted) throw signal.reason ?? new Error("aborted");
        const row = tf.tidy(() => {
          const logits = this.model.forward(tf.tensor2d([feed], [1, feed.length], "int32"), { cache });
          return tf.slice(logits, [0, feed.length - 1, 0], [1, 1, V]);
        });
        const data = (await row.data()) as Float32Array; // async: the webgpu backend has no synchronous read
        row.dispose();
        const id = sampleToken(data, 0, sampleV, p, random);
        if (id === eos) {
          finishReason = "stop";
          break;
        }
        const piece = decoder.push(id);
        const tok: GeneratedToken = { ...this.alternative(id, NaN), text: piece, offset: text.length, top: [] };
        if (p.topLogprobs !== null) {
          const lse = logSumExp(data);
          tok.logprob = data[id] - lse;
          tok.top = topIds(data, sampleV, p.topLogprobs).map((j) => this.alternative(j, data[j] - lse));
        }
        tokens.push(tok);
        text += piece;
        const at = findStop(text, p.stop);
        if (at >= 0) {
          cut = at;
          finishReason = "stop";
          break;
        }
        await release(text.length - heldBack(text, p.stop), false);
        feed = [id];
        await yieldToLoop();
      }
    } finally {
      disposeCache(cache);
    }
    if (cut >= 0) text = text.slice(0, cut);
    else text += decoder.flush();
    await release(text.length, true);
    const kept = tokens.slice(0, sentTokens);
    return { text, finishReason, promptTokens: ids.length, completionTokens: tokens.length, tokens: kept };
  }
}

function logSumExp(row: Float32Array): number {
  let mx = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > mx) mx = row[j];
  let s = 0;
  for (let j = 0; j < row.length; j++) s += Math.exp(row[j] - mx);
  return mx + Math.log(s);
}

/** Ids of the k largest entries among the first n, largest first (ties by lower id). */
export function topIds(row: Float32Array, n: number, k: number): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  for (let j = 0; j < n; j++) {
    if (best.length === k && row[j] <= row[best[k - 1]]) continue;
    let i = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(j);
    while (i > 0 && row[best[i - 1]] < row[j]) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = j;
  }
  return best;
}
