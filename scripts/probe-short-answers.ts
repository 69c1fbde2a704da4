/**
 * Does a base model answer a question about a fact with the value alone, in its own dialogue form
 * (`"Where does Rogor live?" Thoflor asked. "` -> `Meidrisk," ...`)? Greedy, 8 new tokens, on the
 * evaluation-side facts of five relations; counts answers that are the value alone, and answers with the
 * value anywhere (mostly inside a sentence). Used for flan-clusters-qa and flan-clusters-qa2 in docs/ABLATIONS.md.
 *   node --import tsx scripts/probe-short-answers.ts nano-small-qa2 nano-small-qa nano-small
 */
import { generateWorld } from "../lib/world";
import { factsAbout } from "../lib/world/query";
import { canonicalCloze } from "../lib/world/phrases";
import { splitOfFact } from "../lib/tasks/facts";
import { loadModel } from "../lib/model/load";
import { generate } from "../lib/model/generate";
import { reportError } from "../lib/cli/main";
const w = generateWorld(0);
const Q: Record<string, (s: string) => string> = { job: (s) => `What does ${s} do for work?`, home: (s) => `Where does ${s} live?`, capital: (s) => `What is the capital of ${s}?`, favourite_colour: (s) => `What is ${s}'s favourite colour?`, best_friend: (s) => `Who is ${s}'s best friend?` };
const items: { prompt: string; value: string }[] = [];
for (const s of [...w.countries.map((c) => c.name), ...w.people.map((p) => p.name)]) for (const f of factsAbout(w, s)) {
  if (!Q[f.relation] || splitOfFact(w, f) !== "eval") continue;
  items.push({ prompt: `Tavi visited Thoflor in Feze.\n"${Q[f.relation](s)}" Thoflor asked. "`, value: canonicalCloze(w, f)!.continuation.trim() });
}
async function main(): Promise<void> {
  if (process.argv.length < 3) { console.log("usage: node --import tsx scripts/probe-short-answers.ts MODEL..."); return; }
for (const name of process.argv.slice(2)) {
  const m = await loadModel(name);
  let alone = 0, right = 0;
  const samples: string[] = [];
  for (const it of items) {
    const [{ text }] = generate(m.model, [m.tokenizer.encode(it.prompt)], { maxNewTokens: 8, temperature: 0 }, (ids) => m.tokenizer.decode(ids));
    const first = text.split(/[,."]/)[0].trim();
    if (first.toLowerCase() === it.value.toLowerCase()) alone++;
    if (text.toLowerCase().includes(it.value.toLowerCase())) right++;
    if (samples.length < 4) samples.push(JSON.stringify(text));
  }
  console.log(`${name}: ${items.length} eval-side facts; answered with the value alone ${alone}, value anywhere in 8 tokens ${right}; e.g. ${samples.join(" ")}`);
  m.model.dispose();
}
}

main().catch((e) => process.exit(reportError(e)));
