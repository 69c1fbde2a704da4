/**
 * Runs the scaling study of experiments/scaling/study.json: measures each size's training throughput on this
 * machine, pretrains every (size, wall-clock budget) cell with the same recipe as `nanoinstruct pretrain`, fits
 * L(N, D) = E + A/N^alpha + B/D^beta and chooses the size with the lowest predicted loss for the time budget.
 *
 *   node --import tsx scripts/scaling.ts [--study FILE] [--only-fit]
 *
 * Resumable: cells already in results.jsonl (next to the study file) are not run again. Writes fit.json there.
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { writeJsonAtomic } from "../lib/fsutil";
import { readConfigFile } from "../lib/config";
import { readJsonl } from "../lib/json";
import { initEngine } from "../lib/engine/backend";
import { GPT } from "../lib/model/gpt";
import { trainBpe } from "../lib/tokenizer";
import { generateWorld, generateCorpus } from "../lib/world/index";
import { train } from "../lib/train/trainer";
import { encodeDocuments, windowSource } from "../lib/pretrain/data";
import { pretrain } from "../lib/pretrain/run";
import { DEFAULT_PRETRAIN, type PretrainConfig } from "../lib/pretrain/config";
import { chooseModel, fitLoss, fitThroughput, gpt2Params, type ScalingPoint } from "../lib/pretrain/scaling";
import { MetricsLog, type StepMetrics } from "../lib/train/metrics";

interface Size { name: string; nLayer: number; nHead: number; nEmbd: number; learningRate: number; /** Overrides the study's budgets for this size. */ budgetsSeconds?: number[] }
interface Study {
  worldSeed: number; corpusSeed: number; corpusChars: number; vocabSize: number; blockSize: number; batchSize: number;
  budgetsSeconds: number[]; chooseForSeconds: number; maxBytes: number; sizes: Size[];
  /** Trainer worker threads per run (0 = one per core). */
  workers: number;
  /** Runs shorter than this are left out of the fit (still in the steep start of training). */
  minTokensForFit: number;
}

const args = process.argv.slice(2);
const studyFile = args.includes("--study") ? args[args.indexOf("--study") + 1] : "experiments/scaling/study.json";
const study = readConfigFile(studyFile) as Study;
const dir = dirname(studyFile);
const resultsFile = join(dir, "results.jsonl");
const speedFile = join(dir, "throughput.json");
const say = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const readSpeed = () => (readConfigFile(speedFile) as { tokensPerSecond: Record<string, number> }).tokensPerSecond;

function readResults(): (ScalingPoint & { budgetSeconds: number; size: string; seconds: number })[] {
  return readJsonl(resultsFile).map((l) => l.value as ScalingPoint & { budgetSeconds: number; size: string; seconds: number });
}

/**
 * Tokens per second of each size's training step on this machine: the median of the steps after warm-up of a
 * short run (with worker threads the first ten or so steps are slower while they start and compile).
 */
async function measureThroughput(): Promise<Record<string, number>> {
  if (existsSync(speedFile)) return readSpeed();
  await initEngine();
  const world = generateWorld(study.worldSeed);
  const corpus = generateCorpus(world, { seed: study.corpusSeed, charsTarget: 400_000 });
  const texts = corpus.train.map((d) => d.text);
  const tokenizer = trainBpe(texts, { vocabSize: study.vocabSize });
  const rows = windowSource(encodeDocuments(texts, tokenizer), study.blockSize);
  const out: Record<string, number> = {};
  for (const s of study.sizes) {
    const runDir = mkdtempSync(join(tmpdir(), "nanoinstruct-speed-"));
    const model = GPT.create({ vocabSize: study.vocabSize, blockSize: study.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: 0, layerNormEpsilon: 1e-5 }, 0);
    await train({
      model, train: rows, runDir, configHash: "throughput",
      config: { ...DEFAULT_PRETRAIN.train, workers: study.workers, maxSteps: study.workers === 1 ? 12 : 30, batchSize: study.batchSize, microBatchSize: study.batchSize, learningRate: s.learningRate, warmupSteps: 2, evalEvery: 0, evalRows: 0, checkpointEvery: 0, padId: tokenizer.eosId },
    });
    const steps = new MetricsLog(join(runDir, "metrics.jsonl")).read().filter((l) => l.type === "train") as StepMetrics[];
    const tps = steps.slice(study.workers === 1 ? 3 : 20).map((l) => l.tokens_per_s).sort((a, b) => a - b);
    out[s.name] = tps[Math.floor(tps.length / 2)];
    say(`${s.name}: ${model.parameterCount().toLocaleString("en-US")} parameters, ${Math.round(out[s.name])} tokens/s`);
    model.dispose();
    rmSync(runDir, { recursive: true, force: true });
  }
  writeJsonAtomic(speedFile, { measuredAt: new Date().toISOString(), tokensPerSecond: out });
  return out;
}

function cellConfig(s: Size, budget: number, tps: number): PretrainConfig {
  const tokensPerStep = study.batchSize * study.blockSize;
  const maxSteps = Math.max(20, Math.round((budget * tps) / tokensPerStep));
  return {
    ...DEFAULT_PRETRAIN,
    name: `scaling-${s.name}-${budget}s`, outDir: join("runs/scaling", `${s.name}-${budget}s`), exportDir: "",
    worldSeed: study.worldSeed, corpusSeed: study.corpusSeed, corpusChars: study.corpusChars, vocabSize: study.vocabSize,
    nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, blockSize: study.blockSize, dropout: 0, initSeed: 0,
    train: {
      ...DEFAULT_PRETRAIN.train, maxSteps, batchSize: study.batchSize, microBatchSize: study.batchSize, learningRate: s.learningRate,
      schedule: "cosine", warmupSteps: Math.max(5, Math.round(maxSteps * 0.03)), minLrRatio: 0.1, evalEvery: maxSteps, evalRows: 128,
      checkpointEvery: maxSteps, seed: 0, workers: study.workers,
    },
  };
}

async function main() {
  if (!args.includes("--only-fit")) {
    const speed = await measureThroughput();
    const done = new Set(readResults().map((r) => r.name));
    for (const budget of [...new Set(study.sizes.flatMap((s) => s.budgetsSeconds ?? study.budgetsSeconds))].sort((a, b) => a - b)) {
      for (const s of study.sizes) {
        if (!(s.budgetsSeconds ?? study.budgetsSeconds).includes(budget)) continue;
        const name = `${s.name}-${budget}s`;
        if (done.has(name)) continue;
        const cfg = cellConfig(s, budget, speed[s.name]);
        say(`${name}: ${cfg.train.maxSteps} steps (${(cfg.train.maxSteps * study.batchSize * study.blockSize / 1e6).toFixed(2)}M tokens)`);
        const t0 = performance.now();
        // A cell killed midway left its own run directory: start it over (overwrite deletes nothing else).
        const r = await pretrain(cfg, { overwrite: true, command: `node --import tsx scripts/scaling.ts --study ${studyFile}` });
        const seconds = (performance.now() - t0) / 1000;
        const point = {
          name, size: s.name, budgetSeconds: budget, params: r.parameters, tokens: r.trainingTokens,
          valLoss: r.result.lastEval!.eval_loss, cloze: r.probes.clozeAccuracy, tokensPerSecond: speed[s.name],
          trainSeconds: r.result.seconds, seconds, achievedTokensPerSecond: r.trainingTokens / r.result.seconds,
          clozeByRelation: Object.fromEntries([...new Set(r.probes.results.map((x) => x.relation))].map((rel) => {
            const xs = r.probes.results.filter((x) => x.relation === rel);
            return [rel, xs.filter((x) => x.clozeCorrect).length / xs.length];
          })),
        };
        appendFileSync(resultsFile, JSON.stringify(point) + "\n");
        say(`${name}: val loss ${point.valLoss.toFixed(4)}, cloze ${(point.cloze * 100).toFixed(1)}%, ${Math.round(r.result.seconds)} s of training`);
      }
    }
  }
  const all = readResults();
  const points = all.filter((p) => p.tokens >= study.minTokensForFit);
  say(`fitting on ${points.length} of ${all.length} runs (at least ${study.minTokensForFit.toLocaleString("en-US")} tokens)`);
  const fit = fitLoss(points);
  // Throughput as measured at the start of the study (the trainer's setting for the study, on this machine).
  const measured = readSpeed();
  const candidates = study.sizes.map((s) => {
    const params = gpt2Params({ vocabSize: study.vocabSize, blockSize: study.blockSize, nLayer: s.nLayer, nEmbd: s.nEmbd });
    return { name: s.name, params, bytes: params * 4, tokensPerSecond: measured[s.name] };
  });
  const speed = fitThroughput(candidates.filter((c) => c.tokensPerSecond).map((c) => ({ params: c.params, tokensPerSecond: c.tokensPerSecond! })));
  const f16 = candidates.map((c) => ({ ...c, name: `${c.name} (float16)`, bytes: c.params * 2 }));
  const choice = chooseModel(fit, speed, [...candidates, ...f16], study.chooseForSeconds, study.maxBytes);
  say(`fit: L = ${fit.E.toFixed(3)} + ${fit.A.toExponential(3)} / N^${fit.alpha.toFixed(3)} + ${fit.B.toExponential(3)} / D^${fit.beta.toFixed(3)} (rmse ${fit.rmse.toFixed(4)} over ${fit.n} runs)`);
  say(`throughput: ${speed.k.toExponential(3)} * N^-${speed.gamma.toFixed(3)} tokens/s`);
  for (const r of choice.ranking) say(`  ${r.name.padEnd(20)} ${(r.params / 1e6).toFixed(2)}M params, ${(r.tokens / 1e6).toFixed(1)}M tokens in ${study.chooseForSeconds} s -> predicted loss ${r.predictedLoss.toFixed(4)}${r.fits ? "" : " (too big)"}`);
  say(`chosen for ${study.chooseForSeconds} s within ${study.maxBytes} bytes: ${choice.candidate.name}`);
  writeJsonAtomic(join(dir, "fit.json"), { fit, throughput: speed, choice, points: points.length });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
