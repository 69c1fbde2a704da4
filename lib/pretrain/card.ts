/** The model card (README.md) written next to a pretrained model: what it is, how it was made, what it knows. */
import { MetricsLog, type StepMetrics } from "../train/metrics";
import { firstLine } from "../errors";
import type { EngineInfo } from "../engine/backend";
import type { TrainResult } from "../train/trainer";
import type { PretrainConfig } from "./config";
import type { ProbeSummary, WorldKnowledge } from "./probes";

/** What a pretraining run reports, and its model card is written from. */
export interface PretrainReport {
  config: PretrainConfig;
  engine: EngineInfo;
  parameters: number;
  corpus: { trainChars: number; trainTokens: number; validationTokens: number; documents: number };
  trainingTokens: number;
  result: TrainResult;
  tokensPerSecond: number;
  probes: ProbeSummary;
  /** Cloze accuracy on every fact of the world with a canonical sentence, per relation. */
  knowledge: WorldKnowledge;
  samples: { prompt: string; output: string }[];
  modelDir: string;
  command: string;
}

const fmt = (n: number, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

export function modelCard(r: PretrainReport, metricsPath: string): string {
  const c = r.config;
  const lines = new MetricsLog(metricsPath).read();
  const steps = lines.filter((l): l is StepMetrics => l.type === "train");
  const lastTrain = steps.slice(-20).reduce((s, l) => s + l.loss, 0) / Math.max(1, Math.min(20, steps.length));
  const inTokens = (l: StepMetrics) => l.input_tokens ?? l.tokens;
  const tps = steps.length ? steps.reduce((s, l) => s + inTokens(l), 0) / steps.reduce((s, l) => s + inTokens(l) / l.tokens_per_s, 0) : NaN;
  r.tokensPerSecond = tps;
  const ev = r.result.lastEval;
  const uniform = Math.log(c.vocabSize);
  const p = r.probes;
  const byRel = new Map<string, { n: number; cloze: number; instr: number }>();
  for (const x of p.results) {
    const e = byRel.get(x.relation) ?? { n: 0, cloze: 0, instr: 0 };
    e.n++; e.cloze += +x.clozeCorrect; e.instr += +x.instructionCorrect;
    byRel.set(x.relation, e);
  }
  const examples = p.results.filter((x) => x.relation === "capital").slice(0, 3);
  return `# ${c.name}

A small GPT-2 (${r.parameters.toLocaleString("en-US")} parameters) pretrained from scratch by nanoinstruct on the prose corpus
of a synthetic world. It is a **base model**: it knows the world's facts and skills as prose, but it was never shown
an instruction format, so it does not follow instructions. Instruction tuning (notebooks 00 and 03) teaches it that.

| | |
|---|---|
| architecture | GPT-2: ${c.nLayer} layers, ${c.nHead} heads, ${c.nEmbd} dim, context ${c.blockSize}, tied embeddings, GELU (tanh) |
| parameters | ${r.parameters.toLocaleString("en-US")} |
| tokenizer | byte-level BPE trained by nanoinstruct on the corpus, ${c.vocabSize} tokens (special: <\\|endoftext\\|>, <\\|pad\\|>, <\\|im_start\\|>, <\\|im_end\\|>) |
| corpus | world seed ${c.worldSeed}, corpus seed ${c.corpusSeed}: ${r.corpus.documents.toLocaleString("en-US")} documents, ${(r.corpus.trainChars / 1e6).toFixed(2)} MB, ${r.corpus.trainTokens.toLocaleString("en-US")} tokens; ${r.corpus.validationTokens.toLocaleString("en-US")} held-out validation tokens |
| training | ${r.result.steps} steps × ${c.train.batchSize} × ${c.blockSize} = ${r.trainingTokens.toLocaleString("en-US")} tokens (${fmt(r.trainingTokens / r.corpus.trainTokens, 2)} epochs), AdamW lr ${c.train.learningRate} (${c.train.schedule}, warmup ${c.train.warmupSteps}), weight decay ${c.train.weightDecay}, clip ${c.train.gradClip}, init seed ${c.initSeed} |
| hardware | ${r.engine.backend} backend (${r.engine.device}), 2-core CPU |
| wall time | ${fmt(r.result.seconds / 60, 1)} min of training, ${Math.round(tps).toLocaleString("en-US")} tokens/s |
| final train loss | ${fmt(lastTrain)} (mean of the last 20 steps) |
| validation loss | ${fmt(ev?.eval_loss ?? NaN)} nats/token, perplexity ${fmt(ev?.eval_perplexity ?? NaN, 2)} (uniform baseline: ${fmt(uniform)} nats, perplexity ${c.vocabSize}) |

## What it knows, and what it does not do

**Every fact of its world**, asked as a cloze in the corpus's canonical sentence (greedy decoding; the continuation
must match exactly; \`npm run eval:base\` prints this table): **${fmt(100 * r.knowledge.accuracy, 1)}%** of
${r.knowledge.n} facts (chance ${fmt(100 * r.knowledge.chance, 1)}%, guessing among each relation's answers);
${r.knowledge.byRelation.filter((x) => x.accuracy < 0.75).length} of ${r.knowledge.byRelation.length} relations below 75%.

| relation | facts | cloze accuracy | chance |
|---|---|---|---|
${[...r.knowledge.byRelation].sort((a, b) => a.accuracy - b.accuracy).map((x) => `| ${x.relation} | ${x.n} | ${fmt(x.accuracy, 2)} | ${fmt(x.chance, 2)} |`).join("\n")}

${r.knowledge.misses.slice(0, 4).map((m) => `- miss: \`${m.prompt}\` → \`${firstLine(m.output.trim()).slice(0, 50)}\` (answer ${m.answer})`).join("\n")}

**Instructions.** The facts of eight relations (at most 20 each), asked as clozes and as Alpaca instructions; the
instruction is scored by exact match of the response's first line:

| relation | probes | cloze accuracy | instruction exact match |
|---|---|---|---|
${[...byRel.entries()].map(([rel, e]) => `| ${rel} | ${e.n} | ${fmt(e.cloze / e.n, 2)} | ${fmt(e.instr / e.n, 2)} |`).join("\n")}
| **all** | ${p.n} | **${fmt(p.clozeAccuracy, 2)}** (chance ${fmt(p.chance, 2)}) | **${fmt(p.instructionExactMatch, 2)}** |

${examples.map((x) => `- cloze \`The capital of ${x.subject} is\` → \`${firstLine(x.cloze.trim())}\` (answer ${x.answer}); instruction \`${x.instruction}\` → \`${firstLine(x.instructionOutput.trim()).slice(0, 80)}\``).join("\n")}

## Samples (greedy)

${r.samples.map((s) => `- **${s.prompt}**${s.output.replace(/\n/g, " ")}`).join("\n")}

## Reproduce

\`\`\`
${r.command}
\`\`\`

The run is deterministic for a given backend: same seeds, same data order, same weights.
`;
}
