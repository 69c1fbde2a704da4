import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import * as Q from "../../lib/world/query";

const w = generateWorld(5);

test("geography look-ups", () => {
  const c = w.countries[0];
  assert.equal(Q.capitalOf(w, c.name), c.capital);
  assert.equal(Q.countryOf(w, c.capital), c.name);
  assert.deepEqual(Q.neighboursOf(w, c.name), c.neighbours);
  for (const n of c.neighbours) {
    const d = Q.directionOf(w, n, c.name)!;
    assert.equal(Q.borderOf(w, c.name, d), n);
  }
  assert.throws(() => Q.capitalOf(w, "Nowhere"), RangeError);
});

test("sizes, people, words", () => {
  const names = w.animals.map((a) => a.name);
  const sorted = Q.bySize(w, names);
  assert.equal(Q.smallest(w, names), sorted[0]);
  assert.equal(Q.biggest(w, names), sorted[sorted.length - 1]);
  assert.ok(Q.isBigger(w, sorted[1], sorted[0]));
  const p = w.people[0];
  assert.equal(Q.homeCountryOf(w, p.name), Q.countryOf(w, p.home));
  assert.ok(Q.peopleIn(w, p.home).includes(p));
  assert.equal(Q.oppositeOf(w, "hot"), "cold");
  assert.equal(Q.oppositeOf(w, "cold"), "hot");
  const e = w.language.lexicon[0];
  assert.equal(Q.translate(w, e.english), e.word);
  assert.equal(Q.untranslate(w, e.word), e.english);
  assert.equal(Q.kindOf(w, p.name), "person");
});

test("fact look-ups", () => {
  const p = w.people[0];
  assert.equal(Q.objectOf(w, p.name, "job"), p.job);
  assert.equal(Q.objectOf(w, p.name, "age"), String(p.age));
  assert.ok(Q.factsAbout(w, p.name).length >= 6);
  assert.equal(Q.factsWith(w, "capital").length, w.countries.length);
  assert.deepEqual(Q.objectsOf(w, w.countries[0].name, "neighbour"), w.countries[0].neighbours);
});
