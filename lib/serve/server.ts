/**
 * An OpenAI-compatible HTTP server for one model, on node:http: GET /v1/models, POST /v1/chat/completions,
 * POST /v1/completions, with streaming (server-sent events), logprobs, an optional API key, size and
 * token limits, and a FIFO queue so generations run one at a time. Every error is an OpenAI-style JSON body.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { UserError } from "../errors";
import { DEFAULT_SERVE, validateServe, type ServeConfig } from "./config";
import { readJsonBody } from "./body";
import { HttpError } from "./http-error";
import { GenerationQueue } from "./queue";
import { checkModel, parseChatRequest, parseCompletionRequest, type GenerationParams } from "./request";
import { DEFAULT_CHAT_STOP, defaultChatRenderer, type ChatRenderer } from "./chat";
import type { CompletionDelta, CompletionOutput, TextEngine } from "./engine";
import { chatLogprobs, completionLogprobs, newId, nowSeconds, usage } from "./responses";

export interface ServerOptions {
  engine: TextEngine;
  config?: Partial<ServeConfig>;
  /** The model's chat template; default "User: ... / Assistant:". */
  renderChat?: ChatRenderer;
  /** Stop strings added to every chat request (where the template's next user turn begins). */
  chatStop?: readonly string[];
  /** One line per request (method, path, status, tokens, seconds); silent when omitted. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8000 (the API is under /v1). */
  url: string;
  port: number;
  server: Server;
  config: ServeConfig;
  queue: GenerationQueue;
  /** Stops accepting, fails waiting requests, lets the running one finish (up to the grace period), closes. */
  close(): Promise<void>;
}

/** Thrown into a generation whose client stopped reading or went away. */
class ClientGone extends Error {
  constructor(why: string) {
    super(why);
    this.name = "ClientGone";
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes one SSE event; resolves when the client has taken it, rejects if it does not within the timeout. */
function writeEvent(res: ServerResponse, data: string, timeoutMs: number): Promise<void> {
  if (res.destroyed) return Promise.reject(new ClientGone("client disconnected"));
  if (res.write(`data: ${data}\n\n`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      res.destroy();
      reject(new ClientGone(`client read nothing for ${timeoutMs} ms`));
    }, timeoutMs);
    const onDrain = () => { cleanup(); resolve(); };
    const onClose = () => { cleanup(); reject(new ClientGone("client disconnected")); };
    const cleanup = () => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      res.off("close", onClose);
    };
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const config: ServeConfig = { ...DEFAULT_SERVE, ...options.config };
  const errors = validateServe(config);
  if (errors.length) throw new UserError(`serve: ${errors.join("; ")}`, 2);
  const { engine } = options;
  const renderChat = options.renderChat ?? defaultChatRenderer;
  const chatStop = options.chatStop ?? (options.renderChat ? [] : DEFAULT_CHAT_STOP);
  const queue = new GenerationQueue(config.maxQueue);
  const created = nowSeconds();
  const running = new Set<AbortController>();
  let closing = false;

  const modelObject = { id: config.modelId, object: "model", created, owned_by: "nanoinstruct" };

  // Both sides are hashed to 32 bytes first, so the comparison takes the same time whatever the key's
  // length or how many leading characters a guess gets right.
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  const expected = config.apiKey ? digest(`Bearer ${config.apiKey}`) : null;
  const authorized = (req: IncomingMessage) => {
    if (!expected) return true;
    return timingSafeEqual(digest(req.headers.authorization ?? ""), expected);
  };

  /** Runs one generation request end to end, streaming or not. */
  async function generateFor(req: IncomingMessage, res: ServerResponse, kind: "chat" | "completion"): Promise<{ tokens: number }> {
    const body = await readJsonBody(req, config.maxBodyBytes);
    const parsed = kind === "chat" ? parseChatRequest(body, config) : parseCompletionRequest(body, config);
    checkModel(parsed.model, config.modelId);
    let promptIds: number[];
    let stop = parsed.stop;
    if ("messages" in parsed) {
      const rendered = renderChat(parsed.messages);
      promptIds = typeof rendered === "string" ? engine.encode(rendered) : rendered;
      stop = [...new Set([...stop, ...chatStop])].slice(0, 8);
    } else {
      promptIds = typeof parsed.prompt === "string" ? engine.encode(parsed.prompt) : parsed.prompt;
    }
    const maxTokens = Math.min(parsed.maxTokens ?? config.defaultMaxTokens, config.maxTokens);
    // Checked before queueing, so an impossible request never waits for its turn.
    if (!config.truncatePrompt && promptIds.length >= engine.contextSize) {
      throw new HttpError(400, `the prompt has ${promptIds.length} tokens; this model's context is ${engine.contextSize} tokens`,
        "invalid_request_error", kind === "chat" ? "messages" : "prompt", "context_length_exceeded");
    }

    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort(new ClientGone("client disconnected"));
    };
    res.on("close", onClose);
    try {
      return await queue.run(async () => {
        if (abort.signal.aborted) throw abort.signal.reason;
        running.add(abort);
        try {
          const params = { ...parsed, maxTokens, stop, truncatePrompt: config.truncatePrompt };
          return parsed.stream ? await streamResponse(res, kind, parsed, params, promptIds, abort.signal) : await wholeResponse(res, kind, parsed, params, promptIds, abort.signal);
        } finally {
          running.delete(abort);
        }
      }, abort.signal);
    } finally {
      res.off("close", onClose);
    }
  }

  async function wholeResponse(res: ServerResponse, kind: "chat" | "completion", req: GenerationParams, params: Parameters<TextEngine["complete"]>[1], promptIds: number[], signal: AbortSignal) {
    const out = await engine.complete(promptIds, params, undefined, signal);
    const lp = req.topLogprobs !== null;
    const choice = kind === "chat"
      ? { index: 0, message: { role: "assistant", content: out.text }, logprobs: lp ? chatLogprobs(out.tokens) : null, finish_reason: out.finishReason }
      : { index: 0, text: out.text, logprobs: lp ? completionLogprobs(out.tokens) : null, finish_reason: out.finishReason };
    sendJson(res, 200, {
      id: newId(kind === "chat" ? "chatcmpl" : "cmpl"),
      object: kind === "chat" ? "chat.completion" : "text_completion",
      created: nowSeconds(), model: config.modelId, choices: [choice], usage: usage(out),
    });
    return { tokens: out.completionTokens };
  }

  async function streamResponse(res: ServerResponse, kind: "chat" | "completion", req: GenerationParams, params: Parameters<TextEngine["complete"]>[1], promptIds: number[], signal: AbortSignal) {
    const id = newId(kind === "chat" ? "chatcmpl" : "cmpl");
    const object = kind === "chat" ? "chat.completion.chunk" : "text_completion";
    const stamp = nowSeconds();
    const lp = req.topLogprobs !== null;
    const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, object, created: stamp, model: config.modelId, choices: [{ index: 0, ...choice }], ...extra });
    const send = (data: string) => writeEvent(res, data, config.writeTimeoutMs);
    // Headers go out with the first token, so errors found before it (a prompt too long) are plain JSON errors.
    let started = false;
    const start = async () => {
      if (started) return;
      started = true;
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
      if (kind === "chat") await send(chunk({ delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }));
    };
    const onDelta = async (d: CompletionDelta) => {
      if (d.text === "" && !lp) return; // a token that ends mid-character: nothing to show yet
      await start();
      const logprobs = lp ? (kind === "chat" ? chatLogprobs(d.tokens) : completionLogprobs(d.tokens)) : null;
      await send(kind === "chat"
        ? chunk({ delta: { content: d.text }, logprobs, finish_reason: null })
        : chunk({ text: d.text, logprobs, finish_reason: null }));
    };
    let out: CompletionOutput;
    try {
      out = await engine.complete(promptIds, params, onDelta, signal);
    } catch (err) {
      if (started && !(err instanceof ClientGone) && !res.destroyed) {
        const e = err instanceof HttpError ? err : new HttpError(500, `generation failed: ${(err as Error).message}`, "server_error");
        res.end(`data: ${JSON.stringify(e.body())}\n\n`);
      }
      throw err;
    }
    await start();
    await send(kind === "chat"
      ? chunk({ delta: {}, logprobs: null, finish_reason: out.finishReason })
      : chunk({ text: "", logprobs: null, finish_reason: out.finishReason }));
    if (req.includeUsage) await send(JSON.stringify({ id, object, created: stamp, model: config.modelId, choices: [], usage: usage(out) }));
    res.end("data: [DONE]\n\n");
    return { tokens: out.completionTokens };
  }

  /** A percent-encoded path segment; malformed encoding (`%E0%A4%A`) is the client's error: 400, not 500. */
  function decodePathPart(part: string): string {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new HttpError(400, `malformed URL: ${JSON.stringify(part.slice(0, 64))} is not valid percent-encoded UTF-8`, "invalid_request_error", null, "invalid_url");
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
    let status = 200, tokens = 0;
    try {
      if (closing) throw new HttpError(503, "the server is shutting down", "server_error", null, "shutting_down");
      const routes: Record<string, string[]> = { "/v1/models": ["GET"], "/v1/chat/completions": ["POST"], "/v1/completions": ["POST"], "/health": ["GET"] };
      const modelPath = path.startsWith("/v1/models/") ? decodePathPart(path.slice("/v1/models/".length)) : null;
      const allowed = routes[path] ?? (modelPath !== null ? ["GET"] : null);
      if (!allowed) throw new HttpError(404, `unknown path ${req.method} ${path}`, "invalid_request_error", null, "unknown_url");
      if (!allowed.includes(req.method ?? "")) throw new HttpError(405, `${req.method} is not allowed on ${path} (use ${allowed.join(", ")})`, "invalid_request_error", null, "method_not_allowed");
      if (path === "/health") return sendJson(res, 200, { status: "ok", busy: queue.busy, waiting: queue.length });
      if (!authorized(req)) {
        throw new HttpError(401, "Incorrect or missing API key: send 'Authorization: Bearer <key>'", "authentication_error", null, "invalid_api_key");
      }
      if (path === "/v1/models") return sendJson(res, 200, { object: "list", data: [modelObject] });
      if (modelPath !== null) {
        checkModel(modelPath, config.modelId);
        return sendJson(res, 200, modelObject);
      }
      ({ tokens } = await generateFor(req, res, path === "/v1/chat/completions" ? "chat" : "completion"));
    } catch (err) {
      if (err instanceof ClientGone || (err instanceof HttpError && err.status === 499)) {
        status = 499;
        return;
      }
      const e = err instanceof HttpError ? err : new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)}`, "server_error");
      status = e.status;
      if (res.headersSent) {
        if (!res.writableEnded) res.end();
      } else {
        const headers: Record<string, string> = e.status === 503 ? { "retry-after": "1" } : {};
        // An unread request body must not be parsed as the next request on a kept-alive connection.
        if (!req.complete) headers.connection = "close";
        sendJson(res, e.status, e.body(), headers);
      }
    } finally {
      options.log?.(`${req.method} ${path} ${status}${tokens ? ` ${tokens} tokens` : ""} ${((performance.now() - t0) / 1000).toFixed(2)}s`);
    }
  }

  const server = createServer({ connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.requestTimeoutMs / 4))) }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // Slow senders: the whole request must arrive in time (Node answers 408 otherwise).
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(new UserError(err.code === "EADDRINUSE" ? `port ${config.port} on ${config.host} is already in use` : `cannot listen on ${config.host}:${config.port}: ${err.message}`, 2)));
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;

  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      queue.close();
      const done = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      // The running generation may finish within the grace period; then it is cut off.
      const deadline = Date.now() + config.shutdownGraceMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const a of running) a.abort(new ClientGone("server shutting down"));
      await new Promise((r) => setTimeout(r, 0));
      server.closeIdleConnections();
      for (const s of sockets) s.destroy();
      await done;
    })();
    return closed;
  };

  return { url: `http://${host}:${port}`, port, server, config, queue, close };
}
