import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { Rng } from "../../lib/random";
import { NEGATIVE_WORDS, POSITIVE_WORDS } from "../../lib/world/data";
import { almanacDocument, meaningLesson, moodDocument, reviewsDocument } from "../../lib/world/docs/reading";
import { factSentence } from "../../lib/world/phrases";
import { INSTRUCTION_MARKERS } from "../../lib/world/corpus";

const world = generateWorld(0);
/** Every wording of every true fact (factSentence picks among a handful; 120 draws see them all). */
const truths = new Set<string>();
{
  const rng = new Rng(7);
  for (const f of world.facts) for (let i = 0; i < 120; i++) truths.add(factSentence(world, f, rng, 0.3));
}
const hasWord = (text: string, words: readonly string[]) => words.some((w) => new RegExp(`\\b${w}\\b`, "i").test(text));

test("every review's verdict names the polarity its evaluative words carry", () => {
  let n = 0;
  for (let seed = 0; seed < 60; seed++) {
    const doc = reviewsDocument({ world, rng: new Rng(seed) });
    // A quoted review, then the next sentence that names a polarity.
    for (const m of doc.text.matchAll(/"([^"]{12,})"[^"]*?\b(positive|negative)\b/g)) {
      const [, review, verdict] = m;
      if (verdict === "positive") assert.ok(hasWord(review, POSITIVE_WORDS) && !hasWord(review, NEGATIVE_WORDS), `${review} -> ${verdict}`);
      else assert.ok(hasWord(review, NEGATIVE_WORDS) && !hasWord(review, POSITIVE_WORDS), `${review} -> ${verdict}`);
      n++;
    }
  }
  assert.ok(n > 150, `only ${n} reviews checked`);
});

test("mood stories name the mood their events show", () => {
  for (let seed = 0; seed < 40; seed++) {
    const doc = moodDocument({ world, rng: new Rng(seed) });
    for (const sentence of doc.text.split(/(?<=\.)\s+(?=[A-Z])/)) {
      if (/\b(smil|laugh|danc)/.test(sentence)) assert.doesNotMatch(sentence, /\bsad\b/, sentence);
      if (/\b(cried|tears|alone)\b/.test(sentence)) assert.doesNotMatch(sentence, /\bhappy\b/, sentence);
    }
  }
});

test("meaning lessons: 'say the same thing' pairs are wordings of one true fact; 'cannot both be true' pairs are not", () => {
  // Every wording of every fact, to look a sentence up.
  const wordingsOf = new Map<string, string>();
  const rng = new Rng(99);
  for (const f of world.facts) for (let i = 0; i < 30; i++) wordingsOf.set(factSentence(world, f, rng, 0.3), `${f.subject}|${f.relation}|${f.object}`);
  let same = 0, disagree = 0;
  for (let seed = 0; seed < 80; seed++) {
    const doc = meaningLesson({ world, rng: new Rng(seed) });
    for (const m of doc.text.matchAll(/"([^"]+)" and "([^"]+)" say the same thing/g)) {
      const a = wordingsOf.get(m[1]), b = wordingsOf.get(m[2]);
      if (a && b) { assert.equal(a, b, `${m[1]} / ${m[2]}`); same++; }
    }
    for (const m of doc.text.matchAll(/"([^"]+)" and "([^"]+)" cannot both be true/g)) {
      const a = wordingsOf.get(m[1]);
      assert.ok(a, `first sentence is a true fact: ${m[1]}`);
      assert.notEqual(wordingsOf.get(m[2]), a, `${m[1]} / ${m[2]}`);
      disagree++;
    }
  }
  assert.ok(same > 10 && disagree > 10, `${same} same, ${disagree} disagree`);
});

test("almanac pages state true facts about several subjects, in no instruction format", () => {
  for (let seed = 0; seed < 30; seed++) {
    const doc = almanacDocument({ world, rng: new Rng(seed) });
    const body = doc.text.split("\n\n").slice(1).join(" ");
    const sentences = body.split(/(?<=[.!"])\s+(?=[A-Z"])/);
    assert.ok(sentences.length >= 4, doc.text);
    const known = sentences.filter((s) => truths.has(s)).length;
    assert.ok(known >= sentences.length * 0.8, `${known}/${sentences.length} known: ${doc.text}`);
    for (const m of INSTRUCTION_MARKERS) assert.ok(!doc.text.includes(m), m);
  }
});

test("a meaning lesson quotes a false statement only where it calls it false, never in a cloze probe's wording", () => {
  const rng = new Rng(7);
  const probes = new Set(world.facts.map((f) => factSentence(world, f, rng, 1)));
  let falseSeen = 0;
  for (let seed = 0; seed < 80; seed++) {
    const doc = meaningLesson({ world, rng: new Rng(seed) });
    for (const line of doc.text.split(/(?<=[.:])\s+(?=[A-Z"])/)) {
      for (const m of line.matchAll(/"([^"]+)"/g)) {
        if (truths.has(m[1])) continue;
        falseSeen++;
        assert.ok(!probes.has(m[1]), `canonical wording of a false fact: ${m[1]}`);
        assert.match(line, /is false|cannot both be true|is not true|disagree/, line);
      }
    }
  }
  assert.ok(falseSeen > 10, String(falseSeen));
});
