/**
 * The shape of a generated world. Everything is plain JSON data (entities refer to each other by their
 * unique names) so a world can be saved next to the model it was used to train.
 */
import type { AnimalSpec, FoodSpec, JobSpec, Material } from "./data";
import type { Language } from "./language";

/** Bumped whenever generation changes what a given seed produces. */
export const WORLD_FORMAT_VERSION = 1;

export type Direction = "north" | "south" | "east" | "west";

export interface Country {
  name: string;
  capital: string;
  /** All its cities, capital first. */
  cities: string[];
  /** Bordering countries, in the order north, south, east, west where present. */
  neighbours: string[];
  /** Neighbour in each direction, when there is one: `north` is the country lying north of this one. */
  borders: Partial<Record<Direction, string>>;
  /** Grid cell on the world map (row 0 is the far north, column 0 the far west). */
  row: number;
  col: number;
  climate: string;
  landscape: string;
  nationalDish: string;
  nationalAnimal: string;
  /** Set when the world's invented language is spoken there. */
  language?: string;
}

export interface City {
  name: string;
  country: string;
  isCapital: boolean;
  /** What the city is known for: "old bridge", "great market". */
  feature: string;
}

export type SizeClass = "tiny" | "small" | "medium-sized" | "large" | "huge";

export interface Animal extends AnimalSpec {
  /** True for the world's invented creatures. */
  invented: boolean;
  sizeClass: SizeClass;
  /** 1 = smallest animal of the world; unique, follows weight. */
  sizeRank: number;
  /** Countries where it is found. */
  countries: string[];
}

export interface Person {
  name: string;
  pronoun: "she" | "he";
  age: number;
  job: string;
  /** Home city. */
  home: string;
  /** Species of their pet, if any. */
  pet?: string;
  /** The pet's name, when there is a pet. */
  petName?: string;
  favouriteFood: string;
  favouriteColour: string;
  hobby: string;
  /** Mutual best friend, if any (one person is left out when the count is odd). */
  bestFriend?: string;
}

/** A kind of everyday object ("cup"), with this world's usual colour and material for it. */
export interface WorldObject {
  name: string;
  plural: string;
  material: Material;
  colour: string;
  use: string;
  place: string;
}

export interface Food extends FoodSpec {
  invented: boolean;
  /** Invented dishes: country they come from. */
  country?: string;
  /** Invented dishes: main ingredient (a food of the world). */
  ingredient?: string;
}

export type Job = JobSpec;

export type Relation =
  | "is_a"
  | "capital" | "in_country" | "neighbour" | "north_of" | "south_of" | "east_of" | "west_of"
  | "climate" | "landscape" | "national_dish" | "national_animal" | "language" | "feature"
  | "size" | "habitat" | "eats" | "diet" | "sound" | "says" | "legs" | "colour" | "found_in"
  | "age" | "job" | "home" | "pet" | "pet_name" | "favourite_food" | "favourite_colour" | "hobby" | "best_friend"
  | "material" | "use" | "kept_in"
  | "taste" | "kind" | "from" | "ingredient"
  | "workplace" | "work"
  | "translation" | "opposite";

/**
 * One fact: `subject relation object`. Examples: {Velmora capital Tarsk}, {Tarsk in_country Velmora},
 * {A north_of B} ("A lies north of B"), {water translation mek}, {fox says yip}, {Mira age 34}.
 */
export interface Fact {
  subject: string;
  relation: Relation;
  object: string;
}

export interface WorldOptions {
  countries: number;
  citiesPerCountry: number;
  /** Real animals drawn from the pool. */
  animals: number;
  /** Invented creatures added to them. */
  inventedAnimals: number;
  people: number;
  objects: number;
  /** Real foods drawn from the pool (each country also gets one invented national dish). */
  foods: number;
  /** Entries in the invented language's lexicon. */
  lexiconSize: number;
}

export interface World {
  version: number;
  seed: number | string;
  options: WorldOptions;
  countries: Country[];
  cities: City[];
  animals: Animal[];
  people: Person[];
  objects: WorldObject[];
  foods: Food[];
  jobs: Job[];
  language: Language;
  opposites: [string, string][];
  colours: string[];
  /** Every fact above, flattened. */
  facts: Fact[];
}
