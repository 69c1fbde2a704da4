/**
 * The pilot behind flan-clusters-choice's design (seed 100, never a reported seed): how the same closed-book
 * facts score under three ways of asking them with options, by rank classification, for the base and for
 * models tuned on 1, 4 and 11 clusters. The facts are those of closed_book_choice's evaluation side (12
 * relations of countries, cities and people); each form has its chance floor, and its most-common-answer
 * floor where the answers are unbalanced.
 *   names:     "What is Flalol's job?" with options "librarian", "miller", ... (chance 25%)
 *   yes/no:    "Flalol works as a librarian. Is that right?" with options yes / no, half of them false
 *   sentences: the question with options "Flalol works as a librarian.", "Flalol works as a miller.", ... (chance 25%)
 *
 *   npx nanoinstruct ablate --grid experiments/pilots/closed-book-forms.json --out runs/pilot-closed-book
 *   node --import tsx scripts/pilot-closed-book.ts nano-base runs/pilot-closed-book/cells/<cell>/run/model ...
 */
import { parseArgs } from "node:util";
import { generateWorld } from "../lib/world";
import { Rng } from "../lib/random";
import type { Fact } from "../lib/world/types";
import { canonicalSentence } from "../lib/world/phrases";
import { factsAbout } from "../lib/world/query";
import { otherValue, questionsFor, splitOfFact } from "../lib/tasks/facts";
import { CHOICE_RELATIONS, choiceOptions, distractorValues } from "../lib/tasks/clusters/closed-book-choice";
import { loadModel } from "../lib/model/load";
import { getTemplate } from "../lib/data/templates/registry";
import { rankClassify } from "../lib/eval/rank";
import { estimate, type Outcomes } from "../lib/ablate/stats";
import type { InstructionRecord } from "../lib/data/record";
import { reportError } from "../lib/cli/main";

const FORMS = ["names", "yes/no", "sentences"] as const;
type Form = (typeof FORMS)[number];

const record = (id: string, prompt: string, options: string[], answer: string): InstructionRecord =>
  ({ id, messages: [{ role: "user", content: `${prompt}\n\nOPTIONS:\n${options.map((o) => `- ${o}`).join("\n")}` }, { role: "assistant", content: answer }], metadata: {} }) as unknown as InstructionRecord;

/** Every evaluation-side fact of the relations, asked in each form. */
function items(seed: number): Record<Form, InstructionRecord[]> {
  const w = generateWorld(0);
  const rng = new Rng(`pilot-closed-book/${seed}`);
  const out: Record<Form, InstructionRecord[]> = { names: [], "yes/no": [], sentences: [] };
  const subjects = [...w.countries.map((c) => c.name), ...w.cities.map((c) => c.name), ...w.people.map((p) => p.name)];
  for (const subject of subjects) {
    for (const relation of CHOICE_RELATIONS) {
      const truths = factsAbout(w, subject).filter((f) => f.relation === relation).map((f) => f.object);
      if (truths.length === 0) continue;
      const fact: Fact = { subject, relation, object: truths[0] };
      if (splitOfFact(w, fact) !== "eval") continue;
      const options = choiceOptions(rng, fact.object, distractorValues(w, relation, truths));
      const question = rng.pick(questionsFor(w, relation, subject));
      const sentence = (object: string) => canonicalSentence(w, { ...fact, object });
      const id = `${subject}/${relation}`;
      out.names.push(record(id, question, options, fact.object));
      out.sentences.push(record(id, question, options.map(sentence), sentence(fact.object)));
      const truth = rng.chance(0.5);
      out["yes/no"].push(record(id, `${sentence(truth ? fact.object : otherValue(w, rng, fact)!)} Is that right?`, ["yes", "no"], truth ? "yes" : "no"));
    }
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { seed: { type: "string", default: "100" }, template: { type: "string", default: "alpaca" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  if (values.help || positionals.length === 0) {
    console.log("usage: node --import tsx scripts/pilot-closed-book.ts [--seed 100] [--template alpaca] MODEL...\n  MODEL: a bundled model name or a model directory (a tuned cell's run/model)");
    return;
  }
  const seed = Number(values.seed);
  const byForm = items(seed);
  const template = getTemplate(values.template as "alpaca");
  console.log(`${byForm.names.length} facts (evaluation-side subjects, ${CHOICE_RELATIONS.length} relations), seed ${seed}; rank classification under the ${values.template} template`);
  for (const form of FORMS) {
    const recs = byForm[form];
    const counts = new Map<string, number>();
    for (const r of recs) counts.set(r.messages[1].content, (counts.get(r.messages[1].content) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / recs.length;
    console.log(`  ${form}: chance ${form === "yes/no" ? "50%" : "25%"}${form === "yes/no" ? `, always the commoner answer ${pct(majority)}` : ""}`);
  }
  for (const name of positionals) {
    const m = await loadModel(name);
    const line: string[] = [];
    for (const form of FORMS) {
      const recs = byForm[form];
      const ranked = await rankClassify(m.model, m.tokenizer, template, recs);
      const outcomes: Outcomes = new Map([[seed, new Map(recs.map((r) => [r.id, ranked.get(r.id)?.choice === r.messages[1].content ? 1 : 0]))]]);
      const e = estimate(outcomes);
      line.push(`${form} ${pct(e.mean)} [${pct(e.low)}, ${pct(e.high)}]`);
    }
    m.model.dispose();
    console.log(`${name}: ${line.join("; ")}`);
  }
}

main().catch((e) => process.exit(reportError(e)));
