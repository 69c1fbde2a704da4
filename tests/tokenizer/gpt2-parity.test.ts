import { strict as assert } from "node:assert";
import { test } from "node:test";
import { createRequire } from "node:module";
import { loadTokenizer, splitWords } from "../../lib/tokenizer/index";
import { gpt2ClassicDir, gpt2JsonDir } from "./gpt2-fixture";
import { prose, randomText, rng } from "./helpers";

const classic = loadTokenizer(gpt2ClassicDir());
const fromJson = loadTokenizer(gpt2JsonDir());
// Loaded untyped: gpt-tokenizer's .d.ts files use syntax TypeScript 5.9 cannot parse.
const { encode: gptEncode } = createRequire(import.meta.url)("gpt-tokenizer/encoding/r50k_base") as {
  encode: (text: string, opts?: { disallowedSpecial?: Set<string> }) => number[];
};
// gpt-tokenizer by default throws on special-token text; we compare plain-text encoding.
const reference = (s: string) => gptEncode(s, { disallowedSpecial: new Set() });
// gpt-tokenizer uses JavaScript's \s; GPT-2 (Rust tokenizers, tiktoken, Oniguruma) uses Unicode
// White_Space. They differ only on U+0085 and U+FEFF, which we test separately below.
const JS_SPACE_QUIRKS = /[\u0085\ufeff]/g;

const CASES = [
  "",
  "Hello world",
  "Hello, world! How's it going? I'm fine; they'll see, we'd've, you're, it's, ain't.",
  "DON'T SHOUT'S 'quoted' 'S 'll",
  "  leading spaces and trailing spaces   ",
  "multiple     spaces\tand\ttabs\n\nand newlines\n",
  "\n",
  "\r\n\r\nwindows\r\nline endings\r\n",
  "numbers 1234567890 3.14159 1,000,000 ٣٤٥ ½",
  "emoji 😀👩‍👩‍👧‍👦 👍🏽 🇯🇵 ❤️",
  "CJK 你好，世界。日本語のテキスト。한국어 텍스트",
  "combining: e\u0301 a\u0308 o\u0302\u0323 and Z\u0351\u0352\u0353alg\u0354o",
  "RTL: שלום עולם مرحبا بالعالم",
  "NUL \0 in \0\0 the middle and \u0001 control",
  "code: function f(x) { return x ** 2; } // comment\n\tif (a && b) {}",
  "<|endoftext|> is special only when allowed",
  "url https://example.com/path?q=1&r=2#frag email a.b@c.de",
  "x".repeat(200) + " " + "9".repeat(300) + " " + "ab".repeat(150),
  "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  " \u00a0 \u3000 \u2028 \u2029 mixed unicode spaces \u00a0x",
];

test("matches gpt-tokenizer (r50k / GPT-2) on hand-picked text", () => {
  for (const s of CASES) {
    assert.deepEqual(classic.encode(s), reference(s), JSON.stringify(s));
    assert.deepEqual(fromJson.encode(s), reference(s), JSON.stringify(s));
  }
});

test("matches gpt-tokenizer on prose, line by line and whole", () => {
  const text = prose();
  assert.deepEqual(classic.encode(text), reference(text));
  for (const line of text.split("\n")) assert.deepEqual(classic.encode(line), reference(line));
});

test("matches gpt-tokenizer on seeded random Unicode text", () => {
  const r = rng(1234);
  for (let i = 0; i < 300; i++) {
    const s = randomText(r, 1 + Math.floor(r() * 60), JS_SPACE_QUIRKS);
    assert.deepEqual(classic.encode(s), reference(s), JSON.stringify(s));
  }
});

test("long words take the heap path and still match (no quadratic blow-up)", () => {
  const r = rng(7);
  const long = Array.from({ length: 5000 }, () => "abcdefghij"[Math.floor(r() * 10)]).join("");
  const digits = Array.from({ length: 5000 }, () => String(Math.floor(r() * 10))).join("");
  for (const s of [long, digits, " ".repeat(3000) + "x", "😀".repeat(500)]) {
    assert.deepEqual(classic.encode(s), reference(s));
  }
});

test("pre-tokenization treats U+0085 as whitespace and U+FEFF as not, like Hugging Face's Rust tokenizers", () => {
  assert.deepEqual(splitWords("a \u0085b"), ["a", " ", "\u0085", "b"]);
  assert.deepEqual(splitWords("a \ufeffb"), ["a", " \ufeff", "b"]);
  assert.deepEqual(splitWords("I'm here  now\n\n"), ["I", "'m", " here", " ", " now", "\n\n"]);
});

test("GPT-2 special tokens: eos, no pad, allowSpecial opt-in", () => {
  assert.equal(classic.vocabSize, 50257);
  assert.equal(classic.eosId, 50256);
  assert.equal(classic.padId, null);
  assert.equal(classic.bosId, 50256); // tokenizer_config.json names it
  assert.equal(fromJson.bosId, null); // bare tokenizer.json: no config, no bos
  assert.equal(fromJson.eosId, 50256);
  assert.deepEqual([...fromJson.specialTokens], [["<|endoftext|>", 50256]]);
  const s = "a<|endoftext|>b";
  assert.deepEqual(classic.encode(s), reference(s)); // plain text by default
  assert.ok(!classic.encode(s).includes(50256));
  assert.deepEqual(classic.encode(s, { allowSpecial: true }), [64, 50256, 65]);
  assert.equal(classic.decode([64, 50256, 65]), s);
  assert.equal(classic.decode([64, 50256, 65], { skipSpecial: true }), "ab");
  assert.equal(classic.tokenToId("Ġthe"), 262);
  assert.equal(classic.idToToken(262), "Ġthe");
  assert.equal(classic.idToToken(50256), "<|endoftext|>");
  assert.equal(classic.idToToken(50257), undefined);
});

test("GPT-2 decode round-trips and rejects unknown ids", () => {
  for (const s of CASES) assert.equal(classic.decode(classic.encode(s)), s);
  assert.throws(() => classic.decode([50257]), RangeError);
  assert.throws(() => classic.decode([-1]), RangeError);
});
