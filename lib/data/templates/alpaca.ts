/**
 * The Alpaca prompts. `alpaca` is Stanford Alpaca's exactly, as its `train.py` builds an example: the
 * PROMPT_DICT prompt (ending in "### Response:", no newline), the output appended directly, then EOS; only
 * the output and EOS are targets. `alpaca-lora` is the variant most LoRA recipes use (tloen/alpaca-lora's
 * templates/alpaca.json): the same words with a newline after "### Response:". A system turn, when a record
 * has one, takes the place of the opening sentence (Alpaca itself has no system prompt).
 */
import type { Rendered, Segment, Template, PromptInput } from "./types";
import type { InstructionRecord } from "../record";
import { content, DEFAULT_EOS_TOKEN, eosSegment, joinSegments, markup, nonEmpty, singleTurnView, type SingleTurnView } from "./common";

/** Stanford Alpaca's PROMPT_DICT["prompt_input"]. */
export const ALPACA_PROMPT_INPUT =
  "Below is an instruction that describes a task, paired with an input that provides further context. " +
  "Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:";

/** Stanford Alpaca's PROMPT_DICT["prompt_no_input"]. */
export const ALPACA_PROMPT_NO_INPUT =
  "Below is an instruction that describes a task. " +
  "Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Response:";

/** alpaca-lora's prompt_input: Stanford's with "\n" after "### Response:". */
export const ALPACA_LORA_PROMPT_INPUT = ALPACA_PROMPT_INPUT + "\n";
/** alpaca-lora's prompt_no_input. */
export const ALPACA_LORA_PROMPT_NO_INPUT = ALPACA_PROMPT_NO_INPUT + "\n";

/** The two layouts: Stanford's (`alpaca`) and alpaca-lora's (`alpaca-lora`). */
export type AlpacaVariant = "alpaca" | "alpaca-lora";

/** The opening sentences of the two prompts (what a system turn replaces). */
const PREAMBLE_INPUT = ALPACA_PROMPT_INPUT.slice(0, ALPACA_PROMPT_INPUT.indexOf("\n\n### Instruction:"));
const PREAMBLE_NO_INPUT = ALPACA_PROMPT_NO_INPUT.slice(0, ALPACA_PROMPT_NO_INPUT.indexOf("\n\n### Instruction:"));

function promptSegments(v: SingleTurnView, responseHeader: string): Segment[] {
  const hasInput = v.input !== "";
  const u = v.userTurn;
  const head: Segment[] =
    v.system !== undefined
      ? [content(v.system, "system", v.systemTurn)]
      : [markup(hasInput ? PREAMBLE_INPUT : PREAMBLE_NO_INPUT, "prompt", -1)];
  head.push(markup("\n\n### Instruction:\n", "prompt", u), content(v.instruction, "prompt", u));
  if (hasInput) head.push(markup("\n\n### Input:\n", "prompt", u), content(v.input, "prompt", u));
  head.push(markup(responseHeader, "prompt", u));
  return nonEmpty(head);
}

export interface AlpacaOptions {
  eosToken: string;
  /** "alpaca" (Stanford's, the default) or "alpaca-lora" (a newline after "### Response:"). */
  variant: AlpacaVariant;
}

export function alpacaTemplate(options: Partial<AlpacaOptions> = {}): Template {
  const eosToken = options.eosToken ?? DEFAULT_EOS_TOKEN;
  const name = options.variant ?? "alpaca";
  const responseHeader = name === "alpaca-lora" ? "\n\n### Response:\n" : "\n\n### Response:";
  return {
    name,
    stopStrings: ["### Instruction:", "### Response:"],
    eosEndsResponse: true,
    eosToken,
    render(record: InstructionRecord): Rendered {
      const v = singleTurnView(record, name);
      const prompt = promptSegments(v, responseHeader);
      const answer = nonEmpty([content(v.output ?? "", "response", v.assistantTurn, true), eosSegment(eosToken, "response", v.assistantTurn)]);
      return { segments: [...prompt, ...answer], promptSegments: prompt.length };
    },
    renderPrompt(input: PromptInput): string {
      return joinSegments(promptSegments(singleTurnView(input, name), responseHeader));
    },
  };
}
