// Safety of loading (issue #10): weights load only from safetensors (a parsed JSON header and raw numbers,
// nothing executed; a pickle is never opened), and file names that come from inside files (checkpoint
// manifests, mixture manifests, tokenizer configs) cannot lead out of their directory: not with "..", not
// with an absolute path, not through a symbolic link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../../lib/errors";
import { readCheckpoint, writeCheckpoint } from "../../lib/train/checkpoint";
import { readSafetensors } from "../../lib/model/safetensors";
import { dataFile } from "../../lib/finetune/data";
import { loadTokenizer } from "../../lib/tokenizer";
import { fileIn } from "../../lib/tokenizer/files";
import { failureProblems, runInProcess } from "./helpers";

const TINY = resolve("tests/fixtures/tiny-gpt2");
const OTHER_TOKENIZER = resolve("data/models/nano-tiny/tokenizer.json");

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "nano-safety-"));
}

function copyModel(dir: string, files = ["config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"]): string {
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(join(TINY, f), join(dir, f));
  return dir;
}

/** Expects `fn` to throw a UserError whose one-line message matches `re`. */
function refuses(fn: () => unknown, re: RegExp, what: string): void {
  assert.throws(fn, (e: unknown) => e instanceof UserError && !e.message.includes("\n") && re.test(e.message), what);
}

test("weights come only from model.safetensors; a pickle is never opened", async () => {
  const root = tmp();
  try {
    // Only a pickle: refused by name, with no attempt to read it.
    const onlyBin = copyModel(join(root, "only-bin"), ["config.json", "tokenizer.json", "tokenizer_config.json"]);
    writeFileSync(join(onlyBin, "pytorch_model.bin"), Buffer.from("\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", "latin1"));
    const r = await runInProcess(["info", "--model", onlyBin]);
    assert.deepEqual(failureProblems(r, "only-bin", /only pytorch_model\.bin found; nanoinstruct loads model\.safetensors only \(it never unpickles\)/), []);
    // Both present: the safetensors file is used and the .bin is not opened (here it is a directory, which
    // any attempt to read it as a file would trip over).
    const both = copyModel(join(root, "both"));
    mkdirSync(join(both, "pytorch_model.bin"));
    const ok = await runInProcess(["info", "--model", both, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).parameters, 38944);
    // A safetensors header is data: a metadata value that is not a plain string is refused.
    const st = readFileSync(join(TINY, "model.safetensors"));
    const n = Number(st.readBigUInt64LE(0));
    const header = JSON.parse(st.subarray(8, 8 + n).toString());
    header.__metadata__ = { format: { "__reduce__": "os.system" } };
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(join(root, "meta.safetensors"), Buffer.concat([len, json, st.subarray(8 + n)]));
    refuses(() => readSafetensors(join(root, "meta.safetensors")), /meta\.safetensors: __metadata__\.format is not a string/, "metadata object");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("checkpoint manifests cannot name files outside the checkpoint", async () => {
  const root = tmp();
  try {
    const run = join(root, "run");
    const w = { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) };
    const dir = writeCheckpoint(run, {
      state: { step: 3, rowsSeen: 6, best: null, badEvals: 0, configHash: "h", optimizerStep: 3 },
      weights: new Map([["w", w]]), m: new Map([["w", new Float32Array(4)]]), v: new Map([["w", new Float32Array(4)]]),
    });
    assert.equal(readCheckpoint(dir).state.step, 3);
    const manifestPath = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const pristine = readFileSync(manifestPath);
    // A file outside the checkpoint with exactly the bytes (and so the hash) of one inside.
    const outside = join(root, "elsewhere.safetensors");
    copyFileSync(join(dir, "model.safetensors"), outside);
    const hash = manifest.files["model.safetensors"];
    const withFiles = (files: Record<string, string>) => writeFileSync(manifestPath, JSON.stringify({ ...manifest, files }));
    const cases: [string, () => void, RegExp][] = [
      ["'..' in a name", () => withFiles({ ...manifest.files, "../../elsewhere.safetensors": hash }), /manifest\.json: files: refusing file name "\.\.\/\.\.\/elsewhere\.safetensors": it leads outside/],
      ["an absolute path", () => withFiles({ ...manifest.files, [outside]: hash }), /manifest\.json: files: refusing file name ".*elsewhere\.safetensors": it must be a relative path/],
      ["a link out of the checkpoint", () => {
        rmSync(join(dir, "model.safetensors"));
        symlinkSync(outside, join(dir, "model.safetensors"));
      }, /manifest\.json: files: refusing file name "model\.safetensors": it is a link to .*elsewhere\.safetensors, outside/],
      ["a link inside the checkpoint", () => {
        copyFileSync(outside, join(dir, "copy.safetensors"));
        rmSync(join(dir, "model.safetensors"));
        symlinkSync("copy.safetensors", join(dir, "model.safetensors"));
      }, /model\.safetensors: is a symbolic link; checkpoint files must be regular files/],
      ["an unknown extra file", () => withFiles({ ...manifest.files, "notes.txt": hash }), /manifest\.json: files: unexpected entry "notes\.txt"/],
    ];
    for (const [what, damage, re] of cases) {
      writeFileSync(manifestPath, pristine);
      rmSync(join(dir, "model.safetensors"), { force: true });
      copyFileSync(outside, join(dir, "model.safetensors"));
      damage();
      refuses(() => readCheckpoint(dir), re, what);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a mixture manifest cannot point training or evaluation at a file outside the mixture", async () => {
  const root = tmp();
  try {
    const secret = join(root, "secret.jsonl");
    writeFileSync(secret, JSON.stringify({ instruction: "x", input: "", output: "y" }) + "\n");
    const mix = join(root, "mix");
    mkdirSync(mix);
    const manifest = (file: unknown) => writeFileSync(join(mix, "manifest.json"), JSON.stringify({ file }));
    manifest("mixture.jsonl");
    writeFileSync(join(mix, "mixture.jsonl"), readFileSync(secret));
    assert.equal(dataFile(mix), join(mix, "mixture.jsonl"));
    manifest("../secret.jsonl");
    refuses(() => dataFile(mix), /manifest\.json: 'file': refusing file name "\.\.\/secret\.jsonl": it leads outside/, "..");
    manifest(secret);
    refuses(() => dataFile(mix), /manifest\.json: 'file': refusing file name ".*secret\.jsonl": it must be a relative path/, "absolute");
    manifest(42);
    refuses(() => dataFile(mix), /manifest\.json: 'file' must be a file name, got 42/, "not a string");
    manifest("mixture.jsonl");
    rmSync(join(mix, "mixture.jsonl"));
    symlinkSync(secret, join(mix, "mixture.jsonl"));
    refuses(() => dataFile(mix), /manifest\.json: 'file': refusing file name "mixture\.jsonl": it is a link to .*secret\.jsonl, outside/, "link");
    writeFileSync(join(mix, "manifest.json"), "{\"file\": ");
    refuses(() => dataFile(mix), /manifest\.json: not valid JSON/, "cut off");
    // The same refusal through the CLI: `eval --eval-set DIR`.
    manifest("../secret.jsonl");
    const r = await runInProcess(["eval", "--model", TINY, "--baseline", TINY, "--eval-set", mix, "--judge", "reference", "--out", join(root, "eval"), "--json"]);
    assert.deepEqual(failureProblems(r, "manifest.json", /refusing file name "\.\.\/secret\.jsonl"/), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("tokenizer configs cannot send the loader to files outside the model directory", () => {
  const root = tmp();
  try {
    const expected = loadTokenizer(TINY).encode("The robot walked to the garden.");
    // tokenizer_config.json names files elsewhere (another model's tokenizer, with other ids): ignored,
    // as transformers ignores them for local directories; only the directory's own files are read.
    const dir = copyModel(join(root, "model"), ["config.json", "tokenizer.json", "model.safetensors"]);
    const cfg = JSON.parse(readFileSync(join(TINY, "tokenizer_config.json"), "utf8"));
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({
      ...cfg, tokenizer_file: OTHER_TOKENIZER, vocab_file: "../../etc/passwd", merges_file: "/etc/passwd",
    }));
    assert.deepEqual(loadTokenizer(dir).encode("The robot walked to the garden."), expected);
    assert.notDeepEqual(loadTokenizer(resolve("data/models/nano-tiny")).encode("The robot walked to the garden."), expected, "the other tokenizer differs");
    // The one place a name reaches the file system refuses anything but a plain name.
    for (const name of ["../tokenizer.json", "/etc/passwd", "sub/tokenizer.json", "..", "C:\\x", ""]) {
      refuses(() => fileIn(dir, name), /refusing tokenizer file name/, name);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
