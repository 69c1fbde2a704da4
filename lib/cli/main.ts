/**
 * The `nanoinstruct` command line. Each command lives in its own file under ./commands/, named after the
 * command with spaces as dashes ("data inspect" -> data-inspect.ts), and is imported only when it runs,
 * so that `nanoinstruct tokenize` never pays for loading TF.js.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "./command";
import { errorLine, UserError } from "../errors";
import { closest } from "../suggest";
import { REPO_ROOT } from "../paths";

/** The package's version (package.json). */
export function version(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), "commands");

function commandFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(file: string): Promise<Command> {
  const mod = await import(join(COMMANDS_DIR, file + ".ts"));
  return mod.default as Command;
}

async function printHelp(): Promise<void> {
  const lines = [`nanoinstruct ${version()}`, "usage: nanoinstruct <command> [options]   (nanoinstruct <command> --help for details; --version)", ""];
  for (const file of commandFiles()) {
    const cmd = await loadCommand(file);
    lines.push(`  ${cmd.name.padEnd(16)} ${cmd.summary}`);
  }
  console.log(lines.join("\n"));
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      await printHelp();
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version") {
      console.log(`nanoinstruct ${version()} (Node ${process.versions.node})`);
      return 0;
    }
    const files = commandFiles();
    // Longest match first: "data inspect" before "data".
    let file: string | undefined;
    let rest = argv;
    if (argv.length >= 2 && files.includes(`${argv[0]}-${argv[1]}`)) {
      file = `${argv[0]}-${argv[1]}`;
      rest = argv.slice(2);
    } else if (files.includes(argv[0])) {
      file = argv[0];
      rest = argv.slice(1);
    }
    if (!file) {
      // "trian" -> train; "data inspetc" -> data inspect; "inspect" -> data inspect.
      const names = files.map((f) => f.replace("-", " "));
      const typed = argv.length >= 2 && files.some((f) => f.startsWith(`${argv[0]}-`)) ? `${argv[0]} ${argv[1]}` : argv[0];
      const guess = closest(typed, names) ?? names.find((n) => n.endsWith(` ${argv[0]}`)) ?? closest(argv[0], names.map((n) => n.split(" ")[0]));
      throw new UserError(`unknown command '${typed}'${guess ? ` (did you mean '${guess}'?)` : ""}; see nanoinstruct --help`, 2);
    }
    const cmd = await loadCommand(file);
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(cmd.usage);
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    return reportError(err);
  }
}

/** Prints an error as one line (a stack trace only with NANOINSTRUCT_DEBUG=1); returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    console.error(`nanoinstruct: ${err.message}`);
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string; stack?: string };
  if (e && (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ||
      e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")) {
    console.error(`nanoinstruct: ${e.message}`);
    return 2;
  }
  if (process.env.NANOINSTRUCT_DEBUG) console.error(e?.stack ?? String(err));
  else console.error(`nanoinstruct: internal error: ${errorLine(err)} (NANOINSTRUCT_DEBUG=1 shows the stack)`);
  return 1;
}
