/** Reading a JSON request body with a size cap (413) and clear 400s for bodies that are not JSON objects. */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error";

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes}`, "invalid_request_error", null, "request_too_large");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Chunked bodies carry no length up front: count as they arrive and stop reading past the cap.
    if (size > maxBytes) throw new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`, "invalid_request_error", null, "request_too_large");
    chunks.push(chunk as Buffer);
  }
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
