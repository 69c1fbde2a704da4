import { test } from "node:test";
import assert from "node:assert/strict";
import { findNearDuplicates, lcsLength, rougeL, rougeTokens, type NearDuplicate } from "../../lib/data/rouge";
import { mulberry32 } from "../../lib/random";

test("rougeTokens: lowercase runs of letters and digits", () => {
  assert.deepEqual(rougeTokens("The cat's 2 hats, naïve!"), ["the", "cat", "s", "2", "hats", "naïve"]);
  assert.deepEqual(rougeTokens("  ...  "), []);
});

test("lcsLength and ROUGE-L F", () => {
  assert.equal(lcsLength("ABCBDAB", "BDCABA"), 4);
  assert.equal(lcsLength([], [1, 2]), 0);
  const s = rougeL("the cat sat on the mat", "the cat is on the mat");
  assert.equal(s.precision, 5 / 6);
  assert.equal(s.recall, 5 / 6);
  assert.ok(Math.abs(s.f - 5 / 6) < 1e-12);
  const t = rougeL("a b c", "a x b y c z w");
  assert.equal(t.precision, 1);
  assert.equal(t.recall, 3 / 7);
  assert.ok(Math.abs(t.f - (2 * 1 * (3 / 7)) / (1 + 3 / 7)) < 1e-12);
  assert.deepEqual(rougeL("", "x"), { precision: 0, recall: 0, f: 0 });
});

/** The definition, pair by pair: what the filtered finder must reproduce. */
function bruteForce(texts: string[], threshold: number): NearDuplicate[] {
  const kept: number[] = [];
  const out: NearDuplicate[] = [];
  const toks = texts.map(rougeTokens);
  texts.forEach((_, i) => {
    if (toks[i].length === 0) return;
    let best: NearDuplicate | undefined;
    for (const d of kept) {
      const f = rougeL(toks[i], toks[d]).f;
      if (f > threshold && (!best || f > best.score)) best = { index: i, of: d, score: f };
    }
    if (best) out.push(best);
    else kept.push(i);
  });
  return out;
}

function randomTexts(count: number, seed: number): string[] {
  const r = mulberry32(seed);
  const words = "write a short poem story about the cat dog sea sky list three five ways to make improve your day".split(" ");
  const base = Array.from({ length: Math.ceil(count / 3) }, () => Array.from({ length: 4 + Math.floor(r() * 10) }, () => words[Math.floor(r() * words.length)]));
  return Array.from({ length: count }, () => {
    const b = base[Math.floor(r() * base.length)].slice();
    // Mutate a few words so some pairs land near the threshold.
    const edits = Math.floor(r() * 4);
    for (let e = 0; e < edits; e++) b[Math.floor(r() * b.length)] = words[Math.floor(r() * words.length)];
    return b.join(" ");
  });
}

test("findNearDuplicates matches the pairwise definition", () => {
  for (const [seed, threshold] of [[1, 0.7], [2, 0.5], [3, 0.9]] as const) {
    const texts = randomTexts(300, seed);
    const got = findNearDuplicates(texts, threshold);
    const want = bruteForce(texts, threshold);
    assert.deepEqual(got.map((d) => d.index), want.map((d) => d.index), `seed ${seed}`);
    got.forEach((d, k) => assert.ok(Math.abs(d.score - want[k].score) < 1e-12));
  }
  assert.throws(() => findNearDuplicates(["a"], 0), /threshold must be in \(0, 1\]/);
});

// Correctness at the scale self-instruct filtering runs at; its speed is a benchmark's business, not a timed test's
// (a wall-clock bound failed on a loaded machine).
test("findNearDuplicates finds a near-duplicate among thousands of texts", () => {
  const r = mulberry32(9);
  const vocab = Array.from({ length: 3000 }, (_, i) => `w${i}`);
  const texts = Array.from({ length: 4000 }, () => Array.from({ length: 8 + Math.floor(r() * 20) }, () => vocab[Math.floor(r() ** 2 * vocab.length)]).join(" "));
  texts.push(texts[10] + " extra");
  const dups = findNearDuplicates(texts, 0.7);
  assert.ok(dups.some((d) => d.index === 4000 && d.of === 10));
});
