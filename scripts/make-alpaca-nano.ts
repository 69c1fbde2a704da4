/**
 * Writes data/alpaca-nano/alpaca_nano.json: the Alpaca-format data set of the Alpaca-style ablations
 * (lib/tasks/alpaca-style.ts explains what is in it). Deterministic: rerunning gives the same file.
 *   node --import tsx scripts/make-alpaca-nano.ts [n]
 */
import { join } from "node:path";
import { writeFileAtomic } from "../lib/fsutil";
import { generateWorld } from "../lib/world/index";
import { alpacaStyleRows } from "../lib/tasks/alpaca-style";
import { REPO_ROOT } from "../lib/paths";

const n = Number(process.argv[2] ?? 12000);
const rows = alpacaStyleRows(generateWorld(0), { n, seed: 0 });
const out = join(REPO_ROOT, "data", "alpaca-nano", "alpaca_nano.json");
writeFileAtomic(out, "[\n" + rows.map((r) => JSON.stringify(r)).join(",\n") + "\n]\n");
const noisy = rows.filter((r) => r.noise).length;
console.log(`${out}: ${rows.length} rows (${noisy} with a self-instruct defect, ${rows.filter((r) => r.input).length} with an input)`);
