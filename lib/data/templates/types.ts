/**
 * The contract every prompt template meets. One object serves training and inference: `render` lays a
 * whole record out as segments that say which text is a training target, and `renderPrompt` gives the
 * exact text a model is asked to continue at generation time (the same bytes as the untrained head of
 * `render`, so a model is never prompted with a layout it did not see in training).
 */
import type { InstructionRecord, Message } from "../record";

/** prompt/response for single-turn layouts (Alpaca, FLAN, plain); system/user/assistant for chat layouts. */
export type SegmentRole = "prompt" | "response" | "system" | "user" | "assistant";

export interface Segment {
  text: string;
  role: SegmentRole;
  /** A target: the model learns to produce it (a response, its end-of-turn marker, EOS). */
  train: boolean;
  /**
   * Written by the template, not taken from data: tokenized with special tokens recognized. Content
   * segments (markup absent/false) are tokenized with special tokens as plain text, so data can never
   * inject a control token.
   */
  markup?: boolean;
  /** Stands for the tokenizer's EOS id (its `text` is the template's eosToken, used only for display). */
  eos?: boolean;
  /** Index of the message this segment belongs to; -1 for text that belongs to no message (a preamble). */
  turn: number;
}

export interface Rendered {
  segments: Segment[];
  /** Number of leading segments that form the generation prompt (what renderPrompt returns). */
  promptSegments: number;
  /** The FLAN layout actually used (few-shot without exemplars falls back to zero-shot, and so on). */
  templateType?: TemplateType;
}

/** How FLAN-style layouts vary (FLAN 2022's names): zero- or few-shot, with or without answer options. */
export const TEMPLATE_TYPES = ["zs_opt", "zs_noopt", "fs_opt", "fs_noopt"] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export function isTemplateType(s: unknown): s is TemplateType {
  return typeof s === "string" && (TEMPLATE_TYPES as readonly string[]).includes(s);
}

/** What can be prompted: a record (its last assistant turn is the answer and is left out) or bare messages. */
export type PromptInput = InstructionRecord | readonly Message[];

export interface Template {
  /** Registry name ("alpaca", "chatml", ...) or "jinja" for a Hugging Face chat template. */
  readonly name: string;
  /** Lays out the whole record, answer included. Throws UserError naming the record when it does not fit. */
  render(record: InstructionRecord): Rendered;
  /** The text a model continues to answer: everything up to and including the assistant/response header. */
  renderPrompt(input: PromptInput): string;
  /** Strings that end a generated answer when the model does not emit EOS (e.g. the next turn's header). */
  readonly stopStrings: readonly string[];
  /** True when the tokenizer's EOS token follows every response (and is trained on). */
  readonly eosEndsResponse: boolean;
  /** Text shown for EOS in rendered strings. */
  readonly eosToken: string;
}
