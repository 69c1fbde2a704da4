import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { generateCorpus, corpusText, INSTRUCTION_MARKERS } from "../../lib/world/corpus";
import { canonicalCloze } from "../../lib/world/phrases";
import * as Q from "../../lib/world/query";
import { applyOp, reverseText, letterCount, sortAlphabetical } from "../../lib/world/skills";
import { numberToWords } from "../../lib/world/numbers";
import { taskExamples } from "../../lib/tasks/examples";
import { CLUSTERS, taskNames, templatesOf } from "../../lib/tasks/registry";
import { checkOutput } from "../../lib/tasks/verify";

const world = generateWorld(2);
const ex = (task: string, n = 40) => [...taskExamples(world, task, { split: "train", n, seed: 1 }), ...taskExamples(world, task, { split: "eval", n, seed: 1 })];
const corpus = corpusText(generateCorpus(world, { seed: 2, documents: 300 }).train);

test("answers agree with the world", () => {
  for (const e of ex("capital_qa")) assert.equal(e.answer, Q.capitalOf(world, e.inputs.country));
  for (const e of ex("city_country_qa")) assert.equal(e.answer, Q.countryOf(world, e.inputs.city));
  for (const e of ex("job_qa")) assert.equal(e.answer, Q.getPerson(world, e.inputs.person).job);
  for (const e of ex("home_qa")) assert.equal(e.answer, Q.getPerson(world, e.inputs.person).home);
  for (const e of ex("age_qa")) assert.equal(Number(e.answer), Q.getPerson(world, e.inputs.person).age);
  for (const e of ex("animal_legs_qa")) assert.equal(Number(e.answer), Q.getAnimal(world, e.inputs.animal).legs);
  for (const e of ex("food_taste_qa")) assert.equal(e.answer, Q.getFood(world, e.inputs.food).taste);
  for (const e of ex("bigger_animal")) assert.equal(e.answer, Q.biggest(world, [e.inputs.a, e.inputs.b]));
  for (const e of ex("bigger_yes_no")) assert.equal(e.answer, Q.isBigger(world, e.inputs.a, e.inputs.b) ? "yes" : "no");
  for (const e of ex("older_person")) {
    const [a, b] = [Q.getPerson(world, e.inputs.a), Q.getPerson(world, e.inputs.b)];
    assert.equal(e.answer, a.age > b.age ? a.name : b.name);
  }
  for (const e of ex("further_north")) {
    const [a, b] = [Q.getCountry(world, e.inputs.a), Q.getCountry(world, e.inputs.b)];
    assert.equal(e.answer, a.row < b.row ? a.name : b.name);
  }
  for (const e of ex("word_to_foreign")) assert.equal(e.answer, Q.translate(world, e.inputs.word));
  for (const e of ex("word_from_foreign")) assert.equal(Q.translate(world, e.answer), e.inputs.foreign);
  for (const e of ex("phrase_to_foreign")) {
    assert.equal(Q.translate(world, e.inputs.english), e.answer);
    assert.equal(Q.untranslate(world, e.answer)?.replace(/^the /, ""), e.inputs.english.replace(/^the /, ""));
  }
  for (const e of ex("phrase_from_foreign")) assert.equal(Q.translate(world, e.answer), e.inputs.foreign);
  for (const e of ex("addition")) assert.equal(Number(e.answer), applyOp(Number(e.inputs.a), "plus", Number(e.inputs.b)));
  for (const e of ex("multiplication")) assert.equal(Number(e.answer), applyOp(Number(e.inputs.a), "times", Number(e.inputs.b)));
  for (const e of ex("number_to_words")) assert.equal(e.answer, numberToWords(Number(e.inputs.number)));
  for (const e of ex("reverse_word")) assert.equal(e.answer, reverseText(e.inputs.word));
  for (const e of ex("letter_count")) assert.equal(Number(e.answer), letterCount(e.inputs.word));
  for (const e of ex("sort_words")) assert.equal(e.answer, sortAlphabetical(e.inputs.list.split(", ")).join(", "));
  for (const e of ex("coref_subject")) assert.equal(Q.getPerson(world, e.answer).pronoun, e.inputs.pronoun.toLowerCase());
  // Every fact an example rests on is a fact of the world.
  const facts = new Set(world.facts.map((f) => `${f.subject}|${f.relation}|${f.object}`));
  for (const t of taskNames()) for (const e of ex(t, 15)) for (const f of e.facts ?? []) assert.ok(facts.has(`${f.subject}|${f.relation}|${f.object}`), `${e.id}: ${JSON.stringify(f)}`);
});

test("closed-book QA asks for facts the corpus states in its canonical phrasing, and accepts that phrasing", () => {
  const closed = [...CLUSTERS.find((c) => c.name === "closed_book_qa")!.tasks, ...CLUSTERS.find((c) => c.name === "everyday_qa")!.tasks].map((t) => t.name);
  closed.push("word_to_foreign");
  let checked = 0;
  for (const t of closed) {
    for (const e of ex(t)) {
      assert.equal(e.facts?.length, 1, e.id);
      const cloze = canonicalCloze(world, e.facts![0])!;
      assert.ok(cloze, `${e.id}: no canonical sentence`);
      assert.ok(corpus.includes(cloze.prompt + cloze.continuation), `${e.id}: the corpus never says "${cloze.sentence}"`);
      assert.ok(checkOutput(e.verifier, cloze.answer), `${e.id}: the corpus's answer "${cloze.answer}" is not accepted`);
      assert.ok(checkOutput(e.verifier, cloze.sentence), `${e.id}: the corpus's sentence "${cloze.sentence}" is not accepted`);
      checked++;
    }
  }
  assert.ok(checked > 200, String(checked));
});

test("the pretraining corpus contains no instruction markers and none of the templates' wording", () => {
  for (const m of [...INSTRUCTION_MARKERS, "OPTIONS:"]) assert.ok(!corpus.includes(m), m);
  for (const t of taskNames()) {
    for (const tpl of templatesOf(t)) {
      for (const piece of tpl.prompt.split(/\{[A-Za-z_0-9]+\}/)) {
        const fixed = piece.trim();
        if (fixed.length >= 24) assert.ok(!corpus.includes(fixed), `${tpl.id}: corpus contains "${fixed}"`);
      }
    }
  }
});
