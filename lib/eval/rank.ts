/**
 * Rank classification, FLAN's evaluation of tasks with answer options (Wei et al. 2022, section 2.4): instead
 * of generating and hoping the text is one of the options, score each option as the complete answer
 * (its tokens and the end-of-sequence token, under the same template as training) and take the most
 * likely. It measures what the model knows separately from whether it has learned to answer in the
 * expected form, so an untuned base model can be compared on the same footing.
 */
import type { GPT } from "../model/gpt";
import type { Tokenizer } from "../tokenizer";
import type { InstructionRecord } from "../data/record";
import type { Template } from "../data/templates/types";
import { tokenizeExample, IGNORE_INDEX } from "../data/templates/tokenize";
import { tokenLogprobsAsync } from "../model/score";

/** The options block our templates append ("\n\nOPTIONS:\n- a\n- b"), at the end of the last user message. */
const OPTIONS_BLOCK = /\n\nOPTIONS:\n((?:- [^\n]*(?:\n|$))+)\s*$/;

/** The answer options listed at the end of a prompt, or null when it lists none. */
export function promptOptions(prompt: string): string[] | null {
  const m = OPTIONS_BLOCK.exec(prompt);
  if (!m) return null;
  const options = m[1].split("\n").filter((l) => l.startsWith("- ")).map((l) => l.slice(2).trim()).filter((o) => o !== "");
  return options.length >= 2 ? options : null;
}

/** The options of a record's last user message, or null. */
export function recordOptions(record: InstructionRecord): string[] | null {
  const user = [...record.messages].reverse().find((m) => m.role === "user");
  return user ? promptOptions(user.content) : null;
}

/**
 * Log-probability of `answer` as the complete response to the record's prompt: the sum over the target
 * tokens (the answer and the end of sequence) as training would label them. Null when the sequence does
 * not fit the model's context.
 */
export async function answerLogprob(model: GPT, tokenizer: Tokenizer, template: Template, record: InstructionRecord, answer: string): Promise<number | null> {
  const last = record.messages[record.messages.length - 1];
  const messages = last?.role === "assistant" ? [...record.messages.slice(0, -1), { role: "assistant" as const, content: answer }] : [...record.messages, { role: "assistant" as const, content: answer }];
  const { inputIds, labels } = tokenizeExample(template, { ...record, messages }, tokenizer, { mask: "completion" });
  if (inputIds.length > model.config.blockSize) return null;
  const lp = await tokenLogprobsAsync(model, inputIds);
  let total = 0;
  for (let t = 0; t < lp.length; t++) if (labels[t] !== IGNORE_INDEX) total += lp[t];
  return total;
}

export interface RankedChoice {
  id: string;
  /** The most likely option (ties go to the first listed). */
  choice: string;
  /** Each option's log-probability, in the listed order. */
  logprobs: number[];
}

/**
 * Rank classification of every record that lists options; records without options, or too long for the
 * context, are left out of the result.
 */
export async function rankClassify(model: GPT, tokenizer: Tokenizer, template: Template, records: readonly InstructionRecord[], onProgress?: (done: number, total: number) => void): Promise<Map<string, RankedChoice>> {
  const out = new Map<string, RankedChoice>();
  const todo = records.map((r) => ({ r, options: recordOptions(r) })).filter((x): x is { r: InstructionRecord; options: string[] } => x.options !== null);
  let done = 0;
  for (const { r, options } of todo) {
    const logprobs: number[] = [];
    for (const o of options) {
      const lp = await answerLogprob(model, tokenizer, template, r, o);
      if (lp === null) break;
      logprobs.push(lp);
    }
    if (logprobs.length === options.length) {
      let best = 0;
      for (let i = 1; i < logprobs.length; i++) if (logprobs[i] > logprobs[best]) best = i;
      out.set(r.id, { id: r.id, choice: options[best], logprobs });
    }
    onProgress?.(++done, todo.length);
  }
  return out;
}
