import type { Command } from "../command";
import { num, parse, required } from "../args";
import { DEFAULT_WORKER_SETTINGS, startWorker } from "../../ablate/queue";

const d = DEFAULT_WORKER_SETTINGS;

const command: Command = {
  name: "worker",
  summary: "run ablation cells from a Redis queue (the other side of ablate --queue)",
  usage: `usage: nanoinstruct worker --queue redis://HOST:PORT [--concurrency N] [--work-dir DIR] [--queue-name NAME]
                          [--lock-duration MS] [--stalled-interval MS] [--max-stalled N]

  Takes cell jobs that 'nanoinstruct ablate --grid FILE --queue URL' enqueued, runs each as its own process
  in DIR/<grid>/<cell id> (default DIR: ${d.workDir}), and returns the result through Redis. Runs until
  Ctrl-C / SIGTERM. A cell this worker cannot finish is retried (by any worker) as the grid allows.
  If this worker dies, its cells stop with it, and after --lock-duration (default ${d.lockDuration} ms; checked
  every --stalled-interval, default ${d.stalledInterval} ms) another worker takes the job; a job whose workers die
  more than --max-stalled times (default ${d.maxStalledCount}) fails. Defaults: --concurrency ${d.concurrency},
  --queue-name ${d.queueName}.`,
  async run(argv) {
    const { values } = parse(argv, {
      queue: { type: "string" }, concurrency: { type: "string" }, "work-dir": { type: "string" }, "queue-name": { type: "string" },
      "lock-duration": { type: "string" }, "stalled-interval": { type: "string" }, "max-stalled": { type: "string" },
    });
    const w = await startWorker({
      url: required(values.queue, "queue"),
      concurrency: num(values.concurrency, "concurrency", true, { min: 1 }) ?? d.concurrency,
      workDir: (values["work-dir"] as string | undefined) ?? d.workDir,
      queueName: (values["queue-name"] as string | undefined) ?? d.queueName,
      lockDuration: num(values["lock-duration"], "lock-duration", true) ?? d.lockDuration,
      stalledInterval: num(values["stalled-interval"], "stalled-interval", true) ?? d.stalledInterval,
      maxStalledCount: num(values["max-stalled"], "max-stalled", true) ?? d.maxStalledCount,
      onLog: (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`),
    });
    process.stderr.write(`worker ${w.name}: waiting for cells\n`);
    // Ctrl-C: stop now; running cells die with us and their jobs return to the queue once their locks expire.
    let stopping = false;
    await new Promise<void>((resolve) => {
      const stop = () => {
        if (stopping) process.exit(130); // a second Ctrl-C: now
        stopping = true;
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    process.stderr.write(`worker ${w.name}: stopping\n`);
    await Promise.race([w.close(true), new Promise((r) => setTimeout(r, 2000))]);
    // Open queue connections would keep the process alive; running cells exit with it.
    process.exit(0);
  },
};
export default command;
