/**
 * Closed-book QA about places and people: the answer is a fact the base model read in its corpus ("The
 * capital of Velmora is Tarsk."), asked as a question it never saw. Subjects are held out whole, so an
 * evaluation country's capital is never asked in training in any form.
 */
import type { Fact } from "../../world/types";
import { capitalOf, countryOf, getCountry, getPerson } from "../../world/query";
import { numberToWords } from "../../world/numbers";
import type { ClusterSpec, TaskSpec } from "../types";
import { combineKeys } from "../split";
import { factKeys } from "../facts";
import { T, aOrAn, askCheck, factVerifier, inv, listCheck, normalized, numberIs } from "../helpers";

const CLUSTER = "closed_book_qa";

const capitalQa: TaskSpec = {
  name: "capital_qa",
  cluster: CLUSTER,
  description: "Name the capital city of a country.",
  inputs: ["country"],
  make(ctx) {
    const country = ctx.subject("country");
    const capital = capitalOf(ctx.world, country);
    const fact: Fact = { subject: country, relation: "capital", object: capital };
    return { inputs: { country }, answer: capital, splitKey: combineKeys(ctx.world, factKeys(ctx.world, fact)), facts: [fact], verifier: factVerifier(ctx.world, fact, normalized(capital)) };
  },
  templates: [
    T("What is the capital of {country}?"),
    T("Which city is the capital of {country}?"),
    T("Name the capital city of {country}."),
    T("{country} has a capital city. What is it called?"),
    T("Question: what is the capital of {country}?\nAnswer:"),
    T("Tell me the capital of {country}. Reply with the name of the city only."),
    T("Fill in the blank.\n\nThe capital of {country} is ___."),
    T("In which city do the rulers of {country} meet?"),
    T("Capital of {country}? Answer in one word."),
    T("I am travelling to the capital of {country}. Which city should I go to?"),
    inv("{answer} is the capital of which country?", "{country}"),
    inv("Which country has {answer} as its capital?", "{country}"),
    inv("The answer is \"{answer}\". Write a question about {country} that has this answer.", "What is the capital of {country}?", askCheck("country", ["capital"])),
  ],
};

const cityCountryQa: TaskSpec = {
  name: "city_country_qa",
  cluster: CLUSTER,
  description: "Name the country a city is in.",
  inputs: ["city"],
  make(ctx) {
    const city = ctx.subject("city");
    const country = countryOf(ctx.world, city);
    const fact: Fact = { subject: city, relation: "in_country", object: country };
    return {
      inputs: { city },
      answer: country,
      splitKey: combineKeys(ctx.world, factKeys(ctx.world, fact)),
      facts: [fact],
      verifier: factVerifier(ctx.world, fact, normalized(country)),
      lists: { cities: getCountry(ctx.world, country).cities.slice() },
    };
  },
  templates: [
    T("Which country is {city} in?"),
    T("In what country can you find the city of {city}?"),
    T("{city} is a city. Which country does it belong to?"),
    T("Name the country where {city} lies."),
    T("Question: {city} is in which country?\nAnswer:"),
    T("Fill in the blank.\n\n{city} is a city in ___."),
    T("Where is {city}? Give the country."),
    T("Tell me which country the city {city} is part of."),
    T("Country of {city}? One word, please."),
    T("A friend of mine lives in {city}. In which country does my friend live?"),
    inv("Name a city in {answer}.", "{city}", listCheck("cities")),
    inv("Give the name of one city that lies in {answer}.", "{city}", listCheck("cities")),
    inv("The answer is \"{answer}\". Write a question about {city} that has this answer.", "Which country is {city} in?", askCheck("city", ["country", "where"])),
  ],
};

const jobQa: TaskSpec = {
  name: "job_qa",
  cluster: CLUSTER,
  description: "Name a person's job.",
  inputs: ["person"],
  make(ctx) {
    const w = ctx.world;
    const p = getPerson(w, ctx.subject("person"));
    const fact: Fact = { subject: p.name, relation: "job", object: p.job };
    return {
      inputs: { person: p.name },
      answer: p.job,
      splitKey: `person:${p.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, normalized(p.job, aOrAn(p.job))),
      vars: { a_job: aOrAn(p.job) },
      lists: { sameJob: w.people.filter((x) => x.job === p.job).map((x) => x.name) },
    };
  },
  templates: [
    T("What is {person}'s job?"),
    T("What does {person} do for a living?"),
    T("What work does {person} do?"),
    T("{person} has a job. What is it?"),
    T("Question: what is the job of {person}?\nAnswer:"),
    T("Fill in the blank.\n\n{person} works as ___."),
    T("Name the trade of {person}. Answer with one word."),
    T("Tell me how {person} earns a living."),
    T("Which job does {person} have?"),
    T("What is the occupation of {person}?"),
    inv("Name a person who works as {a_job}.", "{person}", listCheck("sameJob")),
    inv("Who works as {a_job}? Give one name.", "{person}", listCheck("sameJob")),
    inv("The answer is \"{answer}\". Write a question about {person} that has this answer.", "What is {person}'s job?", askCheck("person", ["job", "work", "works", "do", "trade", "occupation", "living"])),
  ],
};

const homeQa: TaskSpec = {
  name: "home_qa",
  cluster: CLUSTER,
  description: "Name the city a person lives in.",
  inputs: ["person"],
  make(ctx) {
    const w = ctx.world;
    const p = getPerson(w, ctx.subject("person"));
    const fact: Fact = { subject: p.name, relation: "home", object: p.home };
    return {
      inputs: { person: p.name },
      answer: p.home,
      splitKey: `person:${p.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, normalized(p.home)),
      lists: { residents: w.people.filter((x) => x.home === p.home).map((x) => x.name) },
    };
  },
  templates: [
    T("Where does {person} live?"),
    T("In which city does {person} live?"),
    T("Which city is {person}'s home?"),
    T("Name the city where {person} lives."),
    T("Question: where is {person}'s home?\nAnswer:"),
    T("Fill in the blank.\n\n{person} lives in ___."),
    T("Tell me the home city of {person}."),
    T("If you wanted to visit {person} at home, which city would you go to?"),
    T("What city does {person} live in? Answer with the name of the city."),
    T("{person} lives in a city. Which one?"),
    inv("Name a person who lives in {answer}.", "{person}", listCheck("residents")),
    inv("Who has a home in {answer}? Give one name.", "{person}", listCheck("residents")),
    inv("The answer is \"{answer}\". Write a question about {person} that has this answer.", "Where does {person} live?", askCheck("person", ["live", "lives", "home", "where"])),
  ],
};

const ageQa: TaskSpec = {
  name: "age_qa",
  cluster: CLUSTER,
  description: "A person's age in years (digits or words both count).",
  inputs: ["person"],
  make(ctx) {
    const w = ctx.world;
    const p = getPerson(w, ctx.subject("person"));
    const fact: Fact = { subject: p.name, relation: "age", object: String(p.age) };
    return {
      inputs: { person: p.name },
      answer: String(p.age),
      references: [String(p.age), numberToWords(p.age)],
      splitKey: `person:${p.name}`,
      facts: [fact],
      verifier: factVerifier(w, fact, numberIs(p.age)),
      lists: { sameAge: w.people.filter((x) => x.age === p.age).map((x) => x.name) },
    };
  },
  templates: [
    T("How old is {person}?"),
    T("What is the age of {person}?"),
    T("{person} is how many years old?"),
    T("Tell me {person}'s age in years."),
    T("Question: how old is {person}?\nAnswer:"),
    T("Fill in the blank with a number.\n\n{person} is ___ years old."),
    T("Give the age of {person} as a number."),
    T("How many years has {person} lived?"),
    T("What age is {person}? Answer with a number."),
    T("State the age of {person}."),
    inv("Name a person who is {answer} years old.", "{person}", listCheck("sameAge")),
    inv("Who is {answer} years old? Give one name.", "{person}", listCheck("sameAge")),
    inv("The answer is \"{answer}\". Write a question about {person} that has this answer.", "How old is {person}?", askCheck("person", ["old", "age", "years"])),
  ],
};

export const closedBookQa: ClusterSpec = {
  name: CLUSTER,
  description: "Closed-book questions about the world's countries, cities and people.",
  related: ["closed_book_choice"],
  tasks: [capitalQa, cityCountryQa, jobQa, homeQa, ageQa],
};

