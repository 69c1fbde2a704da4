/**
 * The token stream of a pretraining recipe's corpus, for pretraining on a GPU machine with
 * scripts/gpu-pretrain/train_gpt2.py: the recipe's world and corpus, encoded with an existing model's
 * tokenizer (so the GPU-trained model shares it), written as little-endian uint16 ids, gzip-compressed.
 *   node --import tsx scripts/gpu-pretrain/export-tokens.ts RECIPE.json TOKENIZER_MODEL_DIR OUT_DIR
 * writes OUT_DIR/train.u16.gz, OUT_DIR/val.u16.gz and OUT_DIR/tokenizer.json.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { resolvePretrainConfig, pretrainCorpusOptions } from "../../lib/pretrain/config";
import { generateCorpus, generateWorld } from "../../lib/world/index";
import { loadTokenizer } from "../../lib/tokenizer/load";
import { encodeDocuments } from "../../lib/pretrain/data";
import { UserError } from "../../lib/errors";
import { reportError } from "../../lib/cli/main";

function main(): void {
  const [recipe, tokDir, out] = process.argv.slice(2);
  if (!out) throw new UserError("usage: export-tokens.ts RECIPE.json TOKENIZER_MODEL_DIR OUT_DIR", 2);
  const cfg = resolvePretrainConfig(JSON.parse(readFileSync(recipe, "utf8")), recipe);
  const tokenizer = loadTokenizer(tokDir);
  if (tokenizer.vocabSize > 65536) throw new UserError(`${tokDir}: ${tokenizer.vocabSize} tokens do not fit uint16`, 2);
  const corpus = generateCorpus(generateWorld(cfg.worldSeed), pretrainCorpusOptions(cfg));
  mkdirSync(out, { recursive: true });
  for (const [name, docs] of [["train", corpus.train], ["val", corpus.validation]] as const) {
    const ids = encodeDocuments(docs.map((d) => d.text), tokenizer);
    const u16 = Uint16Array.from(ids);
    writeFileSync(join(out, `${name}.u16.gz`), gzipSync(Buffer.from(u16.buffer), { level: 9 }));
    console.log(`${name}: ${docs.length} documents, ${u16.length} tokens`);
  }
  copyFileSync(join(tokDir, "tokenizer.json"), join(out, "tokenizer.json"));
}

try { main(); } catch (e) { process.exit(reportError(e)); }
