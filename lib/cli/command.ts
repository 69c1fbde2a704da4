/** One CLI command per file under lib/cli/commands/, each default-exporting a `Command`. */
export interface Command {
  /** The word after `nanoinstruct`, e.g. "info" or "data inspect" (two words for sub-commands). */
  name: string;
  /** One line for `nanoinstruct --help`. */
  summary: string;
  /** Full usage text for `nanoinstruct <name> --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
