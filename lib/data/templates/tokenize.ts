/**
 * Records to token ids and next-token labels. Each segment is tokenized on its own and the ids concatenated,
 * so the prompt/response boundary is exact by construction (never found again in the token stream).
 * Template markup is encoded with special tokens recognized; content is encoded with them as plain text.
 */
import { UserError } from "../../errors";
import type { InstructionRecord, Message } from "../record";
import type { Tokenizer } from "../../tokenizer/types";
import type { PromptInput, Segment, Template } from "./types";
import { isRecord } from "./common";
import { IGNORE_INDEX } from "../../engine/kernel-names";

/** Label of a position whose next token is not a target (defined once, beside the cross-entropy kernel). */
export { IGNORE_INDEX };

/**
 * Which tokens are targets:
 *   all        every token, prompt included (loss over instructions; pretraining-style)
 *   completion everything after the generation prompt (what renderPrompt leaves for the model to write)
 *   assistant  every assistant turn's target: content, end-of-turn marker, EOS (multi-turn chat)
 *   last-turn  only the last assistant turn's target
 */
export const MASK_MODES = ["all", "completion", "assistant", "last-turn"] as const;
export type MaskMode = (typeof MASK_MODES)[number];

export interface TokenizeOptions {
  mask: MaskMode;
}

export const DEFAULT_TOKENIZE_OPTIONS: Readonly<TokenizeOptions> = { mask: "completion" };

export interface TokenizedExample {
  /** The record's id, for counts and error messages downstream. */
  id: string;
  inputIds: number[];
  /** Aligned for next-token prediction: labels[t] = inputIds[t + 1] when that token is a target, else IGNORE_INDEX. */
  labels: number[];
}

/** The number of target tokens (labels that are not IGNORE_INDEX). */
export function trainedTokens(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) n++;
  return n;
}

function checkMask(mask: unknown): MaskMode {
  if (!(MASK_MODES as readonly unknown[]).includes(mask)) throw new UserError(`mask must be one of ${MASK_MODES.join(", ")}, got '${String(mask)}'`, 2);
  return mask as MaskMode;
}

/** Which segments are targets under `mask`. */
export function targetSegments(segments: readonly Segment[], promptSegments: number, mask: MaskMode): boolean[] {
  switch (mask) {
    case "all":
      return segments.map(() => true);
    case "completion":
      return segments.map((_, i) => i >= promptSegments);
    case "assistant":
      return segments.map((s) => s.train);
    case "last-turn": {
      let lastTurn = -Infinity;
      for (const s of segments) if (s.train) lastTurn = Math.max(lastTurn, s.turn);
      return segments.map((s) => s.train && s.turn === lastTurn);
    }
  }
}

function encodeSegment(s: Segment, tokenizer: Tokenizer): number[] {
  if (s.eos) return [tokenizer.eosId];
  return tokenizer.encode(s.text, { allowSpecial: s.markup === true });
}

/** Token ids of segments, each encoded on its own. */
export function encodeSegments(segments: readonly Segment[], tokenizer: Tokenizer): number[][] {
  return segments.map((s) => encodeSegment(s, tokenizer));
}

/**
 * One record as input ids and aligned labels. The result may have no target at all (a prompt-only mask
 * on an empty response); `tokenizeRecords` drops and counts those.
 */
export function tokenizeExample(
  template: Template,
  record: InstructionRecord,
  tokenizer: Tokenizer,
  options: Partial<TokenizeOptions> = {},
): TokenizedExample {
  const mask = checkMask(options.mask ?? DEFAULT_TOKENIZE_OPTIONS.mask);
  const { segments, promptSegments } = template.render(record);
  const targets = targetSegments(segments, promptSegments, mask);
  const inputIds: number[] = [];
  const isTarget: boolean[] = [];
  encodeSegments(segments, tokenizer).forEach((ids, i) => {
    for (const id of ids) {
      inputIds.push(id);
      isTarget.push(targets[i]);
    }
  });
  const labels = new Array<number>(inputIds.length);
  for (let t = 0; t < inputIds.length; t++) labels[t] = t + 1 < inputIds.length && isTarget[t + 1] ? inputIds[t + 1] : IGNORE_INDEX;
  return { id: record.id, inputIds, labels };
}

/**
 * Prompt ids for generation, identical to the untrained head `tokenizeExample` produces for the same
 * conversation (the segments are the same and are encoded the same way).
 */
export function tokenizePrompt(template: Template, input: PromptInput, tokenizer: Tokenizer): number[] {
  const record: InstructionRecord = isRecord(input) ? input : promptRecord(input);
  const { segments, promptSegments } = template.render(record);
  return encodeSegments(segments.slice(0, promptSegments), tokenizer).flat();
}

/** Bare prompt messages as a record with a stand-in answer (templates need one to render). */
function promptRecord(messages: readonly Message[]): InstructionRecord {
  return {
    id: "prompt",
    source: "prompt",
    messages: [...messages, { role: "assistant", content: "-" }],
    metadata: {},
    provenance: { file: "<prompt>", format: "chat", container: "jsonl" },
  };
}

export interface TokenizeRecordsResult {
  examples: TokenizedExample[];
  /** Records whose example had no target token, by id (dropped). */
  noTrainedTokens: string[];
}

/** Every record tokenized; examples with no target are dropped and listed. */
export function tokenizeRecords(
  template: Template,
  records: Iterable<InstructionRecord>,
  tokenizer: Tokenizer,
  options: Partial<TokenizeOptions> = {},
): TokenizeRecordsResult {
  const examples: TokenizedExample[] = [];
  const noTrainedTokens: string[] = [];
  for (const record of records) {
    const ex = tokenizeExample(template, record, tokenizer, options);
    if (trainedTokens(ex.labels) === 0) noTrainedTokens.push(ex.id);
    else examples.push(ex);
  }
  return { examples, noTrainedTokens };
}
