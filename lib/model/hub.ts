/**
 * Downloads a GPT-2 model from the Hugging Face hub into a local cache directory, once.
 *
 * Cache layout: `<cache root>/hub/<org>--<name>/<revision>/` (just `<name>` for ids without an org), where
 * the cache root is $NANOINSTRUCT_CACHE or ~/.cache/nanoinstruct. Every file is streamed to a temporary
 * name and renamed only when complete, and model.safetensors is fetched last, so a directory holding both
 * config.json and model.safetensors is a finished download (or one the user put there by hand, which is
 * what the offline error suggests) and is used without touching the network. A `.complete` marker records
 * what was fetched. A moving revision like "main" is therefore not refreshed: delete its directory.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { errorLine, UserError } from "../errors";
import { removeStaleTemps, safeJoin, tempPathFor, writeJsonAtomic } from "../fsutil";
import { readSafetensorsHeader } from "./safetensors";

/** Files a model directory must have. */
export const HUB_REQUIRED_FILES = ["config.json", "model.safetensors"] as const;
/** Files fetched when the repo has them (a 404 is fine). */
export const HUB_OPTIONAL_FILES = [
  "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
] as const;
/** Written last with what was fetched, when and from where (informational). */
export const COMPLETE_MARKER = ".complete";

export interface DownloadProgress {
  file: string;
  /** Bytes of this file received so far. */
  received: number;
  /** Size from Content-Length, when the server sent one. */
  total: number | undefined;
  done: boolean;
}

export interface HubOptions {
  /** Cache root (the directory that holds hub/). Default: $NANOINSTRUCT_CACHE or ~/.cache/nanoinstruct. */
  cacheRoot?: string;
  /** Default: $HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  /** Bearer token. Default: $HF_TOKEN. */
  token?: string;
  /** Called as bytes arrive (at most every 256 KiB per file) and once per file when it is done. */
  onProgress?: (p: DownloadProgress) => void;
  /** Injected for tests; default: global fetch. */
  fetch?: typeof fetch;
}

export interface RepoRef {
  /** "gpt2" or "org/name". */
  repo: string;
  revision: string;
}

/** $NANOINSTRUCT_CACHE or ~/.cache/nanoinstruct: the root of everything nanoinstruct downloads. */
export function cacheRoot(): string {
  const env = process.env.NANOINSTRUCT_CACHE;
  return env && env.trim() !== "" ? env : join(homedir(), ".cache", "nanoinstruct");
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** True when `id` has the shape of a hub id: `name` or `org/name`, optionally `@revision`. */
export function looksLikeRepoId(id: string): boolean {
  const at = id.indexOf("@");
  const repo = at < 0 ? id : id.slice(0, at);
  const parts = repo.split("/");
  return parts.length <= 2 && parts.every((p) => NAME_RE.test(p) && !p.includes("..")) && (at < 0 || at < id.length - 1);
}

/** Splits "org/name@revision" (revision defaults to "main"). Throws UserError for malformed ids. */
export function parseRepoId(id: string): RepoRef {
  if (!looksLikeRepoId(id)) {
    throw new UserError(`'${id}' is not a Hugging Face repo id (expected name or org/name, optionally @revision)`, 2);
  }
  const at = id.indexOf("@");
  return at < 0 ? { repo: id, revision: "main" } : { repo: id.slice(0, at), revision: id.slice(at + 1) };
}

/** Where `id` is (or would be) cached. */
export function hubCacheDir(id: string, options: Pick<HubOptions, "cacheRoot"> = {}): string {
  const { repo, revision } = parseRepoId(id);
  const hub = join(options.cacheRoot ?? cacheRoot(), "hub");
  // Revisions may contain "/" (refs/pr/1): flatten so that each revision is one directory.
  const repoDir = safeJoin(hub, repo.replace("/", "--"));
  return safeJoin(repoDir, revision.replace(/\//g, "--"));
}

/** True when `dir` holds a finished download: the required files (model.safetensors arrives last). */
export function isCompleteDownload(dir: string): boolean {
  return HUB_REQUIRED_FILES.every((f) => existsSync(join(dir, f)));
}

class HttpStatus extends Error {
  constructor(readonly status: number, readonly statusText: string) {
    super(`HTTP ${status}${statusText ? " " + statusText : ""}`);
  }
}

interface Ctx {
  id: string;
  repo: string;
  revision: string;
  dir: string;
  endpoint: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  onProgress?: (p: DownloadProgress) => void;
}

function fileUrl(ctx: Ctx, file: string): string {
  return `${ctx.endpoint}/${ctx.repo}/resolve/${encodeURIComponent(ctx.revision)}/${file}`;
}

/** One line for a network failure (fetch's TypeError hides the useful part in `cause`). */
function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  const msg = errorLine(err);
  return cause ? `${msg}: ${cause}` : msg;
}

function offlineError(ctx: Ctx, reason: string): UserError {
  return new UserError(
    `cannot download '${ctx.id}' from ${ctx.endpoint} (${reason}); offline? put the model in ${ctx.dir} or pass a local directory`,
    2,
  );
}

function interruptedError(ctx: Ctx, reason: string): UserError {
  return new UserError(
    `cannot download '${ctx.id}' from ${ctx.endpoint} (${reason}); run again to retry, or put the model in ${ctx.dir}`,
    2,
  );
}

async function request(ctx: Ctx, file: string, method: "GET" | "HEAD"): Promise<Response> {
  try {
    return await ctx.fetch(fileUrl(ctx, file), { method, headers: ctx.headers, redirect: "follow" });
  } catch (err) {
    throw offlineError(ctx, networkReason(err));
  }
}

/**
 * Streams one file to a temporary name, checks its length, renames it into place.
 * Resolves false on 404; throws HttpStatus for other HTTP errors and UserError for network failures.
 */
async function downloadFile(ctx: Ctx, file: string, verify?: (tmp: string) => void): Promise<boolean> {
  const res = await request(ctx, file, "GET");
  if (res.status === 404) {
    await res.body?.cancel();
    return false;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new HttpStatus(res.status, res.statusText);
  }
  const dest = join(ctx.dir, file);
  const tmp = tempPathFor(dest);
  const lengthHeader = res.headers.get("content-length");
  // With a content-encoding, fetch decompresses and Content-Length no longer counts what we receive.
  const total = lengthHeader !== null && !res.headers.get("content-encoding") ? Number(lengthHeader) : undefined;
  const fh = await open(tmp, "wx");
  let received = 0;
  let lastReport = 0;
  try {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        let off = 0;
        while (off < chunk.byteLength) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten;
        received += chunk.byteLength;
        if (ctx.onProgress && received - lastReport >= 256 * 1024) {
          lastReport = received;
          ctx.onProgress({ file, received, total, done: false });
        }
      }
    } catch (err) {
      throw interruptedError(ctx, `${file}: connection lost after ${received} bytes: ${networkReason(err)}`);
    }
    if (total !== undefined && received !== total) {
      throw interruptedError(ctx, `${file}: connection closed after ${received} of ${total} bytes`);
    }
    await fh.sync();
    await fh.close();
    verify?.(tmp);
    await rename(tmp, dest);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  ctx.onProgress?.({ file, received, total, done: true });
  return true;
}

/** Explains a missing model.safetensors: only a pickle, a sharded checkpoint, or nothing at all. */
async function explainMissingWeights(ctx: Ctx): Promise<never> {
  const has = async (file: string) => {
    const res = await request(ctx, file, "HEAD");
    await res.body?.cancel();
    return res.ok;
  };
  const where = `'${ctx.id}' (${ctx.endpoint}/${ctx.repo}, revision ${ctx.revision})`;
  if (await has("model.safetensors.index.json")) {
    throw new UserError(`${where} has a sharded checkpoint (model.safetensors.index.json); only a single model.safetensors is supported`, 2);
  }
  if (await has("pytorch_model.bin")) {
    throw new UserError(
      `${where} has only pytorch_model.bin; nanoinstruct reads only model.safetensors (it never unpickles): convert it or use a repo that has safetensors`,
      2,
    );
  }
  throw new UserError(`${where} has no model.safetensors`, 2);
}

function statusError(ctx: Ctx, file: string, err: HttpStatus): UserError {
  const where = `'${ctx.id}' from ${ctx.endpoint}`;
  if (err.status === 401 || err.status === 403) {
    const hint = ctx.headers.authorization ? "does HF_TOKEN have access?" : "private or gated repo? set HF_TOKEN";
    return new UserError(`cannot download ${where}: ${file}: ${err.message} (${hint})`, 2);
  }
  return new UserError(`cannot download ${where}: ${file}: ${err.message}`, 2);
}

/**
 * Makes sure `id` ("gpt2", "org/name", "org/name@revision") is in the cache and returns its directory.
 * A complete cached copy is returned without any network access. Throws UserError (exit 2) when the
 * model cannot be fetched, with the cache directory to fill by hand when offline.
 */
export async function downloadHubModel(id: string, options: HubOptions = {}): Promise<string> {
  const { repo, revision } = parseRepoId(id);
  const dir = hubCacheDir(id, options);
  if (isCompleteDownload(dir)) return dir;

  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
  const token = options.token ?? process.env.HF_TOKEN;
  const ctx: Ctx = {
    id, repo, revision, dir, endpoint,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    fetch: options.fetch ?? globalThis.fetch,
    onProgress: options.onProgress,
  };
  if (process.env.HF_HUB_OFFLINE === "1") throw offlineError(ctx, "HF_HUB_OFFLINE=1");
  mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);

  // Small files first: config.json is the cheapest check that the repo exists and is reachable. The weights
  // come last, so that their presence means everything else was attempted (see isCompleteDownload).
  const fetchOne = async (file: string, verify?: (tmp: string) => void): Promise<boolean> => {
    if (existsSync(join(dir, file))) return true; // renamed into place only when complete
    try {
      return await downloadFile(ctx, file, verify);
    } catch (err) {
      if (err instanceof HttpStatus) throw statusError(ctx, file, err);
      throw err;
    }
  };
  if (!(await fetchOne("config.json"))) {
    throw new UserError(`'${id}' not found: ${fileUrl(ctx, "config.json")} answered 404 (wrong repo id or revision?)`, 2);
  }
  const optional: string[] = [];
  for (const file of HUB_OPTIONAL_FILES) if (await fetchOne(file)) optional.push(file);
  const verifyWeights = (tmp: string) => {
    try {
      readSafetensorsHeader(tmp);
    } catch (err) {
      const reason = err instanceof UserError ? err.message.slice(tmp.length + 2) : String(err);
      throw new UserError(`downloaded ${fileUrl(ctx, "model.safetensors")} is not a valid safetensors file: ${reason}`, 2);
    }
  };
  if (!(await fetchOne("model.safetensors", verifyWeights))) await explainMissingWeights(ctx);

  writeJsonAtomic(join(dir, COMPLETE_MARKER), {
    repo, revision, endpoint, files: [...HUB_REQUIRED_FILES, ...optional], downloadedAt: new Date().toISOString(),
  });
  return dir;
}

/** Deletes a cached model (all revisions when `id` has no @revision). */
export function removeCachedModel(id: string, options: Pick<HubOptions, "cacheRoot"> = {}): void {
  const dir = hubCacheDir(id, options);
  rmSync(id.includes("@") ? dir : join(dir, ".."), { recursive: true, force: true });
}
