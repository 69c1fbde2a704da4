/**
 * `npm run eval:base [-- MODEL] [--json]`: what a base model knows about its world. Cloze accuracy on every fact
 * with a canonical sentence, per relation, against chance; the targets of the base-model issue (at least 90%
 * overall and 75% for every relation) are printed beside the numbers.
 */
import { initEngine } from "../lib/engine/backend";
import { loadModel } from "../lib/model/load";
import { generateWorld, clozeProbes } from "../lib/world/index";
import { worldKnowledge } from "../lib/pretrain/probes";
import { reportError } from "../lib/cli/main";

const args = process.argv.slice(2);
const json = args.includes("--json");
const name = args.find((a) => !a.startsWith("--")) ?? "nano-base";
try {
  await initEngine();
  const m = await loadModel(name);
  const seed = typeof m.info.extra.worldSeed === "number" ? m.info.extra.worldSeed : 0;
  const world = generateWorld(seed);
  const t0 = performance.now();
  const k = await worldKnowledge(m.model, m.tokenizer, clozeProbes(world));
  m.model.dispose();
  if (json) console.log(JSON.stringify({ model: name, worldSeed: seed, ...k }, null, 2));
  else {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
    console.log(`${name}: cloze accuracy on ${k.n} facts of world ${seed}: ${pct(k.accuracy)} (chance ${pct(k.chance)}; target >= 90%) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    for (const r of [...k.byRelation].sort((a, b) => a.accuracy - b.accuracy)) {
      console.log(`  ${r.relation.padEnd(18)} ${String(r.n).padStart(4)} probes  ${pct(r.accuracy)}  chance ${pct(r.chance)}${r.accuracy < 0.75 ? "  (below the 75% target)" : ""}`);
    }
    const below = k.byRelation.filter((r) => r.accuracy < 0.75).length;
    console.log(`${below} of ${k.byRelation.length} relations below 75%`);
    for (const x of k.misses.slice(0, 6)) console.log(`  miss: ${x.prompt} -> ${JSON.stringify(x.output.slice(0, 40))} (answer ${x.answer})`);
  }
} catch (e) {
  process.exitCode = reportError(e);
}
