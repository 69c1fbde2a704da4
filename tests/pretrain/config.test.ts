// A pretraining recipe's corpus options: the document-kind mix is validated once at the boundary and reaches
// the corpus; a recipe without one trains on the default corpus.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pretrainCorpusOptions, resolvePretrainConfig } from "../../lib/pretrain/config";
import { corpusStats, DEFAULT_CORPUS_OPTIONS, generateCorpus, generateWorld } from "../../lib/world/index";

test("mix: kinds left out keep their default weight; {} is the default corpus", () => {
  assert.deepEqual(pretrainCorpusOptions(resolvePretrainConfig({}, "p.json")).mix, DEFAULT_CORPUS_OPTIONS.mix);
  const mix = pretrainCorpusOptions(resolvePretrainConfig({ mix: { dialogue: 30, lesson: 0 } }, "p.json")).mix!;
  assert.deepEqual(mix, { ...DEFAULT_CORPUS_OPTIONS.mix, dialogue: 30, lesson: 0 });
});

test("mix: unknown kinds, bad weights and an all-zero mix fail with one line naming the file and the key", () => {
  assert.throws(() => resolvePretrainConfig({ mix: { dialog: 30 } }, "p.json"), /p\.json: unknown key 'mix\.dialog'.*dialogue/);
  assert.throws(() => resolvePretrainConfig({ mix: { story: -1 } }, "p.json"), /p\.json: mix\.story must be a finite number >= 0, got -1/);
  assert.throws(() => resolvePretrainConfig({ mix: { story: "5" } }, "p.json"), /p\.json: mix\.story must be a finite number >= 0, got "5"/);
  assert.throws(() => resolvePretrainConfig({ mix: [30] }, "p.json"), /p\.json: 'mix' must be an object/);
  const zero = Object.fromEntries(Object.keys(DEFAULT_CORPUS_OPTIONS.mix).map((k) => [k, 0]));
  assert.throws(() => resolvePretrainConfig({ mix: zero }, "p.json"), /p\.json: mix: every document kind has weight 0/);
});

test("mix reaches the corpus: nano-small-qa2's recipe has about three times the default share of dialogue", () => {
  const world = generateWorld(0);
  const share = (raw: object) => {
    const cfg = resolvePretrainConfig({ ...raw, corpusChars: 1_000_000 }, "p.json");
    const s = corpusStats(generateCorpus(world, pretrainCorpusOptions(cfg)).train);
    const total = Object.values(s.byKind).reduce((a, k) => a + k.documents, 0);
    return s.byKind.dialogue.documents / total;
  };
  const recipe = JSON.parse(readFileSync("experiments/pretrain-nano-small-qa2.json", "utf8"));
  // Shares of all documents, the world's coverage entries (encyclopedia, outside the mix) included.
  const base = share({});
  const more = share({ mix: recipe.mix, shortAnswers: recipe.shortAnswers });
  assert.ok(more / base > 2.5 && more / base < 3.5, `dialogue share ${more} against the default ${base}`);
});
