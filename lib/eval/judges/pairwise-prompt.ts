/**
 * The pairwise comparison prompt of the LLM judge and the reading of its answer. The judge sees an
 * instruction and two responses labelled (a) and (b) and answers with one letter; the answer is read from
 * the label tokens' log-probabilities when the endpoint returns them (a soft preference), else parsed.
 */

export type Label = "a" | "b";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export const JUDGE_SYSTEM_PROMPT =
  "You are a careful, impartial reviewer of AI assistant answers. You compare two responses to the same " +
  "instruction and decide which one serves the person better: correct, helpful, and faithful to what was " +
  "asked. Length and style are not merits in themselves. Reply with one letter only.";

/** The judge's messages for one ordering: `first` is shown as (a), `second` as (b). */
export function pairwiseMessages(instruction: string, first: string, second: string, references?: readonly string[]): ChatMessage[] {
  const parts = [
    "Here is an instruction and two candidate responses.",
    "",
    "### Instruction",
    instruction,
  ];
  if (references && references.length > 0) {
    parts.push("", "### A correct answer (for your information)", references[0]);
  }
  parts.push(
    "",
    "### Response (a)",
    first,
    "",
    "### Response (b)",
    second,
    "",
    "Which response is better? Answer with the single letter a or b.",
  );
  return [
    { role: "system", content: JUDGE_SYSTEM_PROMPT },
    { role: "user", content: parts.join("\n") },
  ];
}

/** The label a token spells, ignoring spaces, brackets, punctuation and case ("(a", " B", "a." ...). */
export function tokenLabel(token: string): Label | null {
  const t = token.replace(/[\s()[\].:,*"'`]/g, "").toLowerCase();
  return t === "a" || t === "b" ? t : null;
}

/** The label a free-text answer names, or null when it is unclear. */
export function parseLabel(answer: string): Label | null {
  const text = answer.trim();
  const patterns = [
    /^\W*([ab])\W*$/i, // just the letter, maybe bracketed or followed by a full stop
    /^\(?([ab])\)?[.:,!]/i, // "a." or "(b): because..."
    /\(([ab])\)/i, // "Response (b) is better"
    /\bresponse\s+\(?([ab])\b/i, // "response b"
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (m) return m[1].toLowerCase() as Label;
  }
  return null;
}

/** One alternative at one output position. */
export interface TokenAlternative {
  token: string;
  logprob: number;
}

/** One output position: the token produced and the most likely alternatives. */
export interface TokenPosition {
  token: string;
  logprob: number;
  top: TokenAlternative[];
}

/**
 * Output positions from a chat-completion choice's `logprobs`, in either shape endpoints use: the chat
 * form `{content: [{token, logprob, top_logprobs: [{token, logprob}]}]}` or the legacy completions form
 * `{tokens, token_logprobs, top_logprobs: [{token: logprob}]}`. Empty when absent or unrecognised.
 */
export function readLogprobs(logprobs: unknown): TokenPosition[] {
  if (!logprobs || typeof logprobs !== "object") return [];
  const lp = logprobs as Record<string, unknown>;
  const out: TokenPosition[] = [];
  if (Array.isArray(lp.content)) {
    for (const c of lp.content as Record<string, unknown>[]) {
      if (!c || typeof c.token !== "string" || typeof c.logprob !== "number") continue;
      const top = Array.isArray(c.top_logprobs)
        ? (c.top_logprobs as Record<string, unknown>[])
          .filter((t) => t && typeof t.token === "string" && typeof t.logprob === "number")
          .map((t) => ({ token: t.token as string, logprob: t.logprob as number }))
        : [];
      out.push({ token: c.token, logprob: c.logprob, top });
    }
  } else if (Array.isArray(lp.tokens) && Array.isArray(lp.token_logprobs)) {
    const tops = Array.isArray(lp.top_logprobs) ? lp.top_logprobs : [];
    lp.tokens.forEach((token, i) => {
      const logprob = (lp.token_logprobs as unknown[])[i];
      if (typeof token !== "string" || typeof logprob !== "number") return;
      const t = tops[i] && typeof tops[i] === "object" ? (tops[i] as Record<string, unknown>) : {};
      const top = Object.entries(t).filter(([, v]) => typeof v === "number").map(([token, v]) => ({ token, logprob: v as number }));
      out.push({ token, logprob, top });
    });
  }
  return out;
}

export interface LabelProbabilities {
  /** Output position the probabilities were read at. */
  position: number;
  a: number;
  b: number;
}

/**
 * Probabilities of the two labels where the answer names one: the first position whose token is a label,
 * else the first whose alternatives include one. Alternatives spelling the same label ("a", " a", "A")
 * add up; the produced token counts too when the alternatives leave it out. Null when no position offers
 * a label.
 */
export function labelProbabilities(positions: readonly TokenPosition[]): LabelProbabilities | null {
  let at = positions.findIndex((p) => tokenLabel(p.token) !== null);
  if (at < 0) at = positions.findIndex((p) => p.top.some((t) => tokenLabel(t.token) !== null));
  if (at < 0) return null;
  const pos = positions[at];
  const seen = new Set<string>();
  const mass = { a: 0, b: 0 };
  for (const alt of [...pos.top, { token: pos.token, logprob: pos.logprob }]) {
    if (seen.has(alt.token)) continue;
    seen.add(alt.token);
    const label = tokenLabel(alt.token);
    if (label) mass[label] += Math.exp(alt.logprob);
  }
  if (mass.a + mass.b <= 0) return null;
  return { position: at, a: mass.a, b: mass.b };
}
