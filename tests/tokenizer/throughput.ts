/**
 * Tokenizer throughput, run by hand (not a test): `node --import tsx tests/tokenizer/throughput.ts [MB]`.
 * Corpus: the Markdown and .d.ts files under node_modules (English prose + code), ~5 MB by default.
 * Compares our GPT-2 encoder with gpt-tokenizer and @huggingface/tokenizers, then times trainBpe.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { loadTokenizer, trainBpe } from "../../lib/tokenizer/index";
import { gpt2ClassicDir, gpt2TokenizerJson } from "./gpt2-fixture";

const { encode: gptEncode } = createRequire(import.meta.url)("gpt-tokenizer/encoding/r50k_base") as {
  encode: (text: string, opts?: { disallowedSpecial?: Set<string> }) => number[];
};

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith(".md") || name.endsWith(".d.ts")) out.push(p);
  }
}

const limit = Number(process.argv[2] ?? 5) * 1e6;
const files: string[] = [];
collect("node_modules", files);
const texts: string[] = [];
let size = 0;
for (const f of files) {
  if (size >= limit) break;
  const t = readFileSync(f, "utf8");
  texts.push(t);
  size += Buffer.byteLength(t);
}
const corpus = texts.join("\n");
const mb = Buffer.byteLength(corpus) / 1e6;
console.log(`corpus: ${mb.toFixed(2)} MB from ${texts.length} files`);

function timed<T>(label: string, f: () => T, perMb = true): T {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = f();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(`${label.padEnd(34)} ${wall.toFixed(2)} s wall, ${cpuS.toFixed(2)} s cpu${perMb ? `, ${(mb / cpuS).toFixed(1)} MB/s (cpu)` : ""}`);
  return r;
}

const gpt2 = timed("load GPT-2 (vocab.json+merges.txt)", () => loadTokenizer(gpt2ClassicDir()), false);
const ours = timed("ours: encode (cold cache)", () => gpt2.encode(corpus));
timed("ours: encode (warm cache)", () => gpt2.encode(corpus));
const ref = timed("gpt-tokenizer: encode", () => gptEncode(corpus, { disallowedSpecial: new Set() }));
const hf = timed("@huggingface/tokenizers: load", () => new HfTokenizer(gpt2TokenizerJson(), {}), false);
timed("@huggingface/tokenizers: encode", () => hf.encode(corpus, { add_special_tokens: false }).ids);
const back = timed("ours: decode", () => gpt2.decode(ours));
console.log(`tokens ${ours.length} (${(mb * 1e6 / ours.length).toFixed(2)} bytes/token); same as gpt-tokenizer: ${ours.length === ref.length && ours.every((v, i) => v === ref[i])}; round trip: ${back === corpus}`);

for (const vocabSize of [1024, 4096]) {
  const tok = timed(`trainBpe vocab ${vocabSize}`, () => trainBpe(texts, { vocabSize }), false);
  const ids = timed(`  encode with trained ${vocabSize}`, () => tok.encode(corpus));
  console.log(`  ${(mb * 1e6 / ids.length).toFixed(2)} bytes/token`);
}
