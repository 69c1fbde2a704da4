/**
 * Cloze probes: prose prefixes whose continuation is a fact of the world ("The capital of Velmora is" +
 * " Tarsk"). Each probe's full sentence is in the training corpus (coverage entries guarantee it), so a
 * base model that learned the corpus should continue the prompt with the answer.
 */
import type { Relation, World } from "./types";
import { canonicalCloze, reverseTranslationCloze, type Cloze } from "./phrases";

export type { Cloze };

export interface ClozeOptions {
  /** Only these relations (default: all that have a canonical sentence). */
  relations?: readonly Relation[];
  /** Add "The Zuli word 'mek' means" probes next to "In Zuli, the word for water is '" ones (default true). */
  reverseTranslations?: boolean;
}

export function clozeProbes(world: World, options: ClozeOptions = {}): Cloze[] {
  const out: Cloze[] = [];
  const want = options.relations ? new Set(options.relations) : undefined;
  for (const f of world.facts) {
    if (want && !want.has(f.relation)) continue;
    const c = canonicalCloze(world, f);
    if (!c) continue;
    out.push(c);
    if (f.relation === "translation" && options.reverseTranslations !== false) out.push(reverseTranslationCloze(world, f));
  }
  return out;
}
