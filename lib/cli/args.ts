/** Small helpers shared by the CLI commands: flag parsing with clear errors, and number options. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorLine, UserError } from "../errors";
import { closest } from "../suggest";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** A value that starts with a dash but is a number ("-5", "-0.5", "-.5", "-1e3"), not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--max-tokens -5` as `--max-tokens=-5`: parseArgs takes any value starting with '-' for an option and
 * calls it ambiguous; a negative number after an option that takes a value is that option's value (and
 * then gets the option's range error).
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const long = a.startsWith("--") && !a.includes("=") ? options[a.slice(2)] : undefined;
    const short = /^-[a-zA-Z]$/.test(a) ? Object.entries(options).find(([, o]) => o.short === a.slice(1)) : undefined;
    const takesValue = long?.type === "string" || short?.[1].type === "string";
    if (takesValue && i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1])) {
      out.push(`${long ? a : `--${short![0]}`}=${argv[i + 1]}`);
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** parseArgs with `--help` handled by main, unknown flags as one-line UserErrors with a did-you-mean. */
export function parse(argv: string[], options: Options, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (e) {
    const err = e as { code?: string; message: string };
    const unknown = /^Unknown option '([^']+)'/.exec(err.message);
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
      const name = unknown[1];
      const guess = name.startsWith("--") ? closest(name.slice(2), Object.keys(options)) : undefined;
      throw new UserError(`unknown option '${name}'${guess ? ` (did you mean '--${guess}'?)` : ""}; see --help for this command's options`, 2);
    }
    throw new UserError(errorLine(err), 2);
  }
}

/** Bounds a number option must lie in; `above` is an exclusive lower bound. */
export interface Range {
  min?: number;
  max?: number;
  above?: number;
}

/**
 * A numeric flag: undefined when absent, a UserError when not a number (or not an integer when asked), or
 * when outside `range` ("--max-tokens must be >= 1, got -5").
 */
export function num(value: unknown, flag: string, integer = false, range: Range = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`--${flag} must be ${integer ? "an integer" : "a number"}, got '${String(value)}'`, 2);
  }
  const { min, max, above } = range;
  const bounds = [above !== undefined ? `> ${above}` : min !== undefined ? `>= ${min}` : "", max !== undefined ? `<= ${max}` : ""].filter(Boolean).join(" and ");
  if ((min !== undefined && n < min) || (above !== undefined && n <= above) || (max !== undefined && n > max)) {
    throw new UserError(`--${flag} must be ${bounds}, got ${value}`, 2);
  }
  return n;
}

/** A required string flag. */
export function required(value: unknown, flag: string): string {
  if (typeof value !== "string" || value === "") throw new UserError(`--${flag} is required`, 2);
  return value;
}
