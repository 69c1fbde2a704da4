/**
 * `generateWorld(seed)`: a small, self-consistent synthetic world — countries on a grid map with capitals
 * and neighbours, animals, people, everyday objects, foods, jobs, an invented language — plus all of it as
 * a flat list of facts. Same seed and options, same world, byte for byte.
 */
import { Rng, type Seed } from "../random";
import { NameRegistry } from "./names";
import { type Habitat, ANIMALS, CITY_FEATURES, CLIMATES, COLOURS, FOODS, HOBBIES, JOBS, LANDSCAPES, LEXICON_POOL, MONTHS, DAYS, OBJECTS, OPPOSITES, TASTES } from "./data";
import { buildLanguage, LEXICON_POOL_SIZE } from "./language";
import { numberToWords } from "./numbers";
import { regularPlural } from "./text";
import type { Animal, City, Country, Direction, Fact, Food, Person, SizeClass, World, WorldObject, WorldOptions } from "./types";
import { WORLD_FORMAT_VERSION } from "./types";

export const DEFAULT_WORLD_OPTIONS: Readonly<WorldOptions> = {
  countries: 8,
  citiesPerCountry: 3,
  animals: 24,
  inventedAnimals: 6,
  people: 36,
  objects: 24,
  foods: 18,
  lexiconSize: 120,
};

const LIMITS: Record<keyof WorldOptions, [number, number]> = {
  countries: [2, 30],
  citiesPerCountry: [1, 6],
  animals: [4, ANIMALS.length],
  inventedAnimals: [0, 20],
  people: [2, 300],
  objects: [1, OBJECTS.length],
  foods: [4, FOODS.length],
  lexiconSize: [30, LEXICON_POOL_SIZE],
};

/** Fills in defaults and checks ranges; throws a RangeError naming the bad option. */
export function validateWorldOptions(options: Partial<WorldOptions> = {}): WorldOptions {
  const o: WorldOptions = { ...DEFAULT_WORLD_OPTIONS, ...options };
  for (const key of Object.keys(LIMITS) as (keyof WorldOptions)[]) {
    const [lo, hi] = LIMITS[key];
    const v = o[key];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`world option ${key} must be an integer in [${lo}, ${hi}], got ${v}`);
  }
  return o;
}

/** English words the corpus uses, which invented names must never equal. */
function reservedWords(): string[] {
  const out: string[] = [];
  for (const a of ANIMALS) out.push(a.name, a.plural, a.soundVerb, a.says, a.food);
  for (const f of FOODS) out.push(f.name, f.plural);
  for (const o of OBJECTS) out.push(o.name, o.plural, ...o.materials);
  for (const j of JOBS) out.push(j.name, j.plural, j.workplace);
  for (const [a, b] of OPPOSITES) out.push(a, b);
  out.push(...COLOURS, ...HOBBIES, ...CLIMATES, ...LANDSCAPES, ...TASTES, ...DAYS, ...MONTHS);
  out.push(...LEXICON_POOL.adjectives, ...LEXICON_POOL.others);
  for (const [s, p] of LEXICON_POOL.nouns) out.push(s, p);
  for (const [b, t] of LEXICON_POOL.verbs) out.push(b, t);
  for (let n = 0; n <= 100; n++) out.push(numberToWords(n));
  out.push(...COMMON_WORDS, ...PET_NAMES);
  return out;
}

// Short English words that syllable names could stumble on.
const COMMON_WORDS = (
  "the and she her his him they them this that then than there here with from into onto over under about " +
  "have has had was were are is be been being not but for you your our its who what where when why how which " +
  "one two ten man men day way may say said saw see sea tea bee bed red den hen pen ten net pet set met " +
  "time tale tail tall talk take make made came come home hope rope role rose nose note vote mile mine line lime " +
  "name game same fame gate late mate date rate fate tone bone zone done gone none some more sore tore " +
  "bare care dare fare hare mare rare ware here mere sure pure lure cure dune tune rune june " +
  "gold bold fold hold sold told cold mold land sand band hand stand rain main pain gain vain sail mail " +
  "pole hole sole mole dole soda sofa tuba lava java data gala koala diva nova visa vista " +
  "bus sun run fun gun nun pun bun ban can fan man pan tan van bin din fin kin pin sin tin win " +
  "bin dot hot lot not pot rot tot cot got kit lit bit fit hit sit pit wit zip tip dip hip lip rip sip " +
  "ship shop shoe shin shed shut thin than then them thus thud thug this tick lamb limb " +
  "north south east west capital country city town village river sea lake " +
  "sofa tuba soda data lava diva memo polo solo kilo hero zero menu tofu taxi mini kiwi sumo judo toga yoga coma " +
  "puma mama papa nana gala halo silo veto logo typo bozo guru tutu tuna pasta pizza cobra zebra koala panda " +
  "banana potato tomato piano radio patio disco rodeo lotus bonus virus minus sinus focus locus tumor humor " +
  "found round sound bound mound pound ground bask mask task cask flask shear spear clear fear near dear year " +
  "baron demon lemon melon robin salon talon bacon colon boron rumor motor rotor manor minor sonar lunar solar polar " +
  "molar radar cabin satin tonic topic logic magic relic panic sonic tunic medic comic lilac dozen token siren linen " +
  "raven haven seven women robot kapok bison basin resin rosin venom sitar tenor"
).split(/\s+/);

function sizeClassOf(kg: number): SizeClass {
  if (kg < 0.1) return "tiny";
  if (kg < 5) return "small";
  if (kg < 100) return "medium-sized";
  if (kg < 1000) return "large";
  return "huge";
}

const PET_NAMES = ["Pip", "Tuft", "Bramble", "Sooty", "Dot", "Patch", "Pebble", "Button", "Socks", "Biscuit", "Clover", "Ginger", "Smudge", "Nutmeg"];
const INVENTED_SOUNDS = ["hums", "whistles", "clicks", "chirps", "trills", "rumbles", "peeps", "clacks"];
const HABITATS: readonly Habitat[] = ["forest", "river", "lake", "sea", "desert", "mountains", "grassland", "jungle", "ice", "field", "swamp"];
const INVENTED_FOOD: Record<Animal["diet"], string[]> = {
  herbivore: ["grass", "leaves", "seeds", "fruit", "nuts", "berries", "moss"],
  carnivore: ["fish", "insects", "meat", "worms", "snails"],
  omnivore: ["berries", "insects", "roots", "worms", "seeds"],
};

export function generateWorld(seed: Seed = 0, options: Partial<WorldOptions> = {}): World {
  const o = validateWorldOptions(options);
  const root = new Rng(seed);
  const names = new NameRegistry(reservedWords());

  // ---- Countries on a grid map, filled row by row so the map is connected.
  const rc = root.fork("countries");
  const cols = Math.ceil(Math.sqrt(o.countries));
  const countryNames = Array.from({ length: o.countries }, () => names.fresh(rc, "country"));
  const countries: Country[] = countryNames.map((name, i) => ({
    name,
    capital: "",
    cities: [],
    neighbours: [],
    borders: {},
    row: Math.floor(i / cols),
    col: i % cols,
    climate: rc.pick(CLIMATES),
    landscape: rc.pick(LANDSCAPES),
    nationalDish: "",
    nationalAnimal: "",
  }));
  // Names were drawn in cell order; shuffle which name sits where so position is not name-order.
  const order = rc.shuffle(countries.map((c) => c.name));
  countries.forEach((c, i) => (c.name = order[i]));
  const at = new Map(countries.map((c) => [`${c.row},${c.col}`, c]));
  const steps: [Direction, number, number][] = [["north", -1, 0], ["south", 1, 0], ["east", 0, 1], ["west", 0, -1]];
  for (const c of countries) {
    for (const [dir, dr, dc] of steps) {
      const n = at.get(`${c.row + dr},${c.col + dc}`);
      if (n) {
        c.borders[dir] = n.name;
        c.neighbours.push(n.name);
      }
    }
  }
  countries.sort((a, b) => a.row - b.row || a.col - b.col);

  // ---- Cities: the first of each country is its capital.
  const rci = root.fork("cities");
  const cities: City[] = [];
  for (const c of countries) {
    const features = rci.sample(CITY_FEATURES, o.citiesPerCountry);
    for (let i = 0; i < o.citiesPerCountry; i++) {
      const city: City = { name: names.fresh(rci, "city"), country: c.name, isCapital: i === 0, feature: features[i] };
      cities.push(city);
      c.cities.push(city.name);
    }
    c.capital = c.cities[0];
  }

  // ---- Animals: real ones (enough pets for the people) plus invented creatures.
  const ra = root.fork("animals");
  const pets = ANIMALS.filter((a) => a.pet);
  const wild = ANIMALS.filter((a) => !a.pet);
  const nPets = Math.min(pets.length, Math.max(3, Math.round(o.animals * 0.35)));
  const chosen = [...ra.sample(pets, nPets), ...ra.sample(wild, Math.min(wild.length, o.animals - nPets))];
  if (chosen.length < o.animals) chosen.push(...ra.sample(pets.filter((p) => !chosen.includes(p)), o.animals - chosen.length));
  const animals: Animal[] = chosen.map((a) => ({ ...a, invented: false, sizeClass: sizeClassOf(a.weightKg), sizeRank: 0, countries: [] }));
  const weights = new Set(animals.map((a) => a.weightKg));
  for (let i = 0; i < o.inventedAnimals; i++) {
    const name = names.fresh(ra, "creature", (n) => !names.has(regularPlural(n)));
    names.claim(regularPlural(name));
    // Log-uniform weight, kept clear of every other weight so size comparisons are never close calls.
    let kg = 0;
    do kg = Number((10 ** (ra.float() * 5.5 - 2)).toPrecision(2));
    while ([...weights].some((w) => Math.abs(Math.log(w / kg)) < 0.08));
    weights.add(kg);
    const diet = ra.pick(["herbivore", "carnivore", "omnivore"] as const);
    const syl = ra.pick(["t", "k", "p", "b", "d", "z", "m", "r"]) + ra.pick(["i", "o", "u", "ee", "a"]) + ra.pick(["k", "p", "t", "", "b"]);
    animals.push({
      name,
      plural: regularPlural(name),
      weightKg: kg,
      habitat: ra.pick(HABITATS),
      food: ra.pick(INVENTED_FOOD[diet]),
      diet,
      soundVerb: ra.pick(INVENTED_SOUNDS),
      says: `${syl}-${syl}`,
      legs: ra.pick([2, 4, 6, 8]),
      colour: ra.pick(COLOURS),
      pet: false,
      flies: ra.chance(0.25),
      swims: ra.chance(0.3),
      invented: true,
      sizeClass: sizeClassOf(kg),
      sizeRank: 0,
      countries: [],
    });
  }
  [...animals].sort((a, b) => a.weightKg - b.weightKg).forEach((a, i) => (a.sizeRank = i + 1));
  animals.sort((a, b) => (a.name < b.name ? -1 : 1));
  // National animals are distinct while there are enough animals; each animal lives in 1-3 countries.
  const national = ra.shuffle(animals);
  countries.forEach((c, i) => {
    const a = national[i % national.length];
    c.nationalAnimal = a.name;
    if (!a.countries.includes(c.name)) a.countries.push(c.name);
  });
  for (const a of animals) {
    const extra = ra.sample(countries, Math.min(countries.length, ra.int(1, 2))).map((c) => c.name);
    for (const n of extra) if (!a.countries.includes(n)) a.countries.push(n);
    a.countries.sort((x, y) => countryNames.indexOf(x) - countryNames.indexOf(y));
  }

  // ---- Foods: real ones plus one invented national dish per country.
  const rf = root.fork("foods");
  const foods: Food[] = rf.sample(FOODS, o.foods).map((f) => ({ ...f, invented: false }));
  const ingredients = foods.filter((f) => f.kind !== "drink" && f.kind !== "dish");
  for (const c of countries) {
    const name = names.fresh(rf, "dish");
    foods.push({
      name,
      countable: false,
      plural: name,
      kind: "dish",
      taste: rf.pick(TASTES),
      colour: rf.pick(COLOURS),
      invented: true,
      country: c.name,
      ingredient: rf.pick(ingredients).name,
    });
    c.nationalDish = name;
  }

  // ---- Objects: this world's usual colour and material for each kind of object.
  const ro = root.fork("objects");
  const objects: WorldObject[] = ro.sample(OBJECTS, o.objects).map((s) => ({
    name: s.name,
    plural: s.plural,
    material: ro.pick(s.materials),
    colour: ro.pick(COLOURS),
    use: s.use,
    place: s.place,
  }));

  // ---- The invented language, spoken in one country and one of its neighbours.
  const rl = root.fork("language");
  const home = rl.pick(countries);
  const langCountries = [home.name, ...(home.neighbours.length ? [rl.pick(home.neighbours)] : [])];
  const language = buildLanguage(rl, names, o.lexiconSize, langCountries);
  for (const c of countries) if (langCountries.includes(c.name)) c.language = language.name;

  // ---- People.
  const rp = root.fork("people");
  const petAnimals = animals.filter((a) => a.pet);
  const people: Person[] = [];
  for (let i = 0; i < o.people; i++) {
    const pronoun = rp.chance(0.5) ? "she" : "he";
    const p: Person = {
      name: names.fresh(rp, pronoun === "she" ? "person-she" : "person-he"),
      pronoun,
      age: rp.int(18, 85),
      job: rp.pick(JOBS).name,
      home: rp.pick(cities).name,
      favouriteFood: rp.pick(foods).name,
      favouriteColour: rp.pick(COLOURS),
      hobby: rp.pick(HOBBIES),
    };
    if (petAnimals.length && rp.chance(0.6)) {
      p.pet = rp.pick(petAnimals).name;
      p.petName = rp.pick(PET_NAMES);
    }
    people.push(p);
  }
  const pairs = rp.shuffle(people);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    pairs[i].bestFriend = pairs[i + 1].name;
    pairs[i + 1].bestFriend = pairs[i].name;
  }

  const world: World = {
    version: WORLD_FORMAT_VERSION,
    seed,
    options: o,
    countries,
    cities,
    animals,
    people,
    objects,
    foods,
    jobs: JOBS.map((j) => ({ ...j })),
    language,
    opposites: OPPOSITES.map(([a, b]) => [a, b] as [string, string]),
    colours: [...COLOURS],
    facts: [],
  };
  world.facts = worldFacts(world);
  return world;
}

/** Flattens a world into facts (both directions for symmetric relations such as neighbour and opposite). */
export function worldFacts(w: World): Fact[] {
  const f: Fact[] = [];
  const add = (subject: string, relation: Fact["relation"], object: string | number) => f.push({ subject, relation, object: String(object) });
  for (const c of w.countries) {
    add(c.name, "is_a", "country");
    add(c.name, "capital", c.capital);
    for (const n of c.neighbours) add(c.name, "neighbour", n);
    // borders.north = X means X lies north of c.
    for (const [dir, other] of Object.entries(c.borders) as [Direction, string][]) add(other, `${dir}_of` as Fact["relation"], c.name);
    add(c.name, "climate", c.climate);
    add(c.name, "landscape", c.landscape);
    add(c.name, "national_dish", c.nationalDish);
    add(c.name, "national_animal", c.nationalAnimal);
    if (c.language) add(c.name, "language", c.language);
  }
  for (const c of w.cities) {
    add(c.name, "is_a", "city");
    add(c.name, "in_country", c.country);
    add(c.name, "feature", c.feature);
  }
  for (const a of w.animals) {
    add(a.name, "is_a", "animal");
    add(a.name, "size", a.sizeClass);
    add(a.name, "habitat", a.habitat);
    add(a.name, "eats", a.food);
    add(a.name, "diet", a.diet);
    add(a.name, "sound", a.soundVerb);
    add(a.name, "says", a.says);
    add(a.name, "legs", a.legs);
    add(a.name, "colour", a.colour);
    for (const c of a.countries) add(a.name, "found_in", c);
  }
  for (const p of w.people) {
    add(p.name, "is_a", "person");
    add(p.name, "age", p.age);
    add(p.name, "job", p.job);
    add(p.name, "home", p.home);
    if (p.pet) add(p.name, "pet", p.pet);
    if (p.petName) add(p.name, "pet_name", p.petName);
    add(p.name, "favourite_food", p.favouriteFood);
    add(p.name, "favourite_colour", p.favouriteColour);
    add(p.name, "hobby", p.hobby);
    if (p.bestFriend) add(p.name, "best_friend", p.bestFriend);
  }
  for (const o of w.objects) {
    add(o.name, "is_a", "object");
    add(o.name, "material", o.material);
    add(o.name, "colour", o.colour);
    add(o.name, "use", o.use);
    add(o.name, "kept_in", o.place);
  }
  for (const fd of w.foods) {
    add(fd.name, "is_a", "food");
    add(fd.name, "kind", fd.kind);
    add(fd.name, "taste", fd.taste);
    add(fd.name, "colour", fd.colour);
    if (fd.country) add(fd.name, "from", fd.country);
    if (fd.ingredient) add(fd.name, "ingredient", fd.ingredient);
  }
  for (const j of w.jobs) {
    add(j.name, "is_a", "job");
    add(j.name, "workplace", j.workplace);
    add(j.name, "work", j.work);
  }
  for (const e of w.language.lexicon) add(e.english, "translation", e.word);
  for (const [a, b] of w.opposites) {
    add(a, "opposite", b);
    add(b, "opposite", a);
  }
  return f;
}
