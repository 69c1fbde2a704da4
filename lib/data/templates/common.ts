/** Pieces the templates share: where a record is (for errors), its single-turn view, and segment helpers. */
import { located, UserError } from "../../errors";
import { lastAssistantIndex, type InstructionRecord, type Message } from "../record";
import type { PromptInput, Segment, SegmentRole } from "./types";

/** GPT-2's end-of-text token, the text shown for EOS unless a template is told otherwise. */
export const DEFAULT_EOS_TOKEN = "<|endoftext|>";

/** "file:line: record 'id'" for messages about one record. */
export function whereRecord(record: InstructionRecord): string {
  const p = record.provenance;
  return located(p?.file ?? "<memory>", p?.line, `record '${record.id}'`);
}

export function isRecord(input: PromptInput): input is InstructionRecord {
  return !Array.isArray(input);
}

/** Messages before the answer: a record loses its last assistant turn (and anything after); bare messages stay. */
export function promptMessages(input: PromptInput): readonly Message[] {
  if (!isRecord(input)) return input;
  const end = lastAssistantIndex(input.messages);
  return end < 0 ? input.messages : input.messages.slice(0, end);
}

/**
 * A single-turn task as templates lay it out: instruction, input and (for records) output, plus the
 * message indices they came from, so segments can name their turn.
 */
export interface SingleTurnView {
  system?: string;
  instruction: string;
  input: string;
  output?: string;
  systemTurn: number;
  userTurn: number;
  assistantTurn: number;
}

/**
 * The single-turn view of a record (its `fields` when it has them) or of prompt messages ([system?, user]).
 * Throws UserError naming the record when it has more turns than one exchange.
 */
export function singleTurnView(input: PromptInput, template: string): SingleTurnView {
  const messages = isRecord(input) ? input.messages : input;
  const offset = messages[0]?.role === "system" ? 1 : 0;
  const answered = isRecord(input);
  const expected = offset + (answered ? 2 : 1);
  const shapeOk =
    messages.length === expected &&
    messages[offset]?.role === "user" &&
    (!answered || messages[offset + 1]?.role === "assistant");
  if (!shapeOk) {
    const where = isRecord(input) ? whereRecord(input) : "prompt";
    const roles = messages.map((m) => m.role).join(", ");
    throw new UserError(`${where}: template '${template}' takes one user turn${answered ? " and one assistant turn" : ""} (after an optional system turn), got [${roles}]`, 1);
  }
  const view: SingleTurnView = {
    instruction: messages[offset].content,
    input: "",
    systemTurn: offset - 1,
    userTurn: offset,
    assistantTurn: offset + 1,
  };
  if (offset === 1) view.system = messages[0].content;
  if (isRecord(input)) {
    view.output = messages[offset + 1].content;
    if (input.fields) {
      view.instruction = input.fields.instruction;
      view.input = input.fields.input;
      view.output = input.fields.output;
    }
  }
  return view;
}

export function markup(text: string, role: SegmentRole, turn: number, train = false): Segment {
  return { text, role, train, markup: true, turn };
}

export function content(text: string, role: SegmentRole, turn: number, train = false): Segment {
  return { text, role, train, turn };
}

export function eosSegment(eosToken: string, role: SegmentRole, turn: number, train = true): Segment {
  return { text: eosToken, role, train, markup: true, eos: true, turn };
}

/** The text of segments [0, end). */
export function joinSegments(segments: readonly Segment[], end = segments.length): string {
  let s = "";
  for (let i = 0; i < end; i++) s += segments[i].text;
  return s;
}

/** Drops empty text segments (EOS segments stay: they stand for a token, not for their text). */
export function nonEmpty(segments: Segment[]): Segment[] {
  return segments.filter((s) => s.eos || s.text !== "");
}
