/**
 * Test helper: rebuilds GPT-2's vocab.json + merges.txt (and a tokenizer.json) from the r50k_base
 * ranks shipped in gpt-tokenizer, so no large fixture is committed. In r50k a token's rank is its
 * GPT-2 id and merge #i creates rank 256+i; the pair is recovered by BPE-ing the token's bytes
 * with only lower ranks, which must leave exactly two parts.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BYTE_TO_CHAR } from "../../lib/tokenizer/bytes";

const require = createRequire(import.meta.url);

export interface Gpt2Fixture {
  vocab: Record<string, number>;
  merges: [string, string][];
}

let cached: Gpt2Fixture | undefined;

const latin1 = (bytes: Uint8Array | number[]) => String.fromCharCode(...bytes);
const symbols = (key: string) => Array.from(key, (ch) => BYTE_TO_CHAR[ch.charCodeAt(0)]).join("");

export function gpt2Fixture(): Gpt2Fixture {
  if (cached) return cached;
  const pkg = dirname(require.resolve("gpt-tokenizer/package.json"));
  const lines = readFileSync(join(pkg, "data", "r50k_base.tiktoken"), "utf8").split("\n");
  const rankOf = new Map<string, number>();
  const byRank: string[] = [];
  for (const line of lines) {
    if (!line) continue;
    const [b64, r] = line.split(" ");
    const k = latin1(Buffer.from(b64, "base64"));
    rankOf.set(k, Number(r));
    byRank[Number(r)] = k;
  }
  const merges: [string, string][] = [];
  for (let r = 256; r < byRank.length; r++) {
    let parts = Array.from(byRank[r]);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const rr = rankOf.get(parts[i] + parts[i + 1]);
        if (rr !== undefined && rr < r && rr < best) {
          best = rr;
          at = i;
        }
      }
      if (at < 0) break;
      parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
    }
    if (parts.length !== 2) throw new Error(`rank ${r}: cannot recover merge (${parts.length} parts)`);
    merges.push([symbols(parts[0]), symbols(parts[1])]);
  }
  const vocab: Record<string, number> = {};
  byRank.forEach((k, r) => (vocab[symbols(k)] = r));
  vocab["<|endoftext|>"] = 50256;
  cached = { vocab, merges };
  return cached;
}

const CLASSIC_CONFIG = { bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<|endoftext|>", model_max_length: 1024, tokenizer_class: "GPT2Tokenizer" };

/**
 * A shared, read-only directory with GPT-2's files, built once per machine and reused by every test
 * file and run (building takes ~1 s). Built in a private temp dir and renamed into place, so test
 * files running in parallel never see a half-written fixture. Copy it before changing anything.
 */
function sharedDir(kind: "classic" | "json", write: (dir: string) => void): string {
  const version = JSON.parse(readFileSync(require.resolve("gpt-tokenizer/package.json"), "utf8")).version;
  const dir = join(tmpdir(), `nanoinstruct-gpt2-${kind}-v1-${version}`);
  if (existsSync(join(dir, "done"))) return dir;
  const build = mkdtempSync(join(tmpdir(), `ni-gpt2-${kind}-build-`));
  write(build);
  writeFileSync(join(build, "done"), "");
  try {
    renameSync(build, dir);
  } catch {
    rmSync(build, { recursive: true, force: true }); // another process won the race
  }
  return dir;
}

/** GPT-2's classic files: vocab.json + merges.txt + tokenizer_config.json (shared, read-only). */
export function gpt2ClassicDir(): string {
  return sharedDir("classic", (dir) => {
    const { vocab, merges } = gpt2Fixture();
    writeFileSync(join(dir, "vocab.json"), JSON.stringify(vocab));
    writeFileSync(join(dir, "merges.txt"), "#version: 0.2\n" + merges.map(([a, b]) => `${a} ${b}`).join("\n") + "\n");
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(CLASSIC_CONFIG));
  });
}

/** GPT-2's tokenizer.json alone, as Hugging Face ships it (shared, read-only). */
export function gpt2JsonDir(): string {
  return sharedDir("json", (dir) => writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(gpt2TokenizerJson())));
}

/** A private copy of a fixture directory, safe to modify. */
export function copyDir(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ni-gpt2-copy-"));
  cpSync(src, dir, { recursive: true });
  rmSync(join(dir, "done"));
  return dir;
}

/** GPT-2's tokenizer.json as Hugging Face ships it (merges in the new [a, b] form to cover that path). */
export function gpt2TokenizerJson(): Record<string, unknown> {
  const { vocab, merges } = gpt2Fixture();
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [{ id: 50256, content: "<|endoftext|>", single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
