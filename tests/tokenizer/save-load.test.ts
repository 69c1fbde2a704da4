import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { loadTokenizer, trainBpe, type Tokenizer } from "../../lib/tokenizer/index";
import { gpt2ClassicDir } from "./gpt2-fixture";
import { prose, randomText, rng } from "./helpers";

const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `ni-tok-${tag}-`));
const json = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));

function sameBehaviour(a: Tokenizer, b: Tokenizer, seed: number) {
  assert.equal(b.vocabSize, a.vocabSize);
  assert.equal(b.eosId, a.eosId);
  assert.equal(b.padId, a.padId);
  assert.equal(b.bosId, a.bosId);
  assert.deepEqual([...b.specialTokens], [...a.specialTokens]);
  const r = rng(seed);
  const samples = [prose(), "<|im_start|>user\nhi<|im_end|>\n<|endoftext|>"];
  for (let i = 0; i < 100; i++) samples.push(randomText(r, 40));
  for (const s of samples) {
    assert.deepEqual(b.encode(s), a.encode(s));
    assert.deepEqual(b.encode(s, { allowSpecial: true }), a.encode(s, { allowSpecial: true }));
  }
  for (let id = 0; id < a.vocabSize; id += 97) assert.equal(b.idToToken(id), a.idToToken(id));
}

const trained = trainBpe(prose().split("\n\n"), { vocabSize: 640 });

test("trained tokenizer: save -> load gives identical encodings and roles", () => {
  const dir = tmp("trained");
  trained.save(dir);
  assert.deepEqual(readdirSync(dir).sort(), ["special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]);
  const back = loadTokenizer(dir);
  sameBehaviour(trained, back, 1);
  assert.equal(back.padId, 637);
  // Saving again is byte-identical (stable output, and overwriting works).
  const before = readFileSync(join(dir, "tokenizer.json"), "utf8");
  back.save(dir);
  assert.equal(readFileSync(join(dir, "tokenizer.json"), "utf8"), before);
  assert.deepEqual(readdirSync(dir).length, 3, "no temp files left behind");
});

test("saved files are in Hugging Face's format", () => {
  const dir = tmp("format");
  trained.save(dir);
  const tj = json(dir, "tokenizer.json");
  assert.equal(tj.model.type, "BPE");
  assert.equal(tj.pre_tokenizer.type, "ByteLevel");
  assert.equal(tj.decoder.type, "ByteLevel");
  assert.equal(tj.model.merges[0].split(" ").length, 2);
  assert.deepEqual(tj.added_tokens.map((t: { content: string }) => t.content), ["<|endoftext|>", "<|pad|>", "<|im_start|>", "<|im_end|>"]);
  const cfg = json(dir, "tokenizer_config.json");
  assert.equal(cfg.eos_token, "<|endoftext|>");
  assert.equal(cfg.pad_token, "<|pad|>");
  assert.equal(cfg.bos_token, null);
  assert.equal(cfg.added_tokens_decoder["637"].content, "<|pad|>");
  assert.deepEqual(json(dir, "special_tokens_map.json"), {
    eos_token: "<|endoftext|>",
    pad_token: "<|pad|>",
    additional_special_tokens: ["<|im_start|>", "<|im_end|>"],
  });
});

test("@huggingface/tokenizers loads our saved tokenizer.json and encodes the same", () => {
  const dir = tmp("hf");
  trained.save(dir);
  const hf = new HfTokenizer(json(dir, "tokenizer.json"), json(dir, "tokenizer_config.json"));
  const r = rng(3);
  // (HF always matches special-token text, and uses JS \s in ByteLevel; keep to plain text without U+0085/U+FEFF.)
  for (const s of [prose(), ...Array.from({ length: 50 }, () => randomText(r, 40, /[\u0085\ufeff<]/g))]) {
    assert.deepEqual(hf.encode(s, { add_special_tokens: false }).ids, trained.encode(s));
    assert.equal(hf.decode(trained.encode(s)), s);
  }
  assert.equal(hf.token_to_id("<|pad|>"), trained.padId);
});

test("GPT-2 from vocab.json + merges.txt: save -> load as tokenizer.json is identical", () => {
  const gpt2 = loadTokenizer(gpt2ClassicDir());
  const dir = tmp("gpt2");
  gpt2.save(dir);
  const back = loadTokenizer(dir);
  sameBehaviour(gpt2, back, 2);
  assert.equal(back.padId, null);
  assert.equal(json(dir, "tokenizer_config.json").pad_token, null);
});

test("save creates missing directories", () => {
  const dir = join(tmp("nested"), "a", "b");
  trained.save(dir);
  sameBehaviour(trained, loadTokenizer(dir), 4);
});
