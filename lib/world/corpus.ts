/**
 * The pretraining corpus of a world: ordinary prose only — encyclopedia entries, stories, prose dialogues
 * and schoolbook-style worked examples. It teaches the world's facts and skills but never the instruction
 * format (no "### Instruction:", no "Question:/Answer:" blocks, no chat markup): that is left for
 * instruction tuning to teach.
 *
 * Train starts from one coverage entry per subject (every fact in its canonical sentence, so every cloze
 * probe is answerable), then random documents until the size target. Validation documents come from a
 * separate random stream and are never identical to a train document.
 */
import { Rng, type Seed } from "../random";
import type { World } from "./types";
import type { DocContext, DraftDocument } from "./docs/common";
import { coverageEntries, randomEntry } from "./docs/encyclopedia";
import { randomStory } from "./docs/stories";
import { dialogue } from "./docs/dialogues";
import { randomLesson } from "./docs/lessons";
import { almanacDocument, randomReading } from "./docs/reading";

/** The tokenizer's end-of-text string; the corpus puts one after every document. */
export const END_OF_TEXT = "<|endoftext|>";
/** What `corpusText` puts after each document (the EOS string, so the model learns where documents end). */
export const DOCUMENT_SEPARATOR = END_OF_TEXT;
/** Rough characters per token for a ~1-2k BPE vocabulary on this corpus; only used to turn tokensTarget into characters. */
export const CHARS_PER_TOKEN_ESTIMATE = 3.5;

export type DocumentKind = "encyclopedia" | "almanac" | "story" | "dialogue" | "lesson" | "reading";

export interface CorpusDocument {
  /** "train/12", "validation/3". */
  id: string;
  kind: DocumentKind;
  /** Finer label: "encyclopedia/person", "story/journey", "lesson/spelling-reverse", "dialogue". */
  topic: string;
  text: string;
}

export interface Corpus {
  train: CorpusDocument[];
  validation: CorpusDocument[];
}

export interface CorpusOptions {
  seed: Seed;
  /** Number of random train documents (on top of coverage entries). Takes precedence over size targets. */
  documents?: number;
  /** Approximate train size in tokens (converted with CHARS_PER_TOKEN_ESTIMATE). Takes precedence over charsTarget. */
  tokensTarget?: number;
  /** Approximate train size in characters. */
  charsTarget: number;
  /** Validation size as a fraction of train characters. */
  validationFraction: number;
  /** Relative weights of the document kinds among random documents. */
  mix: Record<DocumentKind, number>;
  /** Include one canonical coverage entry per subject in train (needed for the cloze probe guarantee). */
  coverage: boolean;
  /**
   * Share of the single-fact answers in dialogues given alone (`"Tarsk," said Anselo.`) rather than in a
   * sentence. 0 (the bundled models' corpus): every answer is a sentence, so a model learns to retrieve a fact
   * only in the sentence form it reads it in.
   */
  shortAnswers: number;
}

export const DEFAULT_CORPUS_OPTIONS: Readonly<CorpusOptions> = {
  seed: 0,
  charsTarget: 6_000_000,
  validationFraction: 0.02,
  // Almost half states facts (entries about one subject, almanac pages mixing many), in varied wordings and
  // orders so they can be asked for in new forms later; the rest uses facts (stories, dialogues) and teaches
  // skills (lessons; reading: reviews, moods, what one sentence tells about another).
  mix: { encyclopedia: 25, almanac: 20, story: 12, dialogue: 10, lesson: 20, reading: 13 },
  coverage: true,
  shortAnswers: 0,
};

export function validateCorpusOptions(options: Partial<CorpusOptions> = {}): CorpusOptions {
  const o: CorpusOptions = { ...DEFAULT_CORPUS_OPTIONS, ...options, mix: { ...DEFAULT_CORPUS_OPTIONS.mix, ...options.mix } };
  const positiveInt = (name: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`corpus option ${name} must be a non-negative integer, got ${v}`);
  };
  positiveInt("documents", o.documents);
  positiveInt("tokensTarget", o.tokensTarget);
  positiveInt("charsTarget", o.charsTarget);
  if (!(o.validationFraction >= 0 && o.validationFraction <= 1)) throw new RangeError(`corpus option validationFraction must be in [0, 1], got ${o.validationFraction}`);
  for (const [k, v] of Object.entries(o.mix)) if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`corpus option mix.${k} must be >= 0, got ${v}`);
  if (Object.values(o.mix).every((v) => v === 0)) throw new RangeError("corpus option mix: all weights are zero");
  if (!(o.shortAnswers >= 0 && o.shortAnswers <= 1)) throw new RangeError(`corpus option shortAnswers must be in [0, 1], got ${o.shortAnswers}`);
  return o;
}

function randomDocument(ctx: DocContext, mix: Record<DocumentKind, number>): [DocumentKind, DraftDocument] {
  const kind = ctx.rng.weighted(mix);
  switch (kind) {
    case "encyclopedia": return [kind, randomEntry(ctx)];
    case "story": return [kind, randomStory(ctx)];
    case "dialogue": return [kind, dialogue(ctx)];
    case "almanac": return [kind, almanacDocument(ctx)];
    case "reading": return [kind, randomReading(ctx)];
    default: return [kind, randomLesson(ctx)];
  }
}

function kindOfTopic(topic: string): DocumentKind {
  return topic.split("/")[0] as DocumentKind;
}

/** Generates train and validation documents for `world`. Deterministic in (world, options). */
export function generateCorpus(world: World, options: Partial<CorpusOptions> = {}): Corpus {
  const o = validateCorpusOptions(options);
  const root = new Rng(o.seed);
  const trainDrafts: [DocumentKind, DraftDocument][] = [];
  let trainChars = 0;
  if (o.coverage) {
    for (const d of coverageEntries({ world, rng: root.fork("coverage") })) {
      trainDrafts.push([kindOfTopic(d.topic), d]);
      trainChars += d.text.length;
    }
  }
  const target = o.tokensTarget !== undefined ? Math.round(o.tokensTarget * CHARS_PER_TOKEN_ESTIMATE) : o.charsTarget;
  const trainCtx: DocContext = { world, rng: root.fork("train"), shortAnswers: o.shortAnswers };
  for (let n = 0; o.documents !== undefined ? n < o.documents : trainChars < target; n++) {
    const d = randomDocument(trainCtx, o.mix);
    trainDrafts.push(d);
    trainChars += d[1].text.length;
  }
  // Shuffle so coverage entries are spread through the stream instead of all at the start.
  const order = root.fork("order").shuffle(trainDrafts);
  const train = order.map(([kind, d], i): CorpusDocument => ({ id: `train/${i}`, kind, topic: d.topic, text: d.text }));

  const seen = new Set(train.map((d) => d.text));
  const validation: CorpusDocument[] = [];
  const valTarget = Math.round(trainChars * o.validationFraction);
  const valCtx: DocContext = { world, rng: root.fork("validation"), shortAnswers: o.shortAnswers };
  let valChars = 0;
  // Bounded attempts: a tiny world could make every short document a duplicate of some train document.
  for (let attempts = 0; valChars < valTarget && attempts < 100_000; attempts++) {
    const [kind, d] = randomDocument(valCtx, o.mix);
    if (seen.has(d.text)) continue;
    seen.add(d.text);
    validation.push({ id: `validation/${validation.length}`, kind, topic: d.topic, text: d.text });
    valChars += d.text.length;
  }
  return { train, validation };
}

/** The documents as one training string, each followed by DOCUMENT_SEPARATOR. */
export function corpusText(docs: readonly CorpusDocument[]): string {
  let out = "";
  for (const d of docs) out += d.text + DOCUMENT_SEPARATOR;
  return out;
}

export interface CorpusStats {
  documents: number;
  chars: number;
  /** Characters per document kind. */
  byKind: Record<DocumentKind, { documents: number; chars: number }>;
  /** Documents per topic. */
  byTopic: Record<string, number>;
}

export function corpusStats(docs: readonly CorpusDocument[]): CorpusStats {
  const byKind: CorpusStats["byKind"] = {
    encyclopedia: { documents: 0, chars: 0 }, almanac: { documents: 0, chars: 0 }, story: { documents: 0, chars: 0 },
    dialogue: { documents: 0, chars: 0 }, lesson: { documents: 0, chars: 0 }, reading: { documents: 0, chars: 0 },
  };
  const byTopic: Record<string, number> = {};
  let chars = 0;
  for (const d of docs) {
    byKind[d.kind].documents++;
    byKind[d.kind].chars += d.text.length;
    byTopic[d.topic] = (byTopic[d.topic] ?? 0) + 1;
    chars += d.text.length;
  }
  return { documents: docs.length, chars, byKind, byTopic };
}

/** Strings that belong to instruction / chat formats and must never appear in the pretraining corpus. */
export const INSTRUCTION_MARKERS: readonly string[] = [
  "### Instruction", "### Response", "### Input", "Instruction:", "Response:", "Question:", "Answer:",
  "<|im_start|>", "<|im_end|>", "<|user|>", "<|assistant|>", "<|system|>", "User:", "Assistant:", "Q:", "A:",
  "Input:", "Output:",
];
