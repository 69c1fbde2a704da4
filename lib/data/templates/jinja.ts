/**
 * Any Hugging Face `chat_template` (Jinja), rendered with @huggingface/jinja. Turn boundaries come from
 * rendering growing prefixes of the conversation: the text a turn adds is the difference between the
 * renderings with and without it, and an assistant turn's header is what `add_generation_prompt` adds.
 * Within a turn, content is told from markup by rendering the same prefix with a sentinel in place of the
 * content, so no marker is ever searched for in the text or the token stream.
 *
 * Templates that are not prefix-stable (Qwen3 writes an empty think block only on assistant turns after the
 * last user query; others drop earlier reasoning or print a message count first) cannot be cut into turns
 * that way. For them the record is rendered once, whole, as the model would see the finished conversation,
 * and the assistant mask is computed from that rendering (what transformers' `return_assistant_tokens_mask`
 * gives): the whole conversation is rendered again with a sentinel for every content, the markup between
 * sentinels is aligned with the real rendering, and each assistant turn's end-of-turn markup (what follows
 * its content when it is the last message) is a target.
 */
import { Template as JinjaTemplate } from "@huggingface/jinja";
import { errorLine, UserError } from "../../errors";
import { lastAssistantIndex, type InstructionRecord, type Message } from "../record";
import type { PromptInput, Rendered, Segment, Template } from "./types";
import { content, DEFAULT_EOS_TOKEN, markup, nonEmpty, promptMessages, whereRecord } from "./common";

export interface JinjaTemplateOptions {
  /** The template source (tokenizer_config.json's `chat_template`). */
  jinja: string;
  bosToken: string;
  eosToken: string;
  /** Extra variables the template reads (e.g. a default system prompt). */
  context: Record<string, unknown>;
  stopStrings: readonly string[];
}

export const DEFAULT_JINJA_TEMPLATE_OPTIONS: Omit<JinjaTemplateOptions, "jinja"> = {
  bosToken: "",
  eosToken: DEFAULT_EOS_TOKEN,
  context: {},
  stopStrings: [],
};

/** A template whose rendering cannot be cut into turns one way; the other way may still work. */
class Unsplittable extends UserError {}

/** How a template may print a message's content: as is, or with a filter that strips whitespace. */
const CONTENT_SHAPES: readonly ((t: string) => string)[] = [(t) => t, (t) => t.trim(), (t) => t.replace(/^\n+/, ""), (t) => t.trimStart(), (t) => t.trimEnd()];

/** Stands in for message k's content; private-use characters, which no filter a template applies (trim, strip) touches. */
const sentinel = (k: number) => `\uE000nanoinstruct-content-${k}\uE001`;

export function jinjaTemplate(options: Partial<JinjaTemplateOptions> & { jinja: string }): Template {
  const o = { ...DEFAULT_JINJA_TEMPLATE_OPTIONS, ...options };
  if (typeof o.jinja !== "string" || o.jinja.trim() === "") throw new UserError("chat template: jinja must be a non-empty string", 1);
  let compiled: JinjaTemplate;
  try {
    compiled = new JinjaTemplate(o.jinja);
  } catch (err) {
    throw new UserError(`chat template does not parse: ${errorLine(err)}`, 1);
  }

  const renderText = (messages: readonly Message[], generation: boolean, where: string): string => {
    try {
      return compiled.render({
        ...o.context,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: generation,
        bos_token: o.bosToken,
        eos_token: o.eosToken,
      });
    } catch (err) {
      throw new UserError(`${where}: chat template failed: ${errorLine(err)}`, 1);
    }
  };

  /** The rendering of the empty conversation, when the template allows one and it is a prefix of what follows. */
  const emptyPrefix = (first: string): string => {
    let text: string;
    try {
      text = compiled.render({ ...o.context, messages: [], add_generation_prompt: false, bos_token: o.bosToken, eos_token: o.eosToken });
    } catch {
      return "";
    }
    return first.startsWith(text) ? text : "";
  };

  /** Text after `base` in `full`, or an error saying the template is not prefix-stable at `turn`. */
  const after = (full: string, base: string, where: string, turn: number, what: string): string => {
    if (!full.startsWith(base)) {
      throw new Unsplittable(`${where}: chat template is not prefix-stable at turn ${turn + 1} (${what} changes earlier text), so turn boundaries cannot be found`, 1);
    }
    return full.slice(base.length);
  };

  /**
   * Markup and content segments for messages[i..j] rendered after `base`: the same prefix is rendered
   * with sentinels in place of their contents, and the real rendering must be the sentinel rendering with
   * each sentinel replaced by its content (as is, or trimmed, as templates often `trim` it). Undefined
   * when it is not (the template folds a turn into the next one, or rewrites content).
   */
  function splitTurns(messages: readonly Message[], i: number, j: number, base: string, where: string): Segment[] | undefined {
    const full = renderText(messages.slice(0, j + 1), false, where);
    const chunk = after(full, base, where, j, `message ${j + 1}`);
    const probeMessages = messages.slice(0, j + 1).map((m, k) => (k >= i ? { role: m.role, content: sentinel(k) } : m));
    const probe = after(renderText(probeMessages, false, where), base, where, i, "the content");
    // probe = markup[0] sentinel(i) markup[1] sentinel(i+1) ... markup[j-i+1]
    const pieces: string[] = [];
    let rest = probe;
    for (let k = i; k <= j; k++) {
      const parts = rest.split(sentinel(k));
      if (parts.length !== 2) return undefined;
      pieces.push(parts[0]);
      rest = parts[1];
    }
    pieces.push(rest);
    for (const shape of [(t: string) => t, (t: string) => t.trim()]) {
      const contents = messages.slice(i, j + 1).map((m) => shape(m.content));
      if (pieces.map((p, k) => p + (contents[k] ?? "")).join("") !== chunk) continue;
      const segs: Segment[] = [];
      for (let k = i; k <= j; k++) {
        const m = messages[k];
        const trained = m.role === "assistant";
        // An assistant's markup before its content is prompt (a header); after it, target (end of turn, EOS).
        segs.push(markup(pieces[k - i], m.role, k), content(contents[k - i], m.role, k, trained));
      }
      segs.push(markup(pieces[j - i + 1], messages[j].role, j, messages[j].role === "assistant"));
      return segs;
    }
    return undefined;
  }

  function renderByTurns(record: InstructionRecord): Rendered {
    const where = whereRecord(record);
    const messages = record.messages;
    const last = lastAssistantIndex(messages);
    if (last < 0) throw new UserError(`${where}: no assistant turn to train on`, 1);
    const segments: Segment[] = [];
    let promptSegments = 0;
    let prev = emptyPrefix(renderText(messages.slice(0, 1), false, where));
    if (prev !== "") segments.push(markup(prev, messages[0].role, -1));
    for (let i = 0; i < messages.length; ) {
      const m = messages[i];
      if (m.role === "assistant") {
        const withHeader = renderText(messages.slice(0, i), true, where);
        segments.push(markup(after(withHeader, prev, where, i, "add_generation_prompt"), "assistant", i));
        if (i === last) promptSegments = nonEmpty(segments.slice()).length;
        const segs = splitTurns(messages, i, i, withHeader, where);
        if (!segs) throw new Unsplittable(`${where}: chat template renders turn ${i + 1} (assistant) in a way that cannot be split into markup and content`, 1);
        segments.push(...segs);
        prev = renderText(messages.slice(0, i + 1), false, where);
        i++;
        continue;
      }
      // System and user turns: alone if possible, else together with the following non-assistant turns
      // (Llama-2-style templates fold the system prompt into the first user turn).
      let j = i;
      let segs: Segment[] | undefined;
      for (; j < messages.length && messages[j].role !== "assistant"; j++) if ((segs = splitTurns(messages, i, j, prev, where))) break;
      if (!segs) throw new Unsplittable(`${where}: chat template renders turn ${i + 1} (${m.role}) in a way that cannot be split into markup and content`, 1);
      segments.push(...segs);
      prev = renderText(messages.slice(0, j + 1), false, where);
      i = j + 1;
    }
    return { segments: nonEmpty(segments), promptSegments };
  }

  /**
   * The whole conversation rendered once (for templates that are not prefix-stable): markup and content
   * told apart by a sentinel rendering of the same conversation, assistant turns and their end-of-turn
   * markup trained, and the generation prompt of the last assistant turn as the prompt when it is a
   * prefix of the rendering.
   */
  function renderWhole(record: InstructionRecord): Rendered {
    const where = whereRecord(record);
    const messages = record.messages;
    const last = lastAssistantIndex(messages);
    if (last < 0) throw new UserError(`${where}: no assistant turn to train on`, 1);
    const cannot = (why: string) => new UserError(`${where}: chat template cannot be split into markup and content (${why})`, 1);
    const full = renderText(messages, false, where);
    const probe = renderText(messages.map((m, k) => ({ role: m.role, content: sentinel(k) })), false, where);
    const pieces: string[] = [];
    let rest = probe;
    for (let k = 0; k < messages.length; k++) {
      const parts = rest.split(sentinel(k));
      if (parts.length !== 2) throw cannot(`message ${k + 1} is written ${parts.length - 1} times, not once`);
      pieces.push(parts[0]);
      rest = parts[1];
    }
    pieces.push(rest);
    // full = pieces[0] content[0] pieces[1] ... content[n-1] pieces[n], each content as is or stripped.
    if (!full.startsWith(pieces[0])) throw cannot("the markup before the first message depends on its content");
    let pos = pieces[0].length;
    const contents: string[] = [];
    for (let k = 0; k < messages.length; k++) {
      const next = pieces[k + 1];
      const c = CONTENT_SHAPES.map((shape) => shape(messages[k].content)).find((c) => full.startsWith(c + next, pos));
      if (c === undefined) throw cannot(`message ${k + 1} (${messages[k].role}) is not written as given or stripped`);
      contents.push(c);
      pos += c.length + next.length;
    }
    if (pos !== full.length) throw cannot("text after the last message depends on the contents");
    // Each assistant turn's end-of-turn markup: what follows its content when it is the last message.
    const endOf = (k: number): string => {
      const alone = renderText(messages.slice(0, k + 1).map((m, j) => (j === k ? { role: m.role, content: sentinel(k) } : m)), false, where);
      const at = alone.lastIndexOf(sentinel(k));
      return at < 0 ? "" : alone.slice(at + sentinel(k).length);
    };
    const commonPrefix = (a: string, b: string) => {
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return a.slice(0, i);
    };
    const segments: Segment[] = [];
    let promptSegments = 0;
    for (let k = 0; k <= messages.length; k++) {
      let piece = pieces[k];
      if (k > 0 && messages[k - 1].role === "assistant") {
        const end = k === messages.length ? piece : commonPrefix(piece, endOf(k - 1));
        segments.push(markup(end, "assistant", k - 1, true));
        piece = piece.slice(end.length);
      }
      if (k === messages.length) break;
      const m = messages[k];
      if (k === last) {
        // The generation prompt, when the rendering starts with it, ends the prompt; any markup the full
        // rendering adds after it (Qwen3's empty think block) is untrained markup of the answer.
        const head = full.slice(0, segmentsLength(segments));
        const generation = renderText(messages.slice(0, k), true, where);
        const split = generation.startsWith(head) && (head + piece).startsWith(generation) ? generation.length - head.length : piece.length;
        segments.push(markup(piece.slice(0, split), m.role, k));
        promptSegments = nonEmpty(segments.slice()).length;
        segments.push(markup(piece.slice(split), m.role, k));
      } else {
        segments.push(markup(piece, m.role, k));
      }
      segments.push(content(contents[k], m.role, k, m.role === "assistant"));
    }
    return { segments: nonEmpty(segments), promptSegments };
  }

  function render(record: InstructionRecord): Rendered {
    try {
      return renderByTurns(record);
    } catch (err) {
      if (!(err instanceof Unsplittable)) throw err;
      return renderWhole(record);
    }
  }

  return {
    name: "jinja",
    stopStrings: o.stopStrings,
    eosEndsResponse: false,
    eosToken: o.eosToken,
    render,
    renderPrompt(input: PromptInput): string {
      return renderText(promptMessages(input), true, "prompt");
    },
  };
}

function segmentsLength(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) n += s.text.length;
  return n;
}
