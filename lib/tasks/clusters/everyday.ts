/**
 * Closed-book QA about animals, foods and objects — the world's "common sense": what a mouse eats, how
 * many legs a snake has, what cups are made of, how lemons taste.
 */
import type { Fact } from "../../world/types";
import { getAnimal, getFood, getObject } from "../../world/query";
import { aFood, foodNoun } from "../../world/phrases";
import { TASTES } from "../../world/data";
import { numberToWords } from "../../world/numbers";
import { capitalize } from "../../world/text";
import type { ClusterSpec, TaskSpec } from "../types";
import { T, aOrAn, anyOf, askCheck, factVerifier, inv, listCheck, normalized, numberIs, oneOf, unique } from "../helpers";

const CLUSTER = "everyday_qa";

const animalFoodQa: TaskSpec = {
  name: "animal_food_qa",
  cluster: CLUSTER,
  description: "What an animal mostly eats.",
  inputs: ["animal"],
  make(ctx) {
    const w = ctx.world;
    const a = getAnimal(w, ctx.subject("animal"));
    const fact: Fact = { subject: a.name, relation: "eats", object: a.food };
    return {
      inputs: { animal: a.name },
      answer: a.food,
      splitKey: `animal:${a.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, normalized(a.food)),
      vars: { animals: a.plural, Animals: capitalize(a.plural), a_animal: aOrAn(a.name) },
      lists: { sameFood: w.animals.filter((x) => x.food === a.food).flatMap((x) => [x.name, x.plural]) },
    };
  },
  templates: [
    T("What does the {animal} mostly eat?"),
    T("What do {animals} eat?"),
    T("Name the main food of the {animal}."),
    T("What is the favourite food of the {animal}?"),
    T("Question: what does {a_animal} like to eat?\nAnswer:"),
    T("Fill in the blank.\n\n{Animals} mostly eat ___."),
    T("If you had to feed {a_animal}, what would you give it?"),
    T("Tell me what {animals} feed on."),
    T("What food does the {animal} look for? Answer in one word."),
    T("{Animals} are hungry. What will they look for to eat?"),
    inv("Name an animal that mostly eats {answer}.", "{animal}", listCheck("sameFood")),
    inv("Which animal feeds on {answer}? Give one.", "{animal}", listCheck("sameFood")),
    inv("The answer is \"{answer}\". Write a question about the {animal} that has this answer.", "What does the {animal} mostly eat?", askCheck("animal", ["eat", "eats", "food", "feed"])),
  ],
};

const animalLegsQa: TaskSpec = {
  name: "animal_legs_qa",
  cluster: CLUSTER,
  description: "How many legs an animal has (digits or words; 'no legs' for none).",
  inputs: ["animal"],
  make(ctx) {
    const w = ctx.world;
    const a = getAnimal(w, ctx.subject("animal"));
    const fact: Fact = { subject: a.name, relation: "legs", object: String(a.legs) };
    const base = a.legs === 0 ? anyOf(numberIs(0), normalized("no legs", "none", "no")) : numberIs(a.legs);
    return {
      inputs: { animal: a.name },
      answer: String(a.legs),
      references: [String(a.legs), a.legs === 0 ? "no legs" : numberToWords(a.legs)],
      splitKey: `animal:${a.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, base),
      vars: { animals: a.plural, Animals: capitalize(a.plural), a_animal: aOrAn(a.name), legs_words: a.legs === 0 ? "no" : numberToWords(a.legs) },
      lists: { sameLegs: w.animals.filter((x) => x.legs === a.legs).flatMap((x) => [x.name, x.plural]) },
    };
  },
  templates: [
    T("How many legs does the {animal} have?"),
    T("How many legs do {animals} have?"),
    T("Count the legs of {a_animal}. How many are there?"),
    T("Question: how many legs has the {animal} got?\nAnswer:"),
    T("Fill in the blank with a number.\n\nThe {animal} has ___ legs."),
    T("Give the number of legs of the {animal}."),
    T("{Animals} have how many legs?"),
    T("Answer with a number: how many legs are on {a_animal}?"),
    T("If you counted the legs of one {animal}, what number would you get?"),
    T("Tell me how many legs {a_animal} has."),
    inv("Name an animal that has {legs_words} legs.", "{animal}", listCheck("sameLegs")),
    inv("Which animal walks on {legs_words} legs? Give one.", "{animal}", listCheck("sameLegs")),
    inv("The answer is \"{answer}\". Write a question about the {animal} that has this answer.", "How many legs does the {animal} have?", askCheck("animal", ["legs"])),
  ],
};

const objectMaterialQa: TaskSpec = {
  name: "object_material_qa",
  cluster: CLUSTER,
  description: "What an everyday object is usually made of in this world.",
  inputs: ["object"],
  make(ctx) {
    const w = ctx.world;
    const o = getObject(w, ctx.subject("object"));
    const fact: Fact = { subject: o.name, relation: "material", object: o.material };
    return {
      inputs: { object: o.name },
      answer: o.material,
      splitKey: `object:${o.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, normalized(o.material)),
      vars: { objects: o.plural, Objects: capitalize(o.plural), a_object: aOrAn(o.name) },
      lists: { sameMaterial: w.objects.filter((x) => x.material === o.material).flatMap((x) => [x.name, x.plural]) },
    };
  },
  templates: [
    T("What are {objects} made of?"),
    T("What material is {a_object} usually made of?"),
    T("Name the material of the usual {object}."),
    T("Question: what is {a_object} made of?\nAnswer:"),
    T("Fill in the blank.\n\n{Objects} are made of ___."),
    T("Tell me what people make {objects} out of."),
    T("If you wanted to make {a_object}, which material would you need?"),
    T("{Objects} are made of one material. Which one?"),
    T("What is the usual material for {a_object}? One word."),
    T("Which material do most {objects} have?"),
    inv("Name an object that is usually made of {answer}.", "{object}", listCheck("sameMaterial")),
    inv("Which everyday object is made of {answer}? Give one.", "{object}", listCheck("sameMaterial")),
    inv("The answer is \"{answer}\". Write a question about {a_object} that has this answer.", "What is {a_object} made of?", askCheck("object", ["made", "material"])),
  ],
};

const foodTasteQa: TaskSpec = {
  name: "food_taste_qa",
  cluster: CLUSTER,
  description: "How a food tastes: sweet, sour, salty, bitter, spicy or mild.",
  inputs: ["food"],
  make(ctx) {
    const w = ctx.world;
    const f = getFood(w, ctx.subject("food"));
    const fact: Fact = { subject: f.name, relation: "taste", object: f.taste };
    return {
      inputs: { food: f.name },
      answer: f.taste,
      options: [...TASTES],
      splitKey: `food:${f.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, oneOf(f.taste)),
      vars: { foods: foodNoun(f), a_food: aFood(f), do: f.countable ? "do" : "does" },
      lists: { sameTaste: unique(w.foods.filter((x) => x.taste === f.taste).flatMap((x) => [x.name, foodNoun(x)])) },
    };
  },
  templates: [
    T("How {do} {foods} taste?"),
    T("What is the taste of {foods}?"),
    T("Describe the taste of {foods} in one word."),
    T("Question: how does {a_food} taste?\nAnswer:"),
    T("Fill in the blank.\n\nThe taste of {foods} is ___."),
    T("Is the taste of {foods} sweet, sour, salty, bitter, spicy or mild?"),
    T("Tell me the taste of {foods}."),
    T("You take a bite of {a_food}. What taste do you notice?"),
    T("Which word describes the taste of {foods}?"),
    T("Taste of {foods}? Answer in one word."),
    inv("Name a food that tastes {answer}.", "{food}", listCheck("sameTaste")),
    inv("Which food has a {answer} taste? Give one.", "{food}", listCheck("sameTaste")),
    inv("The answer is \"{answer}\". Write a question about {foods} that has this answer.", "What is the taste of {foods}?", askCheck("foods", ["taste", "tastes"])),
  ],
};

export const everydayQa: ClusterSpec = {
  name: CLUSTER,
  description: "Closed-book questions about animals, foods and everyday objects.",
  tasks: [animalFoodQa, animalLegsQa, objectMaterialQa, foodTasteQa],
};
