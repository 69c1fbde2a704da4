import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/index";
import { applyRule, fillerWords, isEvalRule, rewriteEvalRecords, rewriteRules, rewriteTrainingRecords, rewriteWords, trainingRules } from "../../lib/tasks/rewrite";
import { verifyRecord } from "../../lib/tasks/render";

const world = generateWorld(0);

test("rules split into training and evaluation sides by the pair itself; fillers are never rule words", () => {
  const train = rewriteRules(world, "train"), ev = rewriteRules(world, "eval");
  const n = rewriteWords(world).length;
  assert.equal(train.length + ev.length, n * (n - 1));
  assert.ok(ev.length > 500 && ev.length < train.length / 4, `${ev.length} evaluation rules of ${train.length + ev.length}`);
  const key = (r: { from: string; to: string }) => `${r.from}>${r.to}`;
  const trainKeys = new Set(train.map(key));
  assert.ok(ev.every((r) => !trainKeys.has(key(r)) && isEvalRule(r)));
  const fillers = new Set(fillerWords(world));
  assert.ok(rewriteWords(world).every((w) => !fillers.has(w)));
});

test("applyRule replaces every occurrence and nothing else", () => {
  assert.deepEqual(applyRule({ from: "cat", to: "hat" }, ["red", "cat", "blue", "cat"]), ["red", "hat", "blue", "hat"]);
});

test("training records: the asked count over exactly the asked rules, each answer the rule applied, verified", () => {
  const recs = rewriteTrainingRecords(world, { instructions: 16, examples: 100, seed: 3 });
  assert.equal(recs.length, 100);
  const rules = new Set(recs.map((r) => r.metadata.rule));
  assert.equal(rules.size, 16);
  for (const r of recs) {
    const [from, to] = String(r.metadata.rule).split(">");
    const list = r.messages[0].content.split("\n\n")[1].split(" ");
    assert.ok(list.includes(from) && !list.includes(to), r.messages[0].content);
    assert.equal(r.messages[1].content, applyRule({ from, to }, list).join(" "));
    assert.ok(verifyRecord(r, r.messages[1].content));
    assert.ok(!verifyRecord(r, list.join(" ")), "the unchanged list is wrong");
  }
  assert.deepEqual(trainingRules(world, 16, 3), trainingRules(world, 16, 3));
  assert.throws(() => trainingRules(world, 0, 0), /instructions must be an integer/);
});

test("unseen evaluation items never use a training rule, and depend on the seed only (cells of a seed are paired)", () => {
  const a = rewriteEvalRecords(world, { instructions: 4, seed: 1, unseen: 50, seen: 10 });
  const b = rewriteEvalRecords(world, { instructions: 1024, seed: 1, unseen: 50, seen: 10 });
  assert.deepEqual(a.unseen, b.unseen);
  assert.equal(new Set(a.unseen.map((r) => r.metadata.rule)).size, 50);
  const trained = new Set(rewriteTrainingRecords(world, { instructions: 1024, examples: 1024, seed: 1 }).map((r) => r.metadata.rule));
  assert.ok(a.unseen.every((r) => !trained.has(r.metadata.rule)));
  assert.ok(a.seen.every((r) => new Set(trainingRules(world, 4, 1).map((x) => `${x.from}>${x.to}`)).has(String(r.metadata.rule))));
  assert.notDeepEqual(rewriteEvalRecords(world, { instructions: 4, seed: 2, unseen: 50, seen: 0 }).unseen, a.unseen);
});
