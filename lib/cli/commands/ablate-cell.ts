import type { Command } from "../command";
import { parse, required } from "../args";
import { resolveCellConfig, runCell } from "../../ablate/cell";
import { readConfigFile } from "../set";

const command: Command = {
  name: "ablate cell",
  summary: "run one ablation cell: mixture -> fine-tune -> win-rate vs the base (used by ablate)",
  usage: `usage: nanoinstruct ablate cell --config CELL.json --out DIR [--set key=value ...] [--quiet]

  Builds the cell's mixture, fine-tunes the base on it and judges the tuned model against the base
  (verifier judge) on held-out instances of the trained tasks and on held-out clusters. Writes
  DIR/config.json (resolved), DIR/run/ (the fine-tuning run, resumed if a previous attempt was killed),
  DIR/eval/ and, last and atomically, DIR/result.json, which it also prints. Fields: lib/ablate/cell.ts.`,
  async run(argv) {
    const { values } = parse(argv, { config: { type: "string" }, out: { type: "string" }, set: { type: "string", multiple: true }, quiet: { type: "boolean" } });
    const file = required(values.config, "config");
    const out = required(values.out, "out");
    const cfg = resolveCellConfig(readConfigFile(file, (values.set as string[] | undefined) ?? []), file);
    // A cell run by `ablate` exits when its parent goes away, so a killed coordinator or worker leaves no orphan.
    if (process.send) {
      process.on("disconnect", () => process.exit(130));
      process.channel?.unref(); // the channel alone must not keep a finished cell alive
    }
    const say = values.quiet ? () => {} : (s: string) => process.stderr.write(`${s}\n`);
    const result = await runCell(cfg, out, { onProgress: say });
    console.log(JSON.stringify(result));
    return 0;
  },
};
export default command;
