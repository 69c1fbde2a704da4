/**
 * Generation for evaluation: each prompt rendered with the template the model was trained with, greedy
 * by default (seeded otherwise), batched, and cached on disk by (model hash, prompt, decoding settings)
 * so re-running an evaluation, or resuming a killed one, never generates the same output twice.
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GPT } from "../model/gpt";
import type { Tokenizer } from "../tokenizer";
import type { InstructionRecord } from "../data/record";
import type { Template } from "../data/templates/types";
import { tokenizePrompt } from "../data/templates/tokenize";
import { generateAsync } from "../model/generate";
import { isObject, readJsonl } from "../json";

export interface EvalDecoding {
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  batchSize: number;
}

export const DEFAULT_EVAL_DECODING: EvalDecoding = { maxNewTokens: 48, temperature: 0, topK: 0, topP: 1, seed: 0, batchSize: 16 };

/** sha256 of a model directory's weights file: the model's identity in caches. */
export function modelHash(dir: string): string {
  return createHash("sha256").update(readFileSync(join(dir, "model.safetensors"))).digest("hex").slice(0, 20);
}

export interface GeneratedOutput {
  id: string;
  text: string;
  tokens: number;
  cached: boolean;
}

/** A JSONL cache of generations; a line cut short by a crash is ignored. */
class GenerationCache {
  private readonly entries = new Map<string, { text: string; tokens: number }>();
  constructor(private readonly file: string | null) {
    if (!file) return;
    for (const { value } of readJsonl(file, { onBadLine: () => {} })) {
      if (!isObject(value)) continue;
      const e = value as { key: string; text: string; tokens: number };
      this.entries.set(e.key, { text: e.text, tokens: e.tokens });
    }
  }
  get(key: string) {
    return this.entries.get(key);
  }
  put(key: string, text: string, tokens: number) {
    this.entries.set(key, { text, tokens });
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify({ key, text, tokens }) + "\n");
    }
  }
}

/** Strips a model's answer down to the response (up to a stop string or the next turn). */
function clean(text: string, stopStrings: readonly string[]): string {
  let out = text;
  for (const s of stopStrings) {
    const at = out.indexOf(s);
    if (at >= 0) out = out.slice(0, at);
  }
  return out.trim();
}

/**
 * Outputs for every record (its final assistant turn is the reference, never shown to the model). Async:
 * generation reads logits asynchronously (generateAsync), which the webgpu backend needs.
 */
export async function generateForEval(
  model: GPT, tokenizer: Tokenizer, hash: string, template: Template, records: readonly InstructionRecord[],
  decoding: Partial<EvalDecoding> = {}, cacheFile: string | null = null, onProgress?: (done: number, total: number) => void,
): Promise<GeneratedOutput[]> {
  const d = { ...DEFAULT_EVAL_DECODING, ...decoding };
  const cache = new GenerationCache(cacheFile);
  const decodingKey = JSON.stringify({ m: d.maxNewTokens, t: d.temperature, k: d.topK, p: d.topP, s: d.seed, tpl: template.name, stop: template.stopStrings });
  const jobs = records.map((r) => {
    const messages = r.messages.slice(0, r.messages.length - (r.messages[r.messages.length - 1]?.role === "assistant" ? 1 : 0));
    // A record that ends with its answer is rendered as a whole (its Alpaca fields kept, so an example with
    // an Input section is prompted exactly as training laid it out); bare prompts from their messages.
    const prompt = messages.length < r.messages.length ? tokenizePrompt(template, r, tokenizer) : tokenizePrompt(template, messages, tokenizer);
    const key = createHash("sha256").update(`${hash}\n${decodingKey}\n${prompt.join(",")}`).digest("hex");
    return { id: r.id, prompt, key };
  });
  const out = new Map<string, GeneratedOutput>();
  const todo = jobs.filter((j) => {
    const hit = cache.get(j.key);
    if (hit) out.set(j.id, { id: j.id, text: hit.text, tokens: hit.tokens, cached: true });
    return !hit;
  });
  const limit = model.config.blockSize - 1;
  for (let i = 0; i < todo.length; i += d.batchSize) {
    const batch = todo.slice(i, i + d.batchSize);
    const gens = await generateAsync(model, batch.map((j) => j.prompt.slice(-limit)), {
      maxNewTokens: d.maxNewTokens, temperature: d.temperature, topK: d.topK, topP: d.topP, seed: d.seed,
      stopTokenIds: [tokenizer.eosId], stopStrings: [...template.stopStrings],
    }, (ids) => tokenizer.decode(ids, { skipSpecial: true }));
    batch.forEach((j, k) => {
      const text = clean(gens[k].text, template.stopStrings);
      cache.put(j.key, text, gens[k].ids.length);
      out.set(j.id, { id: j.id, text, tokens: gens[k].ids.length, cached: false });
    });
    onProgress?.(Math.min(todo.length, i + d.batchSize) + (jobs.length - todo.length), jobs.length);
  }
  return jobs.map((j) => out.get(j.id)!);
}
