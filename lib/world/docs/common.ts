/** Shared pieces for document generators: the context they get and a few prose helpers. */
import type { Rng } from "../../random";
import type { Fact, Person, World } from "../types";
import { factsAbout } from "../query";
import { factSentence, canonicalSentence } from "../phrases";
import { capitalize } from "../text";

export interface DocContext {
  world: World;
  rng: Rng;
  /** Share of single-fact answers in dialogues given alone ("Tarsk.") instead of in a sentence; default 0. */
  shortAnswers?: number;
}

/** A generated document before it gets an id: its topic ("encyclopedia/country", ...) and text. */
export interface DraftDocument {
  topic: string;
  text: string;
}

/** Facts about a subject with the given relations, in world order. */
export function factsOf(w: World, subject: string, relations?: readonly Fact["relation"][]): Fact[] {
  const all = factsAbout(w, subject);
  return relations ? all.filter((f) => relations.includes(f.relation)) : all;
}

/** Sentences for facts: canonical ones in coverage mode, otherwise mostly paraphrases. */
export function sentencesFor(ctx: DocContext, facts: readonly Fact[], coverage = false): string[] {
  return facts.map((f) => (coverage ? canonicalSentence(ctx.world, f) : factSentence(ctx.world, f, ctx.rng)));
}

/** Replaces a sentence-initial "Mira" / "Mira's" with "She" / "Her", so biographies do not repeat the name. */
export function pronounize(sentence: string, p: Person): string {
  const subj = capitalize(p.pronoun);
  const poss = p.pronoun === "she" ? "Her" : "His";
  if (sentence.startsWith(`${p.name}'s `)) return poss + sentence.slice(p.name.length + 2);
  if (sentence.startsWith(`${p.name} `)) return subj + sentence.slice(p.name.length);
  return sentence;
}

/** Keeps the first `keepFirst` items in place and shuffles the rest. */
export function shuffleTail<T>(rng: Rng, items: readonly T[], keepFirst = 1): T[] {
  return [...items.slice(0, keepFirst), ...rng.shuffle(items.slice(keepFirst))];
}

/** Random non-empty subset keeping each item with probability p (at least `min` items). */
export function someOf<T>(rng: Rng, items: readonly T[], p: number, min = 1): T[] {
  const kept = items.filter(() => rng.chance(p));
  if (kept.length >= Math.min(min, items.length)) return kept;
  return rng.sample(items, Math.min(min, items.length));
}

/** Splits sentences into paragraphs of 2-5 sentences. */
export function paragraphs(rng: Rng, sentences: readonly string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < sentences.length) {
    const n = rng.int(2, 5);
    out.push(sentences.slice(i, i + n).join(" "));
    i += n;
  }
  return out.join("\n\n");
}

/** One sentence comparing the sizes of two different animals (always true in the world). */
export function sizeComparison(ctx: DocContext, aName: string, bName: string): string {
  const w = ctx.world;
  const a = w.animals.find((x) => x.name === aName)!;
  const b = w.animals.find((x) => x.name === bName)!;
  const [big, small] = a.sizeRank > b.sizeRank ? [a, b] : [b, a];
  const an = (s: string) => (/^[aeiou]/.test(s) ? `an ${s}` : `a ${s}`);
  const forms = [
    () => `${capitalize(an(big.name))} is bigger than ${an(small.name)}.`,
    () => `${capitalize(an(small.name))} is smaller than ${an(big.name)}.`,
    () => `The ${big.name} is larger than the ${small.name}.`,
    () => `${capitalize(big.plural)} are bigger than ${small.plural}.`,
    () => `${capitalize(an(small.name))} is not as big as ${an(big.name)}.`,
    () => `${capitalize(an(big.name))} weighs more than ${an(small.name)}.`,
  ];
  return ctx.rng.pick(forms)();
}
