// A scripted stand-in for an OpenAI-compatible endpoint: each request is answered by `respond`,
// and every request body is recorded for the test to inspect.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
}

export interface FakeServer {
  baseURL: string;
  requests: { url: string; headers: IncomingMessage["headers"]; body: any }[];
  close(): Promise<void>;
}

export async function fakeOpenAI(respond: (body: any, n: number) => FakeReply): Promise<FakeServer> {
  const requests: FakeServer["requests"] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = "";
    req.on("data", (d) => (data += d));
    req.on("end", () => {
      const body = data ? JSON.parse(data) : null;
      requests.push({ url: req.url ?? "", headers: req.headers, body });
      const reply = respond(body, requests.length - 1);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** A chat completion whose answer is `content`, with optional logprobs for the first token. */
export function chatReply(content: string, top?: Record<string, number>): FakeReply {
  const logprobs = top
    ? { content: [{ token: content, logprob: Math.log(top[content] ?? 0.5), top_logprobs: Object.entries(top).map(([token, p]) => ({ token, logprob: Math.log(p) })) }] }
    : null;
  return { body: { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, logprobs, finish_reason: "stop" }] } };
}

/** Which label shows `marker` in a pairwise judge prompt ("a" when response (a) contains it). */
export function labelOf(body: any, marker: string): "a" | "b" {
  const user: string = body.messages[body.messages.length - 1].content;
  const a = user.indexOf("### Response (a)"), b = user.indexOf("### Response (b)");
  const at = user.indexOf(marker, a);
  return at >= 0 && at < b ? "a" : "b";
}
