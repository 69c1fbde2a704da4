import { test } from "node:test";
import assert from "node:assert/strict";
import { NameRegistry, inventName } from "../../lib/world/names";
import { Rng } from "../../lib/random";

test("fresh names are unique, pronounceable-looking and avoid reserved words", () => {
  const reg = new NameRegistry(["lamp"]);
  const rng = new Rng(1);
  const names = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const n = reg.fresh(rng, i % 2 ? "city" : "person-she");
    assert.ok(!names.has(n.toLowerCase()), n);
    names.add(n.toLowerCase());
    assert.match(n, /^[A-Z][a-z]{2,10}$/);
    assert.doesNotMatch(n.toLowerCase(), /[aeiou]{3}|[^aeiou]{4}|(.)\1\1/);
  }
  assert.equal(reg.has("LAMP"), true);
  assert.equal(reg.claim("lamp"), false);
});

test("word style is lowercase; generation is deterministic", () => {
  const a = Array.from({ length: 20 }, ((r) => () => inventName(r, "word"))(new Rng(4)));
  const b = Array.from({ length: 20 }, ((r) => () => inventName(r, "word"))(new Rng(4)));
  assert.deepEqual(a, b);
  for (const w of a) assert.match(w, /^[a-z]+$/);
});
