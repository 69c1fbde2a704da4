/**
 * Chat layouts built from per-turn markers, multi-turn: ChatML (`<|im_start|>role\n...<|im_end|>\n`), Tülu
 * (`<|user|>\n...\n<|assistant|>\n...<eos>\n`) and "plain" (turns one per line, no markers at all).
 * Every assistant turn's content and its end marker (or EOS) are targets; headers and separators are not.
 */
import { UserError } from "../../errors";
import { lastAssistantIndex, type InstructionRecord, type Message } from "../record";
import type { PromptInput, Rendered, Segment, Template } from "./types";
import { content, DEFAULT_EOS_TOKEN, eosSegment, joinSegments, markup, nonEmpty, promptMessages, whereRecord } from "./common";
import { IM_END, IM_START } from "../../tokenizer/chat";

/** How one turn is wrapped. */
export interface ChatLayout {
  name: string;
  /** Text before a turn's content, e.g. `<|im_start|>user\n`. */
  header(role: Message["role"]): string;
  /** End-of-turn marker right after an assistant's content, trained with it ("" for none). */
  assistantEnd: string;
  /** Marker after a system or user turn's content. */
  otherEnd: string;
  /** Untrained separator after every turn. */
  separator: string;
  /** EOS after every assistant turn (after assistantEnd), trained. */
  eosAfterAssistant: boolean;
  stopStrings: readonly string[];
}

export const CHATML_LAYOUT: ChatLayout = {
  name: "chatml",
  header: (role) => `${IM_START}${role}\n`,
  assistantEnd: IM_END,
  otherEnd: IM_END,
  separator: "\n",
  // <|im_end|> is ChatML's end of turn: it plays EOS's part and is what generation stops on.
  eosAfterAssistant: false,
  stopStrings: [IM_END],
};

/** Tülu (open-instruct): `<|user|>\n{content}\n<|assistant|>\n{content}{eos}\n`. */
export const TULU_LAYOUT: ChatLayout = {
  name: "tulu",
  header: (role) => `<|${role}|>\n`,
  assistantEnd: "",
  otherEnd: "",
  separator: "\n",
  eosAfterAssistant: true,
  stopStrings: ["<|user|>", "<|system|>"],
};

/** No markers: each turn on its own line, EOS after every answer. */
export const PLAIN_LAYOUT: ChatLayout = {
  name: "plain",
  header: () => "",
  assistantEnd: "",
  otherEnd: "",
  separator: "\n",
  eosAfterAssistant: true,
  stopStrings: [],
};

function turnSegments(layout: ChatLayout, m: Message, turn: number, eosToken: string, last: boolean): Segment[] {
  const out = [markup(layout.header(m.role), m.role, turn)];
  if (m.role === "assistant") {
    out.push(content(m.content, "assistant", turn, true), markup(layout.assistantEnd, "assistant", turn, true));
    if (layout.eosAfterAssistant) out.push(eosSegment(eosToken, "assistant", turn));
  } else {
    out.push(content(m.content, m.role, turn), markup(layout.otherEnd, m.role, turn));
  }
  // The separator after the final turn is dropped: nothing follows it to separate.
  if (!last) out.push(markup(layout.separator, m.role, turn));
  return out;
}

export interface ChatTemplateOptions {
  eosToken: string;
}

export function chatTemplate(layout: ChatLayout, options: Partial<ChatTemplateOptions> = {}): Template {
  const eosToken = options.eosToken ?? DEFAULT_EOS_TOKEN;
  const generationHeader = (messages: readonly Message[]): Segment[] => {
    const segs: Segment[] = [];
    messages.forEach((m, i) => segs.push(...turnSegments(layout, m, i, eosToken, false)));
    segs.push(markup(layout.header("assistant"), "assistant", messages.length));
    return nonEmpty(segs);
  };
  return {
    name: layout.name,
    stopStrings: layout.stopStrings,
    eosEndsResponse: layout.eosAfterAssistant,
    eosToken,
    render(record: InstructionRecord): Rendered {
      const last = lastAssistantIndex(record.messages);
      if (last < 0) throw new UserError(`${whereRecord(record)}: no assistant turn to train on`, 1);
      const prompt = generationHeader(record.messages.slice(0, last));
      const rest: Segment[] = [];
      // The header of the last assistant turn is in `prompt`; its content and everything after follow.
      const lastTurn = turnSegments(layout, record.messages[last], last, eosToken, last === record.messages.length - 1);
      rest.push(...lastTurn.slice(1));
      for (let i = last + 1; i < record.messages.length; i++) {
        rest.push(...turnSegments(layout, record.messages[i], i, eosToken, i === record.messages.length - 1));
      }
      return { segments: [...prompt, ...nonEmpty(rest)], promptSegments: prompt.length };
    },
    renderPrompt(input: PromptInput): string {
      return joinSegments(generationHeader(promptMessages(input)));
    },
  };
}

export const chatmlTemplate = (options: Partial<ChatTemplateOptions> = {}) => chatTemplate(CHATML_LAYOUT, options);
export const tuluTemplate = (options: Partial<ChatTemplateOptions> = {}) => chatTemplate(TULU_LAYOUT, options);
export const plainTemplate = (options: Partial<ChatTemplateOptions> = {}) => chatTemplate(PLAIN_LAYOUT, options);
