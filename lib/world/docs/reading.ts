/**
 * Prose that teaches reading skills the instruction tasks later ask for, without any instruction format:
 * reviews whose writer says in words whether they were positive or negative, short moods (happy or sad),
 * and lessons on what one sentence tells us about another (the same thing in other words, a disagreement,
 * or nothing at all). An instruction-tuned model is then asked for labels whose meaning it read here.
 */
import type { DocContext, DraftDocument } from "./common";
import { factsOf, paragraphs } from "./common";
import type { Fact, Person, Relation, World } from "../types";
import type { Rng } from "../../random";
import { NEGATIVE_WORDS, POSITIVE_WORDS } from "../data";
import { polarityWords, reviewAdjective, type Polarity } from "../polarity";
import { foodNoun, factSentence } from "../phrases";
import { capitalize } from "../text";
import { numberToWords } from "../numbers";
import { factsWith, getCountry } from "../query";


const LIKED_ENDINGS = ["I loved it.", "I would have it again.", "I will come back soon.", "It made my day.", "My friends should try it.", "I went home happy."];
const DISLIKED_ENDINGS = ["I hated it.", "I will not have it again.", "I will never come back.", "It spoiled my day.", "My friends should stay away.", "I went home sad."];
const VERDICT: Record<Polarity, ((name: string, he: string) => string)[]> = {
  positive: [
    (n) => `That is a positive review: ${n} liked it.`,
    (n) => `${n}'s review was positive.`,
    (_n, he) => `It is easy to see that ${he} enjoyed it, so the review is positive.`,
    (n) => `Anyone reading it can tell that ${n} was pleased. The review is a positive one.`,
  ],
  negative: [
    (n) => `That is a negative review: ${n} did not like it.`,
    (n) => `${n}'s review was negative.`,
    (_n, he) => `It is easy to see that ${he} did not enjoy it, so the review is negative.`,
    (n) => `Anyone reading it can tell that ${n} was unhappy. The review is a negative one.`,
  ],
};

/** One review (of a food or of a city) in the writer's own words, with its polarity. */
function review(ctx: DocContext): { subject: string; text: string; p: Polarity } {
  const { world: w, rng } = ctx;
  const p: Polarity = rng.chance(0.5) ? "positive" : "negative";
  const end = rng.pick(p === "positive" ? LIKED_ENDINGS : DISLIKED_ENDINGS);
  if (rng.chance(0.6)) {
    const f = rng.pick(w.foods);
    const noun = foodNoun(f);
    const city = rng.pick(w.cities).name;
    const adj = reviewAdjective(rng, p, true);
    const text = rng.pick([
      () => `The ${noun} I had in ${city} ${f.countable ? "were" : "was"} ${adj}. ${end}`,
      () => `I tried ${noun} in ${city}. It was ${f.taste}, and it was ${adj}. ${end}`,
      () => `${end} The ${noun} ${f.countable ? "were" : "was"} ${adj}.`,
      () => `${capitalize(adj)} ${noun}, ${f.taste} as it should be. ${end}`,
      () => `We had ${noun} at a market in ${city}. ${capitalize(adj)}. ${end}`,
    ])();
    return { subject: `the ${noun}`, text, p };
  }
  const c = rng.pick(w.cities);
  const adj = reviewAdjective(rng, p, false);
  const adj2 = reviewAdjective(rng, p, false);
  const text = rng.pick([
    () => `Our ${numberToWords(rng.int(2, 6))} days in ${c.name} were ${adj}. ${end}`,
    () => `The ${c.feature} of ${c.name} ${c.feature.endsWith("s") ? "were" : "was"} ${adj}, and the inns were ${adj2}. ${end}`,
    () => `${c.name} was ${adj} from the first day. ${end}`,
    () => `${end} Our visit to ${c.name} was ${adj}.`,
  ])();
  return { subject: c.name, text, p };
}

/** A page of reviews, each followed by what it tells us about its writer's opinion. */
export function reviewsDocument(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const s: string[] = [];
  const intro = rng.pick([
    "People write reviews of what they eat and where they travel. A positive review says the writer liked something; a negative review says the writer did not.",
    "Here are some reviews that travellers wrote.",
    "Some reviews from the markets and inns of the world.",
    "A review can be positive or negative. The words a writer chooses show which one it is.",
  ]);
  s.push(intro);
  for (let i = 0, n = rng.int(3, 5); i < n; i++) {
    const writer = rng.pick(w.people);
    const r = review(ctx);
    // A review and what it tells us stay in one paragraph.
    const said = rng.pick([
      () => `${writer.name} wrote about ${r.subject}: "${r.text}"`,
      () => `"${r.text}" That is what ${writer.name} wrote about ${r.subject}.`,
      () => `A review by ${writer.name}: "${r.text}"`,
    ])();
    let unit = `${said} ${rng.pick(VERDICT[r.p])(writer.name, writer.pronoun)}`;
    const cue = polarityWords(r.p).find((x) => new RegExp(`\\b${x}\\b`, "i").test(r.text));
    if (cue && rng.chance(0.3)) unit += ` The word "${cue}" shows that the review is ${r.p}.`;
    s.push(unit);
  }
  if (rng.chance(0.4)) s.push(`Words like ${rng.sample(POSITIVE_WORDS, 3).map((x) => `"${x}"`).join(", ")} make a review positive, and words like ${rng.sample(NEGATIVE_WORDS, 3).map((x) => `"${x}"`).join(", ")} make it negative.`);
  return { topic: "reading/reviews", text: `${rng.pick(["Reviews", "What People Said", "Reading Reviews"])}\n\n${s.join("\n\n")}` };
}

const HAPPY = ["found a lost key", "got a letter from an old friend", "won a prize at the market", "saw an old friend again", "finished a new painting"];
const SAD = ["lost a favourite cup", "broke a bowl", "missed the boat home", "heard that a friend was moving away", "left a bag on the road"];
const HAPPY_SIGNS = ["smiled all day", "laughed and sang on the way home", "danced in the kitchen", "could not stop smiling"];
const SAD_SIGNS = ["cried all evening", "sat alone and did not eat", "did not want to talk to anyone", "went to bed early with tears in {his} eyes"];

/** Little mood stories: what happened, how it showed, and the mood named in words. */
export function moodDocument(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const s: string[] = [];
  for (let i = 0, n = rng.int(3, 5); i < n; i++) {
    const p: Person = rng.pick(w.people);
    const he = capitalize(p.pronoun);
    const his = p.pronoun === "she" ? "her" : "his";
    const happy = rng.chance(0.5);
    const what = rng.pick(happy ? HAPPY : SAD);
    const sign = rng.pick(happy ? HAPPY_SIGNS : SAD_SIGNS).replace("{his}", his);
    const mood = happy ? "happy" : "sad";
    s.push(rng.pick([
      () => `${rng.pick(["One day", "Yesterday", "Last week", "On Sunday"])}, ${p.name} ${what}. ${he} ${sign}. ${p.name} was ${mood}.`,
      () => `${p.name} ${sign}, because ${p.pronoun} ${what}. ${he} felt ${mood}.`,
      () => `When ${p.name} ${what}, ${p.pronoun} ${sign}. That is how we know ${p.pronoun} was ${mood}.`,
    ])());
  }
  return { topic: "reading/moods", text: `${rng.pick(["Happy and Sad", "How People Felt", "Good Days and Bad Days"])}\n\n${paragraphs(rng, s)}` };
}

// Relations whose every wording pins down one value: another value of the same relation contradicts them.
const EXCLUSIVE: readonly Relation[] = ["capital", "in_country", "job", "home", "age", "national_dish", "national_animal", "favourite_colour", "favourite_food", "hobby", "diet", "legs", "material", "taste"];

function anotherValue(w: World, rng: Rng, f: Fact): string | undefined {
  const values = [...new Set(factsWith(w, f.relation).map((g) => g.object))].filter((v) => v !== f.object);
  return values.length ? rng.pick(values) : undefined;
}

function otherWording(w: World, rng: Rng, f: Fact, avoid: string): string | undefined {
  for (let i = 0; i < 10; i++) {
    const s = factSentence(w, f, rng, 0.3);
    if (s !== avoid) return s;
  }
  return undefined;
}

/**
 * A lesson on what one sentence tells us about another: two wordings of one fact say the same thing; another
 * value of the same thing cannot also be true; a sentence about something else tells us nothing either way.
 */
export function meaningLesson(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const s: string[] = [];
  s.push(rng.pick([
    "Two sentences can say the same thing in different words. Two sentences can also disagree, or talk about different things.",
    "When we read a sentence, we can ask what it tells us about another sentence.",
    "Some sentences say the same thing in other words. Some cannot both be true. And some tell us nothing about each other.",
  ]));
  const subjects = [...w.people.map((p) => p.name), ...w.countries.map((c) => c.name), ...w.cities.map((c) => c.name), ...w.animals.map((a) => a.name), ...w.foods.map((f) => f.name), ...w.objects.map((o) => o.name)];
  for (let i = 0, n = rng.int(3, 6); i < n; i++) {
    const subject = rng.pick(subjects);
    const facts = factsOf(w, subject).filter((f) => EXCLUSIVE.includes(f.relation));
    if (facts.length === 0) continue;
    const f = rng.pick(facts);
    const a = factSentence(w, f, rng, 0.4);
    const kind = rng.weighted({ same: 4, disagree: 3, unrelated: 3 });
    if (kind === "same") {
      const b = otherWording(w, rng, f, a);
      if (!b) continue;
      s.push(rng.pick([
        `"${a}" and "${b}" say the same thing in different words.`,
        `"${a}" means the same as "${b}"`,
        `If "${a}" is true, then "${b}" is true as well: the two sentences say the same thing.`,
        `From "${a}" we can tell that "${b}" is true.`,
      ]));
    } else if (kind === "disagree") {
      const other = anotherValue(w, rng, f);
      if (other === undefined) continue;
      // A false statement, only ever quoted and called false, and never in the canonical wording the cloze
      // probes use, so the false value does not compete with the true one where knowledge is tested.
      const b = factSentence(w, { ...f, object: other }, rng, 0);
      s.push(rng.pick([
        `If "${a}" is true, then "${b}" is false.`,
        `"${a}" and "${b}" cannot both be true. They do not say the same thing.`,
        `From "${a}" we can tell that "${b}" is not true.`,
        `"${a}" and "${b}" disagree.`,
      ]));
    } else {
      const others = factsOf(w, subject).filter((g) => g.relation !== f.relation && EXCLUSIVE.includes(g.relation));
      if (others.length === 0) continue;
      const g = rng.pick(others);
      const b = factSentence(w, g, rng, 0.4);
      s.push(rng.pick([
        `From "${a}" it is not possible to tell whether "${b}" is true.`,
        `"${a}" says nothing about whether "${b}" is true or false.`,
        `"${a}" and "${b}" talk about different things, so one does not tell us about the other.`,
        `Knowing "${a}" does not tell us whether "${b}" is true; it is not possible to tell.`,
      ]));
    }
  }
  return { topic: "reading/meaning", text: `${rng.pick(["Reading Carefully", "Saying the Same Thing", "What a Sentence Tells Us"])}\n\n${paragraphs(rng, s)}` };
}

/**
 * An almanac page: facts about many subjects in one document, each in a random wording, in random order.
 * Facts met in many wordings, orders and company can later be asked for in a new form (knowledge that is
 * extractable, not just memorized as one string).
 */
export function almanacDocument(ctx: DocContext): DraftDocument {
  const { world: w, rng } = ctx;
  const group = rng.weighted({ people: 5, places: 3, things: 2, words: 1 });
  let pool: Fact[];
  if (group === "people") {
    const people = rng.sample(w.people, Math.min(w.people.length, rng.int(2, 4))).map((p) => p.name);
    pool = w.facts.filter((f) => people.includes(f.subject) && f.relation !== "is_a");
  } else if (group === "places") {
    const countries = rng.sample(w.countries, Math.min(w.countries.length, rng.int(2, 3)));
    const names = new Set(countries.flatMap((c) => [c.name, ...getCountry(w, c.name).cities]));
    pool = w.facts.filter((f) => names.has(f.subject) && f.relation !== "is_a" && f.relation !== "neighbour");
  } else if (group === "things") {
    const some = <T>(xs: readonly T[]) => rng.sample(xs, Math.min(xs.length, 2));
    const names = new Set([...some(w.animals).map((a) => a.name), ...some(w.foods).map((f) => f.name), ...some(w.objects).map((o) => o.name)]);
    pool = w.facts.filter((f) => names.has(f.subject) && f.relation !== "is_a");
  } else {
    pool = w.facts.filter((f) => f.relation === "translation" || f.relation === "opposite");
  }
  const chosen = rng.sample(pool, Math.min(pool.length, rng.int(8, 16)));
  const sentences = chosen.map((f) => factSentence(w, f, rng, 0.35));
  const title = rng.pick(["Notes", "Did You Know", "From the Almanac", "Things Worth Knowing", "A Page of Facts"]);
  return { topic: `almanac/${group}`, text: `${title}\n\n${paragraphs(rng, sentences)}` };
}

/** A random reading document: reviews, moods or a meaning lesson. */
export function randomReading(ctx: DocContext): DraftDocument {
  switch (ctx.rng.weighted({ reviews: 4, moods: 2, meaning: 4 })) {
    case "reviews": return reviewsDocument(ctx);
    case "moods": return moodDocument(ctx);
    default: return meaningLesson(ctx);
  }
}
