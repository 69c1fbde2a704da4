// The incremental ROUGE-L index against brute force: the same neighbours and scores as computing rougeL
// with every pool text, far fewer LCS computations, and deduplication identical to lib/data's batch finder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findNearDuplicates, rougeL } from "../../lib/data/rouge";
import { RougeIndex } from "../../lib/selfinstruct/rouge-index";
import { InstructionScreen } from "../../lib/selfinstruct/screen";
import { Rng } from "../../lib/random";

/** Short texts over a small vocabulary, with planted near-copies so high scores and ties occur. */
function corpus(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const words = ["name", "the", "capital", "of", "a", "country", "city", "list", "three", "animals", "sort", "words", "give", "me", "big", "red", "what", "is", "tell", "small"];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (out.length > 3 && rng.float() < 0.3) {
      const base = rng.pick(out).split(" ");
      base[rng.below(base.length)] = rng.pick(words);
      out.push(base.join(" "));
    } else out.push(Array.from({ length: 2 + rng.below(12) }, () => rng.pick(words)).join(" "));
  }
  return out;
}

function bruteNearest(pool: string[], query: string, k: number) {
  return pool
    .map((t, index) => ({ index, score: rougeL(query, t).f }))
    .filter((n) => n.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

test("nearest(k) and above(t) equal brute force over every pool text", () => {
  const texts = corpus(400, 1);
  const index = new RougeIndex();
  const pool: string[] = [];
  let brutePairs = 0;
  for (const text of texts) {
    const tokens = index.tokenize(text);
    for (const k of [1, 5]) {
      const got = index.nearest(tokens, k);
      const want = bruteNearest(pool, text, k);
      assert.deepEqual(got.map((n) => n.index), want.map((n) => n.index), text);
      got.forEach((n, i) => assert.ok(Math.abs(n.score - want[i].score) < 1e-12));
    }
    for (const t of [0.5, 0.7]) {
      const best = bruteNearest(pool, text, 1)[0];
      const got = index.above(tokens, t);
      if (best && best.score > t) assert.deepEqual(got, best, `${text} @${t}`);
      else assert.equal(got, undefined, `${text} @${t}`);
    }
    brutePairs += 4 * pool.length;
    index.add(tokens);
    pool.push(text);
  }
  assert.equal(index.size, 400);
  assert.ok(index.lcsCalls < brutePairs / 4, `${index.lcsCalls} LCS computations against ${brutePairs} brute-force ones`);
});

test("edge cases: empty texts, an empty pool, k = 0, threshold 1", () => {
  const index = new RougeIndex();
  assert.deepEqual(index.nearest(index.tokenize("anything"), 3), []);
  index.add(index.tokenize("name the capital"));
  index.add(index.tokenize("!!!"));
  assert.deepEqual(index.nearest(index.tokenize("..."), 3), []);
  assert.deepEqual(index.nearest(index.tokenize("name the capital"), 0), []);
  assert.deepEqual(index.nearest(index.tokenize("Name the CAPITAL!"), 3), [{ index: 0, score: 1 }]);
  assert.equal(index.above(index.tokenize("name the capital"), 1), undefined, "F > 1 is impossible");
  assert.deepEqual(index.above(index.tokenize("name the capital"), 0.99), { index: 0, score: 1 });
});

test("the screen's ROUGE dedup keeps exactly what the batch near-duplicate finder keeps", () => {
  const texts = corpus(600, 7).filter((t) => t.split(" ").length > 3);
  const expectedDrops = new Set(findNearDuplicates(texts, 0.7).map((d) => d.index));
  for (const neighbours of [0, 10]) {
    const screen = new InstructionScreen({ neighbours, minWordsExclusive: 0, blacklist: [], emptyOutput: false });
    const dropped = texts.flatMap((t, i) => (screen.screen({ id: `t${i}`, instruction: t, output: "x" }).kept ? [] : [i]));
    assert.deepEqual(dropped, [...expectedDrops].sort((a, b) => a - b), `neighbours ${neighbours}`);
  }
  assert.ok(expectedDrops.size > 50, `only ${expectedDrops.size} near-duplicates planted`);
});

test("a screening reports the nearest kept instructions, the rule, and the duplicated id", () => {
  const screen = new InstructionScreen({ neighbours: 2 });
  screen.addToPool({ id: "seed_1", instruction: "Name the capital of the given country." });
  screen.addToPool({ id: "seed_2", instruction: "List three animals that live in the sea." });
  const dup = screen.screen({ id: "si-1", instruction: "Name the capital of the country given.", output: "x" });
  assert.equal(dup.kept, false);
  assert.equal(dup.rule, "rouge");
  assert.match(dup.detail!, /^ROUGE-L 0\.857 > 0\.7 with seed_1$/);
  assert.deepEqual(dup.nearest.map((n) => [n.id, n.score]), [["seed_1", 0.8571], ["seed_2", 0.1333]]);
  const kept = screen.screen({ id: "si-2", instruction: "Translate the word into Dravese please.", output: "x" });
  assert.equal(kept.kept, true);
  assert.equal(screen.poolSize, 3);
  // Dropped by a rule: its neighbours are still reported; it does not join the pool.
  const ruled = screen.screen({ id: "si-3", instruction: "Draw the capital of the given country.", output: "x" });
  assert.deepEqual([ruled.rule, ruled.nearest[0].id], ["blacklist", "seed_1"]);
  assert.equal(screen.poolSize, 3);
  // With rougeThreshold null nothing is a duplicate.
  const off = new InstructionScreen({ rougeThreshold: null });
  off.addToPool({ id: "a", instruction: "Name the capital of the given country." });
  assert.equal(off.screen({ id: "b", instruction: "Name the capital of the given country.", output: "x" }).kept, true);
});
