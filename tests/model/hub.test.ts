import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  COMPLETE_MARKER, cacheRoot, downloadHubModel, hubCacheDir, isCompleteDownload, parseRepoId, removeCachedModel,
  type DownloadProgress,
} from "../../lib/model/hub";
import { writeSafetensors } from "../../lib/model/safetensors";
import { UserError } from "../../lib/errors";

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void;

/** A fake hub on 127.0.0.1 serving `/<repo>/resolve/<rev>/<file>` from `files`; `handler` may take over a request. */
class FakeHub {
  server!: Server;
  files = new Map<string, Buffer>();
  requests: Array<{ method: string; url: string; auth: string | undefined }> = [];
  handler: Handler | undefined;
  endpoint = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
      if (this.handler && this.handler(req, res) === true) return;
      const body = this.files.get(decodeURIComponent(req.url!));
      if (!body) {
        res.writeHead(404, { "content-type": "text/plain" }).end("Entry not found");
        return;
      }
      res.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : body);
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
  add(repo: string, rev: string, file: string, body: Buffer | string): void {
    this.files.set(`/${repo}/resolve/${rev}/${file}`, Buffer.isBuffer(body) ? body : Buffer.from(body));
  }
  reset(): void {
    this.files.clear();
    this.requests = [];
    this.handler = undefined;
  }
}

let root: string;
let weights: Buffer;
const hub = new FakeHub();

before(async () => {
  root = mkdtempSync(join(tmpdir(), "ni-hub-"));
  const w = join(root, "w.safetensors");
  writeSafetensors(w, { "wte.weight": { shape: [64, 1024], data: new Float32Array(64 * 1024).fill(0.5) } });
  weights = readFileSync(w); // 256 KiB + header: several chunks on the wire
  await hub.start();
});
after(async () => {
  await hub.stop();
  rmSync(root, { recursive: true, force: true });
});

function freshCache(): string {
  return mkdtempSync(join(root, "cache-"));
}

function serveTiny(repo = "org/tiny", rev = "main"): void {
  hub.add(repo, rev, "config.json", JSON.stringify({ model_type: "gpt2", n_embd: 2 }));
  hub.add(repo, rev, "model.safetensors", weights);
  hub.add(repo, rev, "tokenizer.json", "{}");
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<UserError> {
  let caught: unknown;
  await p.catch((e) => (caught = e));
  assert.ok(caught instanceof UserError, `expected UserError, got ${caught}`);
  assert.equal(caught.exitCode, 2);
  assert.ok(!caught.message.includes("\n"), caught.message);
  assert.match(caught.message, pattern);
  return caught;
}

describe("repo ids and cache paths", () => {
  test("parseRepoId", () => {
    assert.deepEqual(parseRepoId("gpt2"), { repo: "gpt2", revision: "main" });
    assert.deepEqual(parseRepoId("sshleifer/tiny-gpt2@abc123"), { repo: "sshleifer/tiny-gpt2", revision: "abc123" });
    for (const bad of ["a/b/c", "../x", "a/..", "x@", "", "a b", "/abs"]) assert.throws(() => parseRepoId(bad), UserError, bad);
  });
  test("hubCacheDir layout and NANOINSTRUCT_CACHE", () => {
    assert.equal(hubCacheDir("org/name@v1", { cacheRoot: "/c" }), "/c/hub/org--name/v1");
    assert.equal(hubCacheDir("gpt2", { cacheRoot: "/c" }), "/c/hub/gpt2/main");
    assert.equal(hubCacheDir("o/n@refs/pr/1", { cacheRoot: "/c" }), "/c/hub/o--n/refs--pr--1");
    const old = process.env.NANOINSTRUCT_CACHE;
    process.env.NANOINSTRUCT_CACHE = "/somewhere";
    try {
      assert.equal(cacheRoot(), "/somewhere");
      assert.equal(hubCacheDir("gpt2"), "/somewhere/hub/gpt2/main");
    } finally {
      if (old === undefined) delete process.env.NANOINSTRUCT_CACHE;
      else process.env.NANOINSTRUCT_CACHE = old;
    }
  });
});

describe("downloadHubModel against a local fake hub", () => {
  test("downloads required and present optional files; 404 optional files are fine; token sent", async () => {
    hub.reset();
    serveTiny();
    const cache = freshCache();
    const progress: DownloadProgress[] = [];
    const dir = await downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint, token: "sekret", onProgress: (p) => progress.push(p) });
    assert.equal(dir, join(cache, "hub", "org--tiny", "main"));
    assert.deepEqual(readFileSync(join(dir, "model.safetensors")), weights);
    assert.equal(readFileSync(join(dir, "tokenizer.json"), "utf8"), "{}");
    assert.equal(existsSync(join(dir, "vocab.json")), false);
    assert.ok(isCompleteDownload(dir));
    const marker = JSON.parse(readFileSync(join(dir, COMPLETE_MARKER), "utf8"));
    assert.deepEqual(marker.files, ["config.json", "model.safetensors", "tokenizer.json"]);
    assert.ok(hub.requests.every((r) => r.auth === "Bearer sekret"));
    assert.ok(hub.requests.some((r) => r.url === "/org/tiny/resolve/main/merges.txt"));
    const done = progress.filter((p) => p.done).map((p) => p.file);
    assert.deepEqual(done, ["config.json", "tokenizer.json", "model.safetensors"]);
    const last = progress.filter((p) => p.file === "model.safetensors").at(-1)!;
    assert.equal(last.received, weights.length);
    assert.equal(last.total, weights.length);
    assert.ok(progress.some((p) => p.file === "model.safetensors" && !p.done), "intermediate progress reported");
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);

    // A complete cached copy: no request at all (even with the hub down).
    const before = hub.requests.length;
    const again = await downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: "http://127.0.0.1:9" });
    assert.equal(again, dir);
    assert.equal(hub.requests.length, before);
  });

  test("revision is part of the URL and the cache path", async () => {
    hub.reset();
    serveTiny("gpt2", "v2");
    const cache = freshCache();
    const dir = await downloadHubModel("gpt2@v2", { cacheRoot: cache, endpoint: hub.endpoint });
    assert.equal(dir, join(cache, "hub", "gpt2", "v2"));
    assert.ok(hub.requests.every((r) => r.url.startsWith("/gpt2/resolve/v2/")));
  });

  test("server error is a clear error and leaves no complete-looking copy", async () => {
    hub.reset();
    serveTiny();
    hub.handler = (req, res) => {
      if (req.url!.endsWith("/model.safetensors")) {
        res.writeHead(500, "Internal Server Error").end("boom");
        return true;
      }
    };
    const cache = freshCache();
    await rejectsWith(downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint }),
      /^cannot download 'org\/tiny' from http:\/\/127\.0\.0\.1:\d+: model.safetensors: HTTP 500 Internal Server Error$/);
    const dir = hubCacheDir("org/tiny", { cacheRoot: cache });
    assert.equal(existsSync(join(dir, "model.safetensors")), false);
    assert.equal(isCompleteDownload(dir), false);
  });

  test("401 suggests HF_TOKEN; 404 on config.json says not found", async () => {
    hub.reset();
    hub.handler = (_req, res) => {
      res.writeHead(401, "Unauthorized").end();
      return true;
    };
    await rejectsWith(downloadHubModel("org/private", { cacheRoot: freshCache(), endpoint: hub.endpoint, token: "" }),
      /config.json: HTTP 401 Unauthorized \(private or gated repo\? set HF_TOKEN\)/);
    hub.reset();
    await rejectsWith(downloadHubModel("org/nothing", { cacheRoot: freshCache(), endpoint: hub.endpoint }),
      /'org\/nothing' not found: .*config.json answered 404/);
  });

  test("a download killed mid-way leaves no complete-looking file, and the next run finishes it", async () => {
    hub.reset();
    serveTiny();
    const cache = freshCache();
    const dir = hubCacheDir("org/tiny", { cacheRoot: cache });
    let sawPartial = false;
    hub.handler = (req, res) => {
      if (!req.url!.endsWith("/model.safetensors")) return;
      res.writeHead(200, { "content-length": weights.length });
      res.write(weights.subarray(0, 100_000), () => {
        // Half-way: nothing under the final name yet, only a temp file.
        setTimeout(() => {
          sawPartial = !existsSync(join(dir, "model.safetensors")) && readdirSync(dir).some((f) => f.endsWith(".tmp"));
          res.destroy();
        }, 50);
      });
      return true;
    };
    await rejectsWith(downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint }),
      /cannot download 'org\/tiny' .*model.safetensors: connection (lost|closed) after .*; run again to retry, or put the model in /);
    assert.ok(sawPartial, "a temp file, not model.safetensors, existed mid-download");
    assert.equal(existsSync(join(dir, "model.safetensors")), false);
    assert.equal(isCompleteDownload(dir), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "temp file removed");

    // Retry: finished files are not fetched again.
    hub.handler = undefined;
    hub.requests = [];
    await downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint });
    assert.ok(isCompleteDownload(dir));
    assert.deepEqual(readFileSync(join(dir, "model.safetensors")), weights);
    assert.equal(hub.requests.some((r) => r.url.endsWith("/config.json")), false);
  });

  test("a temp file left by a killed process is cleaned up", async () => {
    hub.reset();
    serveTiny();
    const cache = freshCache();
    const dir = hubCacheDir("org/tiny", { cacheRoot: cache });
    mkdirSync(dir, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default range: not a running process.
    const stale = join(dir, ".model.safetensors.4194305.deadbeef.tmp");
    writeFileSync(stale, "partial");
    await downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint });
    assert.equal(existsSync(stale), false);
  });

  test("a body that is not safetensors (e.g. an HTML error page) is refused", async () => {
    hub.reset();
    serveTiny();
    hub.add("org/tiny", "main", "model.safetensors", "<html>rate limited</html>");
    const cache = freshCache();
    await rejectsWith(downloadHubModel("org/tiny", { cacheRoot: cache, endpoint: hub.endpoint }),
      /downloaded .*model.safetensors is not a valid safetensors file: .*header length/);
    assert.equal(existsSync(join(hubCacheDir("org/tiny", { cacheRoot: cache }), "model.safetensors")), false);
  });

  test("pytorch_model.bin only: safetensors-only error; sharded: its own error", async () => {
    hub.reset();
    hub.add("org/old", "main", "config.json", "{}");
    hub.add("org/old", "main", "pytorch_model.bin", "pickle");
    await rejectsWith(downloadHubModel("org/old", { cacheRoot: freshCache(), endpoint: hub.endpoint }),
      /has only pytorch_model.bin; nanoinstruct reads only model.safetensors \(it never unpickles\)/);
    hub.add("org/old", "main", "model.safetensors.index.json", "{}");
    await rejectsWith(downloadHubModel("org/old", { cacheRoot: freshCache(), endpoint: hub.endpoint }), /sharded checkpoint/);
  });

  test("unreachable hub: offline error naming the cache dir", async () => {
    // Grab a free port, then close it so nothing listens there.
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const cache = freshCache();
    const dir = hubCacheDir("gpt2", { cacheRoot: cache });
    const err = await rejectsWith(downloadHubModel("gpt2", { cacheRoot: cache, endpoint: `http://127.0.0.1:${port}/` }),
      /^cannot download 'gpt2' from http:\/\/127\.0\.0\.1:\d+ \(fetch failed: ECONNREFUSED\); offline\? put the model in /);
    assert.ok(err.message.includes(dir + " or pass a local directory"), err.message);
  });

  test("files put in the cache dir by hand (no marker) are used offline", async () => {
    const cache = freshCache();
    const dir = hubCacheDir("gpt2", { cacheRoot: cache });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.json"), "{}");
    await rejectsWith(downloadHubModel("gpt2", { cacheRoot: cache, endpoint: "http://127.0.0.1:9" }), /fetch failed/);
    writeFileSync(join(dir, "model.safetensors"), weights);
    assert.equal(await downloadHubModel("gpt2", { cacheRoot: cache, endpoint: "http://127.0.0.1:9" }), dir);
  });

  test("removeCachedModel deletes one revision or all of them", () => {
    const cache = freshCache();
    for (const id of ["o/m@a", "o/m@b", "o/m"]) mkdirSync(hubCacheDir(id, { cacheRoot: cache }), { recursive: true });
    removeCachedModel("o/m@a", { cacheRoot: cache });
    assert.deepEqual(readdirSync(join(cache, "hub", "o--m")).sort(), ["b", "main"]);
    removeCachedModel("o/m", { cacheRoot: cache });
    assert.equal(existsSync(join(cache, "hub", "o--m")), false);
  });

  test("HF_HUB_OFFLINE=1 never touches the network", async () => {
    hub.reset();
    serveTiny();
    process.env.HF_HUB_OFFLINE = "1";
    try {
      await rejectsWith(downloadHubModel("org/tiny", { cacheRoot: freshCache(), endpoint: hub.endpoint }), /HF_HUB_OFFLINE=1/);
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
    assert.equal(hub.requests.length, 0);
  });
});
