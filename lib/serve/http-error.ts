/** Errors that become an HTTP status and an OpenAI-style body: {"error": {message, type, param, code}}. */

export type ErrorType = "invalid_request_error" | "authentication_error" | "not_found_error" | "server_error" | "rate_limit_error";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType = "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "HttpError";
  }

  body(): { error: { message: string; type: ErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 for a bad field, naming it. */
export function badParam(param: string, message: string, code: string | null = "invalid_value"): HttpError {
  return new HttpError(400, message, "invalid_request_error", param, code);
}
