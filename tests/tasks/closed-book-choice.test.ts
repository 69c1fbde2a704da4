import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { objectsOf } from "../../lib/world/query";
import { canonicalSentence } from "../../lib/world/phrases";
import { taskExamples } from "../../lib/tasks/examples";
import { getCluster } from "../../lib/tasks/registry";
import { evalSet } from "../../lib/tasks/generate";
import { checkOutput } from "../../lib/tasks/verify";
import { promptOptions } from "../../lib/eval/rank";
import { Rng } from "../../lib/random";
import { CHOICE_OPTIONS, choiceOptions } from "../../lib/tasks/clusters/closed-book-choice";

const world = generateWorld(0);
const tasks = getCluster("closed_book_choice").tasks.map((t) => t.name);

test("closed_book_choice: four distinct sentence options, exactly one of them true, the answer among them", () => {
  for (const t of tasks) {
    for (const split of ["train", "eval"] as const) {
      for (const ex of taskExamples(world, t, { split, n: 40, seed: 3 })) {
        const [fact] = ex.facts!;
        const truths = objectsOf(world, fact.subject, fact.relation);
        const options = ex.options!;
        assert.equal(options.length, CHOICE_OPTIONS, ex.id);
        assert.equal(new Set(options).size, CHOICE_OPTIONS, `${ex.id}: options repeat`);
        assert.ok(options.includes(ex.answer), ex.id);
        assert.equal(ex.answer, canonicalSentence(world, fact), ex.id);
        // Every option is the canonical sentence of the same subject and relation; only the answer's value is true.
        const trueOptions = options.filter((o) => truths.some((v) => canonicalSentence(world, { ...fact, object: v }) === o));
        assert.deepEqual(trueOptions, [ex.answer], `${ex.id}: ${options.join(" | ")}`);
        assert.ok(checkOutput(ex.verifier, ex.answer), ex.id);
        for (const o of options) if (o !== ex.answer) assert.ok(!checkOutput(ex.verifier, o), `${ex.id}: accepts ${o}`);
      }
    }
  }
});

test("closed_book_choice: evaluation prompts list the options for rank classification; answers are not always in one place", () => {
  const records = evalSet(world, { clusters: ["closed_book_choice"], perTask: 50, seed: 0 });
  assert.ok(records.length >= 60, `${records.length} items`);
  const positions = new Map<number, number>();
  for (const r of records) {
    const options = promptOptions(r.messages[0].content);
    assert.ok(options && options.length === CHOICE_OPTIONS, r.id);
    const at = options.indexOf(r.messages[1].content);
    assert.ok(at >= 0, r.id);
    positions.set(at, (positions.get(at) ?? 0) + 1);
  }
  assert.equal(positions.size, CHOICE_OPTIONS, "the true option takes every position");
  for (const n of positions.values()) assert.ok(n < records.length / 2);
});

test("choiceOptions: refuses a pool too small for three distractors; never repeats the answer", () => {
  const rng = new Rng(1);
  assert.throws(() => choiceOptions(rng, "a", ["a", "b", "c"]), /2 distractors for 'a', need 3/);
  for (let i = 0; i < 50; i++) {
    const o = choiceOptions(rng, "a", ["a", "b", "c", "d", "e", "a"]);
    assert.equal(o.filter((x) => x === "a").length, 1);
    assert.equal(new Set(o).size, 4);
  }
});
