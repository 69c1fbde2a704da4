import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../../lib/errors";
import { loadTokenizer } from "../../lib/tokenizer/index";
import { fileIn } from "../../lib/tokenizer/files";
import { tinyModel } from "./helpers";

function dirWith(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), "ni-tok-err-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  return dir;
}

function tokenizerJson(patch: (j: Record<string, any>) => void = () => {}) {
  const { vocab, merges } = tinyModel();
  const j: Record<string, any> = {
    added_tokens: [{ id: 258, content: "<|endoftext|>", special: true }],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, use_regex: true },
    decoder: { type: "ByteLevel" },
    model: { type: "BPE", vocab, merges },
  };
  patch(j);
  return j;
}

/** Asserts loadTokenizer fails with a one-line UserError matching `re`. */
function fails(dir: string, re: RegExp) {
  assert.throws(
    () => loadTokenizer(dir),
    (e: unknown) => {
      assert.ok(e instanceof UserError, `not a UserError: ${e}`);
      assert.match(e.message, re);
      assert.ok(!e.message.includes("\n"), "one line");
      return true;
    },
  );
}

test("a tiny valid tokenizer.json loads and works", () => {
  const tok = loadTokenizer(dirWith({ "tokenizer.json": tokenizerJson() }));
  assert.deepEqual(tok.encode("the the"), [116, 257, 256, 257]);
  assert.equal(tok.eosId, 258);
  assert.equal(tok.padId, null);
});

test("missing directory, empty directory, file instead of directory", () => {
  fails(join(tmpdir(), "ni-definitely-missing-dir"), /ni-definitely-missing-dir: tokenizer directory not found/);
  fails(dirWith({}), /no tokenizer\.json, nor vocab\.json \+ merges\.txt/);
  const d = dirWith({ "x.txt": "x" });
  fails(join(d, "x.txt"), /not a directory/);
});

test("invalid JSON names the file and the line", () => {
  const dir = dirWith({ "tokenizer.json": '{\n  "model": {\n    "vocab": {,}\n  }\n}' });
  fails(dir, /tokenizer\.json:3: invalid JSON/);
  const cfg = dirWith({ "tokenizer.json": tokenizerJson(), "tokenizer_config.json": "{ nope" });
  fails(cfg, /tokenizer_config\.json:1: invalid JSON/);
});

test("structural problems in tokenizer.json name the field", () => {
  fails(dirWith({ "tokenizer.json": [] }), /tokenizer\.json: expected a JSON object/);
  fails(dirWith({ "tokenizer.json": {} }), /tokenizer\.json: missing "model" object/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.model.type = "WordPiece")) }), /model type "WordPiece" is not supported/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.normalizer = { type: "Lowercase" })) }), /normalizer "Lowercase" is not supported/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.pre_tokenizer = { type: "Metaspace" })) }), /pre_tokenizer type "Metaspace"/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.model.vocab = [1, 2])) }), /model\.vocab must be an object/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.model.vocab.a = -3)) }), /model\.vocab\["a"\] is not a valid token id/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.model.vocab.zz = 5)) }), /id 5 is used by both/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => j.model.merges.push("a")) }), /model\.merges\[2\]: "a" is not a merge of two tokens/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => j.model.merges.push("x y")) }), /merge #3 "x y": token "xy" is not in the vocabulary/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => delete j.model.vocab["Ġ"]) }), /lacks byte token "Ġ" \(byte 32\)/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.added_tokens = [{ id: 5 }])) }), /added_tokens\[0\] needs a non-empty "content"/);
  fails(dirWith({ "tokenizer.json": tokenizerJson((j) => (j.added_tokens = [{ id: 65, content: "<x>" }])) }), /id 65 is both "b" and "<x>"|id 65 is both/);
});

test("vocab.json + merges.txt: bad merge line is reported with its line number", () => {
  const { vocab, merges } = tinyModel();
  vocab["<|endoftext|>"] = 258;
  fails(dirWith({ "vocab.json": vocab, "merges.txt": `#version: 0.2\n${merges[0]}\nbroken\n` }), /merges\.txt:3: merge: "broken" is not a merge/);
  fails(dirWith({ "vocab.json": vocab }), /merges\.txt: file not found/);
  // \r\n line endings and a missing #version header are fine.
  const ok = loadTokenizer(dirWith({ "vocab.json": vocab, "merges.txt": merges.join("\r\n") + "\r\n" }));
  assert.deepEqual(ok.encode("the"), [116, 257]);
  assert.equal(ok.eosId, 258); // <|endoftext|> found in vocab.json, made special
  assert.deepEqual(ok.encode("<|endoftext|>", { allowSpecial: true }), [258]);
});

test("special-token configs: missing eos, unknown token, pad equal to eos", () => {
  const noEos = tokenizerJson((j) => (j.added_tokens = []));
  fails(dirWith({ "tokenizer.json": noEos }), /no eos token/);
  fails(dirWith({ "tokenizer.json": tokenizerJson(), "tokenizer_config.json": { pad_token: "<pad>" } }), /tokenizer_config\.json: pad_token "<pad>" is not in the vocabulary/);
  fails(dirWith({ "tokenizer.json": tokenizerJson(), "tokenizer_config.json": { eos_token: 7 } }), /eos_token must be a string/);
  // transformers users often set pad = eos: we refuse to alias them and report no pad instead.
  const aliased = loadTokenizer(dirWith({ "tokenizer.json": tokenizerJson(), "tokenizer_config.json": { pad_token: { content: "<|endoftext|>" } } }));
  assert.equal(aliased.padId, null);
  assert.equal(aliased.eosId, 258);
  // special_tokens_map.json is read when tokenizer_config.json is silent.
  const withMap = loadTokenizer(dirWith({ "tokenizer.json": tokenizerJson((j) => j.added_tokens.push({ id: 259, content: "<|pad|>", special: false })), "special_tokens_map.json": { pad_token: "<|pad|>" } }));
  assert.equal(withMap.padId, 259);
  assert.equal(withMap.specialTokens.get("<|pad|>"), 259);
});

test("file names from configs never leave the directory", () => {
  // tokenizer_file / vocab_file pointing elsewhere are ignored; only fixed names inside dir are read.
  const outside = dirWith({ "tokenizer.json": tokenizerJson((j) => (j.model.type = "Unigram")) });
  const dir = dirWith({
    "tokenizer.json": tokenizerJson(),
    "tokenizer_config.json": { tokenizer_file: join(outside, "tokenizer.json"), vocab_file: "../../etc/passwd", merges_file: "/etc/passwd" },
  });
  assert.equal(loadTokenizer(dir).eosId, 258);
  for (const bad of ["../x.json", "/etc/passwd", "a/b.json", "..", "", "c:evil"]) {
    assert.throws(() => fileIn(dir, bad), UserError, bad);
  }
  assert.equal(fileIn(dir, "tokenizer.json"), join(dir, "tokenizer.json"));
});

test("save reports an unwritable target as a UserError", () => {
  const dir = dirWith({ "tokenizer.json": tokenizerJson() });
  const tok = loadTokenizer(dir);
  const blocker = join(dir, "blocked");
  writeFileSync(blocker, "a file, not a directory");
  assert.throws(() => tok.save(join(blocker, "sub")), UserError);
  mkdirSync(join(dir, "out"));
  tok.save(join(dir, "out"));
  assert.deepEqual(loadTokenizer(join(dir, "out")).encode("the the"), [116, 257, 256, 257]);
});
