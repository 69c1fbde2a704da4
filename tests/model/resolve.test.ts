import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLED_MODELS_DIR, listBundledModels, resolveModelDir } from "../../lib/model/resolve";
import { COMPLETE_MARKER, hubCacheDir } from "../../lib/model/hub";
import { UserError } from "../../lib/errors";

let root: string;
let bundled: string;
let cache: string;
let server: Server;
let endpoint: string;
let requests: string[] = [];

function modelDir(dir: string, marker = false): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), "{}");
  writeFileSync(join(dir, "model.safetensors"), "");
  if (marker) writeFileSync(join(dir, COMPLETE_MARKER), "{}");
  return dir;
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  let caught: unknown;
  await p.catch((e) => (caught = e));
  assert.ok(caught instanceof UserError, `expected UserError, got ${caught}`);
  assert.match(caught.message, pattern);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "ni-res-"));
  bundled = join(root, "bundled");
  cache = join(root, "cache");
  modelDir(join(bundled, "tiny-gpt2"));
  modelDir(join(bundled, "aaa"));
  mkdirSync(join(bundled, "not-a-model"));
  // Any request reaching this server is recorded; it answers 404 to everything.
  server = createServer((req, res) => {
    requests.push(req.url!);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(root, { recursive: true, force: true });
});

const opts = () => ({ bundledDir: bundled, hub: { cacheRoot: cache, endpoint } });

describe("listBundledModels", () => {
  test("subdirectories with config.json, sorted", () => {
    assert.deepEqual(listBundledModels(bundled), ["aaa", "tiny-gpt2"]);
    assert.deepEqual(listBundledModels(join(root, "missing")), []);
  });
  test("default location is <repo>/data/models", () => {
    assert.equal(BUNDLED_MODELS_DIR, resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "data", "models"));
  });
});

describe("resolveModelDir", () => {
  test("1. an existing directory is used as is", async () => {
    const dir = modelDir(join(root, "local"));
    assert.equal(await resolveModelDir(dir, opts()), dir);
  });

  test("an existing directory wins over a bundled model of the same name", async () => {
    const cwd = process.cwd();
    const work = mkdtempSync(join(root, "cwd-"));
    modelDir(join(work, "tiny-gpt2"));
    process.chdir(work);
    try {
      assert.equal(await resolveModelDir("tiny-gpt2", opts()), "tiny-gpt2");
    } finally {
      process.chdir(cwd);
    }
  });

  test("a directory without config.json, a file, or a missing path are clear errors (no download)", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty, { recursive: true });
    await rejectsWith(resolveModelDir(empty, opts()), /directory .*empty has no config.json/);
    const file = join(root, "file.safetensors");
    writeFileSync(file, "");
    await rejectsWith(resolveModelDir(file, opts()), /is a file; pass the model directory/);
    requests = [];
    await rejectsWith(resolveModelDir("./no/such/dir", opts()), /^\.\/no\/such\/dir: no such directory$/);
    await rejectsWith(resolveModelDir(join(root, "nope"), opts()), /no such directory/);
    assert.deepEqual(requests, []);
  });

  test("2. a bundled name resolves to data/models/<name>", async () => {
    assert.equal(await resolveModelDir("tiny-gpt2", opts()), resolve(bundled, "tiny-gpt2"));
    await rejectsWith(resolveModelDir("not-a-model", opts()), /bundled model .*not-a-model has no config.json/);
  });

  test("a bundled name wins over a cached hub copy", async () => {
    modelDir(hubCacheDir("aaa", { cacheRoot: cache }), true);
    assert.equal(await resolveModelDir("aaa", opts()), resolve(bundled, "aaa"));
  });

  test("3. otherwise a hub id: cached copy without network, else download", async () => {
    const cached = modelDir(hubCacheDir("someone/model@v1", { cacheRoot: cache }), true);
    requests = [];
    assert.equal(await resolveModelDir("someone/model@v1", opts()), cached);
    assert.deepEqual(requests, []);
    await rejectsWith(resolveModelDir("someone/other", opts()), /'someone\/other' not found/);
    assert.deepEqual(requests, ["/someone/other/resolve/main/config.json"]);
    assert.equal(existsSync(join(hubCacheDir("someone/other", { cacheRoot: cache }), COMPLETE_MARKER)), false);
  });

  test("something that is neither lists the bundled models", async () => {
    await rejectsWith(resolveModelDir("two words", opts()), /'two words' is not a directory, a bundled model \(aaa, tiny-gpt2\) or a Hugging Face repo id/);
    await rejectsWith(resolveModelDir("", opts()), /no model given/);
  });
});
