import { test } from "node:test";
import assert from "node:assert/strict";
import { CLUSTERS, clusterNames, getTask, getTemplate, resolveSource, taskLibrary, taskNames, templatesOf } from "../../lib/tasks/registry";
import { placeholders } from "../../lib/tasks/template";
import { UserError } from "../../lib/errors";

test("at least 12 clusters of at least 3 tasks, each with at least 10 templates of which at least 2 inverted", () => {
  assert.ok(CLUSTERS.length >= 12, `${CLUSTERS.length} clusters`);
  for (const c of CLUSTERS) {
    assert.ok(c.tasks.length >= 3, `${c.name}: ${c.tasks.length} tasks`);
    for (const t of c.tasks) {
      assert.equal(t.cluster, c.name, t.name);
      const templates = templatesOf(t);
      assert.ok(templates.length >= 10, `${t.name}: ${templates.length} templates`);
      assert.ok(templates.filter((x) => x.inverted).length >= 2, `${t.name}: needs 2 inverted templates`);
      assert.ok(templates.filter((x) => !x.inverted).length >= 8, `${t.name}: needs forward templates`);
      assert.equal(new Set(templates.map((x) => x.prompt)).size, templates.length, `${t.name}: duplicate template`);
    }
  }
  const names = taskNames();
  assert.equal(new Set(names).size, names.length, "task names are unique");
  assert.ok(names.length >= 40);
});

test("forward prompts never show the answer; inverted ones turn the task around", () => {
  for (const name of taskNames()) {
    const t = getTask(name);
    for (const tpl of templatesOf(t)) {
      const used = placeholders(tpl.prompt);
      assert.ok(!used.includes("options"), tpl.id);
      if (tpl.inverted) assert.ok(used.includes("answer") || /answer/i.test(tpl.prompt) || tpl.target !== "{answer}", `${tpl.id} should turn the task around`);
      else {
        assert.ok(!used.includes("answer"), `${tpl.id}: a forward prompt must not show the answer`);
        assert.equal(tpl.target, "{answer}", tpl.id);
        assert.ok(used.length > 0, `${tpl.id} shows no input`);
      }
      // Plain instruction text: none of the chat-format markers other libraries wrap prompts in.
      for (const marker of ["### Instruction", "### Response", "<|im_start|>", "<|user|>"]) assert.ok(!tpl.prompt.includes(marker), tpl.id);
    }
  }
});

test("the library lists clusters, tasks and templates as plain JSON; NLI and paraphrase are held out together", () => {
  const lib = taskLibrary();
  assert.deepEqual(JSON.parse(JSON.stringify(lib)), lib);
  assert.deepEqual(lib.clusters.map((c) => c.name), clusterNames());
  assert.equal(lib.tasks.length, taskNames().length);
  const nli = lib.clusters.find((c) => c.name === "nli")!;
  const para = lib.clusters.find((c) => c.name === "paraphrase")!;
  assert.ok(nli.related.includes("paraphrase") && para.related.includes("nli"));
  const cap = lib.tasks.find((t) => t.name === "capital_qa")!;
  assert.equal(cap.templates[0].id, "capital_qa/t0");
  assert.equal(getTemplate("capital_qa/t0").prompt, cap.templates[0].prompt);
});

test("named sources", () => {
  assert.deepEqual(resolveSource("task:capital_qa"), ["capital_qa"]);
  assert.deepEqual(resolveSource("cluster:arithmetic"), CLUSTERS.find((c) => c.name === "arithmetic")!.tasks.map((t) => t.name));
  assert.deepEqual(resolveSource("arithmetic"), resolveSource("cluster:arithmetic"));
  assert.deepEqual(resolveSource("all"), taskNames());
  assert.throws(() => resolveSource("cluster:arithmetics"), (e: unknown) => e instanceof UserError && /did you mean 'arithmetic'/.test(e.message));
  assert.throws(() => resolveSource("task:nope"), UserError);
  assert.throws(() => getTemplate("capital_qa/t99"), UserError);
});
