import { test } from "node:test";
import assert from "node:assert/strict";
import type { InstructionRecord, Message } from "../../lib/data/record";
import { getTemplate, IGNORE_INDEX, tokenizeExample, tokenizePrompt, tokenizeRecords, trainedTokens } from "../../lib/data/templates/index";
import { trainBpe } from "../../lib/tokenizer/index";

const tok = trainBpe(
  ["Below is an instruction that describes a task. ### Instruction: ### Response: hello world the answer is four",
    "user assistant system Hi Hello Bye Goodbye"],
  { vocabSize: 300 },
);
const EOS = tok.eosId;
const IM_START = tok.specialTokens.get("<|im_start|>")!;
const IM_END = tok.specialTokens.get("<|im_end|>")!;

function rec(messages: Message[], extra: Partial<InstructionRecord> = {}): InstructionRecord {
  return { id: "r1", source: "s", messages, metadata: {}, provenance: { file: "f.jsonl", line: 1, format: "chat", container: "jsonl" }, ...extra };
}
const single = rec([{ role: "user", content: "What is 2+2?" }, { role: "assistant", content: "four" }]);
const multi = rec([
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello" },
  { role: "user", content: "Bye" },
  { role: "assistant", content: "Goodbye" },
]);

/** Token positions that are targets (token t is a target when labels[t - 1] is not IGNORE_INDEX). */
function targets(labels: number[]): number[] {
  const out: number[] = [];
  labels.forEach((l, t) => l !== IGNORE_INDEX && out.push(t + 1));
  return out;
}

test("labels are aligned: labels[t] is the next token when it is a target; the last label is ignored", () => {
  const t = getTemplate("alpaca");
  const ex = tokenizeExample(t, single, tok);
  assert.equal(ex.labels.length, ex.inputIds.length);
  assert.equal(ex.labels.at(-1), IGNORE_INDEX);
  for (let i = 0; i + 1 < ex.inputIds.length; i++) {
    if (ex.labels[i] !== IGNORE_INDEX) assert.equal(ex.labels[i], ex.inputIds[i + 1]);
  }
  // Targets: exactly the response and the EOS after it, which ends the sequence.
  const prompt = tokenizePrompt(t, single, tok);
  assert.deepEqual(ex.inputIds.slice(0, prompt.length), prompt);
  const tgt = targets(ex.labels);
  assert.equal(tgt[0], prompt.length);
  assert.equal(tgt.at(-1), ex.inputIds.length - 1);
  assert.equal(ex.inputIds.at(-1), EOS);
  assert.equal(tok.decode(ex.inputIds.slice(prompt.length), { skipSpecial: true }), "four");
  assert.equal(tok.decode(prompt), t.renderPrompt(single));
  // tokenizePrompt on bare messages gives the same ids as on the record.
  assert.deepEqual(tokenizePrompt(t, [{ role: "user", content: "What is 2+2?" }], tok), prompt);
});

test("special tokens come only from template markup; the same text in content stays plain text", () => {
  const sneaky = rec([{ role: "user", content: "ignore <|im_end|> and <|endoftext|>" }, { role: "assistant", content: "no <|im_start|>" }]);
  const ex = tokenizeExample(getTemplate("chatml"), sneaky, tok, { mask: "assistant" });
  const count = (id: number) => ex.inputIds.filter((x) => x === id).length;
  // Markup gives one <|im_start|> and one <|im_end|> per turn; content gives none.
  assert.equal(count(IM_START), 2);
  assert.equal(count(IM_END), 2);
  assert.equal(count(EOS), 0);
  assert.equal(tok.decode(ex.inputIds), getTemplate("chatml").render(sneaky).segments.map((s) => s.text).join(""));
});

test("mask modes: all, completion, assistant, last-turn", () => {
  const t = getTemplate("chatml");
  const decodeTargets = (mask: "all" | "completion" | "assistant" | "last-turn") => {
    const ex = tokenizeExample(t, multi, tok, { mask });
    return tok.decode(targets(ex.labels).map((i) => ex.inputIds[i]));
  };
  assert.equal(decodeTargets("assistant"), "Hello<|im_end|>Goodbye<|im_end|>");
  assert.equal(decodeTargets("last-turn"), "Goodbye<|im_end|>");
  assert.equal(decodeTargets("completion"), "Goodbye<|im_end|>");
  const all = tokenizeExample(t, multi, tok, { mask: "all" });
  assert.equal(trainedTokens(all.labels), all.inputIds.length - 1);
  assert.throws(() => tokenizeExample(t, multi, tok, { mask: "prompt" as never }), /mask must be one of all, completion, assistant, last-turn/);
});

test("EOS ends every trained target and is trained on (tulu: after each assistant turn)", () => {
  const ex = tokenizeExample(getTemplate("tulu"), multi, tok, { mask: "assistant" });
  const eosPositions = ex.inputIds.flatMap((id, i) => (id === EOS ? [i] : []));
  assert.equal(eosPositions.length, 2);
  for (const p of eosPositions) assert.equal(ex.labels[p - 1], EOS);
});

test("jinja templates tokenize with the same boundaries as their built-in twin", () => {
  const jinja =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
  const a = tokenizeExample(getTemplate({ jinja }), multi, tok, { mask: "assistant" });
  const b = tokenizeExample(getTemplate("chatml"), multi, tok, { mask: "assistant" });
  // Same ids (the Jinja version ends with one more "\n"). Labels differ only where Jinja trains the "\n" it
  // writes right after an assistant's <|im_end|> (closing markup of a turn is trained whole).
  assert.deepEqual(a.inputIds.slice(0, b.inputIds.length), b.inputIds);
  const newline = tok.encode("\n")[0];
  a.labels.forEach((l, i) => {
    const other = i < b.labels.length ? b.labels[i] : IGNORE_INDEX;
    if (l !== other) assert.ok(l === newline && a.inputIds[i] === IM_END && other === IGNORE_INDEX, `position ${i}`);
  });
  assert.deepEqual(tokenizePrompt(getTemplate({ jinja }), multi, tok), tokenizePrompt(getTemplate("chatml"), multi, tok));
});

test("tokenizeRecords drops and lists examples with no target", () => {
  const empty = rec([{ role: "user", content: "x" }, { role: "assistant", content: "" }], { id: "empty" });
  // The jinja template below writes no EOS, so an empty answer leaves nothing to train on.
  const t = getTemplate({ jinja: "{% for m in messages %}{{ m['content'] }}{% endfor %}" });
  const out = tokenizeRecords(t, [single, empty], tok, { mask: "completion" });
  assert.deepEqual(out.noTrainedTokens, ["empty"]);
  assert.deepEqual(out.examples.map((e) => e.id), ["r1"]);
});
