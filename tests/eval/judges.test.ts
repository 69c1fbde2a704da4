import { test } from "node:test";
import assert from "node:assert/strict";
import { VerifierJudge } from "../../lib/eval/judges/verifier";
import { ReferenceJudge } from "../../lib/eval/judges/reference";
import { judgeAll } from "../../lib/eval/judges/run";
import type { JudgeItem } from "../../lib/eval/judges/types";
import { UserError } from "../../lib/errors";

const item = (id: string, outputA: string, outputB: string, reference?: string[]): JudgeItem => ({ id, instruction: "q", outputA, outputB, reference });

test("verifier judge: correct beats wrong, equal verdicts tie", async () => {
  const judge = new VerifierJudge(() => (out) => out.trim() === "4");
  assert.equal((await judge.judge(item("1", "4", "5"))).preference, 1);
  assert.equal((await judge.judge(item("2", "5", "4"))).preference, 0);
  assert.equal((await judge.judge(item("3", "4", " 4"))).preference, 0.5);
  const j = await judge.judge(item("4", "x", "y"));
  assert.equal(j.preference, 0.5);
  assert.deepEqual(j.details, { correctA: false, correctB: false });
  assert.equal(j.judge, "verifier");
});

test("verifier judge: throwing verifiers mean wrong; missing verifiers error or tie", async () => {
  const throwing = new VerifierJudge(() => (out) => { if (out === "bad") throw new Error("parse"); return true; });
  assert.equal((await throwing.judge(item("1", "ok", "bad"))).preference, 1);
  const none = new VerifierJudge(() => undefined);
  await assert.rejects(none.judge(item("7", "a", "b")), (e: Error) => e instanceof UserError && /item 7 has no verifier/.test(e.message));
  assert.equal((await new VerifierJudge(() => undefined, { missing: "tie" }).judge(item("7", "a", "b"))).preference, 0.5);
});

test("reference judge: the closer output wins, ties within the margin", async () => {
  const rouge = new ReferenceJudge();
  assert.equal(rouge.name, "reference:rouge_l");
  const j = await rouge.judge(item("1", "the cat sat", "a dog ran", ["the cat sat down"]));
  assert.equal(j.preference, 1);
  assert.ok(Math.abs((j.details.scoreA as number) - 2 * 0.75 / 1.75) < 1e-12);
  assert.equal((await rouge.judge(item("2", "dog", "the cat sat", ["the cat sat"]))).preference, 0);
  // F1 0.8 vs 0.8: tie
  assert.equal((await rouge.judge(item("3", "a b c d", "a b c e", ["a b c"]))).preference, 0.5);
  const f1 = new ReferenceJudge({ metric: "token_f1", margin: 0.3 });
  // token F1 2/3 vs 2/5: within 0.3, a tie
  assert.equal((await f1.judge(item("4", "cat sat", "cat sat on mat", ["cat"]))).preference, 0.5);
  await assert.rejects(rouge.judge(item("5", "a", "b")), /no reference/);
  assert.throws(() => new ReferenceJudge({ metric: "bleu" as never }), /metric must be one of/);
});

test("judgeAll keeps item order with concurrency", async () => {
  const judge = {
    name: "slow",
    async judge(it: JudgeItem) {
      await new Promise((r) => setTimeout(r, it.id === "0" ? 30 : 1));
      return { id: it.id, preference: 1, judge: "slow", reason: "", details: {} };
    },
  };
  const items = Array.from({ length: 6 }, (_, i) => item(String(i), "a", "b"));
  let progress = 0;
  const out = await judgeAll(judge, items, { concurrency: 3, onProgress: (d) => (progress = d) });
  assert.deepEqual(out.map((j) => j.id), ["0", "1", "2", "3", "4", "5"]);
  assert.equal(progress, 6);
});
