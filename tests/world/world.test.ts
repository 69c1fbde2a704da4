import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld, validateWorldOptions, DEFAULT_WORLD_OPTIONS } from "../../lib/world/world";
import type { Relation } from "../../lib/world/types";

const w1 = generateWorld(1);

test("same seed gives an identical world, different seed a different one", () => {
  assert.deepEqual(generateWorld(1), w1);
  assert.equal(JSON.stringify(generateWorld(1)), JSON.stringify(w1));
  const w2 = generateWorld(2);
  assert.notDeepEqual(w2.countries.map((c) => c.name), w1.countries.map((c) => c.name));
  assert.notDeepEqual(w2.people.map((p) => p.name), w1.people.map((p) => p.name));
});

test("sizes follow options", () => {
  const o = DEFAULT_WORLD_OPTIONS;
  assert.equal(w1.countries.length, o.countries);
  assert.equal(w1.cities.length, o.countries * o.citiesPerCountry);
  assert.equal(w1.animals.length, o.animals + o.inventedAnimals);
  assert.equal(w1.people.length, o.people);
  assert.equal(w1.objects.length, o.objects);
  assert.equal(w1.foods.length, o.foods + o.countries);
  const small = generateWorld(3, { countries: 3, people: 5, lexiconSize: 40 });
  assert.equal(small.countries.length, 3);
  assert.equal(small.language.lexicon.length, 40);
  assert.throws(() => validateWorldOptions({ countries: 1 }), RangeError);
  assert.throws(() => validateWorldOptions({ people: 2.5 }), RangeError);
});

test("invented names are unique across every kind of entity", () => {
  for (const seed of [1, 2, 3]) {
    const w = seed === 1 ? w1 : generateWorld(seed);
    const names = [
      ...w.countries.map((c) => c.name), ...w.cities.map((c) => c.name), ...w.people.map((p) => p.name),
      ...w.animals.filter((a) => a.invented).map((a) => a.name), ...w.foods.filter((f) => f.invented).map((f) => f.name),
      ...w.language.lexicon.map((e) => e.word), w.language.name,
    ].map((n) => n.toLowerCase());
    assert.equal(new Set(names).size, names.length, `seed ${seed}`);
    // ...and never equal to an English word the world uses.
    const english = new Set([...w.animals.filter((a) => !a.invented).map((a) => a.name), ...w.foods.filter((f) => !f.invented).map((f) => f.name), ...w.objects.map((o) => o.name), ...w.colours, ...w.language.lexicon.map((e) => e.english)]);
    for (const n of names) assert.ok(!english.has(n), n);
  }
});

test("geography is consistent: capitals, cities, symmetric neighbours and directions", () => {
  const opposite = { north: "south", south: "north", east: "west", west: "east" } as const;
  for (const c of w1.countries) {
    assert.equal(c.cities[0], c.capital);
    assert.equal(w1.cities.filter((x) => x.isCapital && x.country === c.name).length, 1);
    for (const [dir, other] of Object.entries(c.borders) as [keyof typeof opposite, string][]) {
      const o = w1.countries.find((x) => x.name === other)!;
      assert.equal(o.borders[opposite[dir]], c.name);
      assert.ok(o.neighbours.includes(c.name));
    }
    assert.equal(c.neighbours.length, Object.keys(c.borders).length);
  }
  assert.ok(w1.countries.every((c) => c.neighbours.length > 0), "the map is connected");
});

test("people, animals and foods refer to things that exist", () => {
  const cityNames = new Set(w1.cities.map((c) => c.name));
  const animalNames = new Set(w1.animals.map((a) => a.name));
  const foodNames = new Set(w1.foods.map((f) => f.name));
  for (const p of w1.people) {
    assert.ok(cityNames.has(p.home));
    assert.ok(foodNames.has(p.favouriteFood));
    if (p.pet) assert.ok(animalNames.has(p.pet) && w1.animals.find((a) => a.name === p.pet)!.pet);
    if (p.bestFriend) assert.equal(w1.people.find((q) => q.name === p.bestFriend)!.bestFriend, p.name);
    assert.ok(p.age >= 18 && p.age <= 85);
  }
  const ranks = w1.animals.map((a) => a.sizeRank).sort((a, b) => a - b);
  assert.deepEqual(ranks, w1.animals.map((_a, i) => i + 1));
  const byWeight = [...w1.animals].sort((a, b) => a.weightKg - b.weightKg);
  byWeight.forEach((a, i) => assert.equal(a.sizeRank, i + 1));
});

test("functional relations have exactly one object per subject", () => {
  const functional: Relation[] = [
    "capital", "in_country", "climate", "landscape", "national_dish", "national_animal", "feature", "size", "habitat", "eats",
    "diet", "sound", "says", "legs", "age", "job", "home", "pet", "pet_name", "favourite_food", "favourite_colour", "hobby",
    "best_friend", "material", "use", "kept_in", "taste", "kind", "from", "ingredient", "workplace", "work", "translation", "opposite",
    "north_of", "south_of", "east_of", "west_of",
  ];
  const seen = new Map<string, string>();
  for (const f of w1.facts) {
    if (!functional.includes(f.relation)) continue;
    // north_of is functional in the object (one country north of each); the rest in the subject.
    const key = /_of$/.test(f.relation) ? `${f.relation}|${f.object}` : `${f.relation}|${f.subject}`;
    assert.ok(!seen.has(key), `two facts for ${key}: ${seen.get(key)} and ${f.object}`);
    seen.set(key, f.object);
  }
  // Colour is functional per subject kind; subjects of different kinds never share a name.
  const colourSubjects = w1.facts.filter((f) => f.relation === "colour").map((f) => f.subject);
  assert.equal(new Set(colourSubjects).size, colourSubjects.length);
});
