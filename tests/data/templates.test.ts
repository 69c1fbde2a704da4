import { test } from "node:test";
import assert from "node:assert/strict";
import type { InstructionRecord, Message } from "../../lib/data/record";
import {
  ALPACA_PROMPT_INPUT, ALPACA_PROMPT_NO_INPUT, ALPACA_LORA_PROMPT_INPUT, ALPACA_LORA_PROMPT_NO_INPUT, getTemplate, GENERIC_PATTERNS, fillPattern, placeholders, type Rendered, type Template,
} from "../../lib/data/templates/index";
import { UserError } from "../../lib/errors";

function rec(messages: Message[], extra: Partial<InstructionRecord> = {}): InstructionRecord {
  return { id: "r1", source: "s", messages, metadata: {}, provenance: { file: "data.jsonl", line: 7, format: "chat", container: "jsonl" }, ...extra };
}
const text = (r: Rendered) => r.segments.map((s) => s.text).join("");
const prefix = (r: Rendered) => r.segments.slice(0, r.promptSegments).map((s) => s.text).join("");
const trainedText = (r: Rendered) => r.segments.filter((s) => s.train).map((s) => s.text).join("");

/** Every template: the generation prompt is exactly the head of the training layout. */
function assertPromptIsHead(t: Template, r: InstructionRecord) {
  const rendered = t.render(r);
  assert.equal(t.renderPrompt(r), prefix(rendered));
  assert.ok(rendered.segments.slice(0, rendered.promptSegments).every((s) => !s.train || s.role === "assistant"), "prompt holds no target of the final answer");
}

const alpacaWithInput = rec(
  [{ role: "user", content: "Translate to French.\n\nGood morning" }, { role: "assistant", content: "Bonjour" }],
  { fields: { instruction: "Translate to French.", input: "Good morning", output: "Bonjour" } },
);

/**
 * Stanford Alpaca's PROMPT_DICT and alpaca-lora's templates/alpaca.json, as published (test data, copied
 * as strings): the templates must reproduce them byte for byte, and train.py's example = prompt + output + EOS.
 */
const STANFORD_PROMPT_DICT = {
  prompt_input: (
    "Below is an instruction that describes a task, paired with an input that provides further context. " +
    "Write a response that appropriately completes the request.\n\n" +
    "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:"
  ),
  prompt_no_input: (
    "Below is an instruction that describes a task. " +
    "Write a response that appropriately completes the request.\n\n" +
    "### Instruction:\n{instruction}\n\n### Response:"
  ),
};
const ALPACA_LORA_JSON = JSON.parse(String.raw`{
    "description": "Template used by Alpaca-LoRA.",
    "prompt_input": "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n",
    "prompt_no_input": "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:\n",
    "response_split": "### Response:"
}`) as { prompt_input: string; prompt_no_input: string };

/** Python's str.format_map for the two fields. */
const formatMap = (t: string, f: { instruction: string; input?: string }) => t.replace("{instruction}", f.instruction).replace("{input}", f.input ?? "");

test("alpaca: byte for byte Stanford Alpaca's train.py (PROMPT_DICT prompt, output appended directly, then EOS)", () => {
  assert.equal(ALPACA_PROMPT_INPUT, STANFORD_PROMPT_DICT.prompt_input);
  assert.equal(ALPACA_PROMPT_NO_INPUT, STANFORD_PROMPT_DICT.prompt_no_input);
  const t = getTemplate("alpaca");
  assert.equal(t.name, "alpaca");
  const r = t.render(alpacaWithInput);
  // train.py: source = prompt.format_map(example); target = f"{output}{eos_token}"; example = source + target.
  const source = formatMap(STANFORD_PROMPT_DICT.prompt_input, { instruction: "Translate to French.", input: "Good morning" });
  assert.ok(source.endsWith("### Response:"));
  assert.equal(prefix(r), source);
  assert.equal(text(r), source + "Bonjour" + "<|endoftext|>");
  // Labels: everything after the source (output and EOS) is a target, nothing before it.
  assert.equal(trainedText(r), "Bonjour<|endoftext|>");
  assert.equal(r.segments.at(-1)?.eos, true);

  const noInput = rec([{ role: "user", content: "Name a color." }, { role: "assistant", content: "Blue." }]);
  const sourceNo = formatMap(STANFORD_PROMPT_DICT.prompt_no_input, { instruction: "Name a color." });
  assert.equal(t.renderPrompt(noInput), sourceNo);
  assert.equal(text(t.render(noInput)), sourceNo + "Blue.<|endoftext|>");
  // train.py picks prompt_no_input when input is "" (an Alpaca row with input "").
  const emptyInput = rec([{ role: "user", content: "Name a color." }, { role: "assistant", content: "Blue." }],
    { fields: { instruction: "Name a color.", input: "", output: "Blue." } });
  assert.equal(text(t.render(emptyInput)), sourceNo + "Blue.<|endoftext|>");
  assertPromptIsHead(t, alpacaWithInput);
  assertPromptIsHead(t, noInput);
  // Bare prompt messages render like the record's head.
  assert.equal(t.renderPrompt([{ role: "user", content: "Name a color." }]), sourceNo);
  assert.equal(t.eosEndsResponse, true);
  // The EOS text follows the tokenizer (LLaMA's </s> in train.py).
  assert.equal(text(getTemplate({ name: "alpaca", eosToken: "</s>" } as never).render(noInput)), sourceNo + "Blue.</s>");
});

test("alpaca-lora: byte for byte alpaca-lora's templates/alpaca.json (newline after '### Response:'), output then EOS", () => {
  assert.equal(ALPACA_LORA_PROMPT_INPUT, ALPACA_LORA_JSON.prompt_input);
  assert.equal(ALPACA_LORA_PROMPT_NO_INPUT, ALPACA_LORA_JSON.prompt_no_input);
  const t = getTemplate("alpaca-lora");
  assert.equal(t.name, "alpaca-lora");
  const r = t.render(alpacaWithInput);
  // Prompter.generate_prompt(instruction, input, output) = prompt + output; tokenize(add_eos_token=True) adds EOS.
  const prompt = formatMap(ALPACA_LORA_JSON.prompt_input, { instruction: "Translate to French.", input: "Good morning" });
  assert.equal(prefix(r), prompt);
  assert.equal(text(r), prompt + "Bonjour<|endoftext|>");
  assert.equal(trainedText(r), "Bonjour<|endoftext|>");
  const noInput = rec([{ role: "user", content: "Name a color." }, { role: "assistant", content: "Blue." }]);
  assert.equal(t.renderPrompt(noInput), formatMap(ALPACA_LORA_JSON.prompt_no_input, { instruction: "Name a color." }));
  assertPromptIsHead(t, alpacaWithInput);
  // The two differ by exactly that newline.
  assert.equal(t.renderPrompt(noInput), getTemplate("alpaca").renderPrompt(noInput) + "\n");
});

test("alpaca: a system turn replaces the opening sentence; multi-turn records are refused with their location", () => {
  const t = getTemplate("alpaca");
  const r = rec([{ role: "system", content: "Be terse." }, { role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }]);
  assert.equal(t.renderPrompt(r), "Be terse.\n\n### Instruction:\nHi\n\n### Response:");
  assert.equal(getTemplate("alpaca-lora").renderPrompt(r), "Be terse.\n\n### Instruction:\nHi\n\n### Response:\n");
  const multi = rec([
    { role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }, { role: "assistant", content: "d" },
  ]);
  assert.throws(() => t.render(multi), (e: unknown) => e instanceof UserError && /^data\.jsonl:7: record 'r1': template 'alpaca'/.test(e.message));
});

const conversation = rec([
  { role: "system", content: "You are kind." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello!" },
  { role: "user", content: "Bye" },
  { role: "assistant", content: "Goodbye." },
]);

test("chatml: multi-turn layout, every assistant turn a target with its <|im_end|>", () => {
  const t = getTemplate("chatml");
  const r = t.render(conversation);
  assert.equal(
    text(r),
    "<|im_start|>system\nYou are kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n" +
      "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\nGoodbye.<|im_end|>",
  );
  assert.equal(trainedText(r), "Hello!<|im_end|>Goodbye.<|im_end|>");
  assert.equal(
    t.renderPrompt(conversation),
    "<|im_start|>system\nYou are kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
  );
  assertPromptIsHead(t, conversation);
  assert.deepEqual(t.stopStrings, ["<|im_end|>"]);
  // Content segments are never markup; template markers always are.
  for (const s of r.segments) assert.equal(s.markup === true, s.text.includes("<|im_") || s.text === "\n", JSON.stringify(s));
});

test("tulu: <|user|>/<|assistant|> markers, EOS after every answer", () => {
  const t = getTemplate("tulu");
  const r = t.render(conversation);
  assert.equal(
    text(r),
    "<|system|>\nYou are kind.\n<|user|>\nHi\n<|assistant|>\nHello!<|endoftext|>\n<|user|>\nBye\n<|assistant|>\nGoodbye.<|endoftext|>",
  );
  assert.equal(trainedText(r), "Hello!<|endoftext|>Goodbye.<|endoftext|>");
  assert.ok(t.renderPrompt(conversation).endsWith("<|user|>\nBye\n<|assistant|>\n"));
  assertPromptIsHead(t, conversation);
});

test("plain: turns on their own lines", () => {
  const t = getTemplate("plain");
  const r = t.render(rec([{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }]));
  assert.equal(text(r), "2+2?\n4<|endoftext|>");
  assert.equal(prefix(r), "2+2?\n");
});

const nli = rec([{ role: "user", content: "ignored" }, { role: "assistant", content: "yes" }], {
  task: "rte",
  metadata: {
    values: { premise: "A dog runs.", hypothesis: "An animal moves." },
    options: ["yes", "no"],
    exemplars: [
      { premise: "It rains.", hypothesis: "It is dry.", output: "no" },
      { premise: "Sam sings.", hypothesis: "Sam makes sound.", output: "yes" },
    ],
  },
});
const rtePatterns = { rte: [{ input: "{premise}\n\nCan we conclude that \"{hypothesis}\"?\n\n{options_}", target: "{output}" }] };

test("flan: zero-shot with and without options, from per-task patterns", () => {
  const zs = getTemplate({ name: "flan-zero-shot", patterns: rtePatterns });
  const r = zs.render(nli);
  assert.equal(prefix(r), 'A dog runs.\n\nCan we conclude that "An animal moves."?\n\nOPTIONS:\n- yes\n- no\n');
  assert.equal(trainedText(r), "yes<|endoftext|>");
  assert.equal(r.templateType, "zs_opt");
  const noopt = getTemplate({ name: "flan-zero-shot", patterns: rtePatterns, type: "zs_noopt" }).render(nli);
  assert.equal(prefix(noopt), 'A dog runs.\n\nCan we conclude that "An animal moves."?\n');
  assert.equal(noopt.templateType, "zs_noopt");
  assertPromptIsHead(zs, nli);
});

test("flan: few-shot exemplars joined by blank lines; falls back to zero-shot without exemplars", () => {
  const fs = getTemplate({ name: "flan-few-shot", patterns: rtePatterns, type: "fs_noopt" });
  const r = fs.render(nli);
  assert.equal(
    prefix(r),
    'It rains.\n\nCan we conclude that "It is dry."?\nno\n\n' +
      'Sam sings.\n\nCan we conclude that "Sam makes sound."?\nyes\n\n' +
      'A dog runs.\n\nCan we conclude that "An animal moves."?\n',
  );
  assert.equal(r.templateType, "fs_noopt");
  assertPromptIsHead(fs, nli);
  const bare = rec([{ role: "user", content: "Say hi." }, { role: "assistant", content: "hi" }]);
  assert.equal(fs.render(bare).templateType, "zs_noopt");
  // The "flan" template follows the type a mixture assigned to the record.
  const follow = getTemplate({ name: "flan", patterns: rtePatterns });
  assert.equal(follow.render({ ...nli, metadata: { ...nli.metadata, template_type: "fs_opt" } }).templateType, "fs_opt");
  assert.equal(follow.render(nli).templateType, "zs_opt");
});

test("flan: generic patterns for instruction/input/output records; options appended when the pattern has no slot", () => {
  const t = getTemplate({ name: "flan-zero-shot", fallbackPatterns: [{ input: "Q: {instruction} {input}", target: "A: {output}" }] });
  const r = t.render(rec([{ role: "user", content: "Is the sky blue?" }, { role: "assistant", content: "yes" }], { metadata: { options: ["yes", "no"] } }));
  assert.equal(text(r), "Q: Is the sky blue?\n\nOPTIONS:\n- yes\n- no\nA: yes<|endoftext|>");
  for (const p of GENERIC_PATTERNS) {
    const out = fillPattern(p.input, { instruction: "Do X.", input: "", options_: "" }, "here");
    assert.ok(!/\n\n\n/.test(out) && out === out.trim(), JSON.stringify(out));
  }
  assert.deepEqual(placeholders("{a} {{b}} {c_1} {a}"), ["a", "c_1"]);
  assert.equal(fillPattern("{{x}} {y}", { y: "1" }, "w"), "{x} 1");
  assert.throws(() => fillPattern("{nope}", { y: "1" }, "f.jsonl:3: record 'x'"), /f\.jsonl:3: record 'x': pattern placeholder \{nope\} has no value/);
  // Same record, same pattern, whatever the order records come in.
  const g = getTemplate("flan-zero-shot");
  const a = rec([{ role: "user", content: "x" }, { role: "assistant", content: "y" }], { id: "abc" });
  assert.equal(text(g.render(a)), text(g.render(structuredClone(a))));
});

test("getTemplate: unknown names are one-line errors", () => {
  assert.throws(() => getTemplate("vicuna" as never), /unknown template 'vicuna': use one of alpaca, alpaca-lora, flan, .*tokenizer_config\.json/);
  assert.throws(() => getTemplate({ name: "flan-few-shot", maxExemplars: 0 }), /maxExemplars must be a positive integer/);
});

const CHATML_JINJA =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

test("jinja: a ChatML chat_template splits into markup and content by rendering prefixes", () => {
  const t = getTemplate({ jinja: CHATML_JINJA });
  const r = t.render(conversation);
  const builtin = getTemplate("chatml").render(conversation);
  // Same text as the built-in ChatML except the final newline the template writes after the last turn.
  assert.equal(text(r), text(builtin) + "\n");
  const contents = r.segments.filter((s) => !s.markup).map((s) => s.text);
  assert.deepEqual(contents, conversation.messages.map((m) => m.content));
  assert.equal(trainedText(r), "Hello!<|im_end|>\nGoodbye.<|im_end|>\n");
  assertPromptIsHead(t, conversation);
});

test("jinja: templates that trim content, use bos/eos tokens, and raise on bad role order", () => {
  const jinja =
    "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}[INST] {{ m['content'] | trim }} [/INST]" +
    "{% elif m['role'] == 'assistant' %} {{ m['content'] | trim }}{{ eos_token }}{% else %}{{ raise_exception('no system') }}{% endif %}{% endfor %}";
  const t = getTemplate({ jinja, bosToken: "<s>", eosToken: "</s>" });
  const r = t.render(rec([{ role: "user", content: " hi " }, { role: "assistant", content: "yo" }]));
  assert.equal(text(r), "<s>[INST] hi [/INST] yo</s>");
  assert.deepEqual(r.segments.filter((s) => !s.markup).map((s) => s.text), ["hi", "yo"]);
  assert.equal(trainedText(r), "yo</s>");
  assert.equal(prefix(r), "<s>[INST] hi [/INST]");
  assert.throws(() => t.render(conversation), /data\.jsonl:7: record 'r1': chat template failed: no system/);
});

test("jinja: a Llama-2-style template that folds the system prompt into the first user turn", () => {
  const jinja =
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}" +
    "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}" +
    "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}" +
    "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}" +
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
  const t = getTemplate({ jinja, bosToken: "<s>", eosToken: "</s>" });
  const r = t.render(conversation);
  assert.equal(text(r), "<s>[INST] <<SYS>>\nYou are kind.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST] Goodbye. </s>");
  assert.deepEqual(r.segments.filter((s) => !s.markup).map((s) => s.text), conversation.messages.map((m) => m.content));
  assert.equal(trainedText(r), "Hello! </s>Goodbye. </s>");
  assertPromptIsHead(t, conversation);
});

test("jinja: a template that is not prefix-stable is split from its whole rendering; a broken one is refused", () => {
  // Puts a count of all messages at the top: every prefix renders a different first line (tests/data/templates-hf.test.ts has more).
  const jinja = "{{ messages | length }}\n{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}";
  const t = getTemplate({ jinja });
  assert.equal(trainedText(t.render(conversation)), "Hello!\nGoodbye.\n");
  assert.throws(() => getTemplate({ jinja: "{% for %}" }), /chat template does not parse/);
});
