/**
 * Sentiment: tiny reviews of the world's foods and cities, and short stories about how someone felt.
 * Taste and feature words come from the world (neutral on their own); the polarity comes from a small,
 * closed set of evaluative words, so every review has exactly one right label.
 */
import { getCity, getPerson } from "../../world/query";
import { foodNoun } from "../../world/phrases";
import { POSITIVE_WORDS, NEGATIVE_WORDS } from "../../world/data";
import { polarityWords, reviewAdjective, type Polarity } from "../../world/polarity";
import { capitalize } from "../../world/text";
import { numberToWords } from "../../world/numbers";
import type { ClusterSpec, TaskSpec } from "../types";
import type { VerifierSpec } from "../verify";
import { T, allOf, aOrAn, fromList, inv, mentions, namedCheck, pronouns } from "../helpers";

const CLUSTER = "sentiment";

export { POSITIVE_WORDS, NEGATIVE_WORDS };
const POSITIVE_ENDINGS = ["I loved it.", "I would eat it again.", "I will come back soon.", "It made me happy.", "I told all my friends to try it."];
const NEGATIVE_ENDINGS = ["I hated it.", "I will not eat it again.", "I will never come back.", "It made me sad.", "I told my friends to stay away."];
const POSITIVE_TRIP = ["We had a wonderful time.", "I want to go back soon.", "It was the best trip of the year.", "Everyone was happy."];
const NEGATIVE_TRIP = ["We had a terrible time.", "I never want to go back.", "It was the worst trip of the year.", "Everyone was sad."];

const words = polarityWords;

/** A review with the wanted polarity: mentions the subject, uses a word of that polarity and none of the other. */
function reviewCheck(subjectForms: string[], p: Polarity): VerifierSpec {
  const own = p === "positive" ? [...POSITIVE_WORDS, "loved", "love", "happy", "best"] : [...NEGATIVE_WORDS, "hated", "sad", "worst", "never", "not"];
  const other = p === "positive" ? [...NEGATIVE_WORDS, "hated", "sad", "worst", "never", "not"] : [...POSITIVE_WORDS, "loved", "happy", "best"];
  return allOf(mentions({ any: subjectForms }), mentions({ any: own, forbid: other }));
}

const foodReview: TaskSpec = {
  name: "food_review",
  cluster: CLUSTER,
  description: "Is a short review of a food positive or negative?",
  inputs: ["review"],
  make(ctx) {
    const { world: w, rng } = ctx;
    const f = rng.pick(w.foods);
    const city = rng.pick(w.cities).name;
    const p: Polarity = rng.chance(0.5) ? "positive" : "negative";
    const adj = reviewAdjective(rng, p, true);
    const noun = foodNoun(f);
    const end = rng.pick(p === "positive" ? POSITIVE_ENDINGS : NEGATIVE_ENDINGS);
    const review = rng.pick([
      () => `I had ${noun} at the market in ${city}. It tasted ${f.taste} and it was ${adj}. ${end}`,
      () => `The ${noun} in ${city} was ${adj}. ${end}`,
      () => `${capitalize(noun)}, ${f.taste} as always. This time it was ${adj}. ${end}`,
      () => `We ordered ${noun} for dinner. ${capitalize(adj)}! ${end}`,
      () => `${end} The ${noun} I bought in ${city} was ${adj}.`,
    ])();
    return {
      inputs: { review },
      answer: p,
      options: ["negative", "positive"],
      vars: { food: noun, answer_word: adj },
      checks: { review: reviewCheck([f.name, noun], p), word: fromList(words(p)) },
    };
  },
  templates: [
    T("Is this review positive or negative?\n\n{review}"),
    T("Review: {review}\n\nWhat is the sentiment of this review?"),
    T("Did the writer like the food? Answer positive or negative.\n\n{review}"),
    T("{review}\n\nIs the review above positive or negative?"),
    T("Read the review and say whether it is positive or negative: {review}"),
    T("What does the writer of this review feel, positive or negative?\n{review}"),
    T("Classify the sentiment of the following review.\n\n{review}"),
    T("\"{review}\" Was this a happy customer or not? Answer positive or negative."),
    T("Here is what someone wrote about a meal: {review}\nIs it a positive or a negative review?"),
    T("Sentiment of this food review (positive/negative): {review}"),
    inv("Write a short {answer} review of {food}.", "{review}", namedCheck("review")),
    inv("Give one word that would make a review of {food} sound {answer}.", "{answer_word}", namedCheck("word")),
  ],
};

const cityReview: TaskSpec = {
  name: "city_review",
  cluster: CLUSTER,
  description: "Is a short review of a visit to a city positive or negative?",
  inputs: ["review"],
  make(ctx) {
    const { world: w, rng } = ctx;
    const c = getCity(w, rng.pick(w.cities).name);
    const p: Polarity = rng.chance(0.5) ? "positive" : "negative";
    const adj = reviewAdjective(rng, p, false);
    const adj2 = reviewAdjective(rng, p, false);
    const end = rng.pick(p === "positive" ? POSITIVE_TRIP : NEGATIVE_TRIP);
    const days = numberToWords(rng.int(2, 6));
    const review = rng.pick([
      () => `We spent ${days} days in ${c.name}. The ${c.feature} ${c.feature.endsWith("s") ? "were" : "was"} ${adj}. ${end}`,
      () => `${c.name} is famous for its ${c.feature}. Our visit was ${adj}, and the food was ${adj2}. ${end}`,
      () => `Our trip to ${c.name} in ${c.country}: ${adj} streets, ${adj2} inns. ${end}`,
      () => `${end} ${c.name} was ${adj} from the first day.`,
    ])();
    return {
      inputs: { review },
      answer: p,
      options: ["negative", "positive"],
      vars: { city: c.name, answer_word: adj },
      checks: { review: reviewCheck([c.name], p), word: fromList(words(p)) },
    };
  },
  templates: [
    T("Is this review of a trip positive or negative?\n\n{review}"),
    T("Review: {review}\n\nDid the traveller enjoy the visit? Answer positive or negative."),
    T("{review}\n\nWhat is the sentiment of the text above?"),
    T("Read this travel review and say if it is positive or negative: {review}"),
    T("Classify the review as positive or negative.\n\n{review}"),
    T("A visitor wrote: \"{review}\" Is that a positive or a negative review?"),
    T("Sentiment (positive or negative): {review}"),
    T("How does the writer feel about the city, positive or negative?\n{review}"),
    T("Here is a review of a city.\n{review}\nPositive or negative?"),
    T("Would the writer of this review recommend the city? Say positive if yes, negative if no.\n\n{review}"),
    inv("Write a short {answer} review of a visit to {city}.", "{review}", namedCheck("review")),
    inv("Give one word that would make a review of {city} sound {answer}.", "{answer_word}", namedCheck("word")),
  ],
};

const HAPPY_EVENTS = ["found a lost {object}", "got a letter from an old friend", "won a prize at the market", "saw {friend} after a long time", "finished a new {object}"];
const SAD_EVENTS = ["lost {his} {object}", "broke {his} favourite {object}", "missed the boat home", "heard that {friend} was moving away", "left {his} {object} on the road"];
const HAPPY_REACTIONS = ["{He} smiled all day.", "{He} laughed and sang on the way home.", "{He} danced in the kitchen.", "{He} could not stop smiling."];
const SAD_REACTIONS = ["{He} cried all evening.", "{He} sat alone and did not eat.", "{He} felt sad and did not want to talk to anyone.", "{He} went to bed early with tears in {his} eyes."];

const storyMood: TaskSpec = {
  name: "story_mood",
  cluster: CLUSTER,
  description: "How did the person in a two-sentence story feel: happy or sad?",
  inputs: ["story"],
  make(ctx) {
    const { world: w, rng } = ctx;
    const p = getPerson(w, rng.pick(w.people).name);
    const pr = pronouns(p);
    const happy = rng.chance(0.5);
    const friend = rng.pick(w.people.filter((x) => x.name !== p.name)).name;
    const object = rng.pick(w.objects).name;
    const fill = (s: string) => s.replace(/\{object\}/g, object).replace(/\{friend\}/g, friend).replace(/\{He\}/g, pr.He).replace(/\{his\}/g, pr.his);
    const event = fill(rng.pick(happy ? HAPPY_EVENTS : SAD_EVENTS));
    const reaction = fill(rng.pick(happy ? HAPPY_REACTIONS : SAD_REACTIONS));
    const story = `${rng.pick(["One morning", "Yesterday", "Last week", "On Sunday"])}, ${p.name} ${event}. ${reaction}`;
    const moodWords = happy ? ["smiled", "smiling", "laughed", "sang", "danced", "happy", "glad"] : ["cried", "tears", "sad", "alone", "unhappy", "wept"];
    const otherWords = happy ? ["cried", "tears", "sad", "unhappy", "wept"] : ["smiled", "laughed", "happy", "danced", "glad"];
    return {
      inputs: { story },
      answer: happy ? "happy" : "sad",
      options: ["happy", "sad"],
      vars: { person: p.name, a_object: aOrAn(object) },
      checks: { story: allOf(mentions({ all: [p.name] }), mentions({ any: moodWords, forbid: otherWords })) },
    };
  },
  templates: [
    T("{story}\n\nHow did {person} feel: happy or sad?"),
    T("Read the story. Was {person} happy or sad?\n\n{story}"),
    T("Story: {story}\nQuestion: how did {person} feel?"),
    T("{story}\n\nIs {person} happy or sad in this story?"),
    T("What was {person}'s mood? Answer happy or sad.\n\n{story}"),
    T("Here is a short story: {story}\nDescribe how {person} felt in one word."),
    T("Decide whether {person} was happy or sad.\n{story}"),
    T("\"{story}\" How do you think {person} felt?"),
    T("Tell me if the story below is about a happy or a sad {person}.\n\n{story}"),
    T("{story} Was {person} feeling happy or sad?"),
    inv("Write a two-sentence story in which {person} feels {answer}.", "{story}", namedCheck("story")),
    inv("Write a short story that ends with {person} feeling {answer}.", "{story}", namedCheck("story")),
  ],
};

export const sentiment: ClusterSpec = {
  name: CLUSTER,
  description: "Positive or negative reviews, happy or sad stories.",
  tasks: [foodReview, cityReview, storyMood],
};
