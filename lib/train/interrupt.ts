/**
 * Ctrl-C and `kill` during training: the first SIGINT or SIGTERM asks the trainer to stop at the end of the
 * current step and write a checkpoint (the run then says how to resume); a second one stops at once.
 * Handlers are installed only while a training loop runs, so nothing else changes how signals behave.
 */

export interface StopRequest {
  /** The signal that asked to stop, or null while none has. */
  readonly signal: NodeJS.Signals | null;
  /** Removes the handlers (the default behaviour returns). */
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
/** Exit codes as a shell reports death by the signal: 128 + its number. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Watches SIGINT/SIGTERM; `say` gets one line when the first arrives (the CLI prints it on stderr). */
export function watchStopSignals(say: (s: string) => void = (s) => process.stderr.write(`nanoinstruct: ${s}\n`)): StopRequest {
  let signal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signal === null) {
      signal = sig;
      say(`${sig}: stopping after this step and writing a checkpoint (${sig === "SIGINT" ? "Ctrl-C" : "send it"} again to stop at once)`);
      return;
    }
    process.stderr.write(`nanoinstruct: ${sig} again: stopping now, without a checkpoint of this step (the previous checkpoint is intact)\n`);
    process.exit(SIGNAL_EXIT[sig] ?? 130);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    get signal() {
      return signal;
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
