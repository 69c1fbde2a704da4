import { test } from "node:test";
import assert from "node:assert/strict";
import { answerLogprob, promptOptions, rankClassify, recordOptions } from "../../lib/eval/rank";
import { loadModel } from "../../lib/model/load";
import { getTemplate } from "../../lib/data/templates/index";
import { tokenizeExample, IGNORE_INDEX } from "../../lib/data/templates/tokenize";
import { tokenLogprobs } from "../../lib/model/score";
import type { InstructionRecord } from "../../lib/data/record";

const rec = (prompt: string, answer = "x"): InstructionRecord => ({
  id: "r", source: "t", messages: [{ role: "user", content: prompt }, { role: "assistant", content: answer }], metadata: {},
  provenance: { file: "t", format: "chat", container: "jsonl" },
});

test("promptOptions reads the OPTIONS block our templates append, and only at the end", () => {
  assert.deepEqual(promptOptions("Is it good?\n\nOPTIONS:\n- negative\n- positive"), ["negative", "positive"]);
  assert.deepEqual(promptOptions("Q\n\nOPTIONS:\n- yes\n- it is not possible to tell\n- no\n"), ["yes", "it is not possible to tell", "no"]);
  assert.equal(promptOptions("What is the capital of Kipaun?"), null);
  assert.equal(promptOptions("OPTIONS:\n- a\n- b\n\nThen answer in a sentence."), null, "a block that is not at the end is not the options");
  assert.equal(promptOptions("Q\n\nOPTIONS:\n- only one"), null, "one option is not a choice");
  assert.deepEqual(recordOptions(rec("Q\n\nOPTIONS:\n- a\n- b")), ["a", "b"]);
});

test("answerLogprob sums the answer's and the end token's log-probabilities, as training labels them", async () => {
  const { model, tokenizer } = await loadModel("nano-tiny");
  const template = getTemplate("alpaca");
  const r = rec("Say yes or no.\n\nOPTIONS:\n- yes\n- no");
  const lp = await answerLogprob(model, tokenizer, template, r, "yes");
  const { inputIds, labels } = tokenizeExample(template, { ...r, messages: [r.messages[0], { role: "assistant", content: "yes" }] }, tokenizer, { mask: "completion" });
  const all = tokenLogprobs(model, inputIds);
  const want = all.reduce((t, v, i) => t + (labels[i] !== IGNORE_INDEX ? v : 0), 0);
  assert.ok(lp !== null && Math.abs(lp - want) < 1e-9, `${lp} vs ${want}`);
  assert.ok(lp! < 0);
  // The target includes the end of sequence: more than the answer's own tokens are scored.
  assert.ok(labels.filter((l) => l !== IGNORE_INDEX).length > tokenizer.encode("yes").length);
});

test("rankClassify picks the most likely option of every record that lists options, and skips the rest", async () => {
  const { model, tokenizer } = await loadModel("nano-tiny");
  const template = getTemplate("alpaca");
  const records = [
    { ...rec("Which is an animal?\n\nOPTIONS:\n- the cat\n- qzxv"), id: "a" },
    { ...rec("What is the capital of Kipaun?"), id: "open" },
  ];
  const ranked = await rankClassify(model, tokenizer, template, records);
  assert.deepEqual([...ranked.keys()], ["a"]);
  const a = ranked.get("a")!;
  assert.equal(a.logprobs.length, 2);
  assert.equal(a.choice, a.logprobs[0] >= a.logprobs[1] ? "the cat" : "qzxv");
});
