/**
 * Shows which tokens of an example are trained on: brackets around trained runs in plain text (for tests
 * and logs), colors in a terminal, highlighted token boxes with a legend in HTML (for notebooks). A token
 * is trained when the label before it is not IGNORE_INDEX (labels are aligned for next-token prediction).
 */
import type { Tokenizer } from "../tokenizer/types";
import { IGNORE_INDEX } from "./templates/tokenize";

export const MASK_VIEW_FORMATS = ["text", "ansi", "html"] as const;
export type MaskViewFormat = (typeof MASK_VIEW_FORMATS)[number];

export interface MaskViewInput {
  inputIds: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** When given (a collated row), padding (segment 0) is left out and example boundaries are marked. */
  segmentIds?: ArrayLike<number>;
}

export interface MaskViewOptions {
  format: MaskViewFormat;
  /** Separate every token (text: "|", default off; ANSI: alternating shades, default on; HTML always shows boxes). */
  boundaries?: boolean;
}

export const DEFAULT_MASK_VIEW_OPTIONS: Readonly<MaskViewOptions> = { format: "text" };

export interface ViewToken {
  id: number;
  /** The text this token completes (may be "" for the first bytes of a character split across tokens). */
  text: string;
  trained: boolean;
  segment: number;
}

/** Tokens with their text and whether they are trained; padding left out when segment ids are given. */
export function viewTokens(input: MaskViewInput, tokenizer: Pick<Tokenizer, "streamDecoder">): ViewToken[] {
  const decoder = tokenizer.streamDecoder();
  const out: ViewToken[] = [];
  const n = input.inputIds.length;
  for (let t = 0; t < n; t++) {
    const segment = input.segmentIds ? input.segmentIds[t] : 1;
    if (segment === 0) continue;
    const id = input.inputIds[t];
    let text = decoder.push(id);
    if (t === n - 1 || (input.segmentIds && input.segmentIds[t + 1] !== segment)) text += decoder.flush();
    out.push({ id, text, trained: t > 0 && input.labels[t - 1] !== IGNORE_INDEX, segment });
  }
  return out;
}

export function maskView(input: MaskViewInput, tokenizer: Pick<Tokenizer, "streamDecoder">, options: Partial<MaskViewOptions> = {}): string {
  const o = { ...DEFAULT_MASK_VIEW_OPTIONS, ...options };
  const tokens = viewTokens(input, tokenizer);
  switch (o.format) {
    case "text":
      return textView(tokens, o.boundaries ?? false);
    case "ansi":
      return ansiView(tokens, o.boundaries ?? true);
    case "html":
      return htmlView(tokens);
  }
}

/** Trained runs in [brackets]; with boundaries, tokens split by "|"; example boundaries as "‖". */
export function textView(tokens: readonly ViewToken[], boundaries = false): string {
  let s = "";
  let inside = false;
  tokens.forEach((tok, i) => {
    const prev = tokens[i - 1];
    const newSegment = prev !== undefined && prev.segment !== tok.segment;
    if (inside && (!tok.trained || newSegment)) {
      s += "]";
      inside = false;
    }
    if (newSegment) s += "‖";
    else if (boundaries && i > 0) s += "|";
    if (tok.trained && !inside) {
      s += "[";
      inside = true;
    }
    s += tok.text;
  });
  return inside ? s + "]" : s;
}

const ESC = "\x1b[";

/** Trained tokens on green, masked ones grey; alternating shades show token boundaries. */
export function ansiView(tokens: readonly ViewToken[], boundaries = true): string {
  let s = "";
  tokens.forEach((tok, i) => {
    const alt = boundaries && i % 2 === 1;
    const style = tok.trained ? (alt ? "30;102" : "30;42") : alt ? "37" : "90";
    // Styles are closed before each newline, so a colored background never runs to the line's end.
    s += tok.text.split("\n").map((part) => (part === "" ? "" : `${ESC}${style}m${part}${ESC}0m`)).join("\n");
  });
  return s;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const CSS = `.ni-mask{font-family:ui-monospace,monospace;font-size:13px;line-height:1.9}
.ni-mask .ni-tokens{white-space:pre-wrap;margin:4px 0}
.ni-mask .ni-t{border:1px solid #ccc;border-radius:3px;padding:0 1px;margin:0 1px 0 0;color:#777}
.ni-mask .ni-tr{background:#c8f0c8;border-color:#3a3;color:#000}
.ni-mask .ni-nl{color:#aaa}
.ni-mask .ni-seg{border-left:3px solid #36c;margin-left:3px}
.ni-mask .ni-legend span{margin-right:12px}`;

/** Token boxes (hover shows the id), trained ones highlighted; a legend with counts on top. */
export function htmlView(tokens: readonly ViewToken[]): string {
  const trained = tokens.filter((t) => t.trained).length;
  const parts = tokens.map((tok, i) => {
    const cls = ["ni-t", tok.trained ? "ni-tr" : "", i > 0 && tokens[i - 1].segment !== tok.segment ? "ni-seg" : ""].filter(Boolean).join(" ");
    // Newlines stay newlines (so the layout reads like the prompt) and are also marked, since they are tokens.
    const text = escapeHtml(tok.text).replace(/\n/g, '<span class="ni-nl">↵</span>\n');
    return `<span class="${cls}" title="id ${tok.id}${tok.trained ? ", trained" : ""}">${text === "" ? "&#8203;" : text}</span>`;
  });
  return (
    `<div class="ni-mask"><style>${CSS}</style>` +
    `<div class="ni-legend"><span class="ni-t ni-tr">trained</span><span class="ni-t">masked</span>` +
    `<span>${trained} of ${tokens.length} tokens trained</span></div>` +
    `<div class="ni-tokens">${parts.join("")}</div></div>`
  );
}
