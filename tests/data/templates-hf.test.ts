// Real models' chat templates: read from tokenizer_config.json / chat_template.jinja / model directories,
// and templates that are not prefix-stable (Qwen3) trained multi-turn with the right assistant mask.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstructionRecord, Message } from "../../lib/data/record";
import {
  chatTemplateFromPath, getTemplate, IGNORE_INDEX, modelChatTemplate, specialTokenText, tokenizeExample, tokenizePrompt, TEMPLATE_NAMES, type Rendered,
} from "../../lib/data/templates/index";
import { portableTemplateSpec, templateOfModel } from "../../lib/data/templates/hf";
import { trainBpe } from "../../lib/tokenizer/index";

const FIX = "tests/fixtures/chat-templates";
const QWEN3 = `${FIX}/qwen3/tokenizer_config.json`;

function rec(messages: Message[]): InstructionRecord {
  return { id: "r1", source: "s", messages, metadata: {}, provenance: { file: "chat.jsonl", line: 3, format: "chat", container: "jsonl" } };
}
const text = (r: Rendered) => r.segments.map((s) => s.text).join("");
const trainedText = (r: Rendered) => r.segments.filter((s) => s.train).map((s) => s.text).join("");
const prefix = (r: Rendered) => r.segments.slice(0, r.promptSegments).map((s) => s.text).join("");

const single = rec([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }]);
const multi = rec([
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello" },
  { role: "user", content: "Bye" },
  { role: "assistant", content: "Goodbye" },
]);

test("qwen3: a tokenizer_config.json path is a template; single turn renders as transformers does", () => {
  const t = getTemplate(QWEN3);
  assert.deepEqual(t.stopStrings, ["<|im_end|>"]);
  assert.equal(t.eosToken, "<|im_end|>");
  const r = t.render(single);
  // The last assistant turn (after the last user query) gets an empty think block.
  assert.equal(text(r), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHello<|im_end|>\n");
  assert.equal(prefix(r), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  assert.equal(t.renderPrompt(single), prefix(r));
  assert.equal(trainedText(r), "Hello<|im_end|>\n");
});

test("qwen3: a multi-turn conversation (not prefix-stable) trains with the right assistant mask", () => {
  const t = getTemplate(QWEN3);
  const r = t.render(multi);
  // As transformers renders the whole conversation: the earlier answer without a think block, the last with one.
  const expected =
    "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n" +
    "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nGoodbye<|im_end|>\n";
  assert.equal(text(r), expected);
  // Both answers and their end-of-turn markers are targets, nothing else (not the think block, not headers).
  assert.equal(trainedText(r), "Hello<|im_end|>\nGoodbye<|im_end|>\n");
  assert.deepEqual(r.segments.filter((s) => !s.markup).map((s) => s.text), multi.messages.map((m) => m.content));
  // The prompt for the last answer is exactly the generation prompt.
  assert.equal(prefix(r), t.renderPrompt(multi));
  assert.ok(t.renderPrompt(multi).endsWith("<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n"));

  // Token level: the labels' targets decode to the two answers with their markers.
  const tok = trainBpe(["user assistant system Hi Hello Bye Goodbye Be brief think"], { vocabSize: 300 });
  const ex = tokenizeExample(t, multi, tok, { mask: "assistant" });
  assert.equal(ex.inputIds.length, ex.labels.length);
  const targetIds = ex.labels.filter((l) => l !== IGNORE_INDEX);
  const decoded = tok.decode(targetIds);
  assert.equal(decoded, "Hello<|im_end|>\nGoodbye<|im_end|>\n");
  assert.equal(tok.decode(ex.inputIds), expected);
  const last = tokenizeExample(t, multi, tok, { mask: "last-turn" });
  assert.equal(tok.decode(last.labels.filter((l) => l !== IGNORE_INDEX)), "Goodbye<|im_end|>\n");
  // Generation prompt ids are the head of the training ids.
  const prompt = tokenizePrompt(t, multi, tok);
  assert.deepEqual(ex.inputIds.slice(0, prompt.length), prompt);
});

test("named templates and AddedToken bos/eos: '#name' picks one; a missing name lists those there are", () => {
  const file = `${FIX}/named/tokenizer_config.json`;
  const d = chatTemplateFromPath(file);
  assert.equal(d.bosToken, "<s>");
  assert.equal(d.eosToken, "</s>");
  assert.equal(text(getTemplate(file).render(single)), "<s>[INST] Hi [/INST] Hello</s>");
  assert.equal(text(getTemplate(`${file}#tool_use`).render(single)), "<s><user>Hi</user><assistant>Hello</assistant>");
  assert.throws(() => getTemplate(`${file}#chat`), /no chat template named 'chat' \(it has: default, tool_use/);
  assert.equal(specialTokenText({ content: "<|eot_id|>" }), "<|eot_id|>");
  assert.equal(specialTokenText(null), undefined);
});

test("a model directory is a template: its tokenizer_config.json chat_template, or chat_template.jinja beside it", () => {
  const t = getTemplate(`${FIX}/jinja-file`);
  assert.equal(text(t.render(single)), "<|user|>\nHi<|end|>\n<|assistant|>\nHello<|end|>\n");
  assert.deepEqual(t.stopStrings, ["<|end|>"]);
  assert.equal(modelChatTemplate(`${FIX}/qwen3`)?.eosToken, "<|im_end|>");
  // A base model's directory has none: undefined for lookups, a one-line error when named as a template.
  assert.equal(modelChatTemplate("tests/fixtures/tiny-gpt2"), undefined);
  assert.throws(() => getTemplate("tests/fixtures/tiny-gpt2"), /tiny-gpt2: the directory has no chat template/);
  assert.throws(() => getTemplate("tests/fixtures/tiny-gpt2/tokenizer_config.json"), /has no 'chat_template'/);
  assert.throws(() => getTemplate("nope/tokenizer_config.json"), /template nope\/tokenizer_config\.json: no such file/);
  // A typo of a name is not a path.
  assert.throws(() => getTemplate("chatlm"), /unknown template 'chatlm' \(did you mean 'chatml'\?\)/);
});

test("templateOfModel: the template a model was tuned with, else its own chat template; paths saved portable", () => {
  assert.equal(templateOfModel("tests/fixtures/tiny-gpt2", { template: "alpaca" }), "alpaca");
  assert.equal(templateOfModel("tests/fixtures/tiny-gpt2", {}), undefined);
  assert.equal((templateOfModel(`${FIX}/qwen3`, {}) as { eosToken?: string }).eosToken, "<|im_end|>");
  const saved = portableTemplateSpec(QWEN3) as { jinja: string; eosToken: string };
  assert.equal(saved.jinja, JSON.parse(readFileSync(QWEN3, "utf8")).chat_template);
  assert.equal(portableTemplateSpec("alpaca"), "alpaca");
  // Every built-in name stays a name, even if a file of that name exists in the working directory.
  for (const n of TEMPLATE_NAMES) assert.equal(portableTemplateSpec(n), n);
  const dir = mkdtempSync(join(tmpdir(), "nano-tpl-"));
  try {
    cpSync(QWEN3, join(dir, "tokenizer_config.json"));
    writeFileSync(join(dir, "config.json"), "{}");
    assert.equal(getTemplate(dir).render(single).segments.length > 0, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a template that prints a message count first (not prefix-stable) is split from the whole rendering", () => {
  const t = getTemplate({ jinja: "{{ messages | length }}\n{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}" });
  const r = t.render(multi);
  assert.equal(text(r), "5\nsystem: Be brief.\nuser: Hi\nassistant: Hello\nuser: Bye\nassistant: Goodbye\n");
  assert.equal(trainedText(r), "Hello\nGoodbye\n");
});

test("a template that rewrites content is refused with the record's location, not guessed at", () => {
  const t = getTemplate({ jinja: "{% for m in messages %}{{ m['role'] }}: {{ m['content'] | upper }}\n{% endfor %}" });
  assert.throws(() => t.render(multi), /chat\.jsonl:3: record 'r1': chat template cannot be split into markup and content/);
});
