import { strict as assert } from "node:assert";
import { test } from "node:test";
import { trainBpe } from "../../lib/tokenizer/index";

// A tiny vocabulary: non-ASCII characters stay as single byte tokens, so they are split across ids.
const tok = trainBpe(["hello world, hello there"], { vocabSize: 270, minFrequency: 1 });

test("multi-byte characters split across tokens are held until complete", () => {
  const text = "héllo 你好 😀!";
  const ids = tok.encode(text);
  const dec = tok.streamDecoder();
  const pieces = ids.map((id) => dec.push(id));
  pieces.push(dec.flush());
  assert.equal(pieces.join(""), text);
  assert.ok(pieces.includes(""), "some pushes completed no character");
  for (const p of pieces) assert.ok(!p.includes("\ufffd"));
  // The 4-byte emoji arrives as 4 byte tokens: text appears only on the last one.
  const emoji = tok.encode("😀");
  assert.equal(emoji.length, 4);
  const d2 = tok.streamDecoder();
  assert.deepEqual(emoji.map((id) => d2.push(id)), ["", "", "", "😀"]);
  assert.equal(d2.flush(), "");
});

test("flush renders an incomplete tail as U+FFFD, like decode", () => {
  const ids = tok.encode("😀").slice(0, 2);
  const dec = tok.streamDecoder();
  assert.equal(ids.map((id) => dec.push(id)).join(""), "");
  assert.equal(dec.flush(), "\ufffd");
  assert.equal(tok.decode(ids), "\ufffd");
});

test("special tokens stream as text, or vanish with skipSpecial", () => {
  const ids = tok.encode("hi<|im_end|><|endoftext|>", { allowSpecial: true });
  const a = tok.streamDecoder();
  assert.equal(ids.map((id) => a.push(id)).join("") + a.flush(), "hi<|im_end|><|endoftext|>");
  const b = tok.streamDecoder({ skipSpecial: true });
  assert.equal(ids.map((id) => b.push(id)).join("") + b.flush(), "hi");
});

test("a leading BOM survives decoding and streaming", () => {
  const ids = tok.encode("\ufeffx");
  assert.equal(tok.decode(ids), "\ufeffx");
  const d = tok.streamDecoder();
  assert.equal(ids.map((id) => d.push(id)).join("") + d.flush(), "\ufeffx");
});

test("unknown ids throw instead of producing garbage", () => {
  assert.throws(() => tok.streamDecoder().push(tok.vocabSize), RangeError);
  assert.throws(() => tok.decode([1.5]), RangeError);
});
