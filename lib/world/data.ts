/**
 * Fixed English pools the world draws from. Real animals, foods and objects keep roughly real properties
 * (a mouse is smaller than a bear, lemons are sour) so the synthetic world never fights common sense; the
 * per-seed variety comes from which items are chosen, the invented places, people, creatures and dishes,
 * and the seed-dependent properties (object colours, who lives where, ...).
 */

export type Habitat = "forest" | "river" | "lake" | "sea" | "desert" | "mountains" | "grassland" | "farm" | "jungle" | "ice" | "town" | "field" | "swamp";
export type Diet = "herbivore" | "carnivore" | "omnivore";

export interface AnimalSpec {
  name: string;
  plural: string;
  /** Typical adult weight in kg; drives every size comparison. Unique across the pool. */
  weightKg: number;
  habitat: Habitat;
  /** What it mostly eats, as a plural or mass noun: "grass", "fish", "insects". */
  food: string;
  diet: Diet;
  /** Its sound as a verb, singular: "barks". Plural form is derived ("bark"). */
  soundVerb: string;
  /** Its sound as a word a child would say: "woof". */
  says: string;
  legs: number;
  colour: string;
  /** Kept as a pet by people in the world. */
  pet: boolean;
  flies: boolean;
  swims: boolean;
}

const A = (
  name: string, plural: string, weightKg: number, habitat: Habitat, food: string, diet: Diet,
  soundVerb: string, says: string, legs: number, colour: string, pet = false, flies = false, swims = false,
): AnimalSpec => ({ name, plural, weightKg, habitat, food, diet, soundVerb, says, legs, colour, pet, flies, swims });

export const ANIMALS: readonly AnimalSpec[] = [
  A("mouse", "mice", 0.02, "field", "seeds", "herbivore", "squeaks", "squeak", 4, "grey", true),
  A("cat", "cats", 4, "town", "meat", "carnivore", "meows", "meow", 4, "black", true),
  A("dog", "dogs", 25, "town", "meat", "omnivore", "barks", "woof", 4, "brown", true),
  A("cow", "cows", 600, "farm", "grass", "herbivore", "moos", "moo", 4, "white"),
  A("horse", "horses", 500, "farm", "grass", "herbivore", "neighs", "neigh", 4, "brown", true),
  A("sheep", "sheep", 70, "farm", "grass", "herbivore", "bleats", "baa", 4, "white"),
  A("pig", "pigs", 150, "farm", "roots", "omnivore", "grunts", "oink", 4, "pink"),
  A("duck", "ducks", 1.2, "lake", "seeds", "omnivore", "quacks", "quack", 2, "white", true, true, true),
  A("hen", "hens", 2, "farm", "seeds", "omnivore", "clucks", "cluck", 2, "brown", true, true),
  A("owl", "owls", 1.5, "forest", "mice", "carnivore", "hoots", "hoo", 2, "brown", false, true),
  A("frog", "frogs", 0.1, "swamp", "insects", "carnivore", "croaks", "ribbit", 4, "green", true, false, true),
  A("snake", "snakes", 3, "desert", "mice", "carnivore", "hisses", "hiss", 0, "green"),
  A("lion", "lions", 190, "grassland", "meat", "carnivore", "roars", "roar", 4, "yellow"),
  A("wolf", "wolves", 40, "forest", "meat", "carnivore", "howls", "awoo", 4, "grey"),
  A("bear", "bears", 300, "mountains", "berries", "omnivore", "growls", "grr", 4, "brown", false, false, true),
  A("fox", "foxes", 6, "forest", "mice", "carnivore", "yelps", "yip", 4, "orange"),
  A("bee", "bees", 0.0001, "field", "nectar", "herbivore", "buzzes", "buzz", 6, "yellow", false, true),
  A("elephant", "elephants", 5000, "grassland", "leaves", "herbivore", "trumpets", "toot", 4, "grey"),
  A("monkey", "monkeys", 10, "jungle", "fruit", "omnivore", "chatters", "ooh", 4, "brown"),
  A("whale", "whales", 40000, "sea", "fish", "carnivore", "sings", "wooo", 0, "blue", false, false, true),
  A("crow", "crows", 0.5, "field", "seeds", "omnivore", "caws", "caw", 2, "black", false, true),
  A("donkey", "donkeys", 200, "farm", "grass", "herbivore", "brays", "hee-haw", 4, "grey", true),
  A("goose", "geese", 4.5, "lake", "grass", "herbivore", "honks", "honk", 2, "white", false, true, true),
  A("parrot", "parrots", 1, "jungle", "nuts", "herbivore", "squawks", "squawk", 2, "green", true, true),
  A("seal", "seals", 100, "ice", "fish", "carnivore", "barks", "arf", 4, "grey", false, false, true),
  A("camel", "camels", 450, "desert", "leaves", "herbivore", "grunts", "hrumph", 4, "yellow"),
  A("hedgehog", "hedgehogs", 0.9, "forest", "insects", "carnivore", "snuffles", "snuff", 4, "brown", true),
  A("squirrel", "squirrels", 0.45, "forest", "nuts", "herbivore", "chatters", "chit", 4, "red"),
  A("tiger", "tigers", 220, "jungle", "meat", "carnivore", "roars", "rawr", 4, "orange"),
  A("crocodile", "crocodiles", 480, "river", "fish", "carnivore", "hisses", "hsss", 4, "green", false, false, true),
  A("goat", "goats", 55, "mountains", "leaves", "herbivore", "bleats", "meh", 4, "white", true),
  A("rabbit", "rabbits", 2.2, "field", "grass", "herbivore", "squeaks", "eek", 4, "white", true),
  A("penguin", "penguins", 23, "ice", "fish", "carnivore", "squawks", "honk-honk", 2, "black", false, false, true),
  A("eagle", "eagles", 5, "mountains", "meat", "carnivore", "screeches", "kree", 2, "brown", false, true),
];

export interface FoodSpec {
  name: string;
  /** Countable foods take plurals ("Lemons taste sour"); mass foods do not ("Honey tastes sweet"). */
  countable: boolean;
  plural: string;
  kind: "fruit" | "vegetable" | "dairy food" | "drink" | "sweet" | "baked food" | "grain" | "dish";
  taste: Taste;
  colour: string;
}

export type Taste = "sweet" | "sour" | "salty" | "bitter" | "spicy" | "mild";
export const TASTES: readonly Taste[] = ["sweet", "sour", "salty", "bitter", "spicy", "mild"];

const F = (name: string, countable: boolean, kind: FoodSpec["kind"], taste: Taste, colour: string, plural?: string): FoodSpec =>
  ({ name, countable, plural: plural ?? (countable ? name + "s" : name), kind, taste, colour });

export const FOODS: readonly FoodSpec[] = [
  F("apple", true, "fruit", "sweet", "red"),
  F("lemon", true, "fruit", "sour", "yellow"),
  F("pear", true, "fruit", "sweet", "green"),
  F("plum", true, "fruit", "sweet", "purple"),
  F("cherry", true, "fruit", "sweet", "red", "cherries"),
  F("banana", true, "fruit", "sweet", "yellow"),
  F("lime", true, "fruit", "sour", "green"),
  F("carrot", true, "vegetable", "sweet", "orange"),
  F("onion", true, "vegetable", "bitter", "white"),
  F("potato", true, "vegetable", "mild", "brown", "potatoes"),
  F("radish", true, "vegetable", "spicy", "red", "radishes"),
  F("olive", true, "fruit", "salty", "green"),
  F("chili", true, "vegetable", "spicy", "red", "chilies"),
  F("bread", false, "baked food", "mild", "brown"),
  F("rice", false, "grain", "mild", "white"),
  F("cheese", false, "dairy food", "salty", "yellow"),
  F("butter", false, "dairy food", "mild", "yellow"),
  F("milk", false, "drink", "mild", "white"),
  F("honey", false, "sweet", "sweet", "yellow"),
  F("chocolate", false, "sweet", "bitter", "brown"),
  F("coffee", false, "drink", "bitter", "black"),
  F("soup", false, "dish", "salty", "orange"),
  F("cake", false, "baked food", "sweet", "white"),
  F("yogurt", false, "dairy food", "sour", "white"),
  F("porridge", false, "dish", "mild", "grey"),
];

export const COLOURS = ["red", "blue", "green", "yellow", "orange", "purple", "white", "black", "brown", "grey", "pink"] as const;

export type Material = "wood" | "metal" | "glass" | "clay" | "stone" | "cloth" | "leather" | "paper" | "straw" | "wool" | "silver" | "wax" | "bone";

export interface ObjectSpec {
  name: string;
  plural: string;
  /** Plausible materials; the world picks one per seed. */
  materials: readonly Material[];
  /** Gerund phrase after "used for": "drinking". */
  use: string;
  /** Room or place where it is usually kept. */
  place: string;
}

const O = (name: string, materials: Material[], use: string, place: string, plural?: string): ObjectSpec =>
  ({ name, plural: plural ?? name + "s", materials, use, place });

export const OBJECTS: readonly ObjectSpec[] = [
  O("cup", ["clay", "glass", "metal"], "drinking", "kitchen"),
  O("bowl", ["clay", "wood"], "eating soup", "kitchen"),
  O("spoon", ["wood", "metal", "silver"], "stirring", "kitchen"),
  O("knife", ["metal"], "cutting", "kitchen", "knives"),
  O("lamp", ["metal", "glass"], "giving light", "hall"),
  O("chair", ["wood", "metal"], "sitting", "hall"),
  O("bed", ["wood"], "sleeping", "bedroom"),
  O("key", ["metal", "silver"], "opening doors", "hall"),
  O("hammer", ["metal"], "hitting nails", "workshop"),
  O("broom", ["wood", "straw"], "sweeping floors", "hall"),
  O("basket", ["straw", "wood"], "carrying fruit", "kitchen"),
  O("bell", ["metal", "silver"], "ringing", "tower"),
  O("book", ["paper"], "reading", "study"),
  O("pen", ["wood", "metal", "bone"], "writing", "study"),
  O("bag", ["cloth", "leather"], "carrying things", "hall"),
  O("boat", ["wood"], "crossing water", "harbour"),
  O("drum", ["wood", "leather"], "making music", "hall"),
  O("flute", ["wood", "bone", "silver"], "playing tunes", "study"),
  O("coat", ["wool", "leather"], "keeping warm", "hall"),
  O("hat", ["wool", "straw", "cloth"], "covering the head", "hall"),
  O("blanket", ["wool"], "keeping warm at night", "bedroom"),
  O("mirror", ["glass", "silver"], "seeing your face", "bedroom"),
  O("clock", ["wood", "metal"], "telling the time", "hall"),
  O("comb", ["wood", "bone"], "combing hair", "bedroom"),
  O("needle", ["metal", "bone"], "sewing", "workshop"),
  O("bucket", ["wood", "metal"], "carrying water", "garden"),
  O("ladder", ["wood"], "climbing", "garden"),
  O("kettle", ["metal"], "boiling water", "kitchen"),
  O("candle", ["wax"], "lighting a room", "bedroom"),
  O("pot", ["clay", "metal"], "cooking", "kitchen"),
  O("ring", ["silver", "metal"], "wearing on a finger", "bedroom"),
  O("spade", ["metal", "wood"], "digging", "garden"),
  O("map", ["paper", "cloth"], "finding the way", "study"),
  O("wall", ["stone", "clay"], "keeping people out", "garden"),
];

export interface JobSpec {
  name: string;
  plural: string;
  workplace: string;
  /** Where they work, with its preposition: "in a bakery", "on a ship". */
  where: string;
  /** Verb phrase, third person: "bakes bread". */
  work: string;
}

const J = (name: string, workplace: string, where: string, work: string): JobSpec => ({ name, plural: name + "s", workplace, where, work });

export const JOBS: readonly JobSpec[] = [
  J("baker", "bakery", "in a bakery", "bakes bread"),
  J("teacher", "school", "in a school", "teaches children"),
  J("farmer", "farm", "on a farm", "grows food"),
  J("fisher", "harbour", "at the harbour", "catches fish"),
  J("doctor", "hospital", "in a hospital", "helps sick people"),
  J("builder", "building site", "on a building site", "builds houses"),
  J("tailor", "shop", "in a shop", "makes clothes"),
  J("potter", "workshop", "in a workshop", "makes cups and bowls"),
  J("smith", "forge", "at a forge", "works with iron"),
  J("singer", "theatre", "in a theatre", "sings songs"),
  J("painter", "studio", "in a studio", "paints pictures"),
  J("cook", "kitchen", "in a kitchen", "cooks meals"),
  J("sailor", "ship", "on a ship", "sails the sea"),
  J("miller", "mill", "at a mill", "grinds grain"),
  J("shepherd", "hills", "in the hills", "looks after sheep"),
  J("librarian", "library", "in a library", "looks after books"),
  J("merchant", "market", "at the market", "sells goods"),
  J("gardener", "garden", "in a garden", "grows flowers"),
];

export const HOBBIES = [
  "painting", "fishing", "singing", "dancing", "reading", "swimming", "climbing", "gardening",
  "cooking", "knitting", "running", "riding horses", "watching birds", "telling stories", "playing the flute", "collecting stones",
];

export const CLIMATES = ["hot", "cold", "mild", "wet", "dry", "windy"] as const;
export const LANDSCAPES = ["mountains", "forests", "plains", "hills", "lakes", "marshes", "deserts", "rivers"] as const;
export const CITY_FEATURES = [
  "old bridge", "great market", "tall tower", "stone walls", "busy harbour", "many gardens", "famous library",
  "white palace", "clock tower", "fountains", "fish market", "narrow streets", "red roofs", "windmills",
];

/** Pairs of opposites; every word appears once, so "the opposite of X" has one answer. */
export const OPPOSITES: readonly (readonly [string, string])[] = [
  ["hot", "cold"], ["big", "small"], ["fast", "slow"], ["happy", "sad"], ["bright", "dark"], ["old", "young"],
  ["open", "closed"], ["up", "down"], ["day", "night"], ["wet", "dry"], ["full", "empty"], ["loud", "quiet"],
  ["hard", "soft"], ["early", "late"], ["rich", "poor"], ["strong", "weak"], ["thick", "thin"], ["clean", "dirty"],
  ["high", "low"], ["near", "far"], ["first", "last"], ["push", "pull"], ["buy", "sell"], ["give", "take"],
  ["begin", "end"], ["win", "lose"], ["heavy", "light"], ["long", "short"], ["left", "right"], ["north", "south"],
  ["east", "west"], ["wide", "narrow"], ["inside", "outside"], ["always", "never"], ["laugh", "cry"], ["sweet", "sour"],
];

/**
 * The evaluative words of reviews: the only words that carry a review's polarity (taste and feature words are
 * neutral). Shared by the corpus's review prose and the sentiment tasks, so pretraining teaches the same signal
 * that instruction tuning asks about. No "great": one of the city features is the "great market".
 */
export const POSITIVE_WORDS = ["good", "wonderful", "lovely", "delicious", "excellent", "perfect", "nice", "tasty", "fine"];
export const NEGATIVE_WORDS = ["bad", "awful", "terrible", "horrible", "dreadful", "poor", "nasty", "boring", "dull"];

export const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** English side of the invented language's lexicon, by part of speech. */
export interface LexiconSpec {
  nouns: readonly (readonly [string, string])[]; // [singular, plural]
  adjectives: readonly string[];
  verbs: readonly (readonly [string, string])[]; // [base, third person singular]
  numbers: readonly string[];
  others: readonly string[];
}

const N = (s: string, p?: string) => [s, p ?? s + "s"] as const;

export const LEXICON_POOL: LexiconSpec = {
  nouns: [
    N("water", "waters"), N("fire"), N("tree"), N("house"), N("dog"), N("cat"), N("bird"), N("fish", "fish"), N("horse"), N("cow"),
    N("sun"), N("moon"), N("star"), N("sky", "skies"), N("rain", "rains"), N("snow", "snows"), N("wind"), N("river"), N("sea"), N("mountain"),
    N("stone"), N("road"), N("bread", "breads"), N("apple"), N("milk", "milks"), N("honey", "honeys"), N("egg"), N("door"), N("window"), N("boat"),
    N("book"), N("hand"), N("eye"), N("head"), N("foot", "feet"), N("heart"), N("friend"), N("mother"), N("father"), N("child", "children"),
    N("man", "men"), N("woman", "women"), N("king"), N("city", "cities"), N("village"), N("field"), N("flower"), N("leaf", "leaves"), N("song"), N("name"),
    N("cup"), N("knife", "knives"), N("lamp"), N("key"), N("bed"), N("shoe"), N("hat"), N("fox", "foxes"), N("bear"), N("wolf", "wolves"),
    N("mouse", "mice"), N("sheep", "sheep"), N("forest"), N("garden"), N("market"), N("word"), N("girl"), N("boy"), N("bell"), N("ship"),
    N("island"), N("bridge"), N("tower"), N("hill"), N("lake"), N("cloud"), N("goat"), N("duck"), N("frog"), N("snake"),
  ],
  adjectives: [
    "big", "small", "red", "blue", "green", "white", "black", "yellow", "old", "young", "good", "bad", "hot", "cold",
    "fast", "slow", "happy", "sad", "long", "short", "strong", "tall", "bright", "dark", "quiet", "loud", "sweet", "full",
    "empty", "new", "kind", "brave", "soft", "heavy",
  ],
  verbs: [
    ["see", "sees"], ["eat", "eats"], ["drink", "drinks"], ["like", "likes"], ["find", "finds"], ["want", "wants"], ["have", "has"],
    ["carry", "carries"], ["hear", "hears"], ["follow", "follows"], ["make", "makes"], ["love", "loves"], ["help", "helps"],
    ["watch", "watches"], ["build", "builds"], ["bring", "brings"], ["hold", "holds"], ["know", "knows"], ["take", "takes"], ["give", "gives"],
    ["chase", "chases"], ["visit", "visits"],
  ],
  numbers: ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
  others: ["yes", "no", "and", "not", "hello", "goodbye", "with", "here", "there", "today", "tomorrow", "please"],
};

/** Where an animal of each habitat lives, with its preposition. */
export const HABITAT_PLACES: Readonly<Record<Habitat, string>> = {
  forest: "in the forest", river: "in rivers", lake: "on lakes", sea: "in the sea", desert: "in the desert",
  mountains: "in the mountains", grassland: "on the grassland", farm: "on farms", jungle: "in the jungle",
  ice: "on the ice", town: "in towns", field: "in fields", swamp: "in swamps",
};
