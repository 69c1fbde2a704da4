import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../../lib/errors";
import { chatTokenIds, IM_END, IM_START, loadTokenizer, PAD_TOKEN, withSpecialTokens } from "../../lib/tokenizer/index";
import { gpt2ClassicDir } from "./gpt2-fixture";
import { tinyModel } from "./helpers";

const gpt2 = loadTokenizer(gpt2ClassicDir());

test("withSpecialTokens adds pad and ChatML markers to GPT-2 after the last id", () => {
  assert.equal(chatTokenIds(gpt2), null);
  const chat = withSpecialTokens(gpt2, [PAD_TOKEN, IM_START, IM_END], { pad: PAD_TOKEN });
  assert.equal(chat.vocabSize, 50260);
  assert.equal(chat.padId, 50257);
  assert.equal(chat.eosId, 50256);
  assert.deepEqual(chatTokenIds(chat), { imStart: 50258, imEnd: 50259 });
  const s = "<|im_start|>user\nHi!<|im_end|>\n";
  assert.deepEqual(chat.encode(s, { allowSpecial: true }), [50258, ...gpt2.encode("user\nHi!"), 50259, 198]);
  assert.deepEqual(chat.encode(s), gpt2.encode(s)); // still plain text by default
  assert.equal(gpt2.padId, null, "the original is untouched");
  // Saved and reloaded, the roles and ids survive.
  const dir = mkdtempSync(join(tmpdir(), "ni-tok-ext-"));
  chat.save(dir);
  const back = loadTokenizer(dir);
  assert.equal(back.padId, 50257);
  assert.deepEqual(back.encode(s, { allowSpecial: true }), chat.encode(s, { allowSpecial: true }));
});

test("withSpecialTokens refuses pad = eos and unknown pad", () => {
  assert.throws(() => withSpecialTokens(gpt2, [], { pad: "<|endoftext|>" }), UserError);
  assert.throws(() => withSpecialTokens(gpt2, [], { pad: "<nope>" }), UserError);
});

test("NFC normalizer (GPT-NeoX style) is applied before encoding and kept on save", () => {
  const { vocab, merges } = tinyModel();
  const dir = mkdtempSync(join(tmpdir(), "ni-tok-nfc-"));
  const json = {
    added_tokens: [{ id: 258, content: "<|endoftext|>", special: true }],
    normalizer: { type: "Sequence", normalizers: [{ type: "NFC" }] },
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false },
    model: { type: "BPE", vocab, merges },
  };
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(json));
  const nfc = loadTokenizer(dir);
  const composed = [99, 97, 102, 0xc3, 0xa9]; // "café" with é as one code point (C3 A9)
  assert.deepEqual(nfc.encode("cafe\u0301"), composed);
  assert.equal(nfc.decode(nfc.encode("cafe\u0301")), "caf\u00e9");
  const out = mkdtempSync(join(tmpdir(), "ni-tok-nfc-out-"));
  nfc.save(out);
  assert.deepEqual(loadTokenizer(out).encode("cafe\u0301"), composed);
});
