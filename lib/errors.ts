/**
 * Errors meant for the person at the keyboard: one line, naming the file and the place, and an exit code.
 * The CLI prints `nanoinstruct: <message>` for these and never a stack trace.
 */
export class UserError extends Error {
  /** Process exit code the CLI uses: 2 = cannot read/parse/find the input, 1 = input read but invalid. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** `file:line: what is wrong` (line is 1-based; omitted when unknown). */
export function located(file: string, line: number | undefined, what: string): string {
  return line === undefined ? `${file}: ${what}` : `${file}:${line}: ${what}`;
}

/** The first line of a text (engines' and parsers' messages can quote whole inputs over many lines). */
export function firstLine(text: string): string {
  return text.split("\n")[0];
}

/** The first line of an error's message (or of the thrown value as a string). */
export function errorLine(err: unknown): string {
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return firstLine(typeof message === "string" ? message : String(err));
}
