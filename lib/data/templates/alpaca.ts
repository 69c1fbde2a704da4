/**
 * The Stanford Alpaca prompt, word for word as in the Alpaca repository's PROMPT_DICT: one layout for an
 * instruction with an input, one for an instruction alone. A system turn, when a record has one, takes the
 * place of the opening sentence (Alpaca itself has no system prompt).
 */
import type { Rendered, Segment, Template, PromptInput } from "./types";
import type { InstructionRecord } from "../record";
import { content, DEFAULT_EOS_TOKEN, eosSegment, joinSegments, markup, nonEmpty, singleTurnView, type SingleTurnView } from "./common";

export const ALPACA_PROMPT_INPUT =
  "Below is an instruction that describes a task, paired with an input that provides further context. " +
  "Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n";

export const ALPACA_PROMPT_NO_INPUT =
  "Below is an instruction that describes a task. " +
  "Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Response:\n";

/** The opening sentences of the two prompts (what a system turn replaces). */
const PREAMBLE_INPUT = ALPACA_PROMPT_INPUT.slice(0, ALPACA_PROMPT_INPUT.indexOf("\n\n### Instruction:"));
const PREAMBLE_NO_INPUT = ALPACA_PROMPT_NO_INPUT.slice(0, ALPACA_PROMPT_NO_INPUT.indexOf("\n\n### Instruction:"));

function promptSegments(v: SingleTurnView): Segment[] {
  const hasInput = v.input !== "";
  const u = v.userTurn;
  const head: Segment[] =
    v.system !== undefined
      ? [content(v.system, "system", v.systemTurn)]
      : [markup(hasInput ? PREAMBLE_INPUT : PREAMBLE_NO_INPUT, "prompt", -1)];
  head.push(markup("\n\n### Instruction:\n", "prompt", u), content(v.instruction, "prompt", u));
  if (hasInput) head.push(markup("\n\n### Input:\n", "prompt", u), content(v.input, "prompt", u));
  head.push(markup("\n\n### Response:\n", "prompt", u));
  return nonEmpty(head);
}

export interface AlpacaOptions {
  eosToken: string;
}

export function alpacaTemplate(options: Partial<AlpacaOptions> = {}): Template {
  const eosToken = options.eosToken ?? DEFAULT_EOS_TOKEN;
  return {
    name: "alpaca",
    stopStrings: ["### Instruction:", "### Response:"],
    eosEndsResponse: true,
    eosToken,
    render(record: InstructionRecord): Rendered {
      const v = singleTurnView(record, "alpaca");
      const prompt = promptSegments(v);
      const answer = nonEmpty([content(v.output ?? "", "response", v.assistantTurn, true), eosSegment(eosToken, "response", v.assistantTurn)]);
      return { segments: [...prompt, ...answer], promptSegments: prompt.length };
    },
    renderPrompt(input: PromptInput): string {
      return joinSegments(promptSegments(singleTurnView(input, "alpaca")));
    },
  };
}
