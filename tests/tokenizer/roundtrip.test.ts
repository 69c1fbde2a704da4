import { strict as assert } from "node:assert";
import { test } from "node:test";
import { trainBpe } from "../../lib/tokenizer/index";
import { gpt2ClassicDir } from "./gpt2-fixture";
import { loadTokenizer } from "../../lib/tokenizer/index";
import { prose, randomText, rng } from "./helpers";

const trained = trainBpe(prose().split("\n\n"), { vocabSize: 700 });
const gpt2 = loadTokenizer(gpt2ClassicDir());

const EDGE = ["", "\0", "\n", "\r", "\r\n", "\n\r", " ", "  \n ", "\ufeff", "\ufeffBOM first", "\u0085", "e\u0301", "🇯🇵", "👩‍👩‍👧‍👦", "\u{10ffff}", "\uffff", "\ud7ff\ue000", "a\tb\u000b\fc"];

for (const [name, tok] of [["trained", trained], ["gpt2", gpt2]] as const) {
  test(`${name}: decode(encode(s)) === s on edge cases`, () => {
    for (const s of EDGE) assert.equal(tok.decode(tok.encode(s)), s, JSON.stringify(s));
  });

  test(`${name}: decode(encode(s)) === s on seeded random Unicode (property)`, () => {
    const r = rng(name === "gpt2" ? 42 : 43);
    for (let i = 0; i < 400; i++) {
      const s = randomText(r, Math.floor(r() * 80));
      const ids = tok.encode(s);
      assert.equal(tok.decode(ids), s, JSON.stringify(s));
      // Special-token text encodes as plain text unless allowed, so this holds with specials inside too.
      const withSpecial = s + "<|endoftext|>" + s;
      assert.equal(tok.decode(tok.encode(withSpecial)), withSpecial);
      assert.equal(tok.decode(tok.encode(withSpecial, { allowSpecial: true })), withSpecial);
    }
  });

  test(`${name}: streamDecoder output equals decode, whatever the split`, () => {
    const r = rng(name === "gpt2" ? 8 : 9);
    for (let i = 0; i < 200; i++) {
      const s = randomText(r, Math.floor(r() * 60));
      const ids = tok.encode(s);
      const dec = tok.streamDecoder();
      let out = "";
      for (const id of ids) {
        const piece = dec.push(id);
        assert.ok(!piece.includes("\ufffd") || s.includes("\ufffd"), "stream emitted a broken character");
        out += piece;
      }
      out += dec.flush();
      assert.equal(out, s);
    }
  });
}

test("lone surrogates are not UTF-8: they come back as U+FFFD (documented)", () => {
  assert.equal(trained.decode(trained.encode("a\ud800b")), "a\ufffdb");
});
