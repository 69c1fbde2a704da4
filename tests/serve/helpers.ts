// Shared by the server tests: JSON and SSE over real HTTP, and a controllable fake engine.
import type { CompletionDelta, CompletionOutput, CompletionParams, TextEngine } from "../../lib/serve/engine";

export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // SSE or empty
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The data payloads of an SSE body, "[DONE]" kept as a string. */
export function sseEvents(text: string): any[] {
  return text.split("\n\n").filter((b) => b.startsWith("data: ")).map((b) => {
    const d = b.slice(6);
    return d === "[DONE]" ? d : JSON.parse(d);
  });
}

/**
 * A fake engine: emits `tokens` pieces of `piece`, waiting `delayMs` between them, and records the
 * order requests ran in (by their prompt's first token).
 */
export class FakeEngine implements TextEngine {
  readonly contextSize = 1000;
  readonly ran: number[] = [];
  constructor(public delayMs = 20, public tokens = 3, public piece = "x", readonly perPrompt: Record<string, { tokens: number; piece: string }> = {}) {}
  encode(text: string): number[] {
    return [...text].map((c) => c.charCodeAt(0));
  }
  async complete(prompt: number[], p: CompletionParams, onDelta?: (d: CompletionDelta) => void | Promise<void>, signal?: AbortSignal): Promise<CompletionOutput> {
    this.ran.push(prompt[0]);
    const own = this.perPrompt[String.fromCharCode(prompt[0])];
    const piece = own?.piece ?? this.piece;
    let text = "";
    const n = Math.min(own?.tokens ?? this.tokens, p.maxTokens);
    for (let i = 0; i < n; i++) {
      if (signal?.aborted) throw signal.reason;
      await new Promise((r) => setTimeout(r, this.delayMs));
      text += piece;
      await onDelta?.({ text: piece, tokens: [] });
    }
    return { text, finishReason: "length", promptTokens: prompt.length, completionTokens: n, tokens: [] };
  }
}
