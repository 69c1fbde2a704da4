/** Small helpers shared by the CLI commands: flag parsing with clear errors, and number options. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../errors";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with `--help` handled by main, unknown flags as one-line UserErrors. */
export function parse(argv: string[], options: Options, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError((e as Error).message.split("\n")[0], 2);
  }
}

/** A numeric flag: undefined when absent, a UserError when not a number (or not an integer when asked). */
export function num(value: unknown, flag: string, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`--${flag} must be ${integer ? "an integer" : "a number"}, got '${String(value)}'`, 2);
  }
  return n;
}

/** A required string flag. */
export function required(value: unknown, flag: string): string {
  if (typeof value !== "string" || value === "") throw new UserError(`--${flag} is required`, 2);
  return value;
}
