// The Alpaca-format data set of the Alpaca ablations: clean rows from the task library, a known share of
// self-instruct defects, and filters that catch the rule-shaped ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { alpacaStyleRows } from "../../lib/tasks/alpaca-style";
import { generateWorld } from "../../lib/world/index";
import { getTask } from "../../lib/tasks/registry";
import { RuleFilter } from "../../lib/selfinstruct/filters";

const rules = new RuleFilter();
/** True when the instruction passes every rule. */
const screenInstruction = (instruction: string) => rules.check(instruction, "x") === undefined;

const world = generateWorld(0);

test("alpaca-style rows: deterministic, every row names a real task, the requested noise share", () => {
  const rows = alpacaStyleRows(world, { n: 600, seed: 3, noiseRate: 0.2, clusters: ["sentiment", "arithmetic"] });
  assert.deepEqual(rows, alpacaStyleRows(world, { n: 600, seed: 3, noiseRate: 0.2, clusters: ["sentiment", "arithmetic"] }));
  assert.equal(rows.length, 600);
  assert.equal(rows.filter((r) => r.noise).length, 120);
  for (const r of rows) {
    assert.ok(["sentiment", "arithmetic"].includes(getTask(r.task).cluster), r.task);
    assert.ok(r.instruction.length > 0 && r.output.length > 0);
  }
  const withInput = rows.filter((r) => !r.noise && r.input).length / 480;
  assert.ok(withInput > 0.3 && withInput < 0.6, `share with an input ${withInput}`);
  assert.notDeepEqual(rows, alpacaStyleRows(world, { n: 600, seed: 4, clusters: ["sentiment", "arithmetic"] }));
});

test("self-instruct's rule filters drop the rule-shaped defects and keep clean rows", () => {
  const rows = alpacaStyleRows(world, { n: 1200, seed: 0 });
  const ruleKinds = new Set(["blacklist", "program", "short", "punctuation", "non-ascii"]);
  const defects = rows.filter((r) => r.noise && ruleKinds.has(r.noise));
  const clean = rows.filter((r) => !r.noise);
  const caught = defects.filter((r) => !screenInstruction(r.instruction)).length;
  const lost = clean.filter((r) => !screenInstruction(r.instruction)).length;
  assert.ok(caught / defects.length > 0.95, `caught ${caught} of ${defects.length}`);
  assert.ok(lost / clean.length < 0.05, `lost ${lost} of ${clean.length} clean rows`);
});
