import { test } from "node:test";
import assert from "node:assert/strict";
import { maskView, viewTokens } from "../../lib/data/mask-view";
import { getTemplate, tokenizeExample } from "../../lib/data/templates/index";
import { collate } from "../../lib/data/collate";
import { trainBpe } from "../../lib/tokenizer/index";
import type { InstructionRecord } from "../../lib/data/record";

const tok = trainBpe(["the cat sat on the mat", "Q: A:"], { vocabSize: 280 });
const rec = (id: string, q: string, a: string): InstructionRecord => ({
  id, source: "s", metadata: {}, provenance: { file: "f", format: "chat", container: "jsonl" },
  messages: [{ role: "user", content: q }, { role: "assistant", content: a }],
});

test("text view: trained runs in brackets, the prompt outside", () => {
  const ex = tokenizeExample(getTemplate("plain"), rec("a", "the cat", "sat"), tok);
  assert.equal(maskView(ex, tok), "the cat\n[sat<|endoftext|>]");
  const withBounds = maskView(ex, tok, { boundaries: true });
  assert.ok(withBounds.includes("|"));
  assert.equal(withBounds.split("<|endoftext|>").join("EOS").replace(/\|/g, ""), "the cat\n[satEOS]");
});

test("text view of a packed row: padding left out, examples separated", () => {
  const t = getTemplate("plain");
  const examples = [rec("a", "the cat", "sat"), rec("b", "on", "the mat")].map((r) => tokenizeExample(t, r, tok));
  const { rows } = collate(examples, { maxLength: 64, packing: "bfd" });
  assert.equal(rows.length, 1);
  assert.equal(maskView(rows[0], tok), "the cat\n[sat<|endoftext|>]‖on\n[the mat<|endoftext|>]");
});

test("a character split across tokens is shown once, on the token that completes it", () => {
  const ids = tok.encode("é");
  assert.equal(ids.length, 2);
  const tokens = viewTokens({ inputIds: ids, labels: [ids[1], -100] }, tok);
  assert.deepEqual(tokens.map((t) => [t.text, t.trained]), [["", false], ["é", true]]);
});

test("ANSI and HTML views", () => {
  const ex = tokenizeExample(getTemplate("plain"), rec("a", "Q: <b>", "A"), tok);
  const ansi = maskView(ex, tok, { format: "ansi" });
  assert.ok(ansi.includes("\x1b[30;42m") && ansi.includes("\x1b[37m"), "trained green, masked grey, alternating");
  assert.equal(ansi.replace(/\x1b\[[0-9;]*m/g, ""), "Q: <b>\nA<|endoftext|>");
  const html = maskView(ex, tok, { format: "html" });
  assert.ok(html.includes(">&lt;<") && !html.includes("<b>"));
  assert.ok(html.includes('class="ni-t ni-tr"'));
  assert.ok(html.includes("2 of"), "legend counts trained tokens");
  assert.ok(html.includes("↵"));
});
