import { strict as assert } from "node:assert";
import { test } from "node:test";
import { UserError } from "../../lib/errors";
import { ByteLevelBpeTokenizer, DEFAULT_SPECIAL_TOKENS, chatTokenIds, trainBpe } from "../../lib/tokenizer/index";
import { prose, rng } from "./helpers";

const text = prose();
const paragraphs = text.split("\n\n");
// Hold out the last paragraphs: compression must generalize, not just memorize.
const train = paragraphs.slice(0, -3);
const heldOut = paragraphs.slice(-3).join("\n\n");
const merges = (t: unknown) => (t as ByteLevelBpeTokenizer).spec.bpe.merges;

test("layout: 256 bytes, then merges, then special tokens in order", () => {
  const tok = trainBpe(train, { vocabSize: 600 });
  assert.equal(tok.vocabSize, 600);
  DEFAULT_SPECIAL_TOKENS.forEach((s, i) => assert.equal(tok.specialTokens.get(s), 596 + i));
  assert.equal(tok.eosId, 596);
  assert.equal(tok.padId, 597);
  assert.notEqual(tok.padId, tok.eosId);
  assert.equal(tok.bosId, null);
  assert.deepEqual(chatTokenIds(tok), { imStart: 598, imEnd: 599 });
  for (let b = 0; b < 256; b++) assert.equal(tok.decode([b]), new TextDecoder().decode(Uint8Array.of(b)));
  assert.equal(tok.decode([32, 116, 104, 101]), " the");
});

test("deterministic: same merges on repeat and regardless of input order", () => {
  const a = trainBpe(train, { vocabSize: 500 });
  const b = trainBpe(train, { vocabSize: 500 });
  const c = trainBpe([...train].reverse(), { vocabSize: 500 });
  assert.deepEqual(merges(a), merges(b));
  assert.deepEqual(merges(a), merges(c));
  assert.deepEqual(a.encode(heldOut), c.encode(heldOut));
});

test("compresses English prose (> 2 bytes/token held out) and round-trips it", () => {
  const tok = trainBpe(train, { vocabSize: 1024, minFrequency: 2 });
  const ids = tok.encode(heldOut);
  const bytesPerToken = Buffer.byteLength(heldOut) / ids.length;
  assert.ok(bytesPerToken > 2, `bytes/token ${bytesPerToken.toFixed(2)}`);
  assert.equal(tok.decode(ids), heldOut);
  assert.equal(tok.decode(tok.encode(text)), text);
});

test("first merges are the most frequent pairs", () => {
  const tok = trainBpe(["aaab aaab aaab", "aaab"], { vocabSize: 260, specialTokens: ["<|endoftext|>"], padToken: null, minFrequency: 1 });
  // "aaab" x4 and " aaab" x3: (a,a) occurs 8 times, beating (a,b) and (Ġ,a).
  assert.deepEqual(merges(tok)[0], ["a", "a"]);
  assert.equal(tok.decode(tok.encode("aaab aaab")), "aaab aaab");
});

test("minFrequency stops early; the vocabulary may come out smaller", () => {
  const tok = trainBpe(["abab abab"], { vocabSize: 1000, minFrequency: 2 });
  assert.ok(tok.vocabSize < 1000);
  assert.equal(tok.vocabSize, 256 + merges(tok).length + 4);
  assert.equal(tok.decode(tok.encode("abab xyz")), "abab xyz");
});

test("special tokens in training text are not learned as merges", () => {
  const corpus = Array.from({ length: 50 }, (_, i) => `<|im_start|>user\nhello ${i}<|im_end|><|endoftext|>`);
  const tok = trainBpe(corpus, { vocabSize: 400 });
  for (const [l, r] of merges(tok)) assert.ok(!(l + r).includes("<|"), `learned ${l + r}`);
  const ids = tok.encode(corpus[0], { allowSpecial: true });
  assert.equal(ids[0], tok.specialTokens.get("<|im_start|>"));
  assert.equal(ids.at(-1), tok.eosId);
  // Without allowSpecial the markers are plain text: no special ids at all.
  assert.ok(tok.encode(corpus[0]).every((id) => id < 396));
  assert.equal(tok.decode(tok.encode(corpus[0])), corpus[0]);
});

test("a single string is one text, not a sequence of characters", () => {
  const a = trainBpe("hello hello hello", { vocabSize: 270, minFrequency: 1 });
  assert.ok(merges(a).some(([l, r]) => l + r === "hel" || l + r === "ll" || l + r === "Ġh"));
});

test("vocabulary accounting: every merge maps to a token, ids are dense", () => {
  const tok = trainBpe(["ab ab ab abc abc bc bc bc bc xbc xbc xbc xbc"], { vocabSize: 300, minFrequency: 1 });
  const ids = new Set<number>();
  for (const [l, r] of merges(tok)) ids.add(tok.tokenToId(l + r) as number);
  assert.equal(tok.vocabSize, 256 + ids.size + 4);
  for (let id = 0; id < tok.vocabSize; id++) assert.notEqual(tok.idToToken(id), undefined);
});

test("invalid options are UserErrors naming the option", () => {
  assert.throws(() => trainBpe([""], { vocabSize: 100 }), (e: unknown) => e instanceof UserError && /vocabSize 100/.test(e.message));
  assert.throws(() => trainBpe([""], { padToken: "<|endoftext|>" }), /padToken must differ/);
  assert.throws(() => trainBpe([""], { eosToken: "<eos>" }), /eosToken "<eos>" is not in specialTokens/);
  assert.throws(() => trainBpe([""], { minFrequency: 0 }), /minFrequency/);
  assert.throws(() => trainBpe([""], { specialTokens: ["<a>", "<a>"] }), /duplicates/);
});

test("trains a 2048 vocab on ~1 MB of varied text in a few seconds", () => {
  // Zipf-distributed pseudo-words from random syllables: many word types, like a real corpus.
  const r = rng(99);
  const syl = ["ka", "to", "ri", "men", "sa", "lo", "ve", "dun", "pi", "or", "e", "an", "st", "ch", "qu", "ight", "ing", "ed"];
  const types = Array.from({ length: 20000 }, () => Array.from({ length: 1 + Math.floor(r() * 4) }, () => syl[Math.floor(r() * syl.length)]).join(""));
  const words: string[] = [];
  for (let n = 0; n < 1_000_000; ) {
    const w = types[Math.floor(types.length ** r()) - 1] + (r() < 0.1 ? "." : r() < 0.1 ? "," : "");
    words.push(w);
    n += w.length + 1;
  }
  const t0 = performance.now();
  const tok = trainBpe([words.join(" ")], { vocabSize: 2048 });
  const secs = (performance.now() - t0) / 1000;
  assert.equal(tok.vocabSize, 2048);
  assert.ok(secs < 8, `took ${secs.toFixed(1)} s`);
});
