import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { taskExamples } from "../../lib/tasks/examples";
import { templatesOf, taskNames } from "../../lib/tasks/registry";
import { renderExample, verify, verifyRecord } from "../../lib/tasks/render";
import { recordProblems } from "../../lib/data/validate";
import type { InstructionRecord } from "../../lib/data/record";
import { UserError } from "../../lib/errors";

const world = generateWorld(1);
const ex = (task: string, split: "train" | "eval" = "eval", n = 1) => taskExamples(world, task, { split, n, seed: 3 });

test("zero-shot: the filled template as the user turn, the answer as the assistant turn", () => {
  const [e] = ex("capital_qa");
  const r = renderExample(e, "capital_qa/t0");
  assert.equal(r.messages[0].content, `What is the capital of ${e.inputs.country}?`);
  assert.equal(r.messages[1].content, e.answer);
  assert.equal(r.task, "capital_qa");
  assert.equal(r.cluster, "closed_book_qa");
  assert.deepEqual(r.references, e.references);
  assert.deepEqual(
    { templateId: r.metadata.templateId, templateType: r.metadata.templateType, withOptions: r.metadata.withOptions, inverted: r.metadata.inverted, split: r.metadata.split },
    { templateId: "capital_qa/t0", templateType: "zero-shot", withOptions: false, inverted: false, split: "eval" },
  );
  assert.deepEqual(r.metadata.verifier, e.verifier);
  assert.deepEqual(recordProblems(r), []);
});

test("with options: FLAN's OPTIONS block, only for classification tasks and forward templates", () => {
  const [e] = ex("nli_person");
  const r = renderExample(e, templatesOf("nli_person")[0], { options: true });
  assert.ok(r.messages[0].content.endsWith("\n\nOPTIONS:\n- yes\n- it is not possible to tell\n- no"), r.messages[0].content);
  assert.equal(r.metadata.withOptions, true);
  assert.ok(r.id.endsWith("/opt"));
  const [q] = ex("capital_qa");
  const plain = renderExample(q, "capital_qa/t0", { options: true });
  assert.equal(plain.metadata.withOptions, false);
  assert.ok(!plain.messages[0].content.includes("OPTIONS"));
  const inverted = templatesOf("nli_person").find((t) => t.inverted)!;
  assert.equal(renderExample(e, inverted, { options: true }).metadata.withOptions, false);
});

test("few-shot: k train exemplars under the same template, blank lines between, the query last", () => {
  const [e] = ex("addition");
  const shots = ex("addition", "train", 5);
  const r = renderExample(e, "addition/t0", { shot: "few", k: 2, exemplars: shots });
  const blocks = r.messages[0].content.split("\n\n");
  assert.deepEqual(blocks, [
    `What is ${shots[0].inputs.a} plus ${shots[0].inputs.b}?\n${shots[0].answer}`,
    `What is ${shots[1].inputs.a} plus ${shots[1].inputs.b}?\n${shots[1].answer}`,
    `What is ${e.inputs.a} plus ${e.inputs.b}?`,
  ]);
  assert.equal(r.metadata.templateType, "few-shot");
  assert.equal(r.metadata.k, 2);
  assert.deepEqual(r.metadata.exemplarIds, [shots[0].id, shots[1].id]);
  // Drawn from the world's train split when no exemplars are given, never the example itself.
  const [t] = ex("sort_words", "train");
  const drawn = renderExample(t, "sort_words/t0", { shot: "few", k: 2, world, seed: 1 });
  assert.equal(drawn.metadata.k, 2);
  for (const id of drawn.metadata.exemplarIds as string[]) {
    assert.ok(id.startsWith("sort_words/train/"));
    assert.notEqual(id, t.id);
  }
  assert.throws(() => renderExample(e, "addition/t0", { shot: "few" }), UserError);
  assert.throws(() => renderExample(e, "addition/t0", { shot: "few", exemplars: ex("addition", "eval", 3) }), UserError);
});

test("prompts stay short: zero-shot well under 200 tokens, few-shot cut back to maxPromptChars", () => {
  let longestAnswer = 0;
  for (const task of taskNames()) {
    const shots = ex(task, "train", 6);
    for (const e of ex(task, "eval", 6)) {
      for (const tpl of templatesOf(task)) {
        const zero = renderExample(e, tpl, { options: true });
        assert.ok(zero.messages[0].content.length <= 350, `${tpl.id}: ${zero.messages[0].content.length} chars`);
        const few = renderExample(e, tpl, { shot: "few", options: true, exemplars: shots });
        assert.ok(few.messages[0].content.length <= 700, `${tpl.id}: few-shot ${few.messages[0].content.length} chars`);
        longestAnswer = Math.max(longestAnswer, zero.messages[1].content.length);
      }
    }
  }
  assert.ok(longestAnswer <= 220, `longest response ${longestAnswer} chars`);
});

test("inverted templates: the answer goes in, the input comes out, with its own verifier", () => {
  const [e] = ex("capital_qa");
  const inv = templatesOf("capital_qa").find((t) => t.inverted && t.target === "{country}")!;
  const r = renderExample(e, inv);
  assert.ok(r.messages[0].content.includes(e.answer));
  assert.equal(r.messages[1].content, e.inputs.country);
  assert.equal(r.metadata.inverted, true);
  assert.deepEqual(r.references, [e.inputs.country]);
  assert.ok(verifyRecord(r, e.inputs.country.toUpperCase()));
  assert.ok(!verifyRecord(r, e.answer));
  const [a] = ex("addition");
  const write = renderExample(a, templatesOf("addition").find((t) => t.inverted && t.prompt.startsWith("Write"))!);
  assert.ok(verifyRecord(write, `${Number(a.answer) - 1} + 1`));
  assert.ok(!verifyRecord(write, `${Number(a.answer)} + 1`));
});

test("records verify from the record alone, after a JSON round trip", () => {
  for (const task of ["age_qa", "sort_numbers", "phrase_to_foreign", "bigger_yes_no", "summarize_person"]) {
    for (const tpl of templatesOf(task)) {
      const [e] = ex(task);
      const r: InstructionRecord = JSON.parse(JSON.stringify(renderExample(e, tpl, { options: true })));
      assert.ok(verifyRecord(r, r.messages[1].content), tpl.id);
      assert.ok(!verifyRecord(r, "something else entirely"), tpl.id);
    }
  }
  const [age] = ex("age_qa");
  const r = renderExample(age, "age_qa/t0");
  assert.ok(verify("age_qa", age.references[1], r));
  assert.ok(verify("age_qa", age.answer, age));
  assert.throws(() => verify("job_qa", age.answer, age), UserError);
  const broken = { ...r, metadata: { ...r.metadata, verifier: { kind: "bogus" } } };
  assert.throws(() => verifyRecord(broken, "1"), UserError);
  assert.throws(() => renderExample(age, "job_qa/t0"), UserError);
  assert.throws(() => renderExample(age, "age_qa/t0", { k: -1, shot: "few" }), UserError);
});
