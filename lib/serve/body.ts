/** Reading a JSON request body with a size cap (413) and clear 400s for bodies that are not JSON objects. */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error";

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Drain a body of moderate size before answering, for the reason given below; refuse huge ones at once.
    if (declared <= maxBytes * 8) for await (const _chunk of req) { /* dropped */ }
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes}`, "invalid_request_error", null, "request_too_large");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const tooLarge = () => new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`, "invalid_request_error", null, "request_too_large");
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Chunked bodies carry no length up front: count as they arrive. Past the cap, keep reading and dropping
    // (up to 8x the cap) before answering: closing a socket the client is still writing to resets the
    // connection, and a reset can throw away the 413 before the client reads it.
    if (size > maxBytes * 8) throw tooLarge();
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) throw tooLarge();
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new HttpError(400, "the request body is empty; send a JSON object", "invalid_request_error", null, "invalid_json");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the request body is not valid JSON: ${(err as Error).message}`, "invalid_request_error", null, "invalid_json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "the request body must be a JSON object", "invalid_request_error", null, "invalid_json");
  }
  return value as Record<string, unknown>;
}
