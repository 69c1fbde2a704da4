// The bundled seed tasks: they load, there are about forty, they pass the filters they seed, no two are
// near-duplicates, and the ones about the synthetic world agree with world seed 0 (the bundled models' world).
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld, translateWith } from "../../lib/world/index";
import { DEFAULT_SEED_TASKS_FILE, parseSeedTasks, readSeedTasks, seedTriple } from "../../lib/selfinstruct/seeds";
import { InstructionScreen } from "../../lib/selfinstruct/screen";
import { UserError } from "../../lib/errors";

const seeds = readSeedTasks();
const byName = (name: string) => seedTriple(seeds.find((s) => s.name === name)!);

test("about forty seeds, every one passing the filters and none a near-duplicate of another", () => {
  assert.ok(seeds.length >= 38 && seeds.length <= 45, `${seeds.length} seeds`);
  assert.ok(seeds.some((s) => s.is_classification) && seeds.some((s) => s.instances[0].input === ""));
  const screen = new InstructionScreen();
  for (const s of seeds) {
    const r = screen.screen({ id: s.id, instruction: s.instruction, output: s.instances[0].output });
    assert.ok(r.kept, `${s.id}: ${r.rule} ${r.detail}`);
  }
});

test("world seeds agree with world seed 0", () => {
  const w = generateWorld(0);
  const country = (n: string) => w.countries.find((c) => c.name === n)!;
  const person = (n: string) => w.people.find((p) => p.name === n)!;
  assert.match(byName("capital_of_country").output, new RegExp(country(byName("capital_of_country").input).capital));
  assert.match(byName("country_of_city").output, new RegExp(w.cities.find((c) => c.name === "Saflir")!.country));
  assert.match(byName("person_job").output, new RegExp(person("Flalol").job));
  assert.match(byName("person_home").output, new RegExp(person("Sakia").home));
  assert.match(byName("person_age").output, new RegExp(String(person("Plobina").age)));
  assert.ok(person("Buzo").age > person("Hebrel").age);
  assert.equal(country("Laigraun").borders.south, "Haovia");
  assert.equal(byName("cities_of_country").output, `${country("Thiovia").cities.slice(0, 2).join(", ")} and ${country("Thiovia").cities[2]}.`);
  assert.match(byName("national_animal").output, new RegExp(country("Zistuora").nationalAnimal));
  assert.equal(byName("to_dravese").output, translateWith(w.language, "dog"));
  assert.equal(translateWith(w.language, byName("from_dravese").output), byName("from_dravese").input);
  assert.equal(w.language.name, "Dravese");
  const animal = (n: string) => w.animals.find((a) => a.name === n)!;
  assert.equal(byName("animal_legs").output, String(animal("duck").legs));
  assert.ok(animal("goat").weightKg > animal("wolf").weightKg);
  assert.match(byName("animal_sound").output, new RegExp(animal("goose").says));
  assert.equal(w.foods.find((f) => f.name === "lemon")!.taste, byName("food_taste").output);
  assert.equal(w.objects.find((o) => o.name === "spade")!.material, "metal");
});

test("a bad seed file names the file, the line and the field", () => {
  const msg = (text: string) => {
    try {
      parseSeedTasks(text, "seeds.jsonl");
    } catch (e) {
      assert.ok(e instanceof UserError);
      return `${(e as UserError).exitCode} ${(e as Error).message}`;
    }
    assert.fail("no error");
  };
  const ok = JSON.stringify({ id: "a", instruction: "Do it now please.", instances: [{ input: "", output: "done" }], is_classification: false });
  assert.equal(parseSeedTasks(`${ok}\n\n`, "s").length, 1);
  assert.equal(msg(`${ok}\n{"id": "b", "instruction": 3}`), "1 seeds.jsonl:2: field 'instruction' must be a non-empty string, got number");
  assert.equal(msg(`${ok}\n${ok}`), "1 seeds.jsonl:2: duplicate id 'a' (first on line 1)");
  assert.equal(msg(`{"instruction": "x", "instances": [{"input": ""}]}`), "1 seeds.jsonl:1: instances[0].output must be a non-empty string, got undefined");
  assert.equal(msg(`{"instruction": "x", "instances": []}`), "1 seeds.jsonl:1: field 'instances' must be a non-empty array of {input, output}, got array");
  assert.equal(msg(`{"instruction": "x", "instances": [{"output": "y"}], "is_classification": "no"}`), "1 seeds.jsonl:1: field 'is_classification' must be true or false, got string");
  assert.match(msg(`${ok}\n{oops`), /^2 seeds\.jsonl:2: not JSON/);
  assert.equal(msg("\n"), "1 seeds.jsonl: no seed tasks (empty file)");
  assert.throws(() => readSeedTasks(DEFAULT_SEED_TASKS_FILE + ".missing"), /seed_tasks\.jsonl\.missing: cannot read seed tasks: no such file/);
});
