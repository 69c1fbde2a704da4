/** A one-line terminal progress display for training, fed by the trainer's callbacks. */
import type { TrainerCallbacks } from "../train/trainer";

export function progressCallbacks(_maxSteps: number, quiet = false): TrainerCallbacks {
  const tty = process.stderr.isTTY;
  let last = 0;
  const out = (s: string) => {
    if (quiet) return;
    if (tty) process.stderr.write(`\r\x1b[K${s}`);
    else process.stderr.write(s + "\n");
  };
  return {
    onStep(m) {
      const maxSteps = m.max_steps;
      const now = Date.now();
      if (!tty && now - last < 5000 && m.step !== maxSteps) return;
      last = now;
      const pct = Math.floor((100 * m.step) / maxSteps);
      const bar = "#".repeat(Math.floor(pct / 5)).padEnd(20, ".");
      const eta = m.step > 0 ? ((maxSteps - m.step) * m.elapsed_s) / m.step : 0;
      out(`[${bar}] ${m.step}/${maxSteps} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} ${Math.round(m.tokens_per_s)} tok/s eta ${Math.round(eta)}s`);
    },
    onEval(m) {
      if (quiet) return;
      process.stderr.write(`${tty ? "\r\x1b[K" : ""}  eval @${m.step}: loss ${m.eval_loss.toFixed(4)} ppl ${m.eval_perplexity.toFixed(2)} acc ${m.eval_token_accuracy.toFixed(3)}\n`);
    },
    onMessage(text) {
      if (!quiet) process.stderr.write(`${tty ? "\r\x1b[K" : ""}${text}\n`);
    },
  };
}

/** The command line that continues a run: `nanoinstruct <command> <the same arguments> --resume` (shell-quoted). */
export function resumeCommand(command: string, argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const args = argv.filter((a) => a !== "--resume" && a !== "--overwrite").map(quote);
  return ["nanoinstruct", command, ...args, "--resume"].join(" ");
}
